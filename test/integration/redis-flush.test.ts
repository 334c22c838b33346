import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningMatterline } from '../../src/runtime/start-matterline.js';
import { startTestMatterline, uniquePrefix, waitFor } from '../support/matterline.js';
import type { OwnRedis } from '../support/redis-server.js';
import { startOwnRedis } from '../support/redis-server.js';
import type { TestDatabase } from '../support/test-database.js';
import { createTestDatabase } from '../support/test-database.js';

// PostgreSQL is the truth and the queue is work: a Redis that loses everything between capture and processing
// loses no message, because the outbox sweeper rebuilds the jobs from the record.
describe('Redis flushed between capture and processing', () => {
  let database: TestDatabase;
  let redis: OwnRedis;
  const running: RunningMatterline[] = [];

  beforeAll(async () => {
    database = await createTestDatabase();
    redis = await startOwnRedis();
  });
  afterAll(async () => {
    for (const app of running) await app.stop();
    await redis?.stop();
    await database?.drop();
  });

  it('processes every captured message after FLUSHALL', async () => {
    const prefix = uniquePrefix();
    // The server captures; no worker runs yet, so every job waits in Redis.
    const server = await startTestMatterline({ databaseUrl: database.url, queue: 'redis', redisUrl: redis.url, prefix, role: 'server' });
    running.push(server);
    const ids: string[] = [];
    for (let i = 0; i < 40; i++) {
      const response = await fetch(`${server.url}/api/simulator/demo/inbound`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ from: `+1555020${String(i % 7).padStart(4, '0')}`, text: `message ${i}`, id: `flush-${i}` }),
      });
      expect(response.status).toBe(202);
      ids.push(((await response.json()) as { id: string }).id);
    }
    expect(await redis.client.dbsize()).toBeGreaterThan(0);

    await redis.client.flushall();
    expect(await redis.client.dbsize()).toBe(0);
    const pending = await server.db.pool.query(`SELECT count(*)::int AS n FROM "Outbox" WHERE status = 'pending' AND "jobName" = 'inbound'`);
    expect(pending.rows[0]).toEqual({ n: 40 });

    // A worker comes up: nothing is in Redis, yet the sweeper finds the 40 jobs in the outbox.
    const worker = await startTestMatterline({ databaseUrl: database.url, queue: 'redis', redisUrl: redis.url, prefix, role: 'worker' });
    running.push(worker);
    await waitFor(
      async () => {
        const done = await server.db.pool.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM "ProcessedJob" WHERE "jobId" LIKE 'inbound-%'`,
        );
        return done.rows[0]!.n === 40;
      },
      { what: 'all 40 messages to be processed' },
    );
    const processed = await server.db.pool.query<{ id: string }>(
      `SELECT m.id FROM "Message" m JOIN "ProcessedJob" p ON p."jobId" = 'inbound-' || m.id ORDER BY m.id`,
    );
    expect(processed.rows.map((row) => row.id)).toEqual([...ids].sort());
    // The replies the processing decided on (consent requests to the 7 new numbers) went out too, once each.
    await waitFor(
      async () =>
        (await server.db.pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM "Outbox" WHERE status <> 'done'`)).rows[0]!.n === 0,
      { what: 'every outbox row to be done' },
    );
    const requests = await server.db.pool.query(
      `SELECT "identityId", count(*)::int AS n FROM "Message" WHERE purpose = 'consent_request' GROUP BY "identityId"`,
    );
    expect(requests.rows).toHaveLength(7);
    expect(requests.rows.every((row: { n: number }) => row.n === 1)).toBe(true);
  });
});
