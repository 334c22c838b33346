import type { Database } from '../db/prisma.js';
import type { ReceiptEvent } from './events.js';
import type { LivePublisher } from './ports.js';
import { withTransaction } from './transaction.js';

// Receipts only move a message forward: a late "delivered" never undoes "read". failed stands apart: it is kept
// unless the message already reached the client.
const rank: Record<string, number> = { queued: 0, sending: 1, sent: 2, delivered: 3, read: 4, failed: 2 };

export interface CaptureReceiptOptions {
  db: Database;
  event: ReceiptEvent;
  live?: LivePublisher;
}

export type CaptureReceiptResult = { matched: false } | { matched: true; messageId: string; status: string };

/**
 * Records a delivery, read or failure receipt against the message the provider id names: every receipt is kept as a
 * status event (once per status), and the message's status moves forward only. A receipt for a message we do not
 * know (yet) is reported unmatched so the caller can decide to retry.
 */
export async function captureReceipt(options: CaptureReceiptOptions): Promise<CaptureReceiptResult> {
  const { db, event } = options;
  const result = await withTransaction(db.pool, async (client) => {
    const found = await client.query<{ id: string; status: string; firmId: string; conversationId: string }>(
      `SELECT id, status, "firmId", "conversationId" FROM "Message"
        WHERE "accountId" = $1 AND "providerMessageId" = $2 FOR UPDATE`,
      [event.accountId, event.providerMessageId],
    );
    const message = found.rows[0];
    if (!message) return null;
    await client.query(
      `INSERT INTO "MessageStatusEvent" ("messageId", status, at, error, raw)
       VALUES ($1, $2::"MessageStatus", $3, $4, $5)
       ON CONFLICT ("messageId", status) DO NOTHING`,
      [message.id, event.status, event.at, event.error ?? null, JSON.stringify(event.raw ?? null)],
    );
    const advance = (rank[event.status] ?? 0) > (rank[message.status] ?? 0) && message.status !== 'failed';
    const failNow = event.status === 'failed' && (rank[message.status] ?? 0) < rank.delivered!;
    if (!advance && !failNow) return { ...message, changed: false };
    const column = { sent: null, delivered: 'deliveredAt', read: 'readAt', failed: 'failedAt' }[event.status];
    await client.query(
      `UPDATE "Message" SET status = $2::"MessageStatus", error = COALESCE($3, error)
         ${column ? `, "${column}" = COALESCE("${column}", $4)` : ''}
         ${event.status === 'read' ? ', "deliveredAt" = COALESCE("deliveredAt", $4)' : ''}
       WHERE id = $1`,
      column ? [message.id, event.status, event.error ?? null, event.at] : [message.id, event.status, event.error ?? null],
    );
    return { ...message, status: event.status, changed: true };
  });
  if (!result) return { matched: false };
  if (result.changed && options.live) {
    await options.live
      .publish({
        type: 'message.status',
        firmId: result.firmId,
        conversationId: result.conversationId,
        messageId: result.id,
        status: result.status,
      })
      .catch(() => undefined);
  }
  return { matched: true, messageId: result.id, status: result.status };
}
