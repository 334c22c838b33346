import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cp, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { createMigration } from '../../src/db/create-migration.js';
import { applyMigrations, diffMigrationsToSchema, MIGRATION_LOCK_KEY } from '../../src/db/migrate.js';
import { defaultMigrationsDir, defaultSchemaPath } from '../../src/db/migrations-dir.js';
import { createTemporaryDatabase, type TemporaryDatabase } from '../../src/db/temporary-database.js';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
const serverUrl = loadConfig().databaseUrl ?? 'postgres://postgres@127.0.0.1:5432/postgres';

const databases: TemporaryDatabase[] = [];
const scratchDirs: string[] = [];

async function freshDatabase(): Promise<TemporaryDatabase> {
  const database = await createTemporaryDatabase({ serverUrl, prefix: 'mig_test' });
  databases.push(database);
  return database;
}

async function withClient<T>(url: string, run: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await run(client);
  } finally {
    await client.end();
  }
}

async function migrationNames(): Promise<string[]> {
  const entries = await readdir(defaultMigrationsDir, { withFileTypes: true });
  return entries
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort();
}

async function modelTableNames(): Promise<string[]> {
  const schema = await readFile(defaultSchemaPath, 'utf8');
  return [...schema.matchAll(/^model (\w+) \{/gm)].map((match) => match[1] ?? '').sort();
}

interface MigrationRow {
  id: string;
  migration_name: string;
  checksum: string;
  finished_at: Date | null;
  rolled_back_at: Date | null;
  applied_steps_count: number;
}

function readMigrationRows(client: pg.Client): Promise<MigrationRow[]> {
  return client
    .query<MigrationRow>(
      `SELECT id, migration_name, checksum, finished_at, rolled_back_at, applied_steps_count
       FROM _prisma_migrations ORDER BY migration_name`,
    )
    .then((result) => result.rows);
}

async function expectFullyMigrated(url: string): Promise<MigrationRow[]> {
  const names = await migrationNames();
  const expectedTables = await modelTableNames();
  return withClient(url, async (client) => {
    const tables = await client.query<{ table_name: string }>(
      `SELECT table_name FROM information_schema.tables
       WHERE table_schema = 'public' AND table_type = 'BASE TABLE' AND table_name <> '_prisma_migrations'
       ORDER BY table_name`,
    );
    expect(tables.rows.map((row) => row.table_name).sort()).toEqual(expectedTables);

    const rows = await readMigrationRows(client);
    expect(rows.map((row) => row.migration_name)).toEqual(names);
    for (const row of rows) {
      expect(row.finished_at, `${row.migration_name} finished`).toBeInstanceOf(Date);
      expect(row.rolled_back_at).toBeNull();
      // What `prisma migrate deploy` compares to decide a migration was edited after it was applied.
      const script = await readFile(path.join(defaultMigrationsDir, row.migration_name, 'migration.sql'));
      expect(row.checksum).toBe(createHash('sha256').update(script).digest('hex'));
    }
    return rows;
  });
}

interface ProcessResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

function runNode(args: string[]): Promise<ProcessResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', ...args], { cwd: repoRoot, stdio: 'pipe' });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

// A separate OS process that migrates `databaseUrl` and prints what it applied, as a server starting would.
function migrateInAnotherProcess(databaseUrl: string): Promise<ProcessResult> {
  const migrateModule = pathToFileURL(path.join(repoRoot, 'src/db/migrate.ts')).href;
  const script = [
    `const { applyMigrations } = await import(${JSON.stringify(migrateModule)});`,
    `const result = await applyMigrations({ databaseUrl: ${JSON.stringify(databaseUrl)} });`,
    'process.stdout.write(JSON.stringify(result));',
  ].join('\n');
  return runNode(['--input-type=module', '--eval', script]);
}

async function waitFor(condition: () => Promise<boolean>, what: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

afterAll(async () => {
  await Promise.allSettled(databases.map((database) => database.drop()));
  await Promise.allSettled(scratchDirs.map((dir) => rm(dir, { recursive: true, force: true })));
});

describe('applying migrations', () => {
  it('two processes starting together on an empty database end with one correct schema', async () => {
    const database = await freshDatabase();

    // Hold the migration lock ourselves until both processes are queued behind it, so that they really do meet at
    // the lock instead of one happening to finish before the other starts.
    const blocker = new pg.Client({ connectionString: database.url });
    await blocker.connect();
    try {
      await blocker.query('SELECT pg_advisory_lock($1::bigint)', [MIGRATION_LOCK_KEY]);
      const first = migrateInAnotherProcess(database.url);
      const second = migrateInAnotherProcess(database.url);
      await waitFor(async () => {
        const waiting = await blocker.query<{ count: string }>(
          `SELECT count(*) FROM pg_locks
           WHERE locktype = 'advisory' AND NOT granted AND ((classid::bigint << 32) | objid::bigint) = $1::bigint`,
          [MIGRATION_LOCK_KEY],
        );
        return Number(waiting.rows[0]?.count) === 2;
      }, 'both processes to wait for the migration lock');
      await blocker.query('SELECT pg_advisory_unlock($1::bigint)', [MIGRATION_LOCK_KEY]);

      const results = await Promise.all([first, second]);
      for (const result of results) expect(result.code, result.stderr).toBe(0);
      const applied = results
        .map((result) => (JSON.parse(result.stdout) as { appliedMigrationNames: string[] }).appliedMigrationNames)
        .sort((a, b) => a.length - b.length);
      expect(applied).toEqual([[], await migrationNames()]);
    } finally {
      await blocker.end();
    }

    const rows = await expectFullyMigrated(database.url);
    expect(rows.every((row) => row.applied_steps_count === 1)).toBe(true);
  });

  it('applying twice changes nothing the second time', async () => {
    const database = await freshDatabase();
    const first = await applyMigrations({ databaseUrl: database.url });
    expect(first.appliedMigrationNames).toEqual(await migrationNames());
    const rowsAfterFirst = await expectFullyMigrated(database.url);

    const second = await applyMigrations({ databaseUrl: database.url });
    expect(second.appliedMigrationNames).toEqual([]);
    expect(await expectFullyMigrated(database.url)).toEqual(rowsAfterFirst);
  });

  it('gives up with a clear error when another process holds the lock too long', async () => {
    const database = await freshDatabase();
    await withClient(database.url, async (holder) => {
      await holder.query('SELECT pg_advisory_lock($1::bigint)', [MIGRATION_LOCK_KEY]);
      await expect(applyMigrations({ databaseUrl: database.url, lockTimeoutMs: 300 })).rejects.toThrow(
        /another process kept migrating this database for more than 300 ms/,
      );
    });
    await withClient(database.url, async (client) => {
      const tables = await client.query(`SELECT 1 FROM information_schema.tables WHERE table_schema = 'public'`);
      expect(tables.rowCount).toBe(0);
    });
  });
});

describe('schema.prisma and prisma/migrations', () => {
  it('agree: every change to schema.prisma has its migration', async () => {
    const difference = await diffMigrationsToSchema({ serverUrl });
    expect(
      difference,
      'schema.prisma describes more than prisma/migrations builds; run `npm run db:migration -- <name>`',
    ).toBe('');
  });

  it('a schema change without a migration is found, and db:migration writes it once', async () => {
    const scratch = await mkdtemp(path.join(tmpdir(), 'mig-test-'));
    scratchDirs.push(scratch);
    const migrationsDir = path.join(scratch, 'migrations');
    const schemaPath = path.join(scratch, 'schema.prisma');
    await cp(defaultMigrationsDir, migrationsDir, { recursive: true });
    const schema = await readFile(defaultSchemaPath, 'utf8');
    await writeFile(schemaPath, `${schema}\nmodel MigrationProbe {\n  id   Int    @id\n  note String?\n}\n`);

    const difference = await diffMigrationsToSchema({ serverUrl, migrationsDir, schemaPath });
    expect(difference).toContain('CREATE TABLE "MigrationProbe"');

    const now = new Date(Date.UTC(2099, 0, 2, 3, 4, 5));
    const created = await createMigration({ name: 'add_probe', serverUrl, migrationsDir, schemaPath, now });
    expect(created).toMatchObject({ kind: 'created', migrationName: '20990102030405_add_probe' });
    const script = await readFile(path.join(migrationsDir, '20990102030405_add_probe', 'migration.sql'), 'utf8');
    expect(script).toBe(difference);
    expect(await readFile(path.join(migrationsDir, 'migration_lock.toml'), 'utf8')).toContain(
      'provider = "postgresql"',
    );

    const again = await createMigration({ name: 'add_probe_again', serverUrl, migrationsDir, schemaPath, now });
    expect(again).toEqual({ kind: 'no_changes' });
  });

  it('db:migration refuses a missing or malformed name', async () => {
    for (const args of [[], ['Add-Probe']]) {
      const result = await runNode(['src/db/cli-new-migration.ts', ...args]);
      expect(result.code).not.toBe(0);
      expect(result.stderr).toMatch(/migration name/);
    }
  });
});
