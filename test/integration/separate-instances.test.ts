import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig, queuePrefixFor } from '../../src/config.js';
import { createLogger } from '../../src/logger.js';
import type { RunningMatterline } from '../../src/runtime/start-matterline.js';
import { startMatterline } from '../../src/runtime/start-matterline.js';
import { repoRoot } from '../support/matterline.js';

// Two checkouts side by side, both on embedded defaults: each has its own PostgreSQL server and its own queues; a
// port set to the other's is refused with the folder that holds it named; the CLI finds the server of its own folder.
describe('two instances on one machine', () => {
  const running: RunningMatterline[] = [];
  const folder = (name: string) => mkdtempSync(path.join(tmpdir(), `matterline-${name}-`));
  const start = async (env: Record<string, string>) => {
    const config = loadConfig({ NODE_ENV: 'test', PORT: '0', LOG_LEVEL: 'silent', MATTERLINE_QUEUE_BACKEND: 'postgres', MATTERLINE_ROLE: 'server', MATTERLINE_SEED_DEMO: 'false', ...env });
    const app = await startMatterline(config, createLogger(config));
    running.push(app);
    return app;
  };
  afterAll(async () => {
    for (const app of running.reverse()) await app.stop();
  });

  it('never share a database or a queue, and a taken port is refused by name', { timeout: 240_000 }, async () => {
    const first = folder('first');
    const second = folder('second');
    const a = await start({ MATTERLINE_DATA_DIR: first });
    const b = await start({ MATTERLINE_DATA_DIR: second });
    const dataDirectory = async (app: RunningMatterline) => (await app.db.pool.query<{ data_directory: string }>('SHOW data_directory')).rows[0]!.data_directory;
    expect(await dataDirectory(a)).toBe(path.join(first, 'postgres'));
    expect(await dataDirectory(b)).toBe(path.join(second, 'postgres'));
    const portOf = (app: RunningMatterline) => Number(new URL(app.databaseUrl).port);
    expect(portOf(a)).not.toBe(portOf(b));
    // The queues' prefix comes from the database: different, with nothing configured.
    expect(a.queuePrefix).toBe(queuePrefixFor(undefined, a.databaseUrl));
    expect(a.queuePrefix).not.toBe(b.queuePrefix);

    await expect(start({ MATTERLINE_DATA_DIR: folder('third'), MATTERLINE_EMBEDDED_PG_PORT: String(portOf(a)) })).rejects.toThrow(
      `MATTERLINE_EMBEDDED_PG_PORT ${portOf(a)} is taken by the embedded PostgreSQL of ${first}`,
    );

    // The CLI of the second folder reads the second instance's queues (its prefix), while both run.
    const cli = spawnSync(process.execPath, [path.join(repoRoot, 'bin/matterline.js'), 'queues', 'stats', '--json'], {
      cwd: repoRoot,
      encoding: 'utf8',
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', MATTERLINE_DATA_DIR: second, MATTERLINE_QUEUE_BACKEND: 'postgres', LOG_LEVEL: 'silent' },
      timeout: 60_000,
    });
    expect(cli.status, cli.stderr).toBe(0);
    expect((JSON.parse(cli.stdout) as { prefix: string }).prefix).toBe(b.queuePrefix);
  });
});
