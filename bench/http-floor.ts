import { spawn } from 'node:child_process';
import { once } from 'node:events';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { phaseRequests } from './capture.js';
import { whatsapp } from './support/bench-database.js';
import type { BenchConfig } from './support/bench-config.js';
import { scaled } from './support/bench-config.js';
import { cpuMs } from './support/cpu-time.js';
import { HttpClient, closedLoop } from './support/http-load.js';

// How many webhooks a second this machine answers with no capture at all (bench/http-floor-child.ts), under the same
// load generator and concurrency as the capture at saturation: the ceiling HTTP alone puts on capture here.

export interface HttpFloorFigures {
  requests: number;
  perSecond: number;
  /** CPU ms per request of the server process and of the load generator. */
  serverCpuMs: number;
  generatorCpuMs: number;
}

const here = path.dirname(fileURLToPath(import.meta.url));

export async function runHttpFloor(options: { config: BenchConfig }): Promise<HttpFloorFigures> {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(here, 'http-floor-child.ts'), whatsapp.appSecret], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  try {
    const [line] = (await once(child.stdout, 'data')) as [Buffer];
    const { port } = JSON.parse(line.toString('utf8')) as { port: number };
    const client = new HttpClient(`http://127.0.0.1:${port}`);
    const warm = phaseRequests(40, 2000);
    await closedLoop({ client, concurrency: 16, count: warm.requests.length, request: (i) => warm.requests[i]! });
    const count = scaled(options.config, 20_000, 2000);
    const load = phaseRequests(41, count);
    const serverStart = cpuMs(child.pid!);
    const generatorStart = process.cpuUsage();
    const run = await closedLoop({ client, concurrency: options.config.concurrency, count, request: (i) => load.requests[i]! });
    const generator = process.cpuUsage(generatorStart);
    client.close();
    const failed = run.outcomes.filter((outcome) => outcome.status !== 200).length;
    if (failed > 0) throw new Error(`${failed} of ${count} requests to the HTTP floor server failed`);
    return {
      requests: count,
      perSecond: (count * 1000) / run.elapsedMs,
      serverCpuMs: (cpuMs(child.pid!) - serverStart) / count,
      generatorCpuMs: (generator.user + generator.system) / 1000 / count,
    };
  } finally {
    child.kill('SIGTERM');
  }
}
