import type pg from 'pg';
import { withTransaction } from './transaction.js';

export type JobRun<T> = { ran: true; value: T } | { ran: false };

/**
 * Runs a job's effects at most once per job id: the effects, the ProcessedJob row and the outbox row's "done"
 * commit together or not at all. A replayed job (BullMQ retry, the sweeper, a Redis flush) finds its ProcessedJob row
 * and changes nothing.
 */
export async function runJobOnce<T>(
  pool: pg.Pool,
  jobId: string,
  effects: (client: pg.PoolClient) => Promise<T>,
): Promise<JobRun<T>> {
  return withTransaction(pool, async (client) => {
    const claimed = await client.query(
      `INSERT INTO "ProcessedJob" ("jobId") VALUES ($1) ON CONFLICT ("jobId") DO NOTHING RETURNING "jobId"`,
      [jobId],
    );
    if (claimed.rowCount === 0) {
      // Processed before; make sure the outbox agrees (it does unless someone edited it by hand).
      await markOutboxDone(client, jobId);
      return { ran: false as const };
    }
    const value = await effects(client);
    await markOutboxDone(client, jobId);
    return { ran: true as const, value };
  });
}

async function markOutboxDone(client: pg.ClientBase, jobId: string): Promise<void> {
  await client.query(
    `UPDATE "Outbox" SET status = 'done', "processedAt" = now(), attempts = attempts + 1
      WHERE "jobId" = $1 AND status <> 'done'`,
    [jobId],
  );
}

/**
 * Notes a failed attempt on the outbox row and pushes it back (1 s, 2 s, 4 s ... at most 5 minutes) for the sweeper;
 * after maxAttempts the row is marked failed and left for a person.
 */
export async function recordJobFailure(
  pool: pg.Pool,
  jobId: string,
  error: string,
  options: { maxAttempts: number },
): Promise<void> {
  await pool.query(
    `UPDATE "Outbox"
        SET attempts = attempts + 1,
            "lastError" = left($2, 2000),
            "runAfter" = now() + make_interval(secs => least(power(2, attempts), 300)),
            status = CASE WHEN attempts + 1 >= $3 THEN 'failed'::"OutboxStatus" ELSE status END
      WHERE "jobId" = $1 AND status = 'pending'`,
    [jobId, error, options.maxAttempts],
  );
}
