import type pg from 'pg';
import { visibleConversationFilter } from '../access/access-policy.js';
import type { Viewer } from '../access/viewer.js';
import { AppError } from '../errors.js';

export interface ConversationDetail {
  id: string;
  kind: string;
  title: string | null;
  /** The channel account, with its connection state: replies wait while it is not connected. */
  account: { id: string; kind: string; name: string; state: string };
  contact: {
    identityId: string;
    address: string;
    displayName: string | null;
    language: string | null;
    consentState: string;
    consentUpdatedAt: Date | null;
    revocationPending: boolean;
    blocked: boolean;
  } | null;
  client: { id: string; name: string } | null;
  matter: { id: string; number: string; title: string; status: string } | null;
  flags: { needsTriage: boolean; routingNeedsConfirmation: boolean; privilegeRisk: boolean };
  /** The shared inbox: who handles it, open or done, snoozed until when. */
  assignee: { id: string; name: string } | null;
  status: 'open' | 'done';
  doneAt: Date | null;
  snoozedUntil: Date | null;
  lastMessageAt: Date | null;
  lastInboundAt: Date | null;
  lastReadAt: Date | null;
  unreadCount: number;
}

interface Row {
  id: string;
  accountState: string;
  status: 'open' | 'done';
  doneAt: Date | null;
  snoozedUntil: Date | null;
  assigneeId: string | null;
  assigneeName: string | null;
  kind: string;
  title: string | null;
  accountId: string;
  accountKind: string;
  accountName: string;
  identityId: string | null;
  address: string | null;
  displayName: string | null;
  language: string | null;
  consentState: string | null;
  consentUpdatedAt: Date | null;
  revocationPendingMessageId: string | null;
  blocked: boolean | null;
  clientId: string | null;
  clientName: string | null;
  matterId: string | null;
  matterNumber: string | null;
  matterTitle: string | null;
  matterStatus: string | null;
  needsTriage: boolean;
  routingNeedsConfirmation: boolean;
  privilegeRisk: boolean;
  lastMessageAt: Date | null;
  lastInboundAt: Date | null;
  lastReadAt: Date | null;
  unread: number;
}

/** One conversation with its contact's consent state, client, matter and flags; 404 when hidden or missing. */
export async function getConversation(pool: pg.Pool, viewer: Viewer, conversationId: string): Promise<ConversationDetail> {
  const visible = visibleConversationFilter(viewer, 'c', 3);
  const found = await pool.query<Row>(
    `SELECT c.id, c.kind, c.title, a.id AS "accountId", a.kind AS "accountKind", a.name AS "accountName", a.state::text AS "accountState",
            i.id AS "identityId", i.address, i."displayName", i.language, i."consentState", i."consentUpdatedAt",
            i."revocationPendingMessageId", i.blocked,
            cl.id AS "clientId", cl.name AS "clientName",
            mt.id AS "matterId", mt.number AS "matterNumber", mt.title AS "matterTitle", mt.status AS "matterStatus",
            c."needsTriage", c."routingNeedsConfirmation", c."privilegeRisk", c."lastMessageAt", c."lastInboundAt",
            r."lastReadAt", c.status, c."doneAt", c."snoozedUntil", au.id AS "assigneeId", au.name AS "assigneeName",
            (SELECT count(*)::int FROM "Message" m
              WHERE m."conversationId" = c.id AND m.direction = 'inbound' AND NOT m.backfilled
                AND m."capturedAt" > COALESCE(r."lastReadAt", '-infinity'::timestamptz)) AS unread
       FROM "Conversation" c
       JOIN "ChannelAccount" a ON a.id = c."accountId"
       LEFT JOIN "ContactIdentity" i ON i.id = c."identityId"
       LEFT JOIN "Matter" mt ON mt.id = c."matterId"
       LEFT JOIN "Client" cl ON cl.id = COALESCE(mt."clientId", i."clientId")
       LEFT JOIN "ConversationRead" r ON r."conversationId" = c.id AND r."userId" = $2
       LEFT JOIN "User" au ON au.id = c."assigneeId"
      WHERE c.id = $1 AND ${visible.sql}`,
    [conversationId, viewer.userId, ...visible.params],
  );
  const row = found.rows[0];
  if (!row) throw new AppError('not_found', 'no such conversation', { conversationId });
  return {
    id: row.id,
    kind: row.kind,
    title: row.title,
    account: { id: row.accountId, kind: row.accountKind, name: row.accountName, state: row.accountState },
    contact:
      row.identityId && row.address && row.consentState
        ? {
            identityId: row.identityId,
            address: row.address,
            displayName: row.displayName,
            language: row.language,
            consentState: row.consentState,
            consentUpdatedAt: row.consentUpdatedAt,
            revocationPending: row.revocationPendingMessageId !== null,
            blocked: row.blocked ?? false,
          }
        : null,
    client: row.clientId && row.clientName ? { id: row.clientId, name: row.clientName } : null,
    matter:
      row.matterId && row.matterNumber && row.matterTitle && row.matterStatus
        ? { id: row.matterId, number: row.matterNumber, title: row.matterTitle, status: row.matterStatus }
        : null,
    flags: { needsTriage: row.needsTriage, routingNeedsConfirmation: row.routingNeedsConfirmation, privilegeRisk: row.privilegeRisk },
    assignee: row.assigneeId && row.assigneeName ? { id: row.assigneeId, name: row.assigneeName } : null,
    status: row.status,
    doneAt: row.doneAt,
    snoozedUntil: row.snoozedUntil,
    lastMessageAt: row.lastMessageAt,
    lastInboundAt: row.lastInboundAt,
    lastReadAt: row.lastReadAt,
    unreadCount: row.unread,
  };
}
