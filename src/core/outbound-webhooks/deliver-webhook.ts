import type { Database } from '../../db/prisma.js';
import type { Keyring } from '../crypto/secret-box.js';
import { openSecret } from '../crypto/secret-box.js';
import { runJobOnce } from '../run-job-once.js';
import { buildWebhookData } from './build-webhook-payload.js';
import { endpointSecretContext } from './create-webhook-endpoint.js';
import type { WebhookEnvelope, WebhookEvent } from './webhook-events.js';
import { deliveryHeader, eventHeader, signWebhook, signatureHeader, timestampHeader } from './webhook-signature.js';
import type { WebhookTransport } from './webhook-transport.js';

export interface WebhookRetryPolicy {
  /** The wait before the second attempt; it doubles after each failure, up to an hour. */
  baseMs: number;
  /** After this many failed attempts the delivery is failed for good. */
  maxAttempts: number;
}

export interface DeliverWebhookOptions {
  db: Database;
  transport: WebhookTransport;
  keyring: Keyring;
  deliveryId: string;
  retry: WebhookRetryPolicy;
  now?: () => Date;
}

export type DeliverWebhookResult =
  | { outcome: 'delivered'; status: number; attempts: number }
  | { outcome: 'retry'; at: Date; attempts: number; status: number | null; error: string | null }
  | { outcome: 'failed'; attempts: number; reason: string }
  | { outcome: 'done_already' };

interface DeliveryRow {
  id: string;
  event: WebhookEvent;
  subjectId: string | null;
  state: string;
  payload: WebhookEnvelope | null;
  occurredAt: Date;
  endpointId: string;
  url: string;
  secret: string;
  active: boolean;
  firmId: string;
}

const hourMs = 60 * 60_000;
export const webhookJobId = (deliveryId: string) => `webhook-${deliveryId}`;

/** The wait after the n-th failed attempt (n from 1): base, 2 x base, 4 x base ... at most an hour. */
export const webhookBackoffMs = (policy: WebhookRetryPolicy, failedAttempts: number): number =>
  Math.min(policy.baseMs * 2 ** Math.max(0, failedAttempts - 1), hourMs);

/**
 * One attempt of one delivery: the payload is built from the record on the first attempt and kept, so every retry
 * sends the same body; each attempt is signed afresh (a new timestamp) and logged in WebhookAttempt. A 2xx settles it;
 * anything else is retried after webhookBackoffMs (the caller delays the queued job until then), and after
 * maxAttempts the delivery is failed for good. Settling commits with the job's ProcessedJob and outbox rows.
 */
export async function deliverWebhook(options: DeliverWebhookOptions): Promise<DeliverWebhookResult> {
  const { db } = options;
  const now = options.now ?? (() => new Date());
  const jobId = webhookJobId(options.deliveryId);
  const found = await db.pool.query<DeliveryRow>(
    `SELECT d.id, d.event, d."subjectId", d.state, d.payload, d."occurredAt", e.id AS "endpointId", e.url, e.secret, e.active, e."firmId"
       FROM "WebhookDelivery" d JOIN "WebhookEndpoint" e ON e.id = d."endpointId" WHERE d.id = $1`,
    [options.deliveryId],
  );
  const delivery = found.rows[0];
  if (!delivery || delivery.state !== 'pending') {
    await runJobOnce(db.pool, jobId, async () => undefined);
    return { outcome: 'done_already' };
  }
  const fail = async (reason: string, attempts: number): Promise<DeliverWebhookResult> => {
    await runJobOnce(db.pool, jobId, async (client) => {
      await client.query(`UPDATE "WebhookDelivery" SET state = 'failed', "lastError" = left($2, 2000), "nextAttemptAt" = NULL WHERE id = $1`, [delivery.id, reason]);
    });
    return { outcome: 'failed', attempts, reason };
  };
  if (!delivery.active) return fail('the endpoint was turned off', 0);

  let payload = delivery.payload;
  if (!payload) {
    const client = await db.pool.connect();
    let data: Record<string, unknown> | null;
    try {
      data = delivery.subjectId ? await buildWebhookData(client, delivery.event, delivery.subjectId) : null;
    } finally {
      client.release();
    }
    if (!data) return fail('what the event is about is no longer in the record', 0);
    const built: WebhookEnvelope = { id: delivery.id, event: delivery.event, occurredAt: delivery.occurredAt.toISOString(), firmId: delivery.firmId, data };
    // Kept before the first attempt; a concurrent builder's copy wins if it was first, so every attempt sends one body.
    const kept = await db.pool.query<{ payload: WebhookEnvelope }>(
      `UPDATE "WebhookDelivery" SET payload = COALESCE(payload, $2::jsonb) WHERE id = $1 RETURNING payload`,
      [delivery.id, JSON.stringify(built)],
    );
    payload = kept.rows[0]!.payload;
  }

  const body = JSON.stringify(payload);
  const timestamp = Math.floor(now().getTime() / 1000);
  const secret = openSecret(delivery.secret, options.keyring, { context: endpointSecretContext(delivery.endpointId) });
  const headers = {
    'content-type': 'application/json',
    'user-agent': 'Matterline-Webhooks/1',
    [eventHeader]: delivery.event,
    [deliveryHeader]: delivery.id,
    [timestampHeader]: String(timestamp),
    [signatureHeader]: signWebhook({ secret, timestamp, body }),
  };
  const started = Date.now();
  let status: number | null = null;
  let error: string | null = null;
  try {
    ({ status } = await options.transport.post({ url: delivery.url, headers, body }));
    if (status < 200 || status > 299) error = `the receiver answered ${status}`;
  } catch (cause) {
    error = cause instanceof Error ? cause.message : String(cause);
  }
  const durationMs = Date.now() - started;
  const counted = await db.pool.query<{ attempts: number }>(
    `UPDATE "WebhookDelivery" SET attempts = attempts + 1, "lastStatus" = $2, "lastError" = left($3, 2000) WHERE id = $1 RETURNING attempts`,
    [delivery.id, status, error],
  );
  const attempts = counted.rows[0]!.attempts;
  await db.pool.query(`INSERT INTO "WebhookAttempt" ("deliveryId", attempt, status, error, "durationMs") VALUES ($1, $2, $3, left($4, 2000), $5)`, [
    delivery.id,
    attempts,
    status,
    error,
    durationMs,
  ]);

  if (error === null && status !== null) {
    await runJobOnce(db.pool, jobId, async (client) => {
      await client.query(`UPDATE "WebhookDelivery" SET state = 'delivered', "deliveredAt" = now(), "nextAttemptAt" = NULL WHERE id = $1`, [delivery.id]);
    });
    return { outcome: 'delivered', status, attempts };
  }
  if (attempts >= options.retry.maxAttempts) return fail(error ?? 'no answer', attempts);
  const at = new Date(now().getTime() + webhookBackoffMs(options.retry, attempts));
  await db.pool.query(`UPDATE "WebhookDelivery" SET "nextAttemptAt" = $2 WHERE id = $1`, [delivery.id, at]);
  // Should the queue lose the delayed job (a Redis flush), the sweeper queues it again at the same time.
  await db.pool.query(`UPDATE "Outbox" SET "runAfter" = $2, attempts = attempts + 1, "lastError" = left($3, 2000) WHERE "jobId" = $1 AND status = 'pending'`, [
    jobId,
    at,
    error,
  ]);
  return { outcome: 'retry', at, attempts, status, error };
}
