import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/logger.js';
import type { RunningMatterline } from '../../src/runtime/start-matterline.js';
import { startMatterline } from '../../src/runtime/start-matterline.js';
import { afterAll, beforeAll } from 'vitest';
import type { TestDatabase } from './test-database.js';
import { createTestDatabase } from './test-database.js';

export const demoPassword = 'demo-password-for-tests';
export const repoRoot = path.resolve(import.meta.dirname, '../..');

export interface TestMatterlineOptions {
  databaseUrl: string;
  queue: 'redis' | 'postgres';
  redisUrl?: string;
  prefix?: string;
  role?: 'all' | 'server' | 'worker';
  sweepIntervalMs?: number;
  receiptMs?: number;
  supervisorMs?: number;
  /** Further variables, over the defaults (MATTERLINE_TRUST_PROXY for a test behind a pretend proxy, ...). */
  extraEnv?: Record<string, string>;
}

/**
 * A queue prefix no other test uses: the run's id (test/global-setup.ts, which removes every Redis key of the run at
 * its end) and random bytes of its own.
 */
export const uniquePrefix = () => `t${process.env.MATTERLINE_TEST_RUN ?? randomBytes(2).toString('hex')}${randomBytes(3).toString('hex')}`;

/** The environment a Matterline process of a test gets: its own database, queue prefix and data folder. */
export function testEnv(options: TestMatterlineOptions): Record<string, string> {
  return {
    NODE_ENV: 'test',
    DATABASE_URL: options.databaseUrl,
    MATTERLINE_QUEUE_BACKEND: options.queue,
    ...(options.redisUrl ? { REDIS_URL: options.redisUrl } : {}),
    MATTERLINE_QUEUE_PREFIX: options.prefix ?? uniquePrefix(),
    MATTERLINE_ROLE: options.role ?? 'all',
    PORT: '0',
    LOG_LEVEL: 'silent',
    MATTERLINE_DEMO_PASSWORD: demoPassword,
    // DATABASE_URL is set, so both are off unless asked for: the tests play clients through the demo firm's simulator.
    MATTERLINE_SEED_DEMO: 'true',
    MATTERLINE_SIMULATOR: 'on',
    // The tests' provider doubles (Graph, Twilio, media hosts, the firm's webhook receivers) listen on loopback.
    MATTERLINE_FETCH_ALLOW: '127.0.0.1,::1,localhost',
    MATTERLINE_DATA_DIR: mkdtempSync(path.join(tmpdir(), 'matterline-test-')),
    MATTERLINE_SWEEP_INTERVAL_MS: String(options.sweepIntervalMs ?? 500),
    MATTERLINE_SIMULATOR_RECEIPT_MS: String(options.receiptMs ?? 50),
    MATTERLINE_ACCOUNT_SUPERVISOR_MS: String(options.supervisorMs ?? 1000),
    // Two test files run at once, some with several Matterline processes: small pools keep them all well inside
    // PostgreSQL's max_connections, and the workers' concurrency matches the pool.
    MATTERLINE_DB_POOL_MAX: '8',
    MATTERLINE_WORKER_CONCURRENCY: '6',
    ...options.extraEnv,
  };
}

/** Matterline in this test process, as `npm start` runs it. */
export async function startTestMatterline(options: TestMatterlineOptions): Promise<RunningMatterline> {
  const config = loadConfig(testEnv(options));
  return startMatterline(config, createLogger(config));
}

/**
 * For a describe block: a database of its own and Matterline in this test process, started before its tests and
 * stopped (the database dropped) after them. Read `app` and `database` inside the tests.
 */
export function useTestMatterline(options: Omit<TestMatterlineOptions, 'databaseUrl'>): { readonly app: RunningMatterline; readonly database: TestDatabase } {
  let database: TestDatabase | undefined;
  let app: RunningMatterline | undefined;
  beforeAll(async () => {
    database = await createTestDatabase();
    app = await startTestMatterline({ ...options, databaseUrl: database.url });
  });
  afterAll(async () => {
    await app?.stop();
    await database?.drop();
  });
  const started = <T>(value: T | undefined): T => {
    if (value === undefined) throw new Error('Matterline is started in beforeAll: use it inside a test');
    return value;
  };
  return {
    get app() {
      return started(app);
    },
    get database() {
      return started(database);
    },
  };
}

/** Matterline in a child process of its own (for SIGKILL and restarts): `src/main.ts` or `src/worker.ts`. */
export function spawnMatterline(entry: 'main' | 'worker', env: Record<string, string>): ChildProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(repoRoot, 'src', `${entry}.ts`)], {
    cwd: repoRoot,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.resume();
  child.stderr?.resume();
  return child;
}

export async function waitFor<T>(
  probe: () => Promise<T | undefined | false | null>,
  options: { timeoutMs?: number; intervalMs?: number; what?: string } = {},
): Promise<T> {
  const deadline = Date.now() + (options.timeoutMs ?? 30_000);
  let last: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined && value !== false && value !== null) return value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out waiting for ${options.what ?? 'a condition'}${last ? `: ${String(last)}` : ''}`);
    }
    await new Promise((resolve) => setTimeout(resolve, options.intervalMs ?? 100));
  }
}

export function exited(child: ChildProcess): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  if (child.exitCode !== null || child.signalCode !== null) {
    return Promise.resolve({ code: child.exitCode, signal: child.signalCode });
  }
  return new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
}
