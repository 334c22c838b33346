import { execFileSync, spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exited, repoRoot, testEnv, waitFor } from '../support/matterline.js';
import type { TestDatabase } from '../support/test-database.js';
import { createTestDatabase } from '../support/test-database.js';

// `npm start` and `npm run worker` as an operator runs them: SIGTERM sent to the process that was started (npm's)
// stops Matterline gracefully, the embedded PostgreSQL included, and leaves no process behind.

const freePort = () =>
  new Promise<number>((resolve) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });

/** Every process below `pid`, depth first (from /proc, as ps would show them). */
function descendants(pid: number): number[] {
  let children: number[] = [];
  try {
    children = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
  } catch {
    return [];
  }
  return children.flatMap((child) => [child, ...descendants(child)]);
}
const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

function npm(script: 'start' | 'worker', env: Record<string, string>): { child: ChildProcess; output: () => string } {
  let output = '';
  const child = spawn('npm', script === 'start' ? ['start'] : ['run', 'worker'], { cwd: repoRoot, env: { ...env, PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '' }, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  return { child, output: () => output };
}

async function stopsCleanly(run: ReturnType<typeof npm>, ready: RegExp): Promise<void> {
  await waitFor(async () => ready.test(run.output()), { what: `${ready} in the output`, timeoutMs: 90_000 });
  const below = descendants(run.child.pid!);
  expect(below.length).toBeGreaterThan(0);
  run.child.kill('SIGTERM');
  const ended = await exited(run.child);
  expect(ended.code, run.output()).toBe(0);
  await waitFor(async () => below.every((pid) => !alive(pid)), { what: 'every process npm started to end', timeoutMs: 30_000 });
  expect(run.output()).toMatch(/stopping: no new work/);
  expect(run.output()).toMatch(/"msg":"stopped"/);
}

describe('npm start and npm run worker stop on SIGTERM', () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(async () => {
    await database?.drop();
  });

  it('npm start on a database of its own, then npm run worker', async () => {
    const env = { ...testEnv({ databaseUrl: database.url, queue: 'postgres' }), LOG_LEVEL: 'info', PORT: String(await freePort()) };
    await stopsCleanly(npm('start', env), /Matterline is up at/);
    await stopsCleanly(npm('worker', { ...env, MATTERLINE_ROLE: 'worker' }), /Matterline worker is running/);
  });

  it('npm start on the embedded PostgreSQL: its server stops too', { timeout: 180_000 }, async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'matterline-npm-start-'));
    const env: Record<string, string> = {
      ...testEnv({ databaseUrl: 'unused', queue: 'postgres' }),
      LOG_LEVEL: 'info',
      PORT: String(await freePort()),
      MATTERLINE_DATA_DIR: dataDir,
      MATTERLINE_EMBEDDED_PG_PORT: String(await freePort()),
    };
    delete env.DATABASE_URL;
    const run = npm('start', env);
    await stopsCleanly(run, /Matterline is up at/);
    // No PostgreSQL of that data folder is left running.
    const left = execFileSync('ps', ['-eo', 'args'], { encoding: 'utf8' }).split('\n').filter((line) => line.includes(dataDir));
    expect(left).toEqual([]);
  });
});
