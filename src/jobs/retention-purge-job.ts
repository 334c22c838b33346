import type { Job } from 'bullmq';
import type { Logger } from 'pino';
import { z } from 'zod';
import { purgeExpiredRecords } from '../core/retention/purge-expired-records.js';
import type { Database } from '../db/prisma.js';
import type { QueueBackend, QueueHandle } from './queue-backend.js';

export const retentionQueue = 'retention';
const schedulerId = 'retention-purge';

/** The job carries nothing: each run reads the firms' retention settings and legal holds from PostgreSQL. */
export const retentionJobSchema = z.object({}).strict();

export interface RetentionPurgeOptions {
  db: Database;
  backend: QueueBackend;
  logger: Logger;
  /** How often the purge runs (a BullMQ job scheduler); hourly by default. */
  everyMs?: number;
}

export interface RetentionPurge {
  stop(): Promise<void>;
}

/** The part of BullMQ's Queue that schedules repeating jobs (both backends have it; QueueHandle does not name it). */
interface SchedulingQueue {
  upsertJobScheduler(id: string, repeat: { every: number }, template: { name: string; data: unknown; opts: { removeOnComplete: boolean; removeOnFail: number } }): Promise<unknown>;
}

function scheduling(queue: QueueHandle): SchedulingQueue {
  const candidate = queue as Partial<SchedulingQueue>;
  if (typeof candidate.upsertJobScheduler !== 'function') throw new Error('this queue backend cannot schedule repeating jobs');
  return candidate as SchedulingQueue;
}

// The schedule lives in the queue (Redis or BullMQ's PostgreSQL tables); a Redis flush would lose it, so it is
// upserted again on this interval. Upserting an existing scheduler changes nothing, on every process that does it.
const rescheduleMs = 10 * 60_000;

/**
 * Runs the retention purge on a schedule: a repeatable BullMQ job (one scheduler id, however many processes upsert
 * it) and its worker, one run at a time per process. The handler is thin: the core decides what goes.
 */
export function startRetentionPurge(options: RetentionPurgeOptions): RetentionPurge {
  const { db, backend, logger } = options;
  const everyMs = options.everyMs ?? 60 * 60_000;
  const worker = backend.worker(
    retentionQueue,
    async (job: Job) => {
      retentionJobSchema.parse(job.data ?? {});
      const run = await purgeExpiredRecords({ pool: db.pool });
      if (run.messages > 0) logger.info({ matters: run.matters.map((m) => m.number), messages: run.messages, attachments: run.attachments }, 'retention purge removed expired records');
      return { messages: run.messages, attachments: run.attachments, matters: run.matters.length };
    },
    { concurrency: 1 },
  );
  worker.on('failed', (_job, error) => logger.warn({ err: error }, 'retention purge failed; the next run tries again'));
  worker.on('error', (error) => logger.warn({ err: error, worker: retentionQueue }, 'worker error'));

  const schedule = () =>
    scheduling(backend.queue(retentionQueue))
      .upsertJobScheduler(schedulerId, { every: everyMs }, { name: schedulerId, data: {}, opts: { removeOnComplete: true, removeOnFail: 100 } })
      .catch((error: unknown) => logger.warn({ err: error }, 'could not schedule the retention purge; retrying later'));
  void schedule();
  const timer = setInterval(() => void schedule(), Math.min(rescheduleMs, everyMs));
  timer.unref();

  let stopping: Promise<void> | undefined;
  return {
    stop() {
      clearInterval(timer);
      stopping ??= worker.close();
      return stopping;
    },
  };
}
