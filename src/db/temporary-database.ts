import { randomBytes } from 'node:crypto';
import pg from 'pg';

export interface TemporaryDatabase {
  name: string;
  url: string;
  /** Drops the database, closing any connection still open to it. Safe to call twice. */
  drop(): Promise<void>;
}

export interface CreateTemporaryDatabaseOptions {
  /** Any database on the server; used only to run CREATE DATABASE and DROP DATABASE. */
  serverUrl: string;
  /** Lower-case letters, digits and _; a random suffix is added. */
  prefix: string;
}

function quoteIdentifier(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/** The same server, user and options as `url`, another database. */
export function withDatabaseName(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${encodeURIComponent(database)}`;
  return parsed.toString();
}

async function runOnServer(serverUrl: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: serverUrl });
  client.on('error', () => undefined);
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/** Creates an empty database with a random name on the server of `serverUrl`. */
export async function createTemporaryDatabase(options: CreateTemporaryDatabaseOptions): Promise<TemporaryDatabase> {
  if (!/^[a-z][a-z0-9_]{0,40}$/.test(options.prefix)) {
    throw new Error(`temporary database prefix must be lower-case letters, digits and _: ${options.prefix}`);
  }
  const name = `${options.prefix}_${randomBytes(6).toString('hex')}`;
  await runOnServer(options.serverUrl, `CREATE DATABASE ${quoteIdentifier(name)}`);
  let dropped: Promise<void> | undefined;
  return {
    name,
    url: withDatabaseName(options.serverUrl, name),
    // WITH (FORCE) (PostgreSQL 13+): a pool that has not finished closing must not leave the database behind.
    drop: () => (dropped ??= runOnServer(options.serverUrl, `DROP DATABASE IF EXISTS ${quoteIdentifier(name)} WITH (FORCE)`)),
  };
}
