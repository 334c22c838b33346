import type pg from 'pg';
import type { Database } from '../../db/prisma.js';
import { insertOutboundMessage } from '../capture-outbound.js';
import { freeTextAllowed } from '../channel-rules/whatsapp-window.js';
import { mayReceive } from '../consent/consent-machine.js';
import { readFirmSettings } from '../firm-settings.js';
import type { OutboxJob } from '../ports.js';
import { isDaytime, placeInDaytime } from '../reminders/client-daytime.js';
import { findMatterContact, openMatterConversation } from '../reminders/find-matter-contact.js';
import { runJobOnce } from '../run-job-once.js';
import { renderTemplate } from '../templates/render-template.js';
import { noticeJobId } from './notice-job.js';
import { noticeBodiesSchema } from './notice-schemas.js';

export interface DeliverNoticeOptions {
  db: Database;
  recipientId: string;
  now?: Date;
}

export type DeliverNoticeResult =
  | { outcome: 'sent'; messageId: string; jobs: OutboxJob[] }
  | { outcome: 'skipped'; reason: string; jobs: [] }
  | { outcome: 'held'; until: Date; jobs: [] }
  | { outcome: 'done_already'; jobs: [] };

interface RecipientRow {
  id: string;
  noticeId: string;
  state: string;
  clientId: string;
  matterId: string;
  clientName: string;
  clientLanguage: string | null;
  clientZone: string | null;
  noticeState: string;
  bodies: unknown;
  accountId: string | null;
  firmId: string;
  firmName: string;
  firmZone: string;
  settings: unknown;
}

const selectRecipient = `
  SELECT r.id, r."noticeId", r.state, r."clientId", r."matterId", cl.name AS "clientName", cl.language AS "clientLanguage",
         cl."timeZone" AS "clientZone", n.state AS "noticeState", n.bodies, n."accountId", f.id AS "firmId", f.name AS "firmName",
         f."timeZone" AS "firmZone", f.settings
    FROM "NoticeRecipient" r
    JOIN "Notice" n ON n.id = r."noticeId"
    JOIN "Client" cl ON cl.id = r."clientId"
    JOIN "Firm" f ON f.id = n."firmId"
   WHERE r.id = $1`;

/**
 * One client's notice, when its turn comes in the account's throttled queue. At night for the client it waits for
 * the client's morning (the outbox row is pushed back). Otherwise, in the job's own commit: the client's best contact
 * is found again and consent checked again (a STOP since the notice was sent wins), the WhatsApp window respected,
 * and the message written on the client's matter conversation in the client's language, with its send job. The
 * notice is done when no client is pending.
 */
export async function deliverNotice(options: DeliverNoticeOptions): Promise<DeliverNoticeResult> {
  const { db } = options;
  const now = options.now ?? new Date();
  const jobId = noticeJobId(options.recipientId);
  const peek = (await db.pool.query<RecipientRow>(selectRecipient, [options.recipientId])).rows[0];
  if (peek && peek.state === 'pending' && peek.noticeState === 'sending') {
    const settings = readFirmSettings(peek.settings);
    const clock = { timeZone: peek.clientZone ?? peek.firmZone, daytime: { start: settings.clientDaytimeStart, end: settings.clientDaytimeEnd } };
    if (!isDaytime(now, clock.timeZone, clock.daytime)) {
      const placement = placeInDaytime({ due: now, now, ...clock });
      const until = placement.ok ? placement.sendAt : new Date(now.getTime() + 60 * 60_000);
      await db.pool.query(`UPDATE "Outbox" SET "runAfter" = $2 WHERE "jobId" = $1 AND status = 'pending'`, [jobId, until]);
      return { outcome: 'held', until, jobs: [] };
    }
  }
  const run = await runJobOnce(db.pool, jobId, (client) => decide(client, options.recipientId, now));
  return run.ran ? run.value : { outcome: 'done_already', jobs: [] };
}

async function decide(client: pg.PoolClient, recipientId: string, now: Date): Promise<DeliverNoticeResult> {
  // The notice first, then the recipient: the order sending and cancelling take them in, so none of them deadlock.
  await client.query(`SELECT 1 FROM "Notice" WHERE id = (SELECT "noticeId" FROM "NoticeRecipient" WHERE id = $1) FOR UPDATE`, [recipientId]);
  const recipient = (await client.query<RecipientRow>(`${selectRecipient} FOR UPDATE OF r`, [recipientId])).rows[0];
  if (!recipient || recipient.state !== 'pending') return { outcome: 'done_already', jobs: [] };
  const finish = async <T extends DeliverNoticeResult>(result: T): Promise<T> => {
    await client.query(
      `UPDATE "Notice" SET state = 'done', "finishedAt" = now()
        WHERE id = $1 AND state = 'sending' AND NOT EXISTS (SELECT 1 FROM "NoticeRecipient" WHERE "noticeId" = $1 AND state = 'pending')`,
      [recipient.noticeId],
    );
    return result;
  };
  const skip = async (reason: string) => {
    await client.query(`UPDATE "NoticeRecipient" SET state = $2, "skippedReason" = $3 WHERE id = $1`, [
      recipient.id,
      reason === 'cancelled' ? 'cancelled' : 'skipped',
      reason === 'cancelled' ? null : reason,
    ]);
    return finish({ outcome: 'skipped' as const, reason, jobs: [] as [] });
  };
  if (recipient.noticeState !== 'sending') return skip('cancelled');

  const contact = await findMatterContact(client, { clientId: recipient.clientId, matterId: recipient.matterId, accountId: recipient.accountId });
  if (!contact) return skip('no_contact');
  const permission = mayReceive({ state: contact.consentState, blocked: contact.blocked, revocationPending: contact.revocationPending, purpose: 'notice' });
  if (!permission.ok) return skip(permission.reason);
  if (!freeTextAllowed({ kind: contact.accountKind, lastInboundAt: contact.lastInboundAt, now })) return skip('window_closed');

  const bodies = noticeBodiesSchema.parse(recipient.bodies);
  const language = (contact.language ?? recipient.clientLanguage) === 'es' && bodies.es ? 'es' : 'en';
  const text = renderTemplate(language === 'es' ? bodies.es! : bodies.en, { firm: recipient.firmName, client_name: recipient.clientName });
  const target = await openMatterConversation(client, contact, { id: recipient.matterId, clientName: recipient.clientName });
  const inserted = await insertOutboundMessage(client, {
    target,
    text,
    purpose: 'notice',
    authorUserId: null,
    idempotencyKey: `notice-${recipient.id}`,
  });
  await client.query(
    `UPDATE "NoticeRecipient" SET state = 'sent', "messageId" = $2, "conversationId" = $3, "identityId" = $4, language = $5 WHERE id = $1`,
    [recipient.id, inserted.messageId, target.conversationId, contact.identityId, language],
  );
  return finish({ outcome: 'sent' as const, messageId: inserted.messageId as string, jobs: inserted.jobs });
}
