import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChildProcess } from 'node:child_process';
import { demoPassword, exited, spawnMatterline, testEnv, waitFor } from '../support/matterline.js';
import type { TestDatabase } from '../support/test-database.js';
import { createTestDatabase } from '../support/test-database.js';
import { ApiClient } from './auth-test-client.js';

const phone = '+15558887766';
const secretKey = 'c0ffee'.repeat(10) + 'beef';
const metricsToken = 'log-test-metrics-token-7f3a9c1e55';
const texts = {
  first: 'My landlord changed the locks, apartment 4B, code word marigold',
  reply: 'We will call you about the locks this afternoon, code word juniper',
};

// A whole conversation runs through a real Matterline process at the most talkative log level; then every line it
// wrote is searched for what must never be there: message bodies, phone numbers, passwords, tokens, keys.
describe('what the logs never contain', () => {
  let database: TestDatabase;
  let child: ChildProcess;
  let output = '';
  let url = '';
  const secrets: string[] = [];

  beforeAll(async () => {
    database = await createTestDatabase();
    const env = { ...testEnv({ databaseUrl: database.url, queue: 'redis' }), LOG_LEVEL: 'trace', MATTERLINE_SECRET_KEY: secretKey, MATTERLINE_METRICS_TOKEN: metricsToken };
    secrets.push(demoPassword, secretKey, metricsToken);
    child = spawnMatterline('main', env);
    child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    url = await waitFor(async () => /Matterline is up at (http:\/\/\S+)/.exec(output)?.[1], { what: 'Matterline to start', timeoutMs: 60_000 });
  });
  afterAll(async () => {
    if (child && child.exitCode === null) {
      child.kill('SIGKILL');
      await exited(child);
    }
    await database?.drop();
  });

  const inbound = async (text: string, id: string) => {
    const response = await fetch(`${url}/api/simulator/demo/inbound`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ from: phone, text, id, name: 'Tess Tenant' }),
    });
    expect(response.status).toBe(202);
    return (await response.json()) as { conversationId: string };
  };
  const sentToPhone = async () => ((await (await fetch(`${url}/api/simulator/demo/phones/${phone}`)).json()) as { text: string }[]).map((m) => m.text);

  it('runs inbound, consent, a reply and STOP, and logs none of their words, the number, or any secret', async () => {
    const { conversationId } = await inbound(texts.first, 'log-1');
    await waitFor(async () => (await sentToPhone()).length === 1, { what: 'the consent request' });
    await inbound('YES', 'log-2');
    await waitFor(async () => (await sentToPhone()).length === 2, { what: 'the confirmation' });

    const wrong = new ApiClient(url);
    expect((await wrong.login('admin@demo.test', 'not-the-password-quartz')).status).toBe(401);
    secrets.push('not-the-password-quartz');
    const admin = new ApiClient(url);
    expect((await admin.login('admin@demo.test', secrets[0])).status).toBe(200);
    secrets.push(admin.cookie!.split('=')[1]!, admin.csrfToken!);
    const reply = await admin.post(`/api/conversations/${conversationId}/messages`, { text: texts.reply });
    expect(reply.status).toBe(202);
    const requestId = reply.headers.get('x-request-id');
    await waitFor(async () => (await sentToPhone()).includes(texts.reply), { what: 'the reply' });
    await inbound('STOP', 'log-3');
    await waitFor(async () => (await sentToPhone()).length === 4, { what: 'the opt-out confirmation' });
    expect((await fetch(`${url}/metrics`, { headers: { authorization: `Bearer ${metricsToken}` } })).status).toBe(200);
    const sent = await sentToPhone();

    child.kill('SIGTERM');
    expect((await exited(child)).code).toBe(0);

    const lines = output.split('\n').filter((line) => line.startsWith('{'));
    expect(lines.length).toBeGreaterThan(10);
    // Structured: JSON lines, HTTP ones with the request id the response carried.
    const records = lines.map((line) => JSON.parse(line) as { level: number; msg?: string; req?: { id: string; path: string } });
    expect(records.some((record) => record.req?.id === requestId)).toBe(true);
    expect(records.filter((record) => record.req).every((record) => !record.req!.path.includes('5558887766'))).toBe(true);

    const everything = output.toLowerCase();
    for (const text of [...Object.values(texts), ...sent]) {
      for (const word of ['marigold', 'juniper', text]) expect(everything, `log contains "${word}"`).not.toContain(word.toLowerCase());
    }
    expect(everything).not.toMatch(/5558887766/);
    expect(everything).not.toContain('tess tenant');
    // (The start-up banner shows the demo sign-in on purpose, as README says; the log lines never do.)
    const logText = lines.join('\n').toLowerCase();
    for (const secret of secrets) expect(logText, 'a secret is in the log').not.toContain(secret.toLowerCase());
    for (const secret of secrets.slice(1)) expect(everything, 'a secret is in the output').not.toContain(secret.toLowerCase());
  });
});
