import type pg from 'pg';
import { visibleMatterFilter } from '../access/access-policy.js';
import type { Viewer } from '../access/viewer.js';
import { AppError } from '../errors.js';

export interface NoticeProgress {
  total: number;
  pending: number;
  sent: number;
  skipped: number;
  failed: number;
  cancelled: number;
  /** Of those sent: how far the messages got, by their receipts. */
  delivered: number;
  read: number;
}

export interface NoticeView {
  id: string;
  title: string;
  bodies: unknown;
  criteria: unknown;
  survey: boolean;
  surveyDays: number;
  accountId: string | null;
  /** draft | sending | done | cancelled */
  state: string;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  progress: NoticeProgress;
  /** Why clients were skipped, and how many for each reason. */
  skippedReasons: Record<string, number>;
}

export interface NoticeRecipientView {
  id: string;
  client: { id: string; name: string };
  matter: { id: string; number: string; title: string } | null;
  state: string;
  skippedReason: string | null;
  messageId: string | null;
  conversationId: string | null;
  messageStatus: string | null;
}

interface NoticeRow {
  id: string;
  firmId: string;
  title: string;
  bodies: unknown;
  criteria: unknown;
  isSurvey: boolean;
  surveyDays: number;
  accountId: string | null;
  state: string;
  createdAt: Date;
  startedAt: Date | null;
  finishedAt: Date | null;
}

/** A notice of the viewer's firm, or 404. */
export async function findFirmNotice(client: pg.ClientBase | pg.Pool, viewer: Viewer, noticeId: string, lock = false): Promise<NoticeRow> {
  const found = await client.query<NoticeRow>(
    `SELECT id, "firmId", title, bodies, criteria, "isSurvey", "surveyDays", "accountId", state, "createdAt", "startedAt", "finishedAt"
       FROM "Notice" WHERE id = $1 AND "firmId" = $2 ${lock ? 'FOR UPDATE' : ''}`,
    [noticeId, viewer.firmId],
  );
  const notice = found.rows[0];
  if (!notice) throw new AppError('not_found', 'no such notice', { noticeId });
  return notice;
}

/** The notice with its progress: how many clients are pending, sent (and delivered, read), skipped and why. */
export async function selectNoticeView(client: pg.ClientBase | pg.Pool, viewer: Viewer, noticeId: string): Promise<NoticeView> {
  const notice = await findFirmNotice(client, viewer, noticeId);
  const counts = await client.query<{ state: string; reason: string | null; delivered: number; read: number; n: number }>(
    `SELECT r.state, r."skippedReason" AS reason, count(*)::int AS n,
            count(*) FILTER (WHERE m.status IN ('delivered', 'read'))::int AS delivered,
            count(*) FILTER (WHERE m.status = 'read')::int AS read
       FROM "NoticeRecipient" r LEFT JOIN "Message" m ON m.id = r."messageId"
      WHERE r."noticeId" = $1 GROUP BY 1, 2`,
    [noticeId],
  );
  const progress: NoticeProgress = { total: 0, pending: 0, sent: 0, skipped: 0, failed: 0, cancelled: 0, delivered: 0, read: 0 };
  const skippedReasons: Record<string, number> = {};
  for (const row of counts.rows) {
    progress.total += row.n;
    if (row.state in progress) progress[row.state as 'pending' | 'sent' | 'skipped' | 'failed' | 'cancelled'] += row.n;
    progress.delivered += row.delivered;
    progress.read += row.read;
    if (row.state === 'skipped' && row.reason) skippedReasons[row.reason] = (skippedReasons[row.reason] ?? 0) + row.n;
  }
  return {
    id: notice.id,
    title: notice.title,
    bodies: notice.bodies,
    criteria: notice.criteria,
    survey: notice.isSurvey,
    surveyDays: notice.surveyDays,
    accountId: notice.accountId,
    state: notice.state,
    createdAt: notice.createdAt.toISOString(),
    startedAt: notice.startedAt?.toISOString() ?? null,
    finishedAt: notice.finishedAt?.toISOString() ?? null,
    progress,
    skippedReasons,
  };
}

/**
 * The clients of a notice, by name, with what happened to each. Only clients with a matter the viewer may see are
 * named (an ethical wall hides the matter, so it hides its client here too); the counts of selectNoticeView cover all.
 */
export async function listNoticeRecipients(
  pool: pg.Pool,
  viewer: Viewer,
  noticeId: string,
  state?: string,
): Promise<NoticeRecipientView[]> {
  await findFirmNotice(pool, viewer, noticeId);
  const visible = visibleMatterFilter(viewer, 'mt', 3);
  const found = await pool.query<{
    id: string;
    clientId: string;
    clientName: string;
    matterId: string | null;
    matterNumber: string | null;
    matterTitle: string | null;
    state: string;
    skippedReason: string | null;
    messageId: string | null;
    conversationId: string | null;
    messageStatus: string | null;
  }>(
    `SELECT r.id, cl.id AS "clientId", cl.name AS "clientName", mt.id AS "matterId", mt.number AS "matterNumber",
            mt.title AS "matterTitle", r.state, r."skippedReason", r."messageId", r."conversationId", m.status AS "messageStatus"
       FROM "NoticeRecipient" r
       JOIN "Client" cl ON cl.id = r."clientId"
       JOIN "Matter" mt ON mt.id = r."matterId"
       LEFT JOIN "Message" m ON m.id = r."messageId"
      WHERE r."noticeId" = $1 AND ($2::text IS NULL OR r.state = $2) AND ${visible.sql}
      ORDER BY cl.name, r.id`,
    [noticeId, state ?? null, ...visible.params],
  );
  return found.rows.map((row) => ({
    id: row.id,
    client: { id: row.clientId, name: row.clientName },
    matter: row.matterId ? { id: row.matterId, number: row.matterNumber!, title: row.matterTitle! } : null,
    state: row.state,
    skippedReason: row.skippedReason,
    messageId: row.messageId,
    conversationId: row.conversationId,
    messageStatus: row.messageStatus,
  }));
}

/** The firm's notices, newest first. */
export async function listNotices(pool: pg.Pool, viewer: Viewer): Promise<NoticeView[]> {
  const found = await pool.query<{ id: string }>(`SELECT id FROM "Notice" WHERE "firmId" = $1 ORDER BY "createdAt" DESC LIMIT 200`, [viewer.firmId]);
  const views: NoticeView[] = [];
  for (const row of found.rows) views.push(await selectNoticeView(pool, viewer, row.id));
  return views;
}
