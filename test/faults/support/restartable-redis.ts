import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { Redis } from 'ioredis';
import { freePort } from '../../support/redis-server.js';

// A Redis server of the test's own that can be restarted on the same port, empty (no persistence), as a crashed
// and restarted Redis without AOF would be.

export interface RestartableRedis {
  url: string;
  /** A client of the test's own, for FLUSHALL and DBSIZE. */
  client: Redis;
  /** SIGKILL, then a fresh server on the same port, answering PING. */
  restart(options?: { downMs?: number }): Promise<void>;
  stop(): Promise<void>;
}

export async function startRestartableRedis(): Promise<RestartableRedis> {
  const port = await freePort();
  const url = `redis://127.0.0.1:${port}`;
  let child: ChildProcess;
  const launch = async () => {
    child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
    const probe = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    probe.on('error', () => undefined);
    try {
      for (let attempt = 0; ; attempt++) {
        try {
          await probe.connect();
          if ((await probe.ping()) === 'PONG') return;
        } catch (error) {
          if (attempt > 100) throw error;
          probe.disconnect();
          await new Promise((resolve) => setTimeout(resolve, 100));
        }
      }
    } finally {
      probe.disconnect();
    }
  };
  const kill = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const gone = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await gone;
  };
  await launch();
  // Retries for ever, so the test's client comes back after a restart like Matterline's do.
  const client = new Redis(url, { maxRetriesPerRequest: 3 });
  client.on('error', () => undefined);
  return {
    url,
    client,
    async restart(options = {}) {
      await kill();
      await new Promise((resolve) => setTimeout(resolve, options.downMs ?? 0));
      await launch();
    },
    async stop() {
      client.disconnect();
      await kill();
    },
  };
}
