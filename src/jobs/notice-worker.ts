import type { Job } from 'bullmq';
import type { Logger } from 'pino';
import { z } from 'zod';
import type { ChannelKindName } from '../core/bridge-events.js';
import { deliverNotice } from '../core/notices/deliver-notice.js';
import { noticeRates } from '../core/notices/notice-throttle.js';
import type { WorkDispatcher } from '../core/ports.js';
import type { Database } from '../db/prisma.js';
import type { QueueBackend, WorkerHandle } from './queue-backend.js';
import { recordOutboxFailures } from './reminder-worker.js';

export const noticeJobSchema = z.object({ recipientId: z.string().min(1) });

/** One channel account's notice queue: rate-limited for the whole account, across processes. */
export const accountNoticeQueue = (accountId: string) => `notice-account-${accountId}`;

// While a job waits its turn in an account's queue, the sweeper leaves its outbox row alone this long; after a Redis
// flush the row is queued again once it has passed.
const waitingTurnMs = 5 * 60_000;

export interface StartNoticeWorkersOptions {
  db: Database;
  backend: QueueBackend;
  dispatcher: WorkDispatcher;
  logger: Logger;
  concurrency: number;
}

/**
 * Notices, throttled per channel account: the `notice` queue (where the outbox puts every recipient's job) hands each
 * job to its account's own queue, whose worker has BullMQ's rate limiter set to the channel's pace (noticeRates).
 * This process starts an account's worker the first time it hands a job to it; other processes do the same, and the
 * limiter is shared, so the pace holds however many run.
 */
export function startNoticeWorkers(options: StartNoticeWorkersOptions): { stop(): Promise<void> } {
  const { db, backend, logger } = options;
  const accountWorkers = new Map<string, WorkerHandle>();

  const deliver = async (job: Job) => {
    const { recipientId } = noticeJobSchema.parse(job.data);
    const result = await deliverNotice({ db, recipientId });
    if (result.jobs.length > 0) {
      await options.dispatcher
        .dispatch(result.jobs)
        .catch((error: unknown) => logger.warn({ err: error }, 'queueing failed; the outbox sweeper will retry'));
    }
    return { outcome: result.outcome };
  };

  const ensureAccountWorker = (accountId: string, kind: ChannelKindName) => {
    if (accountWorkers.has(accountId)) return;
    const worker = backend.worker(accountNoticeQueue(accountId), deliver, { concurrency: 1, limiter: noticeRates[kind] });
    recordOutboxFailures(worker, db, logger, accountNoticeQueue(accountId));
    accountWorkers.set(accountId, worker);
  };

  const router = backend.worker(
    'notice',
    async (job: Job) => {
      const { recipientId } = noticeJobSchema.parse(job.data);
      const found = await db.pool.query<{ accountId: string; kind: ChannelKindName }>(
        `SELECT a.id AS "accountId", a.kind FROM "NoticeRecipient" r
           JOIN "ContactIdentity" i ON i.id = r."identityId" JOIN "ChannelAccount" a ON a.id = i."accountId"
          WHERE r.id = $1 AND r.state = 'pending'`,
        [recipientId],
      );
      const account = found.rows[0];
      // Nothing left to send (cancelled, skipped, or no contact any more): settle it here, unthrottled.
      if (!account) return deliver(job);
      ensureAccountWorker(account.accountId, account.kind);
      await db.pool.query(
        `UPDATE "Outbox" SET "runAfter" = now() + make_interval(secs => $2::double precision / 1000) WHERE "jobId" = $1 AND status = 'pending'`,
        [job.id, waitingTurnMs],
      );
      await backend.queue(accountNoticeQueue(account.accountId)).add('notice', { recipientId }, {
        jobId: job.id,
        attempts: 1,
        removeOnComplete: true,
        removeOnFail: true,
      });
      return { forwardedTo: account.accountId };
    },
    { concurrency: options.concurrency },
  );
  recordOutboxFailures(router, db, logger, 'notice');

  let stopping: Promise<void> | undefined;
  return {
    stop() {
      stopping ??= Promise.all([router.close(), ...[...accountWorkers.values()].map((worker) => worker.close())]).then(() => undefined);
      return stopping;
    },
  };
}
