import type { Database } from '../db/prisma.js';
import { jobIdFor } from './outbox.js';
import type { LivePublisher } from './ports.js';
import { runJobOnce } from './run-job-once.js';

export interface ProcessInboundOptions {
  db: Database;
  messageId: string;
  live?: LivePublisher;
}

export type ProcessInboundResult = { processed: false } | { processed: true; conversationId: string };

/**
 * Everything that happens to a captured message after capture, once: the message is already in the record when this
 * runs. The foundation stage tells the inbox; consent keywords, the business-hours auto-reply, routing to a matter and
 * the time activity are later steps of this same transaction.
 */
export async function processInbound(options: ProcessInboundOptions): Promise<ProcessInboundResult> {
  const { db, messageId } = options;
  const run = await runJobOnce(db.pool, jobIdFor('inbound', messageId), async (client) => {
    const found = await client.query<{ conversationId: string; firmId: string }>(
      `SELECT "conversationId", "firmId" FROM "Message" WHERE id = $1`,
      [messageId],
    );
    // A message purged (retention) before its job ran leaves nothing to do.
    return found.rows[0] ?? null;
  });
  if (!run.ran || !run.value) return { processed: false };
  const { conversationId, firmId } = run.value;
  await options.live
    ?.publish({ type: 'message.created', firmId, conversationId, messageId })
    .catch(() => undefined);
  return { processed: true, conversationId };
}
