import type pg from 'pg';
import type { JobName, OutboxJob } from './ports.js';

export const jobIdFor = (jobName: JobName, messageId: string): string => `${jobName}-${messageId}`;

export function outboxJob(jobName: JobName, messageId: string, runAfter?: Date): OutboxJob {
  return { jobName, jobId: jobIdFor(jobName, messageId), payload: { messageId }, ...(runAfter ? { runAfter } : {}) };
}

/** The job that fetches one attachment's bytes into the blob store. */
export function mediaJob(attachmentId: string): OutboxJob {
  return { jobName: 'media', jobId: `media-${attachmentId}`, payload: { attachmentId } };
}

/** Records the jobs in the outbox inside the caller's transaction; a job id already recorded is left as it is. */
export async function insertOutbox(client: pg.ClientBase, jobs: readonly OutboxJob[]): Promise<void> {
  for (const job of jobs) {
    await client.query(
      `INSERT INTO "Outbox" ("jobName", "jobId", payload, "runAfter")
       VALUES ($1, $2, $3, COALESCE($4::timestamptz, now()))
       ON CONFLICT ("jobId") DO NOTHING`,
      [job.jobName, job.jobId, JSON.stringify(job.payload), job.runAfter ?? null],
    );
  }
}
