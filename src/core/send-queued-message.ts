import { unknownOutcomePrefix } from './capture-receipt.js';
import { cancelPendingSends, recordConsentChange } from './consent/record-consent-change.js';
import type { Database } from '../db/prisma.js';
import type { ConsentState, MessagePurpose } from './consent/consent-machine.js';
import { mayReceive } from './consent/consent-machine.js';
import { AppError } from './errors.js';
import { jobIdFor } from './outbox.js';
import type { LivePublisher, OutboundAttachment, OutboundTransport } from './ports.js';
import { runJobOnce } from './run-job-once.js';
import { withTransaction } from './transaction.js';

export interface SendQueuedMessageOptions {
  db: Database;
  transport: OutboundTransport;
  messageId: string;
  live?: LivePublisher;
  now?: Date;
}

export type SendQueuedMessageResult =
  | { outcome: 'sent'; providerMessageId: string }
  | { outcome: 'not_yet'; until: Date }
  | { outcome: 'skipped'; status: string }
  | { outcome: 'failed'; error: string };

/**
 * How long a send job waits, polling, for an earlier send of its conversation to leave; past it the job ends and the
 * outbox runs it again a few seconds later.
 */
const waitForEarlierSendMs = 20_000;
const earlierPollMs = 100;

interface SendRow {
  id: string;
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

  // The client receives a conversation's messages in the order the firm sent them (a document split into one message
  // per file, an automated answer after the one before it): while an earlier send of the conversation is on its way,
  // this one waits for it.
  const waitUntil = Date.now() + waitForEarlierSendMs;
  while (await earlierSendInFlight(db, messageId)) {
    if (Date.now() >= waitUntil) {
      const until = new Date(Date.now() + 2_000);
      await db.pool.query(`UPDATE "Outbox" SET "runAfter" = $2 WHERE "jobId" = $1 AND status = 'pending'`, [jobId, until]);
      return { outcome: 'not_yet', until };
    }
    await new Promise((resolve) => setTimeout(resolve, earlierPollMs));
  }

  const claim = await withTransaction(db.pool, async (client) => {
    const found = await client.query<SendRow>(
      `SELECT m.id, m."firmId", m."accountId", m."conversationId", m.status, m.text, m."scheduledFor", m.purpose,
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
  return { outcome: 'sent', providerMessageId };
}

async function markFailed(options: SendQueuedMessageOptions, message: SendRow, error: string): Promise<void> {
  await runJobOnce(options.db.pool, jobIdFor('send', message.id), async (client) => {
    await client.query(
      `UPDATE "Message" SET status = 'failed', error = $2, "failedAt" = now() WHERE id = $1`,
      [message.id, error],
    );
    // A consent request that failed, or whose outcome is unknown, does not count as asked: the contact's next
    // message may ask again instead of waiting 24 hours. (It was claimed in the transaction that stored it.)
    if (message.purpose === 'consent_request') {
      await client.query(
        `UPDATE "ContactIdentity" i SET "consentRequestedAt" = NULL
           FROM "Message" m WHERE m.id = $1 AND i.id = m."identityId" AND i."consentRequestedAt" = m."capturedAt"`,
        [message.id],
      );
    }
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

/** Whether an earlier outbound message of the same conversation is still queued or being sent. */
async function earlierSendInFlight(db: Database, messageId: string): Promise<boolean> {
  const found = await db.pool.query(
    `SELECT 1 FROM "Message" m JOIN "Message" e ON e."conversationId" = m."conversationId"
      WHERE m.id = $1 AND m.direction = 'outbound' AND m.status IN ('queued', 'scheduled', 'sending')
        AND e.direction = 'outbound' AND e.status IN ('queued', 'sending') AND (e."capturedAt", e.id) < (m."capturedAt", m.id)
      LIMIT 1`,
    [messageId],
  );
  return (found.rowCount ?? 0) > 0;
}
