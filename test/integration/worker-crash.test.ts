import type { ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningMatterline } from '../../src/runtime/start-matterline.js';
import { exited, spawnMatterline, startTestMatterline, testEnv, uniquePrefix, waitFor } from '../support/matterline.js';
import type { TestDatabase } from '../support/test-database.js';
import { createTestDatabase } from '../support/test-database.js';

const total = 1000;

// A worker process killed with SIGKILL in the middle of a burst: after a restart every message is stored exactly once
// and processed exactly once.
describe('a worker killed with SIGKILL mid-run', () => {
  let database: TestDatabase;
  let server: RunningMatterline;
  const children: ChildProcess[] = [];

  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(async () => {
    for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await server?.stop();
    await database?.drop();
  });

  const countProcessed = async () =>
    (await server.db.pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM "ProcessedJob" WHERE "jobId" LIKE 'inbound-%'`))
      .rows[0]!.n;

  it(`stores and processes each of ${total} messages exactly once`, { timeout: 240_000 }, async () => {
    const prefix = uniquePrefix();
    server = await startTestMatterline({ databaseUrl: database.url, queue: 'redis', prefix, role: 'server' });
    const workerEnv = testEnv({ databaseUrl: database.url, queue: 'redis', prefix, role: 'worker' });
    const firstWorker = spawnMatterline('worker', workerEnv);
    children.push(firstWorker);

    // Clients keep texting throughout, 20 at a time; every request must be answered 2xx.
    let next = 0;
    const statuses: number[] = [];
    const sendAll = Promise.all(
      Array.from({ length: 20 }, async () => {
        while (next < total) {
          const i = next++;
          const response = await fetch(`${server.url}/api/simulator/demo/inbound`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ from: `+1555030${String(i % 50).padStart(4, '0')}`, text: `burst ${i}`, id: `kill-${i}` }),
          });
          statuses.push(response.status);
          await response.arrayBuffer();
        }
      }),
    );

    // Kill the worker once it is well into the burst.
    const processedAtKill = await waitFor(async () => {
      const n = await countProcessed();
      return n >= 150 ? n : null;
    }, { timeoutMs: 120_000, intervalMs: 20, what: 'the first worker to process 150 messages' });
    firstWorker.kill('SIGKILL');
    expect((await exited(firstWorker)).signal).toBe('SIGKILL');
    expect(processedAtKill).toBeLessThan(total);

    await sendAll;
    expect(statuses).toHaveLength(total);
    expect(statuses.every((status) => status === 202)).toBe(true);

    const secondWorker = spawnMatterline('worker', workerEnv);
    children.push(secondWorker);
    await waitFor(async () => (await countProcessed()) === total, {
      timeoutMs: 180_000,
      intervalMs: 250,
      what: `all ${total} messages to be processed after the restart`,
    });

    const stored = await server.db.pool.query<{ messages: number; distinct: number }>(
      `SELECT count(*)::int AS messages, count(DISTINCT "providerMessageId")::int AS distinct FROM "Message" WHERE direction = 'inbound'`,
    );
    expect(stored.rows[0]).toEqual({ messages: total, distinct: total });
    const unprocessed = await server.db.pool.query(
      `SELECT m.id FROM "Message" m LEFT JOIN "ProcessedJob" p ON p."jobId" = 'inbound-' || m.id WHERE p."jobId" IS NULL AND m.direction = 'inbound'`,
    );
    expect(unprocessed.rowCount).toBe(0);
    // A processed job's outbox row is removed with its processing: none is left.
    const outbox = await server.db.pool.query<{ status: string; n: number }>(
      `SELECT status, count(*)::int AS n FROM "Outbox" WHERE "jobName" = 'inbound' GROUP BY status`,
    );
    expect(outbox.rows).toEqual([]);

    // Each of the 50 new numbers was asked for consent exactly once, and its phone got that one request, even though
    // the worker died mid-run: no automated send was lost or duplicated.
    await waitFor(
      async () =>
        (await server.db.pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM "Outbox" WHERE status <> 'done'`)).rows[0]!.n === 0,
      { timeoutMs: 60_000, what: 'every send to finish' },
    );
    const requests = await server.db.pool.query<{ n: number; phones: number }>(
      `SELECT count(*)::int AS n, count(DISTINCT "identityId")::int AS phones FROM "Message" WHERE purpose = 'consent_request'`,
    );
    expect(requests.rows[0]).toEqual({ n: 50, phones: 50 });
    const delivered = await server.db.pool.query<{ n: number; phones: number }>(
      `SELECT count(*)::int AS n, count(DISTINCT address)::int AS phones FROM "SimulatorPhoneMessage"`,
    );
    expect(delivered.rows[0]).toEqual({ n: 50, phones: 50 });

    secondWorker.kill('SIGTERM');
    expect((await exited(secondWorker)).code).toBe(0);
  });

  it('stops cleanly on a SIGTERM that arrives while it is still starting', { timeout: 60_000 }, async () => {
    const child = spawnMatterline('worker', { ...testEnv({ databaseUrl: database.url, queue: 'redis', role: 'worker' }), LOG_LEVEL: 'info' });
    children.push(child);
    // Start-up has begun (the queue is chosen) but the process is not up yet: the outbox sweep and the account
    // supervisor still run.
    let output = '';
    child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    await waitFor(async () => /"msg":"queues on Redis"/.test(output), { what: 'start-up to begin' });
    expect(output).not.toMatch(/worker is running/);
    child.kill('SIGTERM');
    expect(await exited(child)).toEqual({ code: 0, signal: null });
  });
});
