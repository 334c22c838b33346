import { randomBytes } from 'node:crypto';
import pg from 'pg';
import type { MatterlineProcess } from './processes.js';
import { freePort, spawnMatterline, waitForLog, waitUntil } from './processes.js';
import { benchPassword } from './bench-database.js';

// A server process and a worker process on one bench database, as a firm runs them on one machine.

export interface PairOptions {
  databaseUrl: string;
  redisUrl: string;
  prefix: string;
  logDir: string;
  logLevel: string;
  /** Name the processes (log and profile files): `${label}-server`, `${label}-worker`. */
  label: string;
  cpuProfDir?: string;
  /** Server only (the search section needs no worker). */
  serverOnly?: boolean;
}

export interface MatterlinePair {
  url: string;
  server: MatterlineProcess;
  worker: MatterlineProcess | undefined;
  /** The bench's own connection to the same database, for waiting and checking (never for the measured work). */
  pool: pg.Pool;
  stop(): Promise<void>;
}

const secretKey = randomBytes(32).toString('hex');

export async function startPair(options: PairOptions): Promise<MatterlinePair> {
  const port = await freePort();
  const env = (role: 'server' | 'worker'): Record<string, string> => ({
    NODE_ENV: 'production',
    DATABASE_URL: options.databaseUrl,
    REDIS_URL: options.redisUrl,
    MATTERLINE_QUEUE_BACKEND: 'redis',
    MATTERLINE_QUEUE_PREFIX: options.prefix,
    MATTERLINE_ROLE: role,
    HOST: '127.0.0.1',
    PORT: String(role === 'server' ? port : 0),
    LOG_LEVEL: options.logLevel,
    MATTERLINE_DATA_DIR: options.logDir,
    MATTERLINE_SECRET_KEY: secretKey,
    MATTERLINE_DEMO_PASSWORD: benchPassword,
    MATTERLINE_SEED_DEMO: 'false',
    MATTERLINE_SIMULATOR: 'on',
    MATTERLINE_FETCH_ALLOW: '127.0.0.1,::1,localhost',
  });
  const cpuProfDir = options.cpuProfDir;
  const server = spawnMatterline({ name: `${options.label}-server`, entry: 'main', env: env('server'), logDir: options.logDir, ...(cpuProfDir ? { cpuProfDir } : {}) });
  const worker = options.serverOnly
    ? undefined
    : spawnMatterline({ name: `${options.label}-worker`, entry: 'worker', env: env('worker'), logDir: options.logDir, ...(cpuProfDir ? { cpuProfDir } : {}) });
  const pool = new pg.Pool({ connectionString: options.databaseUrl, max: 3, application_name: 'matterline-bench' });
  pool.on('error', () => undefined);
  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    await Promise.all([server.stop(), worker?.stop()]);
    await pool.end().catch(() => undefined);
  };
  try {
    await waitForLog(server, 'Matterline is up at');
    if (worker) await waitForLog(worker, 'Matterline worker is running');
    await waitUntil(async () => (await fetch(`${url}/healthz`)).ok, 'the server to answer /healthz');
  } catch (error) {
    await stop();
    throw error;
  }
  return { url, server, worker, pool, stop };
}

/** Waits until the worker has nothing left: no pending outbox row for a few polls in a row. */
export async function waitForDrain(pool: pg.Pool, timeoutMs = 600_000): Promise<void> {
  let quiet = 0;
  await waitUntil(
    async () => {
      const pending = await pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM "Outbox" WHERE status = 'pending'`);
      quiet = pending.rows[0]!.n === 0 ? quiet + 1 : 0;
      return quiet >= 3;
    },
    'the worker to finish every job',
    timeoutMs,
    500,
  );
}

/** A signed-in browser session of a demo user: its cookie and CSRF token. */
export async function signIn(url: string, email: string): Promise<{ cookie: string; csrfToken: string; userId: string }> {
  const response = await fetch(`${url}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password: benchPassword }),
  });
  const body = (await response.json()) as { csrfToken?: string; user?: { id: string } };
  const cookie = response.headers.getSetCookie().map((value) => value.split(';')[0]!).find((pair) => pair.startsWith('ml_session='));
  if (response.status !== 200 || !cookie || !body.csrfToken || !body.user) {
    throw new Error(`sign-in of ${email} failed: ${response.status} ${JSON.stringify(body)}`);
  }
  return { cookie, csrfToken: body.csrfToken, userId: body.user.id };
}
