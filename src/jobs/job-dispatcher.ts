import type { JobsOptions } from 'bullmq';
import type { JobName, OutboxJob, WorkDispatcher } from '../core/ports.js';
import type { BulkJob, QueueBackend } from './queue-backend.js';

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
      // Many at once (a capture batch, a sweep): one round trip per queue, and the messages to process now as one job.
      const byQueue = new Map<JobName, BulkJob[]>();
      const add = (name: JobName, entry: BulkJob) => {
        const queued = byQueue.get(name);
        if (queued) queued.push(entry);
        else byQueue.set(name, [entry]);
      };
      const inboundNow: OutboxJob[] = [];
      for (const job of jobs) {
        if (job.jobName === 'inbound' && !job.runAfter && job.payload.messageId) inboundNow.push(job);
        else add(job.jobName, { name: job.jobName, data: job.payload, opts: jobOptions(job) });
      }
      for (let from = 0; from < inboundNow.length; from += maxInboundBatch) {
        const messageIds = inboundNow.slice(from, from + maxInboundBatch).map((job) => job.payload.messageId!);
        add('inbound', { name: 'inbound', data: { messageIds }, opts: { ...jobOptions(inboundNow[from]!), jobId: inboundBatchJobId(messageIds) } });
      }
      await Promise.all(
        [...byQueue].map(([name, queued]) =>
          withTimeout(options.backend.queue(name).addBulk(queued), timeoutMs, `queueing ${queued.length} ${name} jobs`),
        ),
      );
    },
  };
}

/** The most messages one inbound job carries (each still has its own outbox row and ProcessedJob). */
export const maxInboundBatch = 500;

/**
 * The job of several captured messages: named by its first and their count, so queueing the same batch twice is a
 * no-op. A message may also be queued again in another job (the outbox sweeper re-queues what is still pending); its
 * ProcessedJob row makes the second run a no-op.
 */
export const inboundBatchJobId = (messageIds: readonly string[]) => `inbound-batch-${messageIds[0]}-${messageIds.length}`;

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
