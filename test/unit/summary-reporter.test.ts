import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '../..');

// CI reads the run's closing line: it must never say "0 failed" while vitest exits 1 because a setup hook failed.
describe('the closing summary line', () => {
  it('counts a file whose beforeAll failed as failed, beside the tests that passed', () => {
    const run = spawnSync(process.execPath, [path.join(root, 'node_modules/vitest/vitest.mjs'), 'run', '--config', 'test/fixtures/summary-reporter/vitest.config.ts'], {
      cwd: root,
      encoding: 'utf8',
      env: { ...process.env, CI: 'true', FORCE_COLOR: '0' },
      timeout: 60_000,
    });
    expect(run.status).toBe(1);
    const lines = run.stdout.trim().split('\n');
    expect(lines.at(-1)).toBe('1 passed, 1 failed, 2 skipped');
  });
});
