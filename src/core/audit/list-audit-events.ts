import type pg from 'pg';
import type { Viewer } from '../access/viewer.js';
import { AppError } from '../errors.js';
import { decodeCursor, encodeCursor } from '../inbox/page-cursor.js';
import { z } from 'zod';

export interface AuditEventView {
  id: string;
  at: Date;
  action: string;
  actorKind: string;
  actor: { id: string; name: string } | null;
  subjectType: string | null;
  subjectId: string | null;
  /** The matter the event is about, when it is about one (directly, or through a conversation of it). */
  matter: { id: string; number: string } | null;
  details: Record<string, unknown>;
}

export interface AuditQuery {
  userId?: string;
  matterId?: string;
  /** An action, or its prefix ("matter." for every matter event). */
  action?: string;
  from?: string;
  to?: string;
  limit: number;
  cursor?: string;
}

const cursorSchema = z.object({ id: z.string().regex(/^\d+$/) });

/**
 * The firm's audit log for its supervisors and admins, newest first, filtered by person, matter, action and days
 * (in UTC dates). Reading it is itself audited by the caller's route.
 */
export async function listAuditEvents(pool: pg.Pool, viewer: Viewer, query: AuditQuery): Promise<{ items: AuditEventView[]; nextCursor: string | null }> {
  if (viewer.role !== 'admin' && viewer.role !== 'supervisor') throw new AppError('forbidden', 'the audit log is for supervisors and admins');
  const params: unknown[] = [viewer.firmId];
  const where = ['a."firmId" = $1'];
  if (query.userId) {
    params.push(query.userId);
    where.push(`(a."actorUserId" = $${params.length} OR (a."subjectType" = 'user' AND a."subjectId" = $${params.length}))`);
  }
  if (query.matterId) {
    params.push(query.matterId);
    where.push(`COALESCE(CASE WHEN a."subjectType" = 'matter' THEN a."subjectId" END, c."matterId") = $${params.length}`);
  }
  if (query.action) {
    params.push(`${query.action.replace(/[\\%_]/g, (ch) => `\\${ch}`)}%`);
    where.push(`a.action LIKE $${params.length}`);
  }
  if (query.from) {
    params.push(query.from);
    where.push(`a."createdAt" >= $${params.length}::date`);
  }
  if (query.to) {
    params.push(query.to);
    where.push(`a."createdAt" < $${params.length}::date + 1`);
  }
  if (query.cursor) {
    params.push(decodeCursor(query.cursor, cursorSchema).id);
    where.push(`a.id < $${params.length}::bigint`);
  }
  params.push(query.limit + 1);
  const rows = await pool.query<{
    id: string;
    at: Date;
    action: string;
    actorKind: string;
    actorId: string | null;
    actorName: string | null;
    subjectType: string | null;
    subjectId: string | null;
    matterId: string | null;
    matterNumber: string | null;
    details: Record<string, unknown>;
  }>(
    `SELECT a.id::text AS id, a."createdAt" AS at, a.action, a."actorKind", u.id AS "actorId", u.name AS "actorName",
            a."subjectType", a."subjectId", m.id AS "matterId", m.number AS "matterNumber", a.details
       FROM "AuditEvent" a
       LEFT JOIN "User" u ON u.id = a."actorUserId"
       LEFT JOIN "Conversation" c ON a."subjectType" = 'conversation' AND c.id = a."subjectId"
       LEFT JOIN "Matter" m ON m.id = COALESCE(CASE WHEN a."subjectType" = 'matter' THEN a."subjectId" END, c."matterId")
      WHERE ${where.join(' AND ')}
      ORDER BY a.id DESC
      LIMIT $${params.length}`,
    params,
  );
  const page = rows.rows.slice(0, query.limit);
  const last = page.at(-1);
  return {
    items: page.map((row) => ({
      id: row.id,
      at: row.at,
      action: row.action,
      actorKind: row.actorKind,
      actor: row.actorId && row.actorName ? { id: row.actorId, name: row.actorName } : null,
      subjectType: row.subjectType,
      subjectId: row.subjectId,
      matter: row.matterId && row.matterNumber ? { id: row.matterId, number: row.matterNumber } : null,
      details: row.details,
    })),
    nextCursor: rows.rows.length > query.limit && last ? encodeCursor({ id: last.id }) : null,
  };
}
