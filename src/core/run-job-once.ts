import type pg from 'pg';
import { withTransaction } from './transaction.js';

export type JobRun<T> = { ran: true; value: T } | { ran: false };

/**
 * Runs a job's effects at most once per job id: the effects, the ProcessedJob row and the removal of the job's outbox
 * row commit together or not at all. A replayed job (BullMQ retry, the sweeper, a Redis flush) finds its ProcessedJob row
 * and changes nothing.
 */
export async function runJobOnce<T>(
  pool: pg.Pool,
  jobId: string,
  effects: (client: pg.PoolClient) => Promise<T>,
): Promise<JobRun<T>> {
  const run = await runJobsOnce(pool, [jobId], async (client, claimed) => (claimed.length > 0 ? { value: await effects(client) } : null));
  return run.value ? { ran: true, value: run.value.value } : { ran: false };
}

export interface JobsRun<T> {
  /** The job ids this run claimed, in the order given; the others were processed before. */
  claimed: string[];
  value: T;
}

/**
 * runJobOnce for several jobs in one transaction: one statement claims every ProcessedJob row, the effects run for
 * the claimed jobs only, and one statement removes their outbox rows (also the rows of jobs processed before: a row
 * recorded again after its job ran is taken away without running it twice). If anything fails, nothing of any of them
 * commits. The claims are made in job id order, so concurrent runs over overlapping jobs wait instead of deadlocking.
 */
export async function runJobsOnce<T>(
  pool: pg.Pool,
  jobIds: readonly string[],
  effects: (client: pg.PoolClient, claimed: string[]) => Promise<T>,
): Promise<JobsRun<T>> {
  const distinct = [...new Set(jobIds)];
  const sorted = [...distinct].sort();
  return withTransaction(pool, async (client) => {
    const inserted = await client.query<{ jobId: string }>(
      `INSERT INTO "ProcessedJob" ("jobId") SELECT unnest($1::text[]) ORDER BY 1
       ON CONFLICT ("jobId") DO NOTHING RETURNING "jobId"`,
      [sorted],
    );
    const fresh = new Set(inserted.rows.map((row) => row.jobId));
    const claimed = distinct.filter((jobId) => fresh.has(jobId));
    const value = await effects(client, claimed);
    // An outbox row says "this still needs doing": once done, it goes. A delete writes far less than marking it done
    // would (an update of the indexed status is never HOT: a new row version and an entry in each of its indexes); the
    // ProcessedJob row is the record that the job ran. Rows a person closed (a cancelled notice) stay as they are.
    await client.query(`DELETE FROM "Outbox" WHERE "jobId" = ANY($1::text[]) AND status <> 'done'`, [sorted]);
    return { claimed, value };
  });
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
