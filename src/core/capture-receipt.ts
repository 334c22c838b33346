import type { Database } from '../db/prisma.js';
import type { ReceiptEvent } from './events.js';
import type { LivePublisher } from './ports.js';
import { withTransaction } from './transaction.js';

// Receipts only move a message forward: a late "delivered" never undoes "read". failed stands apart: it is kept
// unless the message already reached the client.
const rank: Record<string, number> = { queued: 0, sending: 1, sent: 2, delivered: 3, read: 4, failed: 2 };

interface MessageRow {
  id: string;
  status: string;
  firmId: string;
  conversationId: string;
  providerMessageId: string | null;
  error: string | null;
}

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The error of a send whose outcome is unknown (send-queued-message.ts): a receipt may still settle it. */
export const unknownOutcomePrefix = 'send_outcome_unknown';

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
    let found = await client.query<MessageRow>(
      `SELECT id, status, "firmId", "conversationId", "providerMessageId", error FROM "Message"
        WHERE "accountId" = $1 AND "providerMessageId" = $2 FOR UPDATE`,
      [event.accountId, event.providerMessageId],
    );
    // The provider echoed our own id: the message whose send answer (with the provider id) was never read, because
    // the process stopped while the provider was answering. The receipt settles it.
    if (found.rows.length === 0 && event.clientMessageId && uuidPattern.test(event.clientMessageId)) {
      found = await client.query<MessageRow>(
        `SELECT id, status, "firmId", "conversationId", "providerMessageId", error FROM "Message"
          WHERE "accountId" = $1 AND id = $2 AND direction = 'outbound' AND "providerMessageId" IS NULL FOR UPDATE`,
        [event.accountId, event.clientMessageId],
      );
    }
    if (found.rows.length === 0 && event.sentTo) {
      // No id of ours came back: the one unsettled send to this contact whose send attempt spans the acknowledged time.
      const candidates = await client.query<MessageRow>(
        `SELECT m.id, m.status, m."firmId", m."conversationId", m."providerMessageId", m.error FROM "Message" m
           JOIN "ContactIdentity" i ON i.id = m."identityId"
          WHERE m."accountId" = $1 AND m.direction = 'outbound' AND m."providerMessageId" IS NULL
            AND (m.status = 'sending' OR (m.status = 'failed' AND starts_with(m.error, $2)))
            AND (i.address = $3 OR i.aliases @> ARRAY[$3])
            AND m."capturedAt" <= $4::timestamptz + interval '1 second'
            AND COALESCE(m."failedAt", now()) >= $4::timestamptz - interval '1 second'
          LIMIT 2 FOR UPDATE OF m`,
        [event.accountId, unknownOutcomePrefix, event.sentTo.address, event.sentTo.sentAt],
      );
      if (candidates.rows.length === 1) found = candidates;
    }
    const message = found.rows[0];
    if (!message) return null;
    // Found by our id or by recipient and time: the message takes the provider's id, so later receipts match directly.
    if (message.providerMessageId === null) {
      await client.query(`UPDATE "Message" SET "providerMessageId" = $2 WHERE id = $1`, [message.id, event.providerMessageId]);
    }
    // A send whose outcome was unknown is settled by what the provider now says happened to it.
    const unknownOutcome = message.status === 'failed' && (message.error ?? '').startsWith(unknownOutcomePrefix);
    if (unknownOutcome && event.status !== 'failed') {
      await client.query(
        `UPDATE "Message" SET status = 'sending', error = NULL, "failedAt" = NULL, "sentAt" = COALESCE("sentAt", $2) WHERE id = $1`,
        [message.id, event.at],
      );
      await client.query(`INSERT INTO "MessageStatusEvent" ("messageId", status, at) VALUES ($1, 'sent', $2) ON CONFLICT ("messageId", status) DO NOTHING`, [message.id, event.at]);
      message.status = 'sending';
    }
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
