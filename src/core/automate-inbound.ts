import { reopenOnClientMessage } from './inbox/shared-inbox.js';
import type pg from 'pg';
import type { OutboundPurpose, SendTarget } from './capture-outbound.js';
import { insertOutboundMessage } from './capture-outbound.js';
import { classifyConsentKeyword } from './consent/classify-keyword.js';
import type { ConsentState } from './consent/consent-machine.js';
import { mayReceive, nextConsentState } from './consent/consent-machine.js';
import { detectFreeTextRevocation } from './consent/detect-revocation.js';
import { foldWholeMessage } from './consent/fold-text.js';
import { guessLanguage } from './consent/guess-language.js';
import { cancelPendingSends, recordConsentChange } from './consent/record-consent-change.js';
import type { FirmSettings } from './firm-settings.js';
import { readFirmSettingsText } from './firm-settings.js';
import type { BusinessHoursSpec } from './hours/business-hours.js';
import { currentClosedPeriodStart, formatOpening, isOpen, nextOpening } from './hours/business-hours.js';
import { readBusinessHours } from './hours/load-business-hours.js';
import { newId } from './new-id.js';
import type { OutboxJob } from './ports.js';
import { loadTemplate } from './templates/load-template.js';
import { renderTemplate } from './templates/render-template.js';
import type { TemplateKind, TemplateLanguage } from './templates/template-kinds.js';

interface InboundRow {
  id: string;
  firmId: string;
  accountId: string;
  conversationId: string;
  identityId: string | null;
  direction: 'inbound' | 'outbound';
  kind: string;
  text: string | null;
  sentAt: Date | null;
  capturedAt: Date;
  backfilled: boolean;
  accountKind: string;
  conversationKind: 'direct' | 'group';
  matterId: string | null;
  firmName: string;
  defaultLanguage: string;
  /** Firm.settings as text (see readFirmSettingsText); null when unset. */
  settings: string | null;
  /** The business hours that apply (the account's, else the firm's), as text; null when there are none. */
  hoursTimeZone: string | null;
  hoursWeekly: string | null;
  hoursClosures: string | null;
}

interface ContactRow {
  id: string;
  address: string;
  consentState: ConsentState;
  blocked: boolean;
  language: string | null;
  clientLanguage: string | null;
  clientName: string | null;
  revocationPendingMessageId: string | null;
}

interface Context {
  client: pg.ClientBase;
  message: InboundRow;
  contact: ContactRow;
  target: SendTarget;
  settings: FirmSettings;
  language: TemplateLanguage;
  templates: TemplateCache;
  jobs: OutboxJob[];
}

/** Template bodies read in this transaction, by firm, kind and language. */
type TemplateCache = Map<string, string>;

/** What processing made of one message: where it is, and the send jobs to queue after commit. */
export interface AutomatedInbound {
  conversationId: string;
  firmId: string;
  jobs: OutboxJob[];
}

/**
 * What happens to captured client messages, decided inside their processing transaction so each effect exists exactly
 * when the processing committed: the after-hours marker; consent keywords (STOP first of all); a free-text
 * revocation held for a person; the consent request to a contact who has not opted in; the after-hours auto-reply
 * (once per conversation per closed period, judged by the message's own time), the on-call notice for URGENT, and
 * the optional "we are open again" follow-up. Backfilled messages, the firm's own messages and group chats get no
 * automated answer.
 *
 * Many messages are decided in one transaction: they are read in one query, their contacts locked in one statement
 * (in id order, so concurrent transactions queue instead of deadlocking), then decided one after another in capture
 * order, each seeing what the ones before it changed; `onLocked` is called once the locks are held. The common case
 * (an opted-in client writing while the office is open) costs no statement of its own. Returns each message found
 * (a purged one is missing) with its send jobs.
 */
