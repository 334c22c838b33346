import type pg from 'pg';
import { visibleConversationFilter } from '../access/access-policy.js';
import type { Viewer } from '../access/viewer.js';
import { recordAudit } from '../audit/record-audit.js';
import { AppError } from '../errors.js';

// What processing flagged for a person (Notification rows): an URGENT message after hours for the on-call lawyer, a
// free-text revocation for the matter's lawyers. Each stays until the person acknowledges it; a conversation the
// viewer may no longer see is left out.

export interface NotificationView {
  id: string;
  kind: 'urgent_after_hours' | 'revocation_review';
  conversationId: string | null;
  messageId: string | null;
  text: string | null;
  createdAt: Date;
  readAt: Date | null;
}

export async function listNotifications(pool: pg.Pool, viewer: Viewer, options: { unread: boolean; id?: string }): Promise<NotificationView[]> {
  const filter = visibleConversationFilter(viewer, 'c', 4);
  const found = await pool.query<NotificationView>(
    `SELECT n.id, n.kind, n."conversationId", n."messageId", m.text, n."createdAt", n."readAt"
       FROM "Notification" n
       JOIN "Conversation" c ON c.id = n."conversationId"
       LEFT JOIN "Message" m ON m.id = n."messageId"
      WHERE n."userId" = $1 AND ($2::boolean IS FALSE OR n."readAt" IS NULL) AND ($3::text IS NULL OR n.id = $3) AND ${filter.sql}
      ORDER BY n."createdAt" DESC, n.id LIMIT 200`,
    [viewer.userId, options.unread, options.id ?? null, ...filter.params],
  );
  return found.rows;
}

/** The viewer saw it and took it on: it stops flagging the conversation. Audited; a second acknowledgement changes nothing. */
export async function acknowledgeNotification(pool: pg.Pool, viewer: Viewer, id: string): Promise<NotificationView> {
  const updated = await pool.query<{ readAt: Date; changed: boolean }>(
    `WITH target AS (SELECT id, "readAt" FROM "Notification" WHERE id = $1 AND "userId" = $2)
     UPDATE "Notification" n SET "readAt" = COALESCE(n."readAt", now())
       FROM target WHERE n.id = target.id
     RETURNING n."readAt", target."readAt" IS NULL AS changed`,
    [id, viewer.userId],
  );
  const row = updated.rows[0];
  if (!row) throw new AppError('not_found', 'no such notification of yours', { notificationId: id });
  if (row.changed) {
    await recordAudit(pool, {
      firmId: viewer.firmId,
      actorUserId: viewer.userId,
      actorKind: 'user',
      action: 'notification.acknowledged',
      subjectType: 'notification',
      subjectId: id,
      details: {},
    });
  }
  const [view] = await listNotifications(pool, viewer, { unread: false, id });
  if (!view) throw new AppError('not_found', 'no such notification of yours', { notificationId: id });
  return view;
}
