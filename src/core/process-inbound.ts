import type { Database } from '../db/prisma.js';
import { automateInbound } from './automate-inbound.js';
import { jobIdFor } from './outbox.js';
import type { LivePublisher, OutboxJob, WorkDispatcher } from './ports.js';
import { publishLive } from './ports.js';
import { runJobsOnce } from './run-job-once.js';

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
  const { messageId, ...rest } = options;
  const results = await processInboundBatch({ ...rest, messageIds: [messageId] });
  return results.get(messageId) ?? { processed: false };
}

export interface ProcessInboundBatchOptions extends Omit<ProcessInboundOptions, 'messageId'> {
  messageIds: readonly string[];
  /**
   * Called once the batch holds the locks of its messages' contacts (see automateInbound). A batch that starts from
   * then on waits for those locks where it shares a contact, so its messages are decided after these.
   */
  onLocked?: () => void;
}

/**
 * processInbound for several messages in one transaction (one commit for all of them), decided in capture order.
 * All or nothing: if it throws, none of them was processed, and each can be retried on its own. The send jobs are
 * queued and the live events published after the commit. Returns every message id given.
 */
export async function processInboundBatch(options: ProcessInboundBatchOptions): Promise<Map<string, ProcessInboundResult>> {
  const { db, messageIds } = options;
  const jobIds = new Map(messageIds.map((messageId) => [jobIdFor('inbound', messageId), messageId]));
  const run = await runJobsOnce(db.pool, [...jobIds.keys()], async (client, claimed) =>
    claimed.length === 0
      ? new Map()
      : automateInbound(client, claimed.map((jobId) => jobIds.get(jobId)!), options.onLocked),
  );
  const results = new Map<string, ProcessInboundResult>(messageIds.map((messageId) => [messageId, { processed: false }]));
  const jobs: OutboxJob[] = [];
  // A message purged (retention) before its job ran is claimed but leaves nothing to do.
  for (const [messageId, automated] of run.value) {
    results.set(messageId, { processed: true, conversationId: automated.conversationId, replies: automated.jobs.length });
    jobs.push(...automated.jobs);
  }
  if (jobs.length > 0) {
    await options.dispatcher.dispatch(jobs).catch((error: unknown) => options.onDispatchError?.(error));
  }
  if (options.live) {
    const events = [...run.value].map(([messageId, { firmId, conversationId }]) => ({ type: 'message.processed' as const, firmId, conversationId, messageId }));
    await publishLive(options.live, events).catch(() => undefined);
  }
  return results;
}
