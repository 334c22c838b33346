import { demoUsers } from './core/seed-demo-firm.js';
import { buildWebApp } from './http/web-bundle.js';
import { runProcess } from './run-process.js';

// The web app is compiled at start (esbuild, in memory), not at the first visitor's page load.
void buildWebApp().catch((error: unknown) => process.stderr.write(`the web app did not compile: ${String(error)}\n`));

await runProcess({}, (running) => {
  const lines = [`Matterline is up at ${running.url ?? '(no HTTP in this process)'}`];
  if (running.demo) {
    lines.push(
      '',
      'Demo firm "Demo Law LLP": sign in as any of',
      ...demoUsers.map((user) => `  ${user.email.padEnd(22)} (${user.role})`),
      `  password: ${running.demo.password}${running.config.demoPassword ? ' (MATTERLINE_DEMO_PASSWORD)' : ' (generated; set MATTERLINE_DEMO_PASSWORD to choose one)'}`,
      '',
      'Play a client texting the firm through the simulator account "demo":',
      `  curl -X POST ${running.url}/api/simulator/demo/inbound -H 'content-type: application/json' \\`,
      `       -d '{"from":"+15550100001","text":"Hello, any news on my case?"}'`,
    );
  }
  process.stdout.write(`${lines.join('\n')}\n`);
});