export async function automateInbound(
  client: pg.ClientBase,
  messageIds: readonly string[],
  onLocked: () => void = () => undefined,
): Promise<Map<string, AutomatedInbound>> {
  const found = await client.query<InboundRow>(
    `SELECT m.id, m."firmId", m."accountId", m."conversationId", m."identityId", m.direction, m.kind, m.text, m."sentAt",
            m."capturedAt", m.backfilled, a.kind AS "accountKind", c.kind AS "conversationKind", c."matterId",
            f.name AS "firmName", f."defaultLanguage", f.settings::text AS settings,
            h."timeZone" AS "hoursTimeZone", h.weekly::text AS "hoursWeekly", h.closures::text AS "hoursClosures"
       FROM "Message" m
       JOIN "ChannelAccount" a ON a.id = m."accountId"
       JOIN "Conversation" c ON c.id = m."conversationId"
       JOIN "Firm" f ON f.id = m."firmId"
       LEFT JOIN LATERAL (
         SELECT "timeZone", weekly, closures FROM "BusinessHours"
          WHERE "firmId" = m."firmId" AND ("accountId" = m."accountId" OR "accountId" IS NULL)
          ORDER BY ("accountId" IS NULL) LIMIT 1
       ) h ON true
      WHERE m.id = ANY($1::text[])
      ORDER BY m."capturedAt", m.id`,
    [messageIds],
  );
  const results = new Map<string, AutomatedInbound>();
  const decisions: { message: InboundRow; hours: BusinessHoursSpec | null; at: Date; afterHours: boolean }[] = [];
  for (const message of found.rows) {
    results.set(message.id, { conversationId: message.conversationId, firmId: message.firmId, jobs: [] });
    if (message.direction !== 'inbound') continue;
    const at = message.sentAt ?? message.capturedAt;
    const hours =
      message.hoursTimeZone === null
        ? null
        : readBusinessHours({ timeZone: message.hoursTimeZone, weekly: message.hoursWeekly ?? 'null', closures: message.hoursClosures ?? 'null' });
    decisions.push({ message, hours, at, afterHours: hours !== null && !isOpen(hours, at) });
  }
  const afterHours = decisions.filter((decision) => decision.afterHours).map((decision) => decision.message.id);
  if (afterHours.length > 0) await client.query(`UPDATE "Message" SET "afterHours" = true WHERE id = ANY($1::text[])`, [afterHours]);
  // A client writing again reopens a conversation someone marked done or snoozed (history-sync backfill is old news).
  await reopenOnClientMessage(client, [
    ...new Set(decisions.filter(({ message }) => !message.backfilled && message.kind !== 'event').map(({ message }) => message.conversationId)),
  ]);

  const answerable = decisions.filter(
    // A happening in the chat (a timer set) is nobody writing to the firm: nothing answers it.
    ({ message }) => !message.backfilled && message.conversationKind === 'direct' && message.identityId !== null && message.kind !== 'event',
  );
  if (answerable.length === 0) {
    onLocked();
    return results;
  }
  // One decision at a time per contact: concurrent messages from the same number queue up here. FOR NO KEY UPDATE,
  // not FOR UPDATE: the contact's key never changes here, and capture's foreign-key checks (FOR KEY SHARE) on the
  // same contact must not wait for it, which with FOR UPDATE made capture and processing deadlock under load.
  const contactsFound = await client.query<ContactRow>(
    `SELECT i.id, i.address, i."consentState", i.blocked, i.language, cl.language AS "clientLanguage",
            cl.name AS "clientName", i."revocationPendingMessageId"
       FROM "ContactIdentity" i LEFT JOIN "Client" cl ON cl.id = i."clientId"
      WHERE i.id = ANY($1::text[])
      ORDER BY i.id
      FOR NO KEY UPDATE OF i`,
    [[...new Set(answerable.map(({ message }) => message.identityId!))]],
  );
  onLocked();
  const contacts = new Map(contactsFound.rows.map((contact) => [contact.id, contact]));
  const templates: TemplateCache = new Map();
  const languages = new Map<string, TemplateLanguage>();
  for (const { message, hours, at, afterHours: closed } of answerable) {
    const contact = contacts.get(message.identityId!);
    if (!contact) continue;
    const jobs = await decide(client, { message, contact, hours, at, afterHours: closed, templates, languages });
    results.get(message.id)!.jobs.push(...jobs);
  }
  if (languages.size > 0) {
    await client.query(
      `UPDATE "ContactIdentity" i SET language = learnt.language
         FROM unnest($1::text[], $2::text[]) AS learnt(id, language)
        WHERE i.id = learnt.id`,
      [[...languages.keys()], [...languages.values()]],
    );
  }
  return results;
}

