import { readFile } from 'node:fs/promises';
import path from 'node:path';
import pg from 'pg';
import {
  defaultMigrationsDir,
  defaultSchemaPath,
  MIGRATION_LOCK_CONTENT,
  noSchemaFilter,
  readMigrationsList,
} from './migrations-dir.js';
import { openSchemaEngine, toError, type MigrateLogger } from './schema-engine.js';
import { createTemporaryDatabase } from './temporary-database.js';

export type { MigrateLogger } from './schema-engine.js';

// Our own advisory lock key, held on a dedicated connection for the whole apply. It must differ from the key Prisma's
// engine takes inside applyMigrations (72707369): the engine asks for that one on its own connection, and one
// process holding the same key on two sessions would wait on itself. Prisma's lock gives up after 10 seconds, so a
// second process starting while the first runs a long migration would fail; ours waits (up to lockTimeoutMs).
export const MIGRATION_LOCK_KEY = '7466723610482217'; // a bigint nobody else picks, as text for pg

const DEFAULT_LOCK_TIMEOUT_MS = 5 * 60_000;
const LOCK_NOT_AVAILABLE = '55P03'; // SQLSTATE of a lock_timeout expiry

export interface ApplyMigrationsOptions {
  databaseUrl: string;
  /** Defaults to prisma/migrations of this repository. */
  migrationsDir?: string;
  logger?: MigrateLogger;
  /** How long to wait for another process's apply to finish before failing. Default five minutes. */
  lockTimeoutMs?: number;
}

export interface ApplyMigrationsResult {
  /** Migrations applied by this call, oldest first; empty when the database was up to date. */
  appliedMigrationNames: string[];
}

async function withMigrationLock<T>(databaseUrl: string, lockTimeoutMs: number, run: () => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: databaseUrl, application_name: 'matterline-migrate-lock' });
  // A lost lock connection surfaces on the unlock below; an 'error' event without a listener would crash instead.
  client.on('error', () => undefined);
  await client.connect();
  try {
    // lock_timeout bounds the wait for any lock, advisory ones included.
    await client.query(`SET lock_timeout = ${Math.max(1, Math.floor(lockTimeoutMs))}`);
    await client.query('SELECT pg_advisory_lock($1::bigint)', [MIGRATION_LOCK_KEY]).catch((error: unknown) => {
      if ((error as { code?: unknown } | null)?.code !== LOCK_NOT_AVAILABLE) throw error;
      throw new Error(`another process kept migrating this database for more than ${lockTimeoutMs} ms`, {
        cause: error,
      });
    });
    try {
      return await run();
    } finally {
      await client.query('SELECT pg_advisory_unlock($1::bigint)', [MIGRATION_LOCK_KEY]);
    }
  } finally {
    // Ending the session releases the lock too, should the unlock above have failed.
    await client.end();
  }
}

/**
 * Applies the pending migrations of `migrationsDir` to the database, recording them in `_prisma_migrations` exactly as
 * `prisma migrate deploy` does. Processes that start together take turns; the later ones find nothing to apply.
 */
export async function applyMigrations(options: ApplyMigrationsOptions): Promise<ApplyMigrationsResult> {
  const { databaseUrl, logger } = options;
  const migrationsDir = options.migrationsDir ?? defaultMigrationsDir;
  return withMigrationLock(databaseUrl, options.lockTimeoutMs ?? DEFAULT_LOCK_TIMEOUT_MS, async () => {
    // Read under the lock, so that what we apply is what the previous holder saw applied.
    const migrationsList = await readMigrationsList(migrationsDir);
    const { engine, close } = await openSchemaEngine({ databaseUrl, logger });
    try {
      const { appliedMigrationNames } = await engine
        .applyMigrations({ migrationsList, filters: noSchemaFilter })
        .catch((error: unknown) => {
          throw toError(error, 'applying migrations failed');
        });
      if (appliedMigrationNames.length === 0) {
        logger?.info(`database is up to date (${migrationsList.migrationDirectories.length} migrations)`);
      } else {
        logger?.info(`applied ${appliedMigrationNames.length} migrations: ${appliedMigrationNames.join(', ')}`);
      }
      return { appliedMigrationNames };
    } finally {
      await close();
    }
  });
}

export interface DiffMigrationsToSchemaOptions {
  /** Any database on the PostgreSQL server that will host the temporary shadow database. Nothing is written to it. */
  serverUrl: string;
  /** Defaults to prisma/migrations of this repository. */
  migrationsDir?: string;
  /** Defaults to prisma/schema.prisma of this repository. */
  schemaPath?: string;
  logger?: MigrateLogger;
}

/**
 * The SQL that would bring a database built from the migrations to what schema.prisma describes: empty when they
 * agree, otherwise the body of the migration someone forgot to write. Replays the migrations into a temporary
 * database that it creates and drops.
 */
export async function diffMigrationsToSchema(options: DiffMigrationsToSchemaOptions): Promise<string> {
  const { serverUrl, logger } = options;
  const migrationsDir = options.migrationsDir ?? defaultMigrationsDir;
  const schemaPath = options.schemaPath ?? defaultSchemaPath;
  const [migrationsList, schemaContent] = await Promise.all([
    readMigrationsList(migrationsDir),
    readFile(schemaPath, 'utf8'),
  ]);
  const schemaFiles = [{ path: path.basename(schemaPath), content: schemaContent }];

  const shadow = await createTemporaryDatabase({ serverUrl, prefix: 'matterline_shadow' });
  try {
    // The shadow database is also the engine's "main" database: a diff between migrations and a schema reads no real
    // database, and this way nothing but the throwaway one is ever connected to.
    const { engine, close } = await openSchemaEngine({
      databaseUrl: shadow.url,
      shadowDatabaseUrl: shadow.url,
      schemaFiles,
      logger,
    });
    try {
      const result = await engine
        .diff({
          // The engine learns the connector from migration_lock.toml, which does not exist before the first
          // migration; this project has only ever been PostgreSQL.
          from: {
            tag: 'migrations',
            ...migrationsList,
            lockfile: { ...migrationsList.lockfile, content: migrationsList.lockfile.content ?? MIGRATION_LOCK_CONTENT },
          },
          to: { tag: 'schemaDatamodel', files: schemaFiles },
          script: true,
          // exitCode 2 means "there is a difference"; the script alone cannot say so, an empty one is a comment.
          exitCode: true,
          filters: noSchemaFilter,
        })
        .catch((error: unknown) => {
          throw toError(error, 'diffing the migrations against schema.prisma failed');
        });
      return result.exitCode === 2 ? (result.stdout ?? '') : '';
    } finally {
      await close();
    }
  } finally {
    await shadow.drop();
  }
}
