import type pg from 'pg';
import type { WebhookEvent } from './webhook-events.js';

// The `data` of each event, read from the record when a delivery is first attempted (normally within seconds of the
// change) and kept with the delivery, so every retry sends the same bytes. docs/WEBHOOKS.md shows each one. Null when
// the subject is gone (a message purged by retention before the delivery ran).

type Data = Record<string, unknown>;
const iso = (value: Date | null | undefined) => (value ? value.toISOString() : null);

async function one<T extends pg.QueryResultRow>(db: pg.ClientBase, sql: string, params: unknown[]): Promise<T | null> {
  return (await db.query<T>(sql, params)).rows[0] ?? null;
}

const conversationParts = `
  c.id AS "conversationId", c.kind AS "conversationKind", c."accountId", a.kind AS channel,
  i.id AS "contactId", i.address, i."displayName", i."consentState",
  cl.id AS "clientId", cl.name AS "clientName",
  mt.id AS "matterId", mt.number AS "matterNumber", mt.title AS "matterTitle"`;

const conversationJoins = `
  JOIN "ChannelAccount" a ON a.id = c."accountId"
  LEFT JOIN "ContactIdentity" i ON i.id = c."identityId"
  LEFT JOIN "Client" cl ON cl.id = i."clientId"
  LEFT JOIN "Matter" mt ON mt.id = c."matterId"`;

interface ConversationParts {
  conversationId: string;
  conversationKind: string;
  accountId: string;
  channel: string;
  contactId: string | null;
  address: string | null;
  displayName: string | null;
  consentState: string | null;
  clientId: string | null;
  clientName: string | null;
  matterId: string | null;
  matterNumber: string | null;
  matterTitle: string | null;
}

const describeConversation = (row: ConversationParts): Data => ({
  conversation: { id: row.conversationId, kind: row.conversationKind, accountId: row.accountId, channel: row.channel },
  contact: row.contactId ? { id: row.contactId, address: row.address, displayName: row.displayName, consentState: row.consentState } : null,
  client: row.clientId ? { id: row.clientId, name: row.clientName } : null,
  matter: row.matterId ? { id: row.matterId, number: row.matterNumber, title: row.matterTitle } : null,
});

async function messageCaptured(db: pg.ClientBase, messageId: string): Promise<Data | null> {
  const row = await one<ConversationParts & {
    id: string; direction: string; kind: string; purpose: string; text: string | null; editedText: string | null; language: string | null;
    status: string; sentAt: Date | null; capturedAt: Date; providerMessageId: string | null; replyToId: string | null; relatesToId: string | null;
    backfilled: boolean; afterHours: boolean; authorId: string | null; authorName: string | null; authorEmail: string | null;
  }>(
    db,
    `SELECT m.id, m.direction, m.kind, m.purpose, m.text, m."editedText", m.language, m.status, m."sentAt", m."capturedAt",
            m."providerMessageId", m."replyToId", m."relatesToId", m.backfilled, m."afterHours",
            u.id AS "authorId", u.name AS "authorName", u.email AS "authorEmail", ${conversationParts}
       FROM "Message" m JOIN "Conversation" c ON c.id = m."conversationId" ${conversationJoins}
       LEFT JOIN "User" u ON u.id = m."authorUserId"
      WHERE m.id = $1`,
    [messageId],
  );
  if (!row) return null;
  const attachments = await db.query<{ id: string; fileName: string | null; mimeType: string; size: number | null; sha256: string | null }>(
    `SELECT id, "fileName", "mimeType", size, sha256 FROM "Attachment" WHERE "messageId" = $1 ORDER BY "createdAt", id`,
    [messageId],
  );
  return {
    message: {
      id: row.id,
      direction: row.direction,
      kind: row.kind,
      purpose: row.purpose,
      text: row.text,
      editedText: row.editedText,
      language: row.language,
      status: row.status,
      sentAt: iso(row.sentAt),
      capturedAt: iso(row.capturedAt),
      providerMessageId: row.providerMessageId,
      replyToId: row.replyToId,
      relatesToId: row.relatesToId,
      backfilled: row.backfilled,
      afterHours: row.afterHours,
      author: row.authorId ? { id: row.authorId, name: row.authorName, email: row.authorEmail } : null,
      attachments: attachments.rows,
    },
    ...describeConversation(row),
  };
}

