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
  limit: number;
  cursor?: string;
}

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
  sortAt: Date;
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
    })),
    nextCursor:
      rows.rows.length > options.limit && last ? encodeCursor({ u: last.hasUnread, t: last.sortAt.toISOString(), id: last.id }) : null,
  };
}
