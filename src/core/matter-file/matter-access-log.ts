import type pg from 'pg';

export interface AccessEvent {
  auditId: string;
  at: Date;
  action: string;
  actor: { id: string; name: string } | null;
  subjectType: string | null;
  subjectId: string | null;
  details: unknown;
}

/**
 * Who read the matter's record: reads of its file and of its conversations' threads, and its exports, oldest first,
 * a page at a time. (Searches are audited with the message ids they showed, firm-wide; they are not listed here.)
 */
export async function* matterAccessLog(db: pg.Pool, matterId: string, pageSize = 500): AsyncGenerator<AccessEvent> {
  let afterId = '0';
  for (;;) {
    const page = await db.query<AccessEvent>(
      `SELECT a.id::text AS "auditId", a."createdAt" AS at, a.action, a."subjectType", a."subjectId", a.details,
              CASE WHEN u.id IS NULL THEN NULL ELSE json_build_object('id', u.id, 'name', u.name) END AS actor
         FROM "AuditEvent" a LEFT JOIN "User" u ON u.id = a."actorUserId"
        WHERE a.id > $2::bigint
          AND ((a."subjectType" = 'matter' AND a."subjectId" = $1 AND (a.action LIKE 'matter.export%' OR a.action = 'matter.file_read'))
               OR (a."subjectType" = 'conversation' AND a.action = 'conversation.thread_read'
                   AND a."subjectId" IN (SELECT c.id FROM "Conversation" c WHERE c."matterId" = $1)))
        ORDER BY a.id LIMIT $3`,
      [matterId, afterId, pageSize],
    );
    yield* page.rows;
    const last = page.rows.at(-1);
    if (!last || page.rows.length < pageSize) return;
    afterId = last.auditId;
  }
}
