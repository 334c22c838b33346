import type pg from 'pg';
import type { Database } from '../db/prisma.js';
import { AppError } from './errors.js';
import type { MessageId } from './ids.js';
import { asMessageId } from './ids.js';
import { newId } from './new-id.js';
import { outboxJob } from './outbox.js';
import type { OutboxJob, WorkDispatcher } from './ports.js';
import { withTransaction } from './transaction.js';

export type OutboundPurpose =
  | 'conversation'
  | 'consent_request'
  | 'consent_confirmed'
  | 'opted_out'
  | 'help'
  | 'after_hours'
  | 'back_open'
  | 'reminder'
  | 'notice';

export interface SendTarget {
  conversationId: string;
  identityId: string;
  firmId: string;
  accountId: string;
  address: string;
}

/** Decides, inside the capture transaction, whether this message may go to this contact; throws AppError if not. */
export type SendGate = (client: pg.ClientBase, target: SendTarget, purpose: OutboundPurpose) => Promise<void>;

export interface CaptureOutboundOptions {
  db: Database;
  dispatcher: WorkDispatcher;
  /** An existing conversation, or an account and the contact's address on it. */
  to: { conversationId: string } | { accountId: string; address: string };
  text: string;
  purpose?: OutboundPurpose;
  authorUserId?: string | null;
  /** The caller's request key: the same key on the same account stores one message. */
  idempotencyKey?: string;
  /** Held until this instant (a send held until the office opens). */
  scheduledFor?: Date;
  /** An approved provider template (its text is `text`), for channels that require one. */
  template?: { name: string; language: string };
  gate?: SendGate;
  onDispatchError?: (error: unknown) => void;
}

export interface CaptureOutboundResult {
  messageId: MessageId;
  conversationId: string;
  status: 'queued' | 'scheduled';
  duplicate: boolean;
}

/**
 * Records a message the firm sends through Matterline, before it is sent: the message (queued, or scheduled when
 * held) and its send job in the outbox, in one transaction; the job is queued after commit. The bridge is called
 * only by the send job, so a crash anywhere leaves either nothing or a recorded message that will be sent.
 */
export async function captureOutbound(options: CaptureOutboundOptions): Promise<CaptureOutboundResult> {
  const { db } = options;
  const purpose = options.purpose ?? 'conversation';
  const outcome = await withTransaction(db.pool, async (client) => {
    const target = await resolveTarget(client, options.to);
    if (options.idempotencyKey) {
      const prior = await client.query<{ id: string; status: string }>(
        `SELECT id, status FROM "Message" WHERE "accountId" = $1 AND "idempotencyKey" = $2`,
        [target.accountId, options.idempotencyKey],
      );
      const row = prior.rows[0];
      if (row) {
        return {
          result: {
            messageId: asMessageId(row.id),
            conversationId: target.conversationId,
            status: row.status === 'scheduled' ? ('scheduled' as const) : ('queued' as const),
            duplicate: true,
          },
          jobs: [] as OutboxJob[],
        };
      }
    }
    if (options.gate) await options.gate(client, target, purpose);
    const inserted = await insertOutboundMessage(client, {
      target,
      text: options.text,
      purpose,
      authorUserId: options.authorUserId ?? null,
      idempotencyKey: options.idempotencyKey,
      scheduledFor: options.scheduledFor,
      template: options.template,
    });
    return {
      result: { messageId: inserted.messageId, conversationId: target.conversationId, status: inserted.status, duplicate: false },
      jobs: inserted.jobs,
    };
  });
  if (outcome.jobs.length > 0) {
    await options.dispatcher.dispatch(outcome.jobs).catch((error: unknown) => options.onDispatchError?.(error));
  }
  return outcome.result;
}

export interface InsertOutboundMessageOptions {
  target: SendTarget;
  text: string;
  purpose: OutboundPurpose;
  authorUserId: string | null;
  idempotencyKey?: string;
  scheduledFor?: Date;
  template?: { name: string; language: string };
}

/**
 * Writes an outbound message and its send job into the caller's transaction; the caller dispatches the returned jobs
 * after commit. Automated replies use this inside the processing transaction of the message they answer, so the
 * reply exists exactly when the processing committed.
 */
