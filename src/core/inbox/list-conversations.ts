import type pg from 'pg';
import { z } from 'zod';
import { visibleConversationFilter } from '../access/access-policy.js';
import type { Viewer } from '../access/viewer.js';
import { decodeCursor, encodeCursor } from './page-cursor.js';

export interface ListConversationsOptions {
  pool: pg.Pool;
  viewer: Viewer;
  matterId?: string;
  /** Only conversations under no matter yet. */
  triage?: boolean;
  /** Only conversations with inbound messages the viewer has not read. */
  unread?: boolean;
  /**
   * Which of the shared inbox's views: open (the default: not done, not snoozed), mine (open and assigned to the
   * viewer), unassigned (open), waiting (open, the client wrote last), snoozed, done, or all.
   */
  view?: ConversationView;
  /** Search: accent- and case-insensitive over the client's name, number, matter number and title, and message text. */
  q?: string;
  limit: number;
  cursor?: string;
}

export const conversationViews = ['open', 'mine', 'unassigned', 'waiting', 'snoozed', 'done', 'all'] as const;
export type ConversationView = (typeof conversationViews)[number];

export interface ConversationSummary {
  id: string;
  title: string | null;
  kind: string;
  accountId: string;
  contact: { identityId: string | null; address: string | null; displayName: string | null; consentState: string | null };
  matter: { id: string; number: string; title: string } | null;
  needsTriage: boolean;
  routingNeedsConfirmation: boolean;
  privilegeRisk: boolean;
  lastMessageAt: Date | null;
  lastInboundAt: Date | null;
  unreadCount: number;
  /** The newest message, as the list previews it (its text, or what kind of message it is, and who sent it). */
  lastMessage: { direction: 'inbound' | 'outbound'; kind: string; text: string | null; files: number } | null;
  /** What must not stay quiet: an urgent after-hours message the viewer has not acknowledged, a free-text revocation awaiting a person, a blocked contact. */
  attention: { urgent: boolean; revocationPending: boolean; blocked: boolean };
  /** The shared inbox: who handles it, open or done, snoozed until when. */
  assignee: { id: string; name: string } | null;
  status: 'open' | 'done';
  snoozedUntil: Date | null;
}

const cursorSchema = z.object({ u: z.union([z.literal(0), z.literal(1)]), t: z.iso.datetime(), id: z.string() });

interface Row {
  id: string;
  title: string | null;
  kind: string;
  accountId: string;
  identityId: string | null;
  address: string | null;
  displayName: string | null;
  consentState: string | null;
  matterId: string | null;
  matterNumber: string | null;
  matterTitle: string | null;
  needsTriage: boolean;
  routingNeedsConfirmation: boolean;
  privilegeRisk: boolean;
  lastMessageAt: Date | null;
  lastInboundAt: Date | null;
  unread: number;
  hasUnread: 0 | 1;
  urgent: boolean;
  revocationPending: boolean;
  blocked: boolean;
  lastDirection: 'inbound' | 'outbound' | null;
  lastKind: string | null;
  lastText: string | null;
  lastFiles: number | null;
  assigneeId: string | null;
  assigneeName: string | null;
  status: 'open' | 'done';
  snoozedUntil: Date | null;
  sortAt: Date;
}

/** Escapes LIKE's wildcards so that what a person types is matched as typed. */
const likeLiteral = (text: string) => text.replace(/[\\%_]/g, (c) => `\\${c}`);

/**
 * The view's condition on the conversation (alias c). "Open" leaves out what is done and what is snoozed until later;
 * a search (q) looks through every state unless a view is named.
 */
function viewCondition(view: ConversationView, userParam: string): string {
  const awake = `(c."snoozedUntil" IS NULL OR c."snoozedUntil" <= now())`;
  const open = `c.status = 'open' AND ${awake}`;
  switch (view) {
    case 'open':
      return open;
    case 'mine':
      return `${open} AND c."assigneeId" = ${userParam}`;
    case 'unassigned':
      return `${open} AND c."assigneeId" IS NULL`;
    case 'waiting':
      // The client wrote after the firm's people last answered (automatic replies do not count as an answer).
      return `${open} AND c."lastInboundAt" > COALESCE(c."lastLawyerReplyAt", '-infinity'::timestamptz)`;
    case 'snoozed':
      return `c.status = 'open' AND c."snoozedUntil" > now()`;
    case 'done':
      return `c.status = 'done'`;
    case 'all':
      return 'TRUE';
  }
}

/**
 * The viewer's inbox: only what access-policy lets them see, unread first, then the most recent. Unread counts the
 * inbound messages captured after the viewer's last read (history-sync backfill is old news and not counted).
 * Paged by a keyset cursor; a conversation whose unread state changes between two pages may move across them.
 */
