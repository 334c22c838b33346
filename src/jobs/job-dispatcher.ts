import type { JobsOptions } from 'bullmq';
import type { JobName, OutboxJob, WorkDispatcher } from '../core/ports.js';
import type { QueueBackend } from './queue-backend.js';

export interface JobDispatcherOptions {
  backend: QueueBackend;
  /** How long one add may take before the caller gives up on it (the sweeper queues it later). */
  timeoutMs?: number;
}

/**
 * Queues outbox jobs on BullMQ under their deterministic ids, so adding one twice is a no-op while it exists. Jobs
 * run once in BullMQ (attempts: 1) and are removed when finished: retries are the outbox sweeper's, with backoff
 * recorded in PostgreSQL, so a Redis flush cannot lose or repeat them.
 */
export function createJobDispatcher(options: JobDispatcherOptions): WorkDispatcher {
  const timeoutMs = options.timeoutMs ?? 2000;
  return {
    async dispatch(jobs: readonly OutboxJob[]) {
      if (jobs.length === 1) {
        await withTimeout(enqueue(options.backend, jobs[0]!), timeoutMs, `queueing ${jobs[0]!.jobId}`);
        return;
      }
      // Many at once (a capture batch): one round trip per queue.
      const byQueue = new Map<JobName, OutboxJob[]>();
      for (const job of jobs) byQueue.set(job.jobName, [...(byQueue.get(job.jobName) ?? []), job]);
      await Promise.all(
        [...byQueue].map(([name, queued]) =>
          withTimeout(
            options.backend.queue(name).addBulk(queued.map((job) => ({ name, data: job.payload, opts: jobOptions(job) }))),
            timeoutMs,
            `queueing ${queued.length} ${name} jobs`,
          ),
        ),
      );
    },
  };
}

export async function enqueue(backend: QueueBackend, job: OutboxJob): Promise<void> {
  await backend.queue(job.jobName).add(job.jobName, job.payload, jobOptions(job));
}

function jobOptions(job: OutboxJob): JobsOptions {
  const delay = job.runAfter ? Math.max(0, job.runAfter.getTime() - Date.now()) : 0;
  return { jobId: job.jobId, delay, attempts: 1, removeOnComplete: true, removeOnFail: true };
}

async function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} took longer than ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
