import type { ChildProcess } from 'node:child_process';
import pg from 'pg';
import type { FakeProvider } from '../../bridges/support/fake-provider.js';
import { startFakeProvider } from '../../bridges/support/fake-provider.js';
import { graphApi } from '../../bridges/support/whatsapp-cloud-harness.js';
import { exited, spawnMatterline, testEnv, uniquePrefix, waitFor } from '../../support/matterline.js';
import { freePort } from '../../support/redis-server.js';
import type { TestDatabase } from '../../support/test-database.js';
import { createTestDatabase, endPool } from '../../support/test-database.js';

// Matterline as a firm runs it on one machine, for fault tests: a server process and a worker process (each one
// `node src/main.ts` / `node src/worker.ts`, killable with SIGKILL and restartable), a database of the test's own,
// a WhatsApp Cloud account whose webhooks the test signs, and Meta's Graph API played by a local fake.

export const whatsappAccount = {
  accountId: 'wa-faults',
  phoneNumberId: '1098765432101',
  accessToken: 'EAAG-faults-access-token',
  appSecret: 'faults-app-secret',
  verifyToken: 'faults-verify-token',
} as const;

export interface FaultRigOptions {
  queue: 'redis' | 'postgres';
  redisUrl?: string;
  /** The database URL the processes use (e.g. through a TCP proxy); the test's own checks connect directly. */
  processDatabaseUrl?(directUrl: string): string;
  sweepIntervalMs?: number;
}

export interface FaultRig {
  database: TestDatabase;
  /** A direct connection for the test's checks, never through a proxy. */
  pool: pg.Pool;
  graph: FakeProvider;
  serverUrl: string;
  startServer(): Promise<void>;
  killServer(): Promise<void>;
  startWorker(): Promise<void>;
  killWorker(): Promise<void>;
  /** The last lines a process wrote (warnings and errors), for failure messages. */
  output(role: 'server' | 'worker'): string;
  /** SIGTERM both processes; each must stop cleanly (exit code 0). */
  stopGracefully(): Promise<{ server: number | null; worker: number | null }>;
  close(): Promise<void>;
}

export async function startFaultRig(options: FaultRigOptions): Promise<FaultRig> {
  const database = await createTestDatabase();
  const pool = new pg.Pool({ connectionString: database.url, max: 3 });
  pool.on('error', () => undefined);
  const graph = await startFakeProvider(graphApi({ phoneNumberId: whatsappAccount.phoneNumberId, accessToken: whatsappAccount.accessToken }));
  const port = await freePort();
  const prefix = uniquePrefix();
  const databaseUrl = options.processDatabaseUrl?.(database.url) ?? database.url;
  const envs = new Map<'server' | 'worker', Record<string, string>>();
  const env = (role: 'server' | 'worker') => {
    const known = envs.get(role);
    if (known) return known;
    const created = {
      ...testEnv({
        databaseUrl,
        queue: options.queue,
        ...(options.redisUrl ? { redisUrl: options.redisUrl } : {}),
        prefix,
        role,
        sweepIntervalMs: options.sweepIntervalMs ?? 1000,
      }),
      PORT: role === 'server' ? String(port) : '0',
      // Warnings and errors are kept (the last few kilobytes of each process) for the failure message.
      LOG_LEVEL: 'warn',
      // Fewer connections to the shared PostgreSQL than the default; the work is the same.
      MATTERLINE_WORKER_CONCURRENCY: '6',
    };
    envs.set(role, created);
    return created;
  };
  const serverUrl = `http://127.0.0.1:${port}`;
  const processes: { server?: ChildProcess; worker?: ChildProcess } = {};
  const output = { server: '', worker: '' };
  const spawnRole = (role: 'server' | 'worker') => {
    output[role] = '';
    const child = spawnMatterline(role === 'server' ? 'main' : 'worker', env(role));
    const keep = (chunk: Buffer) => {
      output[role] = (output[role] + chunk.toString('utf8')).slice(-20_000);
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    processes[role] = child;
    return child;
  };
  const kill = async (child: ChildProcess | undefined) => {
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGKILL');
    await exited(child);
  };

  /** Starts a process and waits until it is up; restarted when the shared PostgreSQL had no connection left for it. */
  const startRole = async (role: 'server' | 'worker', up: (child: ChildProcess) => Promise<boolean | 'exited'>) => {
    for (let attempt = 1; ; attempt++) {
      const child = spawnRole(role);
      await waitFor(() => up(child), { timeoutMs: 90_000, intervalMs: 200, what: `the ${role} to start` });
      if (child.exitCode === null) return;
      // The machine's PostgreSQL is shared with every other test running now; when it has no connection left, a
      // process supervisor would start the process again, and so does this.
      if (attempt < 5 && /too many clients/.test(output[role])) {
        await new Promise((resolve) => setTimeout(resolve, 2000 * attempt));
        continue;
      }
      throw new Error(`the ${role} exited with ${child.exitCode}:\n${rig.output(role)}`);
    }
  };

  const rig: FaultRig = {
    database,
    pool,
    graph,
    serverUrl,
    startServer: () =>
      startRole('server', async (child) => {
        if (child.exitCode !== null) return 'exited';
        return (await fetch(`${serverUrl}/healthz`)).ok;
      }),
    killServer: () => kill(processes.server),
    startWorker: () => startRole('worker', async (child) => child.exitCode !== null || output.worker.includes('Matterline worker is running')),
    output: (role) => output[role].split('\n').slice(-40).join('\n'),
    killWorker: () => kill(processes.worker),
    async stopGracefully() {
      const stop = async (child: ChildProcess | undefined) => {
        if (!child || child.exitCode !== null || child.signalCode !== null) return child?.exitCode ?? null;
        child.kill('SIGTERM');
        return (await exited(child)).code;
      };
      const [server, worker] = await Promise.all([stop(processes.server), stop(processes.worker)]);
      return { server, worker };
    },
    async close() {
      await Promise.all([kill(processes.server), kill(processes.worker)]);
      await graph.stop();
      await endPool(pool);
      await database.drop();
    },
  };

  try {
    await rig.startServer();
    // The server seeded the demo firm on its empty database; the firm's WhatsApp Cloud number joins it.
    await pool.query(
      `INSERT INTO "ChannelAccount" (id, "firmId", kind, name, state, config)
       SELECT $1, id, 'whatsapp_cloud', 'WhatsApp Business', 'connected', $2::jsonb FROM "Firm" WHERE slug = 'demo'`,
      [
        whatsappAccount.accountId,
        JSON.stringify({
          phoneNumberId: whatsappAccount.phoneNumberId,
          accessToken: whatsappAccount.accessToken,
          appSecret: whatsappAccount.appSecret,
          verifyToken: whatsappAccount.verifyToken,
          graphBaseUrl: `${graph.url}/v21.0`,
        }),
      ],
    );
    await rig.startWorker();
  } catch (error) {
    await rig.close();
    throw error;
  }
  return rig;
}