export async function listConversations(options: ListConversationsOptions): Promise<{ items: ConversationSummary[]; nextCursor: string | null }> {
  const { viewer } = options;
  const params: unknown[] = [viewer.userId];
  const visible = visibleConversationFilter(viewer, 'c', params.length + 1);
  params.push(...visible.params);
  const where = [visible.sql];
  if (options.matterId !== undefined) {
    params.push(options.matterId);
    where.push(`c."matterId" = $${params.length}`);
  }
  if (options.triage) where.push(`c."matterId" IS NULL`);
  where.push(viewCondition(options.view ?? (options.q ? 'all' : 'open'), '$1::text'));
  const q = options.q?.trim();
  if (q) {
    params.push(`%${likeLiteral(q)}%`);
    const pattern = `matterline_fold($${params.length})`;
    // A number typed with spaces or dashes ("+34 600 100") still finds the address.
    const digits = q.replace(/[\s().-]/g, '');
    const phone = /^\+?\d{3,}$/.test(digits);
    if (phone) params.push(`%${digits.replace(/^\+/, '')}%`);
    where.push(`(
      EXISTS (SELECT 1 FROM "ContactIdentity" si WHERE si.id = c."identityId"
               AND (matterline_fold(COALESCE(si."displayName", '')) LIKE ${pattern} OR matterline_fold(si.address) LIKE ${pattern}
                    ${phone ? `OR si.address LIKE $${params.length}` : ''}))
      OR matterline_fold(COALESCE(c.title, '')) LIKE ${pattern}
      OR EXISTS (SELECT 1 FROM "Matter" sm JOIN "Client" sc ON sc.id = sm."clientId" WHERE sm.id = c."matterId"
                  AND (matterline_fold(sm.number) LIKE ${pattern} OR matterline_fold(sm.title) LIKE ${pattern} OR matterline_fold(sc.name) LIKE ${pattern}))
      OR EXISTS (SELECT 1 FROM "Message" sg WHERE sg."conversationId" = c.id AND NOT sg."deletedBySender"
                  AND matterline_fold(COALESCE(sg."editedText", sg.text, '')) LIKE ${pattern}))`);
  }
  const outer: string[] = [];
  if (options.unread) outer.push('v.unread > 0');
  if (options.cursor) {
    const key = decodeCursor(options.cursor, cursorSchema);
    params.push(key.u, key.t, key.id);
    const n = params.length;
    outer.push(`(v."hasUnread", v."sortAt", v.id) < ($${n - 2}::int, $${n - 1}::timestamptz, $${n}::text)`);
  }
  params.push(options.limit + 1);
  const rows = await options.pool.query<Row>(
    `WITH v AS (
       SELECT c.id, c.title, c.kind, c."accountId", c."identityId", c."matterId", c."needsTriage",
              c."routingNeedsConfirmation", c."privilegeRisk", c."lastMessageAt", c."lastInboundAt",
              c."assigneeId", c.status, c."snoozedUntil",
              COALESCE(c."lastMessageAt", c."createdAt") AS "sortAt",
              (SELECT count(*)::int FROM "Message" m
                WHERE m."conversationId" = c.id AND m.direction = 'inbound' AND NOT m.backfilled
                  AND m."capturedAt" > COALESCE(r."lastReadAt", '-infinity'::timestamptz)) AS unread
         FROM "Conversation" c
         LEFT JOIN "ConversationRead" r ON r."conversationId" = c.id AND r."userId" = $1
        WHERE ${where.join(' AND ')}
     ), ranked AS (
       SELECT v.*, CASE WHEN v.unread > 0 THEN 1 ELSE 0 END AS "hasUnread" FROM v
     )
     SELECT v.*, i.address, i."displayName", i."consentState", mt.number AS "matterNumber", mt.title AS "matterTitle",
            au.name AS "assigneeName",
            COALESCE(i."revocationPendingMessageId" IS NOT NULL, false) AS "revocationPending", COALESCE(i.blocked, false) AS blocked,
            EXISTS (SELECT 1 FROM "Notification" n
                     WHERE n."userId" = $1 AND n."conversationId" = v.id AND n.kind = 'urgent_after_hours' AND n."readAt" IS NULL) AS urgent,
            last.direction AS "lastDirection", last.kind AS "lastKind", last.text AS "lastText", last.files AS "lastFiles"
       FROM ranked v
       LEFT JOIN LATERAL (
         SELECT m.direction, m.kind::text, left(COALESCE(m."editedText", m.text), 200) AS text,
                (SELECT count(*)::int FROM "Attachment" a WHERE a."messageId" = m.id) AS files
           FROM "Message" m
          WHERE m."conversationId" = v.id AND m.kind NOT IN ('reaction', 'edit', 'deletion', 'event')
          ORDER BY m."capturedAt" DESC LIMIT 1
       ) last ON true
       LEFT JOIN "ContactIdentity" i ON i.id = v."identityId"
       LEFT JOIN "Matter" mt ON mt.id = v."matterId"
       LEFT JOIN "User" au ON au.id = v."assigneeId"
      ${outer.length > 0 ? `WHERE ${outer.join(' AND ')}` : ''}
      ORDER BY v."hasUnread" DESC, v."sortAt" DESC, v.id DESC
      LIMIT $${params.length}`,
    params,
  );
  const page = rows.rows.slice(0, options.limit);
  const last = page[page.length - 1];
  return {
    items: page.map((row) => ({
      id: row.id,
      title: row.title,
      kind: row.kind,
      accountId: row.accountId,
      contact: { identityId: row.identityId, address: row.address, displayName: row.displayName, consentState: row.consentState },
      matter: row.matterId && row.matterNumber && row.matterTitle ? { id: row.matterId, number: row.matterNumber, title: row.matterTitle } : null,
      needsTriage: row.needsTriage,
      routingNeedsConfirmation: row.routingNeedsConfirmation,
      privilegeRisk: row.privilegeRisk,
      lastMessageAt: row.lastMessageAt,
      lastInboundAt: row.lastInboundAt,
      unreadCount: row.unread,
      lastMessage: row.lastDirection
        ? { direction: row.lastDirection, kind: row.lastKind ?? 'text', text: row.lastText, files: row.lastFiles ?? 0 }
        : null,
      attention: { urgent: row.urgent, revocationPending: row.revocationPending, blocked: row.blocked },
      assignee: row.assigneeId && row.assigneeName ? { id: row.assigneeId, name: row.assigneeName } : null,
      status: row.status,
      snoozedUntil: row.snoozedUntil,
    })),
    nextCursor:
      rows.rows.length > options.limit && last ? encodeCursor({ u: last.hasUnread, t: last.sortAt.toISOString(), id: last.id }) : null,
  };
}
