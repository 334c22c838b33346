import type pg from 'pg';
import type { Database } from '../db/prisma.js';
import { storeBlob } from './blobs/blob-store.js';
import type { Keyring } from './crypto/secret-box.js';
import { AppError } from './errors.js';
import type { MessageEvent } from './events.js';
import type { MessageId } from './ids.js';
import { asMessageId } from './ids.js';
import { newId } from './new-id.js';
import { insertOutbox, mediaJob, outboxJob } from './outbox.js';
import type { OutboxJob, WorkDispatcher } from './ports.js';
import { withTransaction } from './transaction.js';

export interface CaptureInboundOptions {
  db: Database;
  dispatcher: WorkDispatcher;
  event: MessageEvent;
  /** Told when queueing after commit failed; the sweeper will queue the job later. */
  onDispatchError?: (error: unknown) => void;
  /** Encrypts media bytes handed over with the event; without it they are fetched later like any other media. */
  keyring?: Keyring;
}

export type CaptureResult =
  | { duplicate: false; messageId: MessageId; conversationId: string; firmId: string }
  | { duplicate: true; messageId: MessageId; conversationId: string; firmId: string };

interface AccountRow {
  id: string;
  firmId: string;
  removedAt: Date | null;
}

/**
 * Captures one message (inbound, or sent from the firm's own phone) into the record: contact identity, conversation,
 * message, attachments and an outbox row, in one transaction. Idempotent on (account, provider message id): a
 * redelivery returns the stored message and queues nothing. Only after commit is the processing job queued, so
 * nothing ever acts on a message that is not stored.
 */
export async function captureInbound(options: CaptureInboundOptions): Promise<CaptureResult> {
  const { db, event } = options;
  const outcome = await withTransaction(db.pool, async (client) => {
    const existing = await findExisting(client, event);
    if (existing) return { ...existing, duplicate: true as const, jobs: [] as OutboxJob[] };

    const account = await loadAccount(client, event.accountId);
    const identityId = event.contact ? await upsertIdentity(client, account, event) : null;
    const conversationId = await upsertConversation(client, account, event, identityId);
    const messageId = newId();
    const related = await resolveRelated(client, event);
    const inserted = await client.query<{ id: string }>(
      `INSERT INTO "Message" (id, "firmId", "accountId", "conversationId", "identityId", direction, kind,
         "providerMessageId", text, status, "sentAt", backfilled, "replyToId", "relatesToId", raw)
       VALUES ($1, $2, $3, $4, $5, $6::"MessageDirection", $7::"MessageKind", $8, $9, $10::"MessageStatus",
         $11, $12, $13, $14, $15)
       ON CONFLICT ("accountId", "providerMessageId") DO NOTHING
       RETURNING id`,
      [
        messageId,
        account.firmId,
        account.id,
        conversationId,
        identityId,
        event.direction,
        event.messageKind,
        event.providerMessageId,
        event.text ?? null,
        event.direction === 'inbound' ? 'received' : 'sent',
        event.sentAt,
        event.backfilled ?? false,
        related.replyToId,
        related.relatesToId,
        JSON.stringify(event.raw ?? null),
      ],
    );
    if (inserted.rowCount === 0) {
      // Another delivery of the same event committed while this one ran: the unique index made us wait for it.
      throw new DuplicateRace();
    }
    await applyRelatedEffects(client, event, related.relatesToId);
    const mediaJobs = await insertAttachments(client, messageId, event, options.keyring);
    await client.query(
      `UPDATE "Conversation"
         SET "lastMessageAt" = GREATEST(COALESCE("lastMessageAt", $2), $2),
             "lastInboundAt" = CASE WHEN $3 THEN GREATEST(COALESCE("lastInboundAt", $2), $2) ELSE "lastInboundAt" END
       WHERE id = $1`,
      [conversationId, event.sentAt, event.direction === 'inbound'],
    );
    const jobs = [outboxJob('inbound', messageId), ...mediaJobs];
    await insertOutbox(client, jobs);
    return {
      duplicate: false as const,
      messageId: asMessageId(messageId),
      conversationId,
      firmId: account.firmId,
      jobs,
    };
  }).catch(async (error: unknown) => {
    if (!(error instanceof DuplicateRace)) throw error;
    const existing = await findExisting(db.pool, event);
    if (!existing) throw new AppError('internal', 'message vanished after a duplicate delivery', {}, { cause: error });
    return { ...existing, duplicate: true as const, jobs: [] as OutboxJob[] };
  });

  const { jobs, ...result } = outcome;
  if (jobs.length > 0) {
    await options.dispatcher.dispatch(jobs).catch((error: unknown) => options.onDispatchError?.(error));
  }
  return result;
}

class DuplicateRace extends Error {}

async function findExisting(
  client: pg.ClientBase | pg.Pool,
  event: MessageEvent,
): Promise<{ messageId: MessageId; conversationId: string; firmId: string } | null> {
  const found = await client.query<{ id: string; conversationId: string; firmId: string }>(
    `SELECT id, "conversationId", "firmId" FROM "Message" WHERE "accountId" = $1 AND "providerMessageId" = $2`,
    [event.accountId, event.providerMessageId],
  );
  const row = found.rows[0];
  return row ? { messageId: asMessageId(row.id), conversationId: row.conversationId, firmId: row.firmId } : null;
}

