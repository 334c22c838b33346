import type { Job } from 'bullmq';
import { DelayedError } from 'bullmq';
import type { Logger } from 'pino';
import { z } from 'zod';
import type { Keyring } from '../core/crypto/secret-box.js';
import type { WebhookRetryPolicy } from '../core/outbound-webhooks/deliver-webhook.js';
import { deliverWebhook } from '../core/outbound-webhooks/deliver-webhook.js';
import type { WebhookTransport } from '../core/outbound-webhooks/webhook-transport.js';
import type { GuardedFetcher } from '../net/guarded-fetch.js';
import type { Database } from '../db/prisma.js';
import type { QueueBackend } from './queue-backend.js';
import { recordOutboxFailures } from './reminder-worker.js';

export const webhookJobSchema = z.object({ deliveryId: z.string().min(1) });

/**
 * The guarded fetcher, answering with the status only. The receiver's URL is an admin's, but an admin's typo or a
 * hostile name must not make the server post the record into its own network: private and loopback addresses are
 * refused unless MATTERLINE_FETCH_ALLOW names them. Redirects are not followed (a signed delivery goes where the firm
 * said, nowhere else); the answer's body is capped and dropped.
 */
export function fetchWebhookTransport(timeoutMs: number, fetcher: GuardedFetcher): WebhookTransport {
  return {
    async post({ url, headers, body }) {
      const response = await fetcher.fetch(url, { method: 'POST', headers, body, maxRedirects: 0, maxBytes: 64 * 1024, timeoutMs });
      return { status: response.status };
    },
  };
}

export interface StartWebhookWorkerOptions {
  db: Database;
  backend: QueueBackend;
  keyring: Keyring;
  logger: Logger;
  retry: WebhookRetryPolicy;
  transport: WebhookTransport;
  concurrency: number;
}

/**
 * Signed deliveries to the firm's systems. A failed attempt is retried on BullMQ: the job is moved back to the delayed
 * set until its backoff has passed (the attempt count and the time are kept in PostgreSQL too, so a Redis flush
 * changes neither).
 */
export function startWebhookWorker(options: StartWebhookWorkerOptions): { stop(): Promise<void> } {
  const { db, logger } = options;
  const worker = options.backend.worker(
    'webhook',
    async (job: Job, token?: string) => {
      const { deliveryId } = webhookJobSchema.parse(job.data);
      const result = await deliverWebhook({ db, transport: options.transport, keyring: options.keyring, deliveryId, retry: options.retry });
      if (result.outcome === 'retry') {
        logger.info({ deliveryId, attempts: result.attempts, status: result.status, retryAt: result.at }, 'webhook delivery failed; retrying later');
        await job.moveToDelayed(result.at.getTime(), token);
        throw new DelayedError();
      }
      if (result.outcome === 'failed') logger.warn({ deliveryId, attempts: result.attempts }, 'webhook delivery failed for good');
      return { outcome: result.outcome };
    },
    { concurrency: options.concurrency },
  );
  recordOutboxFailures(worker, db, logger, 'webhook');
  let stopping: Promise<void> | undefined;
  return {
    stop() {
      stopping ??= worker.close();
      return stopping;
    },
  };
}