/** One message's decisions, with its contact locked; the contact row is updated in place for the messages after it. */
async function decide(
  client: pg.ClientBase,
  options: {
    message: InboundRow;
    contact: ContactRow;
    hours: BusinessHoursSpec | null;
    at: Date;
    afterHours: boolean;
    templates: TemplateCache;
    /** Languages learnt, by contact, to record at the end of the batch. */
    languages: Map<string, TemplateLanguage>;
  },
): Promise<OutboxJob[]> {
  const { message, contact, hours, at } = options;
  const settings = readFirmSettingsText(message.settings ?? 'null');
  const fallback: TemplateLanguage = message.defaultLanguage === 'es' ? 'es' : 'en';
  const known = contact.language ?? contact.clientLanguage;
  const language: TemplateLanguage =
    known === 'es' || known === 'en' ? known : guessLanguage(message.text ?? '', fallback);
  if (!contact.language) {
    // Written for the whole batch at its end (nothing in it reads the column back).
    options.languages.set(contact.id, language);
    contact.language = language;
  }
  const context: Context = {
    client,
    message,
    contact,
    settings,
    language,
    templates: options.templates,
    jobs: [],
    target: {
      conversationId: message.conversationId,
      identityId: contact.id,
      firmId: message.firmId,
      accountId: message.accountId,
      address: contact.address,
    },
  };

  const keyword = message.text ? classifyConsentKeyword(message.text) : null;
  if (keyword) {
    await handleKeyword(context, keyword);
    return context.jobs;
  }
  if (message.text && contact.consentState !== 'opted_out') {
    const revocation = detectFreeTextRevocation(message.text);
    if (revocation.matched) {
      await holdForRevocationReview(context, revocation.phrase ?? message.text);
      return context.jobs;
    }
  }
  if (contact.consentState === 'unknown' || contact.consentState === 'requested') {
    if (settings.consentRequestMode === 'automatic') await requestConsent(context);
    return context.jobs;
  }
  if (contact.consentState === 'opted_in' && options.afterHours && hours) await answerAfterHours(context, hours, at);
  return context.jobs;
}

async function handleKeyword(context: Context, keyword: 'opt_in' | 'opt_out' | 'help'): Promise<void> {
  const { client, message, contact } = context;
  const transition = nextConsentState({ state: contact.consentState, keyword });
  if (transition.changed) {
    if (transition.state === 'opted_out') {
      // Before anything else goes out: held and queued sends to this contact are cancelled in this same commit.
      await cancelPendingSends(client, message.identityId!, 'the client opted out (STOP)');
      await client.query(`UPDATE "ContactIdentity" SET "revocationPendingMessageId" = NULL WHERE id = $1`, [message.identityId]);
      contact.revocationPendingMessageId = null;
    }
    await recordConsentChange(client, {
      identityId: message.identityId!,
      from: contact.consentState,
      to: transition.state,
      source: 'keyword',
      channel: message.accountKind,
      messageId: message.id,
      text: message.text,
    });
    contact.consentState = transition.state;
  }
  // Twilio's Advanced Opt-Out answers STOP itself and refuses anything more to that number (21610): a confirmation
  // of ours would be a second answer the carrier drops. The STOP is recorded all the same.
  if (transition.reply === 'opted_out' && message.accountKind === 'twilio') return;
  if (transition.reply) await sendTemplate(context, transition.reply, transition.reply);
}

async function holdForRevocationReview(context: Context, phrase: string): Promise<void> {
  const { client, message, contact } = context;
  if (contact.revocationPendingMessageId) return;
  await client.query(`UPDATE "ContactIdentity" SET "revocationPendingMessageId" = $2 WHERE id = $1`, [
    message.identityId,
    message.id,
  ]);
  contact.revocationPendingMessageId = message.id;
  await recordConsentChange(client, {
    identityId: message.identityId!,
    from: contact.consentState,
    to: contact.consentState,
    source: 'free_text',
    channel: message.accountKind,
    messageId: message.id,
    text: message.text,
    note: `Reads as a revocation ("${phrase}"): every send is held until a person confirms or dismisses it.`,
  });
  // The matter's lawyers review it; without a matter, the firm's admins do.
  await client.query(
    `INSERT INTO "Notification" (id, "firmId", "userId", kind, "conversationId", "messageId")
     SELECT gen_random_uuid()::text, $1, u.id, 'revocation_review', $2, $3
       FROM "User" u
      WHERE u."firmId" = $1 AND u."disabledAt" IS NULL
        AND (u.id IN (SELECT "userId" FROM "MatterMember" WHERE "matterId" = $4)
             OR ($4::text IS NULL AND u.role = 'admin'))
     ON CONFLICT ("userId", kind, "messageId") DO NOTHING`,
    [message.firmId, message.conversationId, message.id, message.matterId],
  );
}

