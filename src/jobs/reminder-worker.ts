import type { Job } from 'bullmq';
import type { Logger } from 'pino';
import { z } from 'zod';
import type { WorkDispatcher } from '../core/ports.js';
import { sendReminder } from '../core/reminders/send-reminder.js';
import { recordJobFailure } from '../core/run-job-once.js';
import type { Database } from '../db/prisma.js';
import type { QueueBackend, WorkerHandle } from './queue-backend.js';

export const reminderJobSchema = z.object({ reminderId: z.string().min(1), sendAt: z.iso.datetime() });

export interface StartReminderWorkerOptions {
  db: Database;
  backend: QueueBackend;
  dispatcher: WorkDispatcher;
  logger: Logger;
  concurrency: number;
}

/** A failed attempt is noted on the job's outbox row; the sweeper retries it with backoff. */
export function recordOutboxFailures(worker: WorkerHandle, db: Database, logger: Logger, name: string): void {
  worker.on('failed', (job, error) => {
    if (!job?.id) return;
    const jobId = job.id;
    logger.warn({ jobId, err: error }, 'job failed; the outbox will retry it');
    recordJobFailure(db.pool, jobId, error.message, { maxAttempts: 20 }).catch((failure: unknown) =>
      logger.error({ jobId, err: failure }, 'could not record a job failure'),
    );
  });
  worker.on('error', (error) => logger.warn({ err: error, worker: name }, 'worker error'));
}

/**
 * The reminder queue: each job is one reminder at one time (delayed until then), rebuilt from the outbox after a
 * Redis flush. The handler is thin: parse, decide in the core, queue the send job the decision wrote.
 */
export function startReminderWorker(options: StartReminderWorkerOptions): { stop(): Promise<void> } {
  const { db, logger } = options;
  const worker = options.backend.worker(
    'reminder',
    async (job: Job) => {
      const payload = reminderJobSchema.parse(job.data);
      const result = await sendReminder({ db, reminderId: payload.reminderId, sendAt: new Date(payload.sendAt) });
      if (result.jobs.length > 0) {
        await options.dispatcher
          .dispatch(result.jobs)
          .catch((error: unknown) => logger.warn({ err: error }, 'queueing failed; the outbox sweeper will retry'));
      }
      if (result.outcome === 'skipped') logger.info({ reminderId: payload.reminderId, reason: result.reason }, 'reminder skipped');
      return { outcome: result.outcome };
    },
    { concurrency: options.concurrency },
  );
  recordOutboxFailures(worker, db, logger, 'reminder');
  let stopping: Promise<void> | undefined;
  return {
    stop() {
      stopping ??= worker.close();
      return stopping;
    },
  };
}
