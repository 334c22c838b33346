import type { Job } from 'bullmq';
import type { Logger } from 'pino';
import { z } from 'zod';
import type { Database } from '../db/prisma.js';
import { jobIdFor } from '../core/outbox.js';
import type { LivePublisher, OutboundTransport } from '../core/ports.js';
import { processInbound } from '../core/process-inbound.js';
import { recordJobFailure } from '../core/run-job-once.js';
import { sendQueuedMessage } from '../core/send-queued-message.js';
import { createJobDispatcher } from './job-dispatcher.js';
import type { QueueBackend, WorkerHandle } from './queue-backend.js';

export const messageJobSchema = z.object({ messageId: z.string().min(1) });
export type MessageJob = z.infer<typeof messageJobSchema>;

export interface StartWorkersOptions {
  db: Database;
  backend: QueueBackend;
  transport: OutboundTransport;
  logger: Logger;
  concurrency: number;
  live?: LivePublisher;
}

export interface Workers {
  stop(): Promise<void>;
}

const maxAttempts = 20;

/** Starts the inbound and send workers. Each handler is thin: parse the payload, call the core. */
export function startWorkers(options: StartWorkersOptions): Workers {
  const { db, backend, logger } = options;
  const workers: WorkerHandle[] = [];
  const dispatcher = createJobDispatcher({ backend });
  const onDispatchError = (error: unknown) => logger.warn({ err: error }, 'queueing failed; the outbox sweeper will retry');

  const inbound = backend.worker(
    'inbound',
    async (job: Job) => {
      const { messageId } = messageJobSchema.parse(job.data);
      return processInbound({ db, dispatcher, messageId, live: options.live, onDispatchError });
    },
    { concurrency: options.concurrency },
  );
  const send = backend.worker(
    'send',
    async (job: Job) => {
      const { messageId } = messageJobSchema.parse(job.data);
      return sendQueuedMessage({ db, transport: options.transport, messageId, live: options.live });
    },
    { concurrency: options.concurrency },
  );
  workers.push(inbound, send);

  for (const [name, worker] of [['inbound', inbound], ['send', send]] as const) {
    worker.on('failed', (job, error) => {
      const parsed = messageJobSchema.safeParse(job?.data);
      if (!parsed.success) return;
      const jobId = jobIdFor(name, parsed.data.messageId);
      logger.warn({ jobId, err: error }, 'job failed; the outbox will retry it');
      recordJobFailure(db.pool, jobId, error.message, { maxAttempts }).catch(
        (failure: unknown) => logger.error({ jobId, err: failure }, 'could not record a job failure'),
      );
    });
    worker.on('error', (error) => logger.warn({ err: error, worker: name }, 'worker error'));
  }

  let stopping: Promise<void> | undefined;
  return {
    stop() {
      // close() lets running jobs finish: a drained worker leaves nothing half done.
      stopping ??= Promise.all(workers.map((worker) => worker.close())).then(() => undefined);
      return stopping;
    },
  };
}
