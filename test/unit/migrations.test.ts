import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { migrationNameSchema, migrationTimestamp } from '../../src/db/create-migration.js';
import { readMigrationsList } from '../../src/db/migrations-dir.js';
import { withDatabaseName } from '../../src/db/temporary-database.js';

describe('migration names', () => {
  it.each([
    ['init', true],
    ['add_reminders', true],
    ['v2_2026', true],
    ['', false],
    ['Add_Reminders', false],
    ['add-reminders', false],
    ['add reminders', false],
    ['../escape', false],
    [undefined, false],
  ])('%j is accepted: %s', (name, accepted) => {
    expect(migrationNameSchema.safeParse(name).success).toBe(accepted);
  });
});

describe('migration timestamps', () => {
  it.each([
    [new Date(Date.UTC(2026, 10, 22, 21, 54, 26, 999)), '20261122215426'],
    [new Date(Date.UTC(2027, 0, 1, 0, 0, 0)), '20270101000000'],
  ])('%s is %s, in UTC like Prisma', (date, expected) => {
    expect(migrationTimestamp(date)).toBe(expected);
  });
});

describe('database URLs', () => {
  it.each([
    ['postgres://postgres@127.0.0.1:5432/postgres', 'postgres://postgres@127.0.0.1:5432/shadow'],
    ['postgres://u:p@db:5432/app?sslmode=disable', 'postgres://u:p@db:5432/shadow?sslmode=disable'],
    ['postgresql://u@db', 'postgresql://u@db/shadow'],
  ])('%s on another database is %s', (url, expected) => {
    expect(withDatabaseName(url, 'shadow')).toBe(expected);
  });
});

describe('reading the migrations directory', () => {
  const scratch = mkdtemp(path.join(tmpdir(), 'mig-unit-'));
  afterAll(async () => rm(await scratch, { recursive: true, force: true }));

  it('lists migrations in name order, like Prisma, and reports a missing script', async () => {
    const dir = await scratch;
    for (const name of ['20260102000000_second', '20260101000000_first', '20260103000000_empty']) {
      await mkdir(path.join(dir, name));
    }
    await writeFile(path.join(dir, '20260101000000_first', 'migration.sql'), 'SELECT 1;');
    await writeFile(path.join(dir, '20260102000000_second', 'migration.sql'), 'SELECT 2;');
    await writeFile(path.join(dir, 'migration_lock.toml'), 'provider = "postgresql"\n');

    const list = await readMigrationsList(dir);
    expect(list.baseDir).toBe(dir);
    expect(list.lockfile).toEqual({ path: 'migration_lock.toml', content: 'provider = "postgresql"\n' });
    expect(list.migrationDirectories.map((migration) => migration.path)).toEqual([
      '20260101000000_first',
      '20260102000000_second',
      '20260103000000_empty',
    ]);
    expect(list.migrationDirectories[0]?.migrationFile.content).toEqual({ tag: 'ok', value: 'SELECT 1;' });
    expect(list.migrationDirectories[2]?.migrationFile.content.tag).toBe('error');
  });

  it('treats a missing directory as an empty history', async () => {
    const list = await readMigrationsList(path.join(await scratch, 'nowhere'));
    expect(list.migrationDirectories).toEqual([]);
    expect(list.lockfile.content).toBeNull();
  });
});
