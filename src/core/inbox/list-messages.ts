import type pg from 'pg';
import { z } from 'zod';
import { canAccessConversation } from '../access/can-access-conversation.js';
import type { Viewer } from '../access/viewer.js';
import { recordAudit } from '../audit/record-audit.js';
import { AppError } from '../errors.js';
import { decodeCursor, encodeCursor } from './page-cursor.js';

export interface ListMessagesOptions {
  pool: pg.Pool;
  viewer: Viewer;
  conversationId: string;
  limit: number;
  cursor?: string;
}

export interface ThreadMessage {
  id: string;
  direction: 'inbound' | 'outbound';
  kind: string;
  purpose: string;
  text: string | null;
  editedText: string | null;
  deletedBySender: boolean;
  status: string;
  author: { id: string; name: string } | null;
  sentAt: Date | null;
  capturedAt: Date;
  scheduledFor: Date | null;
  deliveredAt: Date | null;
  readAt: Date | null;
  failedAt: Date | null;
  error: string | null;
  backfilled: boolean;
  /** Sent by the client while the office was closed (the inbox marks it). */
  afterHours: boolean;
  /** The provider template this message was sent as, if any. */
  templateName: string | null;
  replyToId: string | null;
  relatesToId: string | null;
  attachments: { id: string; fileName: string | null; mimeType: string; size: number | null; sha256: string | null; state: string }[];
  statusEvents: { status: string; at: Date; error: string | null }[];
}

const cursorSchema = z.object({ t: z.iso.datetime(), id: z.string() });

type Row = Omit<ThreadMessage, 'author' | 'attachments' | 'statusEvents'> & {
  authorId: string | null;
  authorName: string | null;
  attachments: ThreadMessage['attachments'];
  statusEvents: { status: string; at: string; error: string | null }[];
};

/**
 * A page of a conversation's thread, newest first, with attachments and the receipts that moved each message. A read
 * of the record, so it is an audit event (ARCHITECTURE invariant 6), written before the messages are handed out: if
 * the audit cannot be written, nothing is shown.
 */
export async function listMessages(options: ListMessagesOptions): Promise<{ items: ThreadMessage[]; nextCursor: string | null }> {
  const { pool, viewer, conversationId } = options;
  if (!(await canAccessConversation(pool, viewer, conversationId))) {
    throw new AppError('not_found', 'no such conversation', { conversationId });
  }
  const params: unknown[] = [conversationId];
  let before = '';
  if (options.cursor) {
    const key = decodeCursor(options.cursor, cursorSchema);
    params.push(key.t, key.id);
    before = `AND (m."capturedAt", m.id) < ($2::timestamptz, $3::text)`;
  }
  params.push(options.limit + 1);
  const rows = await pool.query<Row>(
    `SELECT m.id, m.direction, m.kind, m.purpose, m.text, m."editedText", m."deletedBySender", m.status,
            m."authorUserId" AS "authorId", u.name AS "authorName", m."sentAt", m."capturedAt", m."scheduledFor",
            m."deliveredAt", m."readAt", m."failedAt", m.error, m.backfilled, m."afterHours", m."templateName",
            m."replyToId", m."relatesToId",
            COALESCE((SELECT json_agg(json_build_object('id', a.id, 'fileName', a."fileName", 'mimeType', a."mimeType",
                        'size', a.size, 'sha256', a.sha256, 'state', a.state) ORDER BY a."createdAt", a.id)
                        FROM "Attachment" a WHERE a."messageId" = m.id), '[]') AS attachments,
            COALESCE((SELECT json_agg(json_build_object('status', e.status, 'at', e.at, 'error', e.error) ORDER BY e.at, e.id)
                        FROM "MessageStatusEvent" e WHERE e."messageId" = m.id), '[]') AS "statusEvents"
       FROM "Message" m LEFT JOIN "User" u ON u.id = m."authorUserId"
      WHERE m."conversationId" = $1 ${before}
      ORDER BY m."capturedAt" DESC, m.id DESC
      LIMIT $${params.length}`,
    params,
  );
  const page = rows.rows.slice(0, options.limit);
  await recordAudit(pool, {
    firmId: viewer.firmId,
    actorUserId: viewer.userId,
    actorKind: 'user',
    action: 'conversation.thread_read',
    subjectType: 'conversation',
    subjectId: conversationId,
    details: { messages: page.length, messageIds: page.map((row) => row.id), cursor: options.cursor ?? null },
  });
  const last = page[page.length - 1];
  return {
    items: page.map(({ authorId, authorName, statusEvents, ...message }) => ({
      ...message,
      author: authorId ? { id: authorId, name: authorName ?? '' } : null,
      statusEvents: statusEvents.map((event) => ({ ...event, at: new Date(event.at) })),
    })),
    nextCursor: rows.rows.length > options.limit && last ? encodeCursor({ t: last.capturedAt.toISOString(), id: last.id }) : null,
  };
}
