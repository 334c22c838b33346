import { unknownOutcomePrefix } from './capture-receipt.js';
import { cancelPendingSends, recordConsentChange } from './consent/record-consent-change.js';
import type { Database } from '../db/prisma.js';
import type { ConsentState, MessagePurpose } from './consent/consent-machine.js';
import { mayReceive } from './consent/consent-machine.js';
import { AppError } from './errors.js';
import { jobIdFor, outboxJob } from './outbox.js';
import type { LivePublisher, OutboundAttachment, OutboundTransport, WorkDispatcher } from './ports.js';
import { runJobOnce } from './run-job-once.js';
import { withTransaction } from './transaction.js';

export interface SendQueuedMessageOptions {
  db: Database;
  transport: OutboundTransport;
  messageId: string;
  /** Queues the conversation's next waiting send once this one is done (sends of a conversation go in order). */
  dispatcher?: WorkDispatcher;
  live?: LivePublisher;
  now?: Date;
}

export type SendQueuedMessageResult =
  | { outcome: 'sent'; providerMessageId: string }
  | { outcome: 'not_yet'; until: Date }
  | { outcome: 'skipped'; status: string }
  | { outcome: 'failed'; error: string };

/** How long a send waits for an earlier send of its conversation before it looks again (the outbox retries it). */
export const waitForEarlierSendMs = 5_000;

interface SendRow {
  id: string;
  capturedAt: Date;
  firmId: string;
  accountId: string;
  conversationId: string;
  status: string;
  text: string | null;
  scheduledFor: Date | null;
  address: string;
  purpose: MessagePurpose;
  kind: string;
  templateName: string | null;
  language: string | null;
  consentState: ConsentState;
  blocked: boolean;
  revocationPending: boolean;
}

/**
 * The send job: hands a recorded outbound message to its account's transport, once. The message is marked `sending`
 * in its own commit before the transport is called, so a crash after the provider accepted it is seen on retry:
 * transports that pass our id to the provider resend harmlessly; for the others the outcome is unknown, and the
 * message is marked failed for a person to check rather than risk a duplicate in the client's phone.
 */
export async function sendQueuedMessage(options: SendQueuedMessageOptions): Promise<SendQueuedMessageResult> {
  const { db, messageId, transport } = options;
  const now = options.now ?? new Date();
  const jobId = jobIdFor('send', messageId);

  const claim = await withTransaction(db.pool, async (client) => {
    const found = await client.query<SendRow>(
      `SELECT m.id, m."firmId", m."accountId", m."conversationId", m."capturedAt", m.status, m.text, m."scheduledFor", m.purpose,
              m.kind, m."templateName", m.language,
              i.address, i."consentState", i.blocked, i."revocationPendingMessageId" IS NOT NULL AS "revocationPending"
         FROM "Message" m JOIN "ContactIdentity" i ON i.id = m."identityId"
        WHERE m.id = $1 AND m.direction = 'outbound'
        FOR UPDATE OF m`,
      [messageId],
    );
    const message = found.rows[0];
    if (!message) return { kind: 'gone' as const };
    if (message.status === 'scheduled' && message.scheduledFor && message.scheduledFor > now) {
      return { kind: 'not_yet' as const, until: message.scheduledFor };
    }
    if (!['queued', 'scheduled', 'sending'].includes(message.status)) {
      return { kind: 'done_already' as const, status: message.status };
    }
    // Consent is checked again at the last moment: a STOP, a block or a revocation since the message was queued wins.
    const permission = mayReceive({
      state: message.consentState,
      blocked: message.blocked,
      revocationPending: message.revocationPending,
      purpose: message.purpose,
    });
    if (!permission.ok) {
      await client.query(`UPDATE "Message" SET status = 'cancelled', error = $2 WHERE id = $1`, [
        messageId,
        `not sent: ${permission.reason}`,
      ]);
      return { kind: 'done_already' as const, status: 'cancelled' };
    }
    if (message.status === 'sending') return { kind: 'resend' as const, message };
    if (!['queued', 'scheduled', 'sending'].includes(message.status)) {
      return { kind: 'done_already' as const, status: message.status };
    }
    // The client receives a conversation's messages in the order the firm sent them (a document split into one
    // message per file, a reply after the one before it): an earlier send still on its way goes first.
    const earlier = await client.query(
      `SELECT 1 FROM "Message"
        WHERE "conversationId" = $1 AND direction = 'outbound' AND status IN ('queued', 'sending')
          AND ("capturedAt", id) < ($2, $3) LIMIT 1`,
      [message.conversationId, message.capturedAt, message.id],
    );
    if (earlier.rowCount) {
      const until = new Date(now.getTime() + waitForEarlierSendMs);
      await client.query(`UPDATE "Outbox" SET "runAfter" = $2 WHERE "jobId" = $1 AND status = 'pending'`, [jobId, until]);
      return { kind: 'not_yet' as const, until };
    }
    await client.query(`UPDATE "Message" SET status = 'sending' WHERE id = $1`, [messageId]);
    return { kind: 'send' as const, message };
  });

  switch (claim.kind) {
    case 'gone':
      await runJobOnce(db.pool, jobId, async () => undefined);
      return { outcome: 'skipped', status: 'gone' };
    case 'not_yet':
      return { outcome: 'not_yet', until: claim.until };
    case 'done_already':
      await runJobOnce(db.pool, jobId, async () => undefined);
      return { outcome: 'skipped', status: claim.status };
    case 'resend': {
      if (await transport.idempotentSends(claim.message.accountId)) break;
      const error = `${unknownOutcomePrefix}: the process stopped while the provider was sending; check before resending`;
      await markFailed(options, claim.message, error);
      return { outcome: 'failed', error };
    }
    case 'send':
      break;
  }

  const { message } = claim;
  const attachments = await db.pool.query<OutboundAttachment>(
    `SELECT id, "fileName", "mimeType", size, sha256 FROM "Attachment"
      WHERE "messageId" = $1 AND state = 'stored' AND sha256 IS NOT NULL ORDER BY "createdAt", id`,
    [message.id],
  );
  let providerMessageId: string;
  try {
    ({ providerMessageId } = await transport.send({
      accountId: message.accountId,
      clientMessageId: message.id,
      to: message.address,
      text: message.text ?? undefined,
      ...(attachments.rows.length > 0 ? { attachments: attachments.rows } : {}),
      ...(message.kind === 'template' && message.templateName
        ? { template: { name: message.templateName, language: message.language ?? 'en' } }
        : {}),
    }));
  } catch (error) {
    if (error instanceof AppError && error.code === 'bad_request') {
      await markFailed(options, message, error.message);
      // The provider says the client opted out at the carrier (Twilio's 21610: STOP sent to the number): that is
      // consent evidence like a STOP in the thread, and nothing more may go to them.
      if (error.details?.recipientOptedOut === true) await recordCarrierOptOut(options, message.id, error);
      return { outcome: 'failed', error: error.message };
    }
    // Transient: back to queued so the retry sends it; the job's retry policy decides when.
    await db.pool.query(`UPDATE "Message" SET status = 'queued', error = left($2, 2000) WHERE id = $1`, [
      messageId,
      error instanceof Error ? error.message : String(error),
    ]);
    throw error;
  }

  await runJobOnce(db.pool, jobId, async (client) => {
    // The message and its status event in one statement.
    await client.query(
      `WITH sent AS (
         UPDATE "Message" SET status = CASE WHEN status = 'sending' THEN 'sent'::"MessageStatus" ELSE status END,
                "providerMessageId" = $2, "sentAt" = COALESCE("sentAt", now()), error = NULL
          WHERE id = $1
       )
       INSERT INTO "MessageStatusEvent" ("messageId", status, at) VALUES ($1, 'sent', now())
       ON CONFLICT ("messageId", status) DO NOTHING`,
      [messageId, providerMessageId],
    );
  });
  await options.live
    ?.publish({
      type: 'message.status',
      firmId: message.firmId,
      conversationId: message.conversationId,
      messageId,
      status: 'sent',
    })
    .catch(() => undefined);
  await queueNextSend(options, message);
  return { outcome: 'sent', providerMessageId };
}