async function loadAccount(client: pg.ClientBase, accountId: string): Promise<AccountRow> {
  const found = await client.query<AccountRow>(
    `SELECT id, "firmId", "removedAt" FROM "ChannelAccount" WHERE id = $1`,
    [accountId],
  );
  const account = found.rows[0];
  if (!account) throw new AppError('not_found', `unknown channel account ${accountId}`, { accountId });
  return account;
}

async function upsertIdentity(client: pg.ClientBase, account: AccountRow, event: MessageEvent): Promise<string> {
  const contact = event.contact;
  if (!contact) throw new AppError('internal', 'upsertIdentity without a contact');
  const lookup = () =>
    client.query<{ id: string }>(
      `SELECT id FROM "ContactIdentity"
        WHERE "accountId" = $1 AND (address = $2 OR aliases @> ARRAY[$2]::text[])
        ORDER BY (address = $2) DESC LIMIT 1`,
      [account.id, contact.address],
    );
  const found = await lookup();
  if (found.rows[0]) return found.rows[0].id;
  const inserted = await client.query<{ id: string }>(
    `INSERT INTO "ContactIdentity" (id, "firmId", "accountId", address, aliases, "displayName")
     VALUES ($1, $2, $3, $4, $5, $6)
     ON CONFLICT ("accountId", address) DO NOTHING
     RETURNING id`,
    [newId(), account.firmId, account.id, contact.address, contact.aliases ?? [], contact.name ?? null],
  );
  if (inserted.rows[0]) return inserted.rows[0].id;
  const raced = await lookup();
  if (!raced.rows[0]) throw new AppError('internal', 'contact identity vanished during capture');
  return raced.rows[0].id;
}

async function upsertConversation(
  client: pg.ClientBase,
  account: AccountRow,
  event: MessageEvent,
  identityId: string | null,
): Promise<string> {
  const lookup = () =>
    client.query<{ id: string }>(`SELECT id FROM "Conversation" WHERE "accountId" = $1 AND "externalId" = $2`, [
      account.id,
      event.chat.externalId,
    ]);
  const found = await lookup();
  if (found.rows[0]) return found.rows[0].id;
  const inserted = await client.query<{ id: string }>(
    `INSERT INTO "Conversation" (id, "firmId", "accountId", "externalId", kind, "identityId", title)
     VALUES ($1, $2, $3, $4, $5::"ConversationKind", $6, $7)
     ON CONFLICT ("accountId", "externalId") DO NOTHING
     RETURNING id`,
    [
      newId(),
      account.firmId,
      account.id,
      event.chat.externalId,
      event.chat.kind,
      event.chat.kind === 'direct' ? identityId : null,
      event.chat.title ?? null,
    ],
  );
  if (inserted.rows[0]) return inserted.rows[0].id;
  const raced = await lookup();
  if (!raced.rows[0]) throw new AppError('internal', 'conversation vanished during capture');
  return raced.rows[0].id;
}

async function resolveRelated(
  client: pg.ClientBase,
  event: MessageEvent,
): Promise<{ replyToId: string | null; relatesToId: string | null }> {
  const byProviderId = async (providerId: string | undefined) => {
    if (!providerId) return null;
    const found = await client.query<{ id: string }>(
      `SELECT id FROM "Message" WHERE "accountId" = $1 AND "providerMessageId" = $2`,
      [event.accountId, providerId],
    );
    return found.rows[0]?.id ?? null;
  };
  return {
    replyToId: await byProviderId(event.replyToProviderId),
    relatesToId: await byProviderId(event.relatesToProviderId),
  };
}

/** A deletion marks its target deleted by the sender and an edit records the new text; the target's own row stays. */
async function applyRelatedEffects(client: pg.ClientBase, event: MessageEvent, targetId: string | null): Promise<void> {
  if (!targetId) return;
  if (event.messageKind === 'deletion') {
    await client.query(`UPDATE "Message" SET "deletedBySender" = true WHERE id = $1`, [targetId]);
  } else if (event.messageKind === 'edit') {
    await client.query(`UPDATE "Message" SET "editedText" = $2 WHERE id = $1`, [targetId, event.text ?? null]);
  }
}

/**
 * Records the message's media. Bytes handed over with the event are encrypted into the blob store in this same
 * transaction; media the provider only points at gets a fetch job, so the record keeps its own copy before the
 * provider's link expires.
 */
async function insertAttachments(
  client: pg.ClientBase,
  messageId: string,
  event: MessageEvent,
  keyring: Keyring | undefined,
): Promise<OutboxJob[]> {
  const jobs: OutboxJob[] = [];
  for (const media of event.media ?? []) {
    const id = newId();
    const stored = media.data && keyring ? await storeBlob(client, keyring, media.data) : null;
    const fetchable = !stored && (media.url !== undefined || media.providerMediaId !== undefined);
    await client.query(
      `INSERT INTO "Attachment" (id, "messageId", "fileName", "mimeType", size, sha256, "providerMediaId", "sourceUrl",
         "blobKey", "keyId", state, error)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
      [
        id,
        messageId,
        media.fileName ?? null,
        media.mimeType,
        stored?.size ?? media.size ?? media.data?.length ?? null,
        stored?.sha256 ?? media.sha256 ?? null,
        media.providerMediaId ?? null,
        media.url ?? null,
        stored?.sha256 ?? null,
        stored?.keyId ?? null,
        stored ? 'stored' : fetchable ? 'pending' : 'failed',
        stored || fetchable ? null : 'the channel gave no way to fetch this media',
      ],
    );
    if (fetchable) jobs.push(mediaJob(id));
  }
  return jobs;
}
