import type { Database } from '../db/prisma.js';
import { automateInbound } from './automate-inbound.js';
import { jobIdFor } from './outbox.js';
import type { LivePublisher, WorkDispatcher } from './ports.js';
import { runJobOnce } from './run-job-once.js';

export interface ProcessInboundOptions {
  db: Database;
  dispatcher: WorkDispatcher;
  messageId: string;
  live?: LivePublisher;
  onDispatchError?: (error: unknown) => void;
}

export type ProcessInboundResult = { processed: false } | { processed: true; conversationId: string; replies: number };

/**
 * Everything that happens to a captured message after capture, once: the message is already in the record when this
 * runs, and every effect (consent change, auto-reply, notification) commits with the job's ProcessedJob row.
 */
export async function processInbound(options: ProcessInboundOptions): Promise<ProcessInboundResult> {
  const { db, messageId } = options;
  const run = await runJobOnce(db.pool, jobIdFor('inbound', messageId), async (client) => {
    const found = await client.query<{ conversationId: string; firmId: string }>(
      `SELECT "conversationId", "firmId" FROM "Message" WHERE id = $1`,
      [messageId],
    );
    // A message purged (retention) before its job ran leaves nothing to do.
    const message = found.rows[0];
    if (!message) return null;
    const jobs = await automateInbound(client, messageId);
    return { ...message, jobs };
  });
  if (!run.ran || !run.value) return { processed: false };
  const { conversationId, firmId, jobs } = run.value;
  if (jobs.length > 0) {
    await options.dispatcher.dispatch(jobs).catch((error: unknown) => options.onDispatchError?.(error));
  }
  await options.live
    ?.publish({ type: 'message.created', firmId, conversationId, messageId })
    .catch(() => undefined);
  return { processed: true, conversationId, replies: jobs.length };
}