async function requestConsent(context: Context): Promise<void> {
  const { client, message, contact } = context;
  if (contact.blocked) return;
  // At most once per 24 h per contact; the row lock taken above makes concurrent messages agree on who asks. A
  // contact asked for the first time moves to requested in the same statement.
  const claimed = await client.query(
    `UPDATE "ContactIdentity"
        SET "consentRequestedAt" = now(),
            "consentState" = CASE WHEN "consentState" = 'unknown' THEN 'requested'::"ConsentState" ELSE "consentState" END,
            "consentUpdatedAt" = CASE WHEN "consentState" = 'unknown' THEN now() ELSE "consentUpdatedAt" END
      WHERE id = $1 AND ("consentRequestedAt" IS NULL OR "consentRequestedAt" < now() - interval '24 hours')
      RETURNING id`,
    [message.identityId],
  );
  if (claimed.rowCount === 0) return;
  if (contact.consentState === 'unknown') {
    await recordConsentChange(client, {
      identityId: message.identityId!,
      from: 'unknown',
      to: 'requested',
      stateAlreadySet: true,
      source: 'system',
      channel: message.accountKind,
      messageId: message.id,
      text: message.text,
      note: 'First message from this contact: the consent request was sent.',
    });
    contact.consentState = 'requested';
  }
  await sendTemplate(context, 'consent_request', 'consent_request');
}

async function answerAfterHours(context: Context, hours: BusinessHoursSpec, at: Date): Promise<void> {
  const { client, message, settings } = context;
  if (message.text && /\burgente?\b/.test(foldWholeMessage(message.text).toLowerCase()) && settings.onCallUserId) {
    await client.query(
      `INSERT INTO "Notification" (id, "firmId", "userId", kind, "conversationId", "messageId")
       SELECT $1, $2, id, 'urgent_after_hours', $4, $5 FROM "User" WHERE id = $3 AND "firmId" = $2
       ON CONFLICT ("userId", kind, "messageId") DO NOTHING`,
      [newId(), message.firmId, settings.onCallUserId, message.conversationId, message.id],
    );
  }
  const periodStart = currentClosedPeriodStart(hours, at) ?? new Date(0);
  // Once per conversation per closed period, moving forward only; not when a person answered moments ago.
  const claimed = await client.query(
    `UPDATE "Conversation" SET "afterHoursRepliedFor" = $2
      WHERE id = $1 AND ("afterHoursRepliedFor" IS NULL OR "afterHoursRepliedFor" < $2)
        AND ("lastLawyerReplyAt" IS NULL OR "lastLawyerReplyAt" < $3::timestamptz - make_interval(mins => $4))
      RETURNING id`,
    [message.conversationId, periodStart, at, settings.humanAnswerQuietMinutes],
  );
  if (claimed.rowCount === 0) return;
  const opening = nextOpening(hours, at);
  const nextText = opening ? formatOpening(opening, hours.timeZone, context.language) : '';
  await sendTemplate(context, 'after_hours', 'after_hours', { next_opening: nextText });
  if (settings.backOpenFollowUp && opening && opening > new Date()) {
    await sendTemplate(context, 'back_open', 'back_open', {}, opening, `auto-back_open-${message.conversationId}-${periodStart.toISOString()}`);
  }
}

/** Renders and records an automated message if the gate allows it; its send job joins the caller's jobs. */
async function sendTemplate(
  context: Context,
  kind: TemplateKind,
  purpose: OutboundPurpose,
  extra: Record<string, string> = {},
  scheduledFor?: Date,
  idempotencyKey?: string,
): Promise<void> {
  const { client, message, contact } = context;
  const permission = mayReceive({
    state: contact.consentState,
    blocked: contact.blocked,
    revocationPending: contact.revocationPendingMessageId !== null,
    purpose,
  });
  if (!permission.ok) return;
  const templateKey = `${message.firmId}:${kind}:${context.language}`;
  let body = context.templates.get(templateKey);
  if (body === undefined) {
    body = await loadTemplate(client, message.firmId, kind, context.language);
    context.templates.set(templateKey, body);
  }
  const text = renderTemplate(body, {
    firm: message.firmName,
    client_name: contact.clientName ?? undefined,
    help_contact: context.settings.helpContact,
    ...extra,
  });
  const inserted = await insertOutboundMessage(client, {
    target: context.target,
    text,
    purpose,
    authorUserId: null,
    idempotencyKey: idempotencyKey ?? `auto-${kind}-${message.id}`,
    scheduledFor,
  });
  context.jobs.push(...inserted.jobs);
}
