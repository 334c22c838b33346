import { randomBytes } from 'node:crypto';
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { applyMigrations } from '../src/db/migrate.js';
import { withDatabaseName } from '../src/db/temporary-database.js';

// One migrated template database per run; every integration test clones it (CREATE DATABASE ... TEMPLATE), which
// takes a fraction of a second instead of migrating again.

export const serverUrl = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

declare module 'vitest' {
  export interface ProvidedContext {
    templateDatabase: string;
    serverUrl: string;
  }
}

export default async function setup(project: TestProject) {
  const template = `ml_template_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${template}`);
  await admin.end();
  await applyMigrations({ databaseUrl: withDatabaseName(serverUrl, template) });
  project.provide('templateDatabase', template);
  project.provide('serverUrl', serverUrl);
  return async () => {
    const client = new pg.Client({ connectionString: serverUrl });
    await client.connect();
    await client.query(`DROP DATABASE IF EXISTS ${template} WITH (FORCE)`);
    await client.end();
  };
}