export async function insertOutboundMessage(
  client: pg.ClientBase,
  options: InsertOutboundMessageOptions,
): Promise<{ messageId: MessageId; status: 'queued' | 'scheduled'; jobs: OutboxJob[] }> {
  const { target } = options;
  const messageId = newId();
  const status: 'queued' | 'scheduled' = options.scheduledFor && options.scheduledFor > new Date() ? 'scheduled' : 'queued';
  const job = outboxJob('send', messageId, status === 'scheduled' ? options.scheduledFor : undefined);
  if (options.authorUserId) {
    // A person answered: the conversation's automated follow-ups (the "we are open again" note) are moot now.
    await client.query(
      `UPDATE "Message" SET status = 'cancelled', error = 'a person answered first'
        WHERE "conversationId" = $1 AND status = 'scheduled' AND purpose = 'back_open'`,
      [target.conversationId],
    );
  }
  // The message, the conversation's last activity and the send job in the outbox: one statement, one round trip.
  await client.query(
    `WITH message AS (
       INSERT INTO "Message" (id, "firmId", "accountId", "conversationId", "identityId", direction, kind, purpose,
         text, status, "authorUserId", "idempotencyKey", "scheduledFor", "templateName", language)
       VALUES ($1, $2, $3, $4, $5, 'outbound', $12::"MessageKind", $6::"MessagePurpose", $7, $8::"MessageStatus", $9, $10,
         $11, $13, $14)
     ), conversation AS (
       UPDATE "Conversation" SET "lastMessageAt" = GREATEST(COALESCE("lastMessageAt", now()), now())
         ${options.authorUserId ? ', "lastLawyerReplyAt" = now()' : ''}
       WHERE id = $4
     )
     INSERT INTO "Outbox" ("jobName", "jobId", payload, "runAfter")
     VALUES ($15, $16, $17, COALESCE($18::timestamptz, now()))
     ON CONFLICT ("jobId") DO NOTHING`,
    [
      messageId,
      target.firmId,
      target.accountId,
      target.conversationId,
      target.identityId,
      options.purpose,
      options.text,
      status,
      options.authorUserId,
      options.idempotencyKey ?? null,
      status === 'scheduled' ? options.scheduledFor : null,
      options.template ? 'template' : 'text',
      options.template?.name ?? null,
      options.template?.language ?? null,
      job.jobName,
      job.jobId,
      JSON.stringify(job.payload),
      job.runAfter ?? null,
    ],
  );
  const jobs = [job];
  return { messageId: asMessageId(messageId), status, jobs };
}

export async function resolveTarget(client: pg.ClientBase, to: CaptureOutboundOptions['to']): Promise<SendTarget> {
  if ('conversationId' in to) {
    const found = await client.query<SendTarget>(
      `SELECT c.id AS "conversationId", c."identityId", c."firmId", c."accountId", i.address
         FROM "Conversation" c JOIN "ContactIdentity" i ON i.id = c."identityId"
        WHERE c.id = $1`,
      [to.conversationId],
    );
    const target = found.rows[0];
    if (!target) throw new AppError('not_found', 'no such conversation', { conversationId: to.conversationId });
    return target;
  }
  const account = await client.query<{ firmId: string }>(
    `SELECT "firmId" FROM "ChannelAccount" WHERE id = $1 AND "removedAt" IS NULL`,
    [to.accountId],
  );
  const firmId = account.rows[0]?.firmId;
  if (!firmId) throw new AppError('not_found', 'no such channel account', { accountId: to.accountId });
  await client.query(
    `INSERT INTO "ContactIdentity" (id, "firmId", "accountId", address) VALUES ($1, $2, $3, $4)
     ON CONFLICT ("accountId", address) DO NOTHING`,
    [newId(), firmId, to.accountId, to.address],
  );
  const identity = await client.query<{ id: string }>(
    `SELECT id FROM "ContactIdentity" WHERE "accountId" = $1 AND address = $2`,
    [to.accountId, to.address],
  );
  const identityId = identity.rows[0]!.id;
  await client.query(
    `INSERT INTO "Conversation" (id, "firmId", "accountId", "externalId", kind, "identityId")
     VALUES ($1, $2, $3, $4, 'direct', $5)
     ON CONFLICT ("accountId", "externalId") DO NOTHING`,
    [newId(), firmId, to.accountId, to.address, identityId],
  );
  const conversation = await client.query<{ id: string }>(
    `SELECT id FROM "Conversation" WHERE "accountId" = $1 AND "externalId" = $2`,
    [to.accountId, to.address],
  );
  return { conversationId: conversation.rows[0]!.id, identityId, firmId, accountId: to.accountId, address: to.address };
}