/** The conversation's next send that waited for this one, queued now rather than at its next look. */
async function queueNextSend(options: SendQueuedMessageOptions, message: SendRow): Promise<void> {
  if (!options.dispatcher) return;
  const next = await options.db.pool.query<{ id: string }>(
    `SELECT id FROM "Message"
      WHERE "conversationId" = $1 AND direction = 'outbound' AND status = 'queued' AND ("capturedAt", id) > ($2, $3)
      ORDER BY "capturedAt", id LIMIT 1`,
    [message.conversationId, message.capturedAt, message.id],
  );
  const id = next.rows[0]?.id;
  if (id) await options.dispatcher.dispatch([outboxJob('send', id)]).catch(() => undefined);
}

async function markFailed(options: SendQueuedMessageOptions, message: SendRow, error: string): Promise<void> {
  await markFailedOnly(options, message, error);
  await queueNextSend(options, message);
}

async function markFailedOnly(options: SendQueuedMessageOptions, message: SendRow, error: string): Promise<void> {
  await runJobOnce(options.db.pool, jobIdFor('send', message.id), async (client) => {
    await client.query(
      `UPDATE "Message" SET status = 'failed', error = $2, "failedAt" = now() WHERE id = $1`,
      [message.id, error],
    );
  });
  await options.live
    ?.publish({
      type: 'message.status',
      firmId: message.firmId,
      conversationId: message.conversationId,
      messageId: message.id,
      status: 'failed',
    })
    .catch(() => undefined);
}

/** A carrier-level opt-out the provider reported on a send: the contact is opted out, with the provider's answer. */
async function recordCarrierOptOut(options: SendQueuedMessageOptions, messageId: string, error: AppError): Promise<void> {
  await withTransaction(options.db.pool, async (client) => {
    const found = await client.query<{ identityId: string; consentState: ConsentState; kind: string }>(
      `SELECT i.id AS "identityId", i."consentState", a.kind
         FROM "Message" m JOIN "ContactIdentity" i ON i.id = m."identityId" JOIN "ChannelAccount" a ON a.id = m."accountId"
        WHERE m.id = $1 FOR UPDATE OF i`,
      [messageId],
    );
    const contact = found.rows[0];
    if (!contact || contact.consentState === 'opted_out') return;
    await cancelPendingSends(client, contact.identityId, 'the client opted out at the carrier (STOP to the number)');
    await recordConsentChange(client, {
      identityId: contact.identityId,
      from: contact.consentState,
      to: 'opted_out',
      source: 'carrier',
      channel: contact.kind,
      messageId,
      note: `The provider refused a send because the recipient opted out at the carrier: ${JSON.stringify(error.details?.providerAnswer ?? error.message).slice(0, 900)}`,
    });
  });
}
