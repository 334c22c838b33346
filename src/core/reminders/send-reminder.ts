import type pg from 'pg';
import type { Database } from '../../db/prisma.js';
import { insertOutboundMessage } from '../capture-outbound.js';
import { freeTextAllowed } from '../channel-rules/whatsapp-window.js';
import { mayReceive } from '../consent/consent-machine.js';
import { readFirmSettings } from '../firm-settings.js';
import { insertOutbox } from '../outbox.js';
import type { OutboxJob } from '../ports.js';
import { runJobOnce } from '../run-job-once.js';
import { loadTemplate } from '../templates/load-template.js';
import { renderTemplate } from '../templates/render-template.js';
import type { TemplateLanguage } from '../templates/template-kinds.js';
import { isDaytime, placeInDaytime } from './client-daytime.js';
import { findMatterContact, openMatterConversation } from './find-matter-contact.js';
import { reminderJob, reminderJobId } from './reminder-job.js';
import { reminderVariables } from './render-reminder.js';

export interface SendReminderOptions {
  db: Database;
  reminderId: string;
  /** The send time the job was made for; a reminder moved since has another job. */
  sendAt: Date;
  now?: Date;
}

export type SendReminderResult =
  | { outcome: 'sent'; messageId: string; jobs: OutboxJob[] }
  | { outcome: 'moved'; sendAt: Date; jobs: OutboxJob[] }
  | { outcome: 'skipped'; reason: string; jobs: [] }
  | { outcome: 'stale'; jobs: [] }
  | { outcome: 'not_yet'; jobs: [] };

interface ReminderRow {
  id: string;
  state: string;
  sendAt: Date;
  title: string;
  location: string | null;
  startsAt: Date;
  cancelled: boolean;
  matterId: string;
  matterNumber: string;
  matterTitle: string;
  clientId: string;
  clientName: string;
  clientLanguage: string | null;
  clientZone: string | null;
  firmId: string;
  firmName: string;
  firmZone: string;
  defaultLanguage: string;
  settings: unknown;
}

// A job may fire a moment early (clocks of the queue and the database differ slightly).
const earlyToleranceMs = 1000;

/**
 * The reminder job: when a reminder is due, checks everything again at that moment and, when all is well, writes the
 * reminder message on the matter's conversation (queued, with its send job) in the job's own commit. Checked: the
 * reminder still has this time and is scheduled (else the job is stale), the event is not cancelled and still ahead,
 * the client has a contact that may receive it (consent, block, pending revocation), the channel lets free text go
 * now (the WhatsApp 24-hour window), and it is daytime for the client; if not, the reminder moves to the client's next
 * daytime before the event, or is skipped with the reason.
 */
export async function sendReminder(options: SendReminderOptions): Promise<SendReminderResult> {
  const now = options.now ?? new Date();
  if (options.sendAt.getTime() - now.getTime() > earlyToleranceMs) return { outcome: 'not_yet', jobs: [] };
  const run = await runJobOnce(options.db.pool, reminderJobId(options.reminderId, options.sendAt), (client) => decide(client, options, now));
  return run.ran ? run.value : { outcome: 'stale', jobs: [] };
}

async function decide(client: pg.PoolClient, options: SendReminderOptions, now: Date): Promise<SendReminderResult> {
  const found = await client.query<ReminderRow>(
    `SELECT r.id, r.state, r."sendAt", e.title, e.location, e."startsAt", e.cancelled, m.id AS "matterId",
            m.number AS "matterNumber", m.title AS "matterTitle", cl.id AS "clientId", cl.name AS "clientName",
            cl.language AS "clientLanguage", cl."timeZone" AS "clientZone", f.id AS "firmId", f.name AS "firmName",
            f."timeZone" AS "firmZone", f."defaultLanguage", f.settings
       FROM "Reminder" r
       JOIN "MatterEvent" e ON e.id = r."matterEventId"
       JOIN "Matter" m ON m.id = e."matterId"
       JOIN "Client" cl ON cl.id = m."clientId"
       JOIN "Firm" f ON f.id = m."firmId"
      WHERE r.id = $1
      FOR UPDATE OF r`,
    [options.reminderId],
  );
  const reminder = found.rows[0];
  if (!reminder || reminder.state !== 'scheduled' || reminder.sendAt.getTime() !== options.sendAt.getTime()) {
    return { outcome: 'stale', jobs: [] };
  }
  const skip = async (reason: string): Promise<SendReminderResult> => {
    await client.query(`UPDATE "Reminder" SET state = $2, "skippedReason" = $3 WHERE id = $1`, [
      reminder.id,
      reason === 'cancelled' ? 'cancelled' : 'skipped',
      reason === 'cancelled' ? 'the event was cancelled' : reason,
    ]);
    return { outcome: 'skipped', reason, jobs: [] };
  };
  if (reminder.cancelled) return skip('cancelled');
  if (now.getTime() >= reminder.startsAt.getTime()) return skip('past');

  const contact = await findMatterContact(client, { clientId: reminder.clientId, matterId: reminder.matterId });
  if (!contact) return skip('no_contact');
  const permission = mayReceive({
    state: contact.consentState,
    blocked: contact.blocked,
    revocationPending: contact.revocationPending,
    purpose: 'reminder',
  });
  if (!permission.ok) return skip(permission.reason);
  if (!freeTextAllowed({ kind: contact.accountKind, lastInboundAt: contact.lastInboundAt, now })) return skip('window_closed');

  const settings = readFirmSettings(reminder.settings);
  const timeZone = reminder.clientZone ?? reminder.firmZone;
  const daytime = { start: settings.clientDaytimeStart, end: settings.clientDaytimeEnd };
  if (!isDaytime(now, timeZone, daytime)) {
    // Late (the queue was down, or the reminder was placed before the setting changed): the client's next daytime.
    const placement = placeInDaytime({ due: now, eventAt: reminder.startsAt, now, timeZone, daytime });
    if (!placement.ok) return skip(placement.reason);
    await client.query(`UPDATE "Reminder" SET "sendAt" = $2 WHERE id = $1`, [reminder.id, placement.sendAt]);
    const job = reminderJob(reminder.id, placement.sendAt);
    await insertOutbox(client, [job]);
    return { outcome: 'moved', sendAt: placement.sendAt, jobs: [job] };
  }

  const known = contact.language ?? reminder.clientLanguage ?? reminder.defaultLanguage;
  const language: TemplateLanguage = known === 'es' ? 'es' : 'en';
  const body = await loadTemplate(client, reminder.firmId, 'reminder', language);
  const text = renderTemplate(body, {
    firm: reminder.firmName,
    client_name: reminder.clientName,
    help_contact: settings.helpContact,
    matter: `${reminder.matterNumber} ${reminder.matterTitle}`,
    ...reminderVariables({ title: reminder.title, location: reminder.location, startsAt: reminder.startsAt, timeZone, language }),
  });
  const target = await openMatterConversation(client, contact, { id: reminder.matterId, clientName: reminder.clientName });
  const inserted = await insertOutboundMessage(client, {
    target,
    text,
    purpose: 'reminder',
    authorUserId: null,
    idempotencyKey: `reminder-${reminder.id}-${reminder.sendAt.getTime()}`,
  });
  await client.query(`UPDATE "Reminder" SET state = 'sent', "messageId" = $2, "skippedReason" = NULL WHERE id = $1`, [
    reminder.id,
    inserted.messageId,
  ]);
  return { outcome: 'sent', messageId: inserted.messageId, jobs: inserted.jobs };
}
