import type { Job, Processor } from 'bullmq';
import type { Logger } from 'pino';
import { z } from 'zod';
import type { Database } from '../db/prisma.js';
import { jobIdFor } from '../core/outbox.js';
import type { JobName, LivePublisher, MediaFetcher, OutboundTransport } from '../core/ports.js';
import type { Keyring } from '../core/crypto/secret-box.js';
import { fetchAttachment } from '../core/fetch-attachment.js';
import type { ProcessInboundResult } from '../core/process-inbound.js';
import { processInboundBatch } from '../core/process-inbound.js';
import { recordJobFailure } from '../core/run-job-once.js';
import { isStatementError } from '../core/transaction.js';
import { sendQueuedMessage } from '../core/send-queued-message.js';
import { createJobBatcher } from './job-batcher.js';
import { createJobDispatcher, maxInboundBatch } from './job-dispatcher.js';
import type { QueueBackend, WorkerHandle } from './queue-backend.js';

export const messageJobSchema = z.object({ messageId: z.string().min(1) });
/** Several captured messages to process (job-dispatcher.ts queues a capture batch as one job). */
export const inboundBatchJobSchema = z.object({ messageIds: z.array(z.string().min(1)).min(1).max(maxInboundBatch) });
export const mediaJobSchema = z.object({ attachmentId: z.string().min(1) });
export type MessageJob = z.infer<typeof messageJobSchema>;

/** The send transport as the workers see it: it also knows whether this process may send for an account. */
export interface SendTransport extends OutboundTransport, MediaFetcher {
  canSendHere(accountId: string): Promise<boolean>;
}

export interface StartWorkersOptions {
  db: Database;
  backend: QueueBackend;
  transport: SendTransport;
  logger: Logger;
  concurrency: number;
  /**
   * How many inbound jobs run at once (default: eight times `concurrency`, at most 256). They share batch
   * transactions (one connection for all of them), so this sets the largest batch rather than the pool's load.
   */
  inboundConcurrency?: number;
  live?: LivePublisher;
  keyring?: Keyring;
}

export interface Workers {
  stop(): Promise<void>;
}

const maxAttempts = 20;

/** The queue of one exclusive account's sends, consumed only by the process holding its lease (in order). */
export const accountSendQueue = (accountId: string) => `send-account-${accountId}`;

/**
 * The send job. An account that is one live connection (a linked phone) can only send from the process holding its
 * lease; elsewhere the job is handed on to that account's own queue, which only the holder consumes.
 */
export function sendProcessor(options: Omit<StartWorkersOptions, 'concurrency'>): Processor {
  const { db, transport } = options;
  return async (job: Job) => {
    const { messageId } = messageJobSchema.parse(job.data);
    const found = await db.pool.query<{ accountId: string }>(`SELECT "accountId" FROM "Message" WHERE id = $1`, [messageId]);
    const accountId = found.rows[0]?.accountId;
    if (accountId && !(await transport.canSendHere(accountId))) {
      await options.backend.queue(accountSendQueue(accountId)).add('send', { messageId }, {
        jobId: jobIdFor('send', messageId),
        attempts: 1,
        removeOnComplete: true,
        removeOnFail: true,
      });
      return { forwardedTo: accountId };
    }
    return sendQueuedMessage({ db, transport, messageId, live: options.live });
  };
}

function recordFailure(db: Database, logger: Logger, jobId: string, error: Error): void {
  logger.warn({ jobId, err: error }, 'job failed; the outbox will retry it');
  recordJobFailure(db.pool, jobId, error.message, { maxAttempts }).catch((failure: unknown) =>
    logger.error({ jobId, err: failure }, 'could not record a job failure'),
  );
}

/** A failed attempt is recorded on the outbox row, whose sweeper retries it with backoff. */
export function recordFailures(worker: WorkerHandle, name: JobName, db: Database, logger: Logger): void {
  worker.on('failed', (job, error) => {
    const message = messageJobSchema.safeParse(job?.data);
    const media = mediaJobSchema.safeParse(job?.data);
    const batch = inboundBatchJobSchema.safeParse(job?.data);
    const jobIds = message.success
      ? [jobIdFor(name, message.data.messageId)]
      : media.success
        ? [`media-${media.data.attachmentId}`]
        : batch.success
          ? batch.data.messageIds.map((messageId) => jobIdFor(name, messageId))
          : [];
    for (const jobId of jobIds) recordFailure(db, logger, jobId, error);
  });
  worker.on('error', (error) => logger.warn({ err: error, worker: name }, 'worker error'));
}

/** Starts the inbound and send workers. Each handler is thin: parse the payload, call the core. */
export function startWorkers(options: StartWorkersOptions): Workers {
  const { db, backend, logger } = options;
  const dispatcher = createJobDispatcher({ backend });
  const onDispatchError = (error: unknown) => logger.warn({ err: error }, 'queueing failed; the outbox sweeper will retry');

  const inboundConcurrency = options.inboundConcurrency ?? Math.min(256, options.concurrency * 8);
  // The inbound jobs running at the same time are processed in one transaction (one commit) between them.
  const inboundBatcher = createJobBatcher<string, ProcessInboundResult>({
    maxBatch: inboundConcurrency,
    runBatch: (messageIds, admitNext) =>
      processInboundBatch({ db, dispatcher, messageIds, live: options.live, onDispatchError, onLocked: admitNext }),
    // A message the database refuses fails alone; an unreachable database fails the batch (the outbox retries it).
    retryAlone: isStatementError,
    onBatchFailure: (error, size, retried) =>
      logger.warn({ err: error, size }, retried ? 'an inbound batch failed; processing its messages one by one' : 'an inbound batch failed'),
  });
  const inbound = backend.worker(
    'inbound',
    async (job: Job) => {
      const batch = inboundBatchJobSchema.safeParse(job.data);
      if (!batch.success) return inboundBatcher.submit(messageJobSchema.parse(job.data).messageId);
      // Each message of the job has its own outcome: a failed one is retried by the outbox, the others are done.
      const outcomes = await Promise.allSettled(batch.data.messageIds.map((messageId) => inboundBatcher.submit(messageId)));
      outcomes.forEach((outcome, i) => {
        if (outcome.status === 'rejected') {
          const error = outcome.reason instanceof Error ? outcome.reason : new Error(String(outcome.reason));
          recordFailure(db, logger, jobIdFor('inbound', batch.data.messageIds[i]!), error);
        }
      });
      return { messages: outcomes.length, failed: outcomes.filter((outcome) => outcome.status === 'rejected').length };
    },
    { concurrency: inboundConcurrency },
  );
  const send = backend.worker('send', sendProcessor(options), { concurrency: options.concurrency });
  recordFailures(inbound, 'inbound', db, logger);
  recordFailures(send, 'send', db, logger);
  const workers = [inbound, send];
  if (options.keyring) {
    const keyring = options.keyring;
    const media = backend.worker(
      'media',
      async (job: Job) => fetchAttachment({ db, fetcher: options.transport, keyring, attachmentId: mediaJobSchema.parse(job.data).attachmentId }),
      { concurrency: Math.max(2, Math.floor(options.concurrency / 4)) },
    );
    recordFailures(media, 'media', db, logger);
    workers.push(media);
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
