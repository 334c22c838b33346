import type pg from 'pg';
import type { Viewer } from '../access/viewer.js';
import { AppError } from '../errors.js';

export interface WebhookDeliveryView {
  id: string;
  event: string;
  state: string;
  attempts: number;
  lastStatus: number | null;
  lastError: string | null;
  occurredAt: string;
  deliveredAt: string | null;
  nextAttemptAt: string | null;
  log: { attempt: number; status: number | null; error: string | null; durationMs: number; at: string }[];
}

/** The delivery log of an endpoint, newest first, each with its attempts. */
export async function listWebhookDeliveries(options: { pool: pg.Pool; viewer: Viewer; endpointId: string; state?: string; limit?: number }): Promise<WebhookDeliveryView[]> {
  const owned = await options.pool.query(`SELECT 1 FROM "WebhookEndpoint" WHERE id = $1 AND "firmId" = $2`, [options.endpointId, options.viewer.firmId]);
  if (owned.rowCount === 0) throw new AppError('not_found', 'no such webhook endpoint', { endpointId: options.endpointId });
  const deliveries = await options.pool.query<{ id: string; event: string; state: string; attempts: number; lastStatus: number | null; lastError: string | null; occurredAt: Date; deliveredAt: Date | null; nextAttemptAt: Date | null }>(
    `SELECT id, event, state, attempts, "lastStatus", "lastError", "occurredAt", "deliveredAt", "nextAttemptAt"
       FROM "WebhookDelivery" WHERE "endpointId" = $1 AND ($2::text IS NULL OR state = $2)
      ORDER BY "createdAt" DESC, id DESC LIMIT $3`,
    [options.endpointId, options.state ?? null, options.limit ?? 100],
  );
  const attempts = await options.pool.query<{ deliveryId: string; attempt: number; status: number | null; error: string | null; durationMs: number; createdAt: Date }>(
    `SELECT "deliveryId", attempt, status, error, "durationMs", "createdAt" FROM "WebhookAttempt" WHERE "deliveryId" = ANY($1) ORDER BY attempt`,
    [deliveries.rows.map((row) => row.id)],
  );
  return deliveries.rows.map((row) => ({
    id: row.id,
    event: row.event,
    state: row.state,
    attempts: row.attempts,
    lastStatus: row.lastStatus,
    lastError: row.lastError,
    occurredAt: row.occurredAt.toISOString(),
    deliveredAt: row.deliveredAt?.toISOString() ?? null,
    nextAttemptAt: row.nextAttemptAt?.toISOString() ?? null,
    log: attempts.rows
      .filter((attempt) => attempt.deliveryId === row.id)
      .map((attempt) => ({ attempt: attempt.attempt, status: attempt.status, error: attempt.error, durationMs: attempt.durationMs, at: attempt.createdAt.toISOString() })),
  }));
}