async function consentChanged(db: pg.ClientBase, consentEventId: string): Promise<Data | null> {
  const row = await one<{
    id: string; fromState: string | null; toState: string; source: string; messageId: string | null; text: string | null; note: string | null;
    actorUserId: string | null; createdAt: Date; channel: string; identityId: string; accountId: string; address: string; displayName: string | null;
    blocked: boolean; clientId: string | null; clientName: string | null;
  }>(
    db,
    `SELECT e.id, e."fromState", e."toState", e.source, e."messageId", e.text, e.note, e."actorUserId", e."createdAt", e.channel,
            i.id AS "identityId", i."accountId", i.address, i."displayName", i.blocked, cl.id AS "clientId", cl.name AS "clientName"
       FROM "ConsentEvent" e JOIN "ContactIdentity" i ON i.id = e."identityId" LEFT JOIN "Client" cl ON cl.id = i."clientId"
      WHERE e.id = $1`,
    [consentEventId],
  );
  if (!row) return null;
  return {
    consent: {
      id: row.id,
      from: row.fromState,
      to: row.toState,
      source: row.source,
      at: iso(row.createdAt),
      evidence: { messageId: row.messageId, text: row.text, note: row.note, actorUserId: row.actorUserId },
    },
    contact: { id: row.identityId, accountId: row.accountId, channel: row.channel, address: row.address, displayName: row.displayName, blocked: row.blocked },
    client: row.clientId ? { id: row.clientId, name: row.clientName } : null,
  };
}

interface AuditRow {
  subjectId: string | null;
  details: Record<string, unknown>;
  createdAt: Date;
  actorId: string | null;
  actorName: string | null;
  actorEmail: string | null;
}

const auditRow = (db: pg.ClientBase, auditId: string) =>
  one<AuditRow>(
    db,
    `SELECT ae."subjectId", ae.details, ae."createdAt", u.id AS "actorId", u.name AS "actorName", u.email AS "actorEmail"
       FROM "AuditEvent" ae LEFT JOIN "User" u ON u.id = ae."actorUserId" WHERE ae.id = $1::bigint`,
    [auditId],
  );

const actorOf = (audit: AuditRow) => (audit.actorId ? { id: audit.actorId, name: audit.actorName, email: audit.actorEmail } : null);

async function timeEntryApproved(db: pg.ClientBase, auditId: string): Promise<Data | null> {
  const audit = await auditRow(db, auditId);
  if (!audit?.subjectId) return null;
  const entry = await one<{
    id: string; date: string; tenths: number; narrative: string; activityCode: string; taskCode: string | null; rateCents: number; billable: boolean;
    state: string; userId: string; userName: string; userEmail: string; timekeeperId: string | null; matterId: string; matterNumber: string;
    matterTitle: string; clientId: string; clientName: string;
  }>(
    db,
    `SELECT t.id, to_char(t.date, 'YYYY-MM-DD') AS date, t.tenths, t.narrative, t."activityCode", t."taskCode", t."rateCents", t.billable, t.state,
            u.id AS "userId", u.name AS "userName", u.email AS "userEmail", u."timekeeperId",
            m.id AS "matterId", m.number AS "matterNumber", m.title AS "matterTitle", cl.id AS "clientId", cl.name AS "clientName"
       FROM "TimeEntry" t JOIN "User" u ON u.id = t."userId" JOIN "Matter" m ON m.id = t."matterId" JOIN "Client" cl ON cl.id = m."clientId"
      WHERE t.id = $1`,
    [audit.subjectId],
  );
  if (!entry) return null;
  return {
    timeEntry: {
      id: entry.id,
      date: entry.date,
      hours: entry.tenths / 10,
      narrative: entry.narrative,
      activityCode: entry.activityCode,
      taskCode: entry.taskCode,
      rateCents: entry.rateCents,
      amountCents: Math.round((entry.tenths * entry.rateCents) / 10),
      billable: entry.billable,
      stateNow: entry.state,
    },
    timekeeper: { id: entry.userId, name: entry.userName, email: entry.userEmail, timekeeperId: entry.timekeeperId },
    matter: { id: entry.matterId, number: entry.matterNumber, title: entry.matterTitle },
    client: { id: entry.clientId, name: entry.clientName },
    approvedBy: actorOf(audit),
    approvedAt: iso(audit.createdAt),
  };
}

async function conversationAssigned(db: pg.ClientBase, auditId: string): Promise<Data | null> {
  const audit = await auditRow(db, auditId);
  if (!audit?.subjectId) return null;
  const row = await one<ConversationParts>(
    db,
    `SELECT ${conversationParts} FROM "Conversation" c ${conversationJoins} WHERE c.id = $1`,
    [audit.subjectId],
  );
  if (!row) return null;
  const assignedMatterId = typeof audit.details.matterId === 'string' ? audit.details.matterId : row.matterId;
  const matter = await one<{ id: string; number: string; title: string }>(db, `SELECT id, number, title FROM "Matter" WHERE id = $1`, [assignedMatterId]);
  return {
    ...describeConversation(row),
    matter,
    previousMatterId: audit.details.previousMatterId ?? null,
    assignedBy: actorOf(audit),
    assignedAt: iso(audit.createdAt),
  };
}

const builders: Record<WebhookEvent, (db: pg.ClientBase, subjectId: string) => Promise<Data | null>> = {
  'message.captured': messageCaptured,
  'consent.changed': consentChanged,
  'time_entry.approved': timeEntryApproved,
  'conversation.assigned': conversationAssigned,
};

/** The `data` of an event about `subjectId` (a message, a consent event, or the audit event of an approval or filing). */
export function buildWebhookData(db: pg.ClientBase, event: WebhookEvent, subjectId: string): Promise<Data | null> {
  return builders[event](db, subjectId);
}
