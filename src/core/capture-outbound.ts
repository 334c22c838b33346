import type pg from 'pg';
import type { Database } from '../db/prisma.js';
import { storeBlob } from './blobs/blob-store.js';
import { normalizeMimeType } from './blobs/mime-type.js';
import type { OutboundFile } from './channel-rules/media-limits.js';
import { fileKindOf } from './channel-rules/media-limits.js';
import type { Keyring } from './crypto/secret-box.js';
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
  /** The text; with files, their caption (null: files alone). */
  text: string | null;
  /** Files sent with the text, stored (encrypted, by hash) with the message before it is sent. */
  files?: readonly OutboundFile[];
  /**
   * Further messages of the same send, in order, in the same transaction: files a channel carries one per message,
   * or a text too long to be a caption. Their request keys are the key with `#1`, `#2`… appended.
   */
  moreParts?: readonly { text: string | null; files: readonly OutboundFile[] }[];
  /** Seals the files' bytes; required when there are files. */
  keyring?: Keyring;
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
  /** The further messages of the send (moreParts), in order. */
  moreMessageIds: MessageId[];
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
            moreMessageIds: await partsOf(client, target.accountId, options.idempotencyKey, options.moreParts?.length ?? 0),
            conversationId: target.conversationId,
            status: row.status === 'scheduled' ? ('scheduled' as const) : ('queued' as const),
            duplicate: true,
          },
          jobs: [] as OutboxJob[],
        };
      }
    }
    if (options.gate) await options.gate(client, target, purpose);
    const common = { target, purpose, authorUserId: options.authorUserId ?? null, scheduledFor: options.scheduledFor, keyring: options.keyring };
    const inserted = await insertOutboundMessage(client, {
      ...common,
      text: options.text,
      ...(options.files ? { files: options.files } : {}),
      idempotencyKey: options.idempotencyKey,
      template: options.template,
    });
    const more: MessageId[] = [];
    const jobs = [...inserted.jobs];
    for (const [index, part] of (options.moreParts ?? []).entries()) {
      const next = await insertOutboundMessage(client, {
        ...common,
        text: part.text,
        files: part.files,
        idempotencyKey: options.idempotencyKey ? `${options.idempotencyKey}#${index + 1}` : undefined,
      });
      more.push(next.messageId);
      jobs.push(...next.jobs);
    }
    return {
      result: { messageId: inserted.messageId, moreMessageIds: more, conversationId: target.conversationId, status: inserted.status, duplicate: false },
      jobs,
    };
  });
  if (outcome.jobs.length > 0) {
    await options.dispatcher.dispatch(outcome.jobs).catch((error: unknown) => options.onDispatchError?.(error));
  }
  return outcome.result;
}

/** The messages a send stored under its key's parts (`key#1`, `key#2`…), in order. */
async function partsOf(client: pg.ClientBase, accountId: string, key: string, count: number): Promise<MessageId[]> {
  if (count === 0) return [];
  const keys = Array.from({ length: count }, (_, index) => `${key}#${index + 1}`);
  const found = await client.query<{ id: string; idempotencyKey: string }>(
    `SELECT id, "idempotencyKey" FROM "Message" WHERE "accountId" = $1 AND "idempotencyKey" = ANY($2::text[])`,
    [accountId, keys],
  );
  const byKey = new Map(found.rows.map((row) => [row.idempotencyKey, row.id]));
  return keys.flatMap((k) => (byKey.has(k) ? [asMessageId(byKey.get(k)!)] : []));
}

export interface InsertOutboundMessageOptions {
  target: SendTarget;
  text: string | null;
  files?: readonly OutboundFile[];
  keyring?: Keyring;
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
  const files = options.files ?? [];
  if (files.length > 0 && !options.keyring) throw new AppError('internal', 'files to send but no key to seal them with');
  const kind = options.template ? 'template' : files.length > 0 ? fileKindOf(files[0]!.mimeType) : 'text';
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
      kind,
      options.template?.name ?? null,
      options.template?.language ?? null,
      job.jobName,
      job.jobId,
      JSON.stringify(job.payload),
      job.runAfter ?? null,
    ],
  );
  // The files, as inbound media is kept: the encrypted bytes once per content, an attachment row with the hash.
  for (const file of files) {
    const blob = await storeBlob(client, options.keyring!, file.data);
    await client.query(
      `INSERT INTO "Attachment" (id, "messageId", "fileName", "mimeType", size, sha256, "blobKey", "keyId", state)
       VALUES ($1, $2, $3, $4, $5, $6, $6, $7, 'stored')`,
      [newId(), messageId, file.fileName, normalizeMimeType(file.mimeType), blob.size, blob.sha256, blob.keyId],
    );
  }
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
