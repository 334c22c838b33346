import { spawn } from 'node:child_process';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordAudit } from '../../src/core/audit/record-audit.js';
import type { Database } from '../../src/db/prisma.js';
import { openDatabase } from '../../src/db/prisma.js';
import { repoRoot } from '../support/matterline.js';
import type { TestDatabase } from '../support/test-database.js';
import { createTestDatabase } from '../support/test-database.js';

interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** The real command, `bin/matterline.js`, in a process of its own, as an operator runs `npx matterline`. */
function matterline(args: string[], databaseUrl: string): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(repoRoot, 'bin/matterline.js'), ...args], {
      cwd: repoRoot,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', DATABASE_URL: databaseUrl, LOG_LEVEL: 'silent' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

// The audit log refuses changes, and `matterline audit verify` finds the one a superuser forced through anyway.
describe('the append-only audit log and `matterline audit verify`', () => {
  let database: TestDatabase;
  let db: Database;
  const ids: string[] = [];

  beforeAll(async () => {
    database = await createTestDatabase();
    db = openDatabase({ url: database.url });
    for (let n = 0; n < 5; n++) {
      const recorded = await recordAudit(db.pool, { firmId: null, actorKind: 'system', action: 'test.event', subjectType: 'test', subjectId: String(n), details: { n } });
      ids.push(recorded.id);
    }
  });
  afterAll(async () => {
    await db?.close();
    await database?.drop();
  });

  it('refuses UPDATE, DELETE and TRUNCATE of audit rows, even from a superuser who leaves the trigger on', async () => {
    await expect(db.pool.query(`UPDATE "AuditEvent" SET action = 'changed' WHERE id = $1`, [ids[1]])).rejects.toThrow(/append-only: UPDATE/);
    await expect(db.pool.query(`DELETE FROM "AuditEvent" WHERE id = $1`, [ids[1]])).rejects.toThrow(/append-only: DELETE/);
    await expect(db.pool.query(`TRUNCATE "AuditEvent"`)).rejects.toThrow(/append-only: TRUNCATE/);
    const kept = await db.pool.query(`SELECT count(*)::int AS n FROM "AuditEvent" WHERE action = 'test.event'`);
    expect(kept.rows[0]).toEqual({ n: 5 });
  });

  it('passes an intact chain with exit code 0', async () => {
    const run = await matterline(['audit', 'verify'], database.url);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain('audit chain intact: 5 events verified');
  });

  it('names the tampered row and exits non-zero', async () => {
    // What a superuser can do: switch triggers off for one transaction and rewrite a row.
    const tamperer = new pg.Client({ connectionString: database.url });
    await tamperer.connect();
    try {
      await tamperer.query('BEGIN');
      await tamperer.query(`SET LOCAL session_replication_role = replica`);
      await tamperer.query(`UPDATE "AuditEvent" SET details = '{"n": 99}' WHERE id = $1`, [ids[2]]);
      await tamperer.query('COMMIT');
    } finally {
      await tamperer.end();
    }
    const run = await matterline(['audit', 'verify'], database.url);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`audit chain broken at event ${ids[2]}: hash does not match the row: its content was changed (3 events checked)`);
    const json = await matterline(['audit', 'verify', '--json'], database.url);
    expect(json.code).toBe(1);
    expect(JSON.parse(json.stdout)).toMatchObject({ ok: false, brokenAtId: ids[2], count: 3 });
  });

  it('shows its help, and fails with exit code 2 on an unknown command or an unreachable database', async () => {
    const help = await matterline(['--help'], database.url);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/audit\s+the hash-chained audit log/);
    expect((await matterline(['audti'], database.url)).code).toBe(2);
    const unreachable = await matterline(['audit', 'verify'], 'postgres://postgres@127.0.0.1:1/nowhere');
    expect(unreachable.code).toBe(2);
    expect(unreachable.stderr).toMatch(/^matterline: /);
  });
});
