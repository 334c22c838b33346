import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
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

/** Every Redis key the run's queues, live bus and leases made: their prefixes all begin with t<run id>. */
async function removeRunKeys(run: string): Promise<number> {
  const redis = new Redis(process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379', { lazyConnect: true, maxRetriesPerRequest: 1 });
  let removed = 0;
  try {
    await redis.connect();
    for (const pattern of [`bull:t${run}*`, `t${run}*`]) {
      let cursor = '0';
      do {
        const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
        cursor = next;
        if (keys.length > 0) removed += await redis.unlink(...keys);
      } while (cursor !== '0');
    }
  } catch {
    // No Redis (a run of unit tests alone): nothing of this run is there.
  } finally {
    redis.disconnect();
  }
  return removed;
}

export default async function setup(project: TestProject) {
  // Read by uniquePrefix() in every test process (they are forked after this runs).
  const run = randomBytes(2).toString('hex');
  process.env.MATTERLINE_TEST_RUN = run;
  const template = `ml_template_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${template}`);
  await admin.end();
  await applyMigrations({ databaseUrl: withDatabaseName(serverUrl, template) });
  project.provide('templateDatabase', template);
  project.provide('serverUrl', serverUrl);
  return async () => {
    await removeRunKeys(run);
    const client = new pg.Client({ connectionString: serverUrl });
    await client.connect();
    await client.query(`DROP DATABASE IF EXISTS ${template} WITH (FORCE)`);
    await client.end();
  };
}
