import { mkdir, readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { diffMigrationsToSchema } from './migrate.js';
import {
  defaultMigrationsDir,
  defaultSchemaPath,
  MIGRATION_LOCK_CONTENT,
  MIGRATION_LOCK_FILE,
  MIGRATION_SCRIPT_FILE,
} from './migrations-dir.js';
import type { MigrateLogger } from './schema-engine.js';

export const migrationNameSchema = z
  .string({ error: 'a migration name is required, e.g. `npm run db:migration -- add_reminders`' })
  .regex(/^[a-z0-9_]+$/, 'a migration name is lower-case letters, digits and _ only, e.g. add_reminders')
  .max(200, 'a migration name is at most 200 characters');

export type MigrationName = z.infer<typeof migrationNameSchema>;

export interface CreateMigrationOptions {
  name: MigrationName;
  /** Any database on the PostgreSQL server that will host the temporary shadow database. Nothing is written to it. */
  serverUrl: string;
  migrationsDir?: string;
  schemaPath?: string;
  /** The migration's timestamp; tests pin it. */
  now?: Date;
  logger?: MigrateLogger;
}

export type CreateMigrationResult =
  | { kind: 'created'; migrationName: string; scriptPath: string }
  | { kind: 'no_changes' };

/** Prisma's migration timestamp: UTC, YYYYMMDDHHMMSS. */
export function migrationTimestamp(date: Date): string {
  return date.toISOString().replace(/[-:T]/g, '').slice(0, 14);
}

/**
 * Writes prisma/migrations/<timestamp>_<name>/migration.sql with the change schema.prisma describes beyond the
 * existing migrations (and migration_lock.toml), as `prisma migrate dev --create-only` would. Writes nothing when
 * there is no change.
 */
export async function createMigration(options: CreateMigrationOptions): Promise<CreateMigrationResult> {
  const name = migrationNameSchema.parse(options.name);
  const migrationsDir = path.resolve(options.migrationsDir ?? defaultMigrationsDir);
  const schemaPath = options.schemaPath ?? defaultSchemaPath;

  const script = await diffMigrationsToSchema({
    serverUrl: options.serverUrl,
    migrationsDir,
    schemaPath,
    logger: options.logger,
  });
  if (script === '') return { kind: 'no_changes' };

  const existing = await readdir(migrationsDir).catch(() => [] as string[]);
  const timestamp = migrationTimestamp(options.now ?? new Date());
  // Migrations apply in name order; a clock behind the newest migration would slot this one before it.
  const newest = existing.filter((entry) => /^\d{14}_/.test(entry)).sort().at(-1);
  if (newest !== undefined && newest.slice(0, 14) >= timestamp) {
    throw new Error(`the newest migration ${newest} is not older than ${timestamp}; is the clock right?`);
  }
  const migrationName = `${timestamp}_${name}`;
  const directory = path.join(migrationsDir, migrationName);
  await mkdir(directory, { recursive: true });
  const scriptPath = path.join(directory, MIGRATION_SCRIPT_FILE);
  await writeFile(scriptPath, script, { flag: 'wx' });
  if (!existing.includes(MIGRATION_LOCK_FILE)) {
    await writeFile(path.join(migrationsDir, MIGRATION_LOCK_FILE), MIGRATION_LOCK_CONTENT);
  }
  return { kind: 'created', migrationName, scriptPath };
}
