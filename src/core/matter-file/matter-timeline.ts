import type pg from 'pg';
import { z } from 'zod';

export const timelineKinds = ['message', 'auto_reply', 'media', 'consent', 'assignment', 'audit', 'time_entry', 'note'] as const;
export type TimelineKind = (typeof timelineKinds)[number];

/** One entry of a matter's file. `data` is the row as the record has it, shaped per kind (see the SQL below). */
export interface TimelineItem {
  kind: TimelineKind;
  at: Date;
  id: string;
  data: Record<string, unknown>;
}

/** Where a page ends: the sort key of its last item. */
export const timelineKeySchema = z.object({ t: z.iso.datetime(), k: z.enum(timelineKinds), id: z.string().min(1) });
export type TimelineKey = z.infer<typeof timelineKeySchema>;

// Reads of the record are audit events too, but a file listing every time it was opened would drown the events
// that shaped the matter; reads are the access log's (matter-access-log.ts).
const readActions = `a.action LIKE '%\\_read' OR a.action = 'search.performed'`;

/**
 * One page of a matter's timeline in time order: its messages (a message the firm sent with no author is an
 * automatic reply), their media, consent changes of its contacts, audit events about the matter, its conversations and
 * its contacts (assignments among them), internal notes of its conversations, and its time entries. One statement, keyset-paged on (at, kind, id), so a
 * matter of any size is read a page at a time.
 */
export async function readTimelinePage(
  db: pg.Pool | pg.ClientBase,
  matterId: string,
  options: { after?: TimelineKey; limit: number },
): Promise<{ items: TimelineItem[]; next: TimelineKey | null }> {
  const params: unknown[] = [matterId, options.limit + 1];
  let after = '';
  if (options.after) {
    params.push(options.after.t, options.after.k, options.after.id);
    after = `WHERE (t.at, t.kind, t.id) > ($3::timestamptz, $4::text, $5::text)`;
  }
  const rows = await db.query<TimelineItem>(
    `WITH convs AS (SELECT c.id, c."identityId" FROM "Conversation" c WHERE c."matterId" = $1),
          contacts AS (SELECT DISTINCT "identityId" AS id FROM convs WHERE "identityId" IS NOT NULL)
     SELECT t.kind, t.at, t.id, t.data FROM (
       SELECT CASE WHEN m.direction = 'outbound' AND m."authorUserId" IS NULL THEN 'auto_reply' ELSE 'message' END AS kind,
              COALESCE(m."sentAt", m."capturedAt") AS at, m.id,
              json_build_object('id', m.id, 'conversationId', m."conversationId", 'direction', m.direction, 'kind', m.kind,
                'purpose', m.purpose, 'text', m.text, 'editedText', m."editedText", 'deletedBySender', m."deletedBySender",
                'status', m.status, 'author', CASE WHEN u.id IS NULL THEN NULL ELSE json_build_object('id', u.id, 'name', u.name) END,
                'contact', CASE WHEN i.id IS NULL THEN NULL ELSE json_build_object('identityId', i.id, 'address', i.address, 'displayName', i."displayName") END,
                'sentAt', m."sentAt", 'capturedAt', m."capturedAt", 'deliveredAt', m."deliveredAt", 'readAt', m."readAt",
                'failedAt', m."failedAt", 'afterHours', m."afterHours", 'backfilled', m.backfilled, 'replyToId', m."replyToId",
                'relatesToId', m."relatesToId", 'templateName', m."templateName",
                'attachmentIds', COALESCE((SELECT json_agg(f.id ORDER BY f."createdAt", f.id) FROM "Attachment" f WHERE f."messageId" = m.id), '[]')) AS data
         FROM "Message" m LEFT JOIN "User" u ON u.id = m."authorUserId" LEFT JOIN "ContactIdentity" i ON i.id = m."identityId"
        WHERE m."conversationId" IN (SELECT id FROM convs)
       UNION ALL
       SELECT 'media', COALESCE(m."sentAt", m."capturedAt"), f.id,
              json_build_object('id', f.id, 'messageId', f."messageId", 'fileName', f."fileName", 'mimeType', f."mimeType",
                'size', f.size, 'sha256', f.sha256, 'state', f.state)
         FROM "Attachment" f JOIN "Message" m ON m.id = f."messageId"
        WHERE m."conversationId" IN (SELECT id FROM convs)
       UNION ALL
       SELECT 'consent', e."createdAt", e.id,
              json_build_object('id', e.id, 'identityId', e."identityId", 'from', e."fromState", 'to', e."toState", 'source', e.source,
                'messageId', e."messageId", 'text', e.text, 'channel', e.channel, 'actorUserId', e."actorUserId", 'note', e.note)
         FROM "ConsentEvent" e WHERE e."identityId" IN (SELECT id FROM contacts)
       UNION ALL
       SELECT CASE WHEN a.action = 'conversation.assigned' THEN 'assignment' ELSE 'audit' END, a."createdAt", lpad(a.id::text, 20, '0'),
              json_build_object('auditId', a.id::text, 'action', a.action, 'actorKind', a."actorKind",
                'actor', CASE WHEN au.id IS NULL THEN NULL ELSE json_build_object('id', au.id, 'name', au.name) END,
                'subjectType', a."subjectType", 'subjectId', a."subjectId", 'details', a.details)
         FROM "AuditEvent" a LEFT JOIN "User" au ON au.id = a."actorUserId"
        WHERE ((a."subjectType" = 'matter' AND a."subjectId" = $1)
               OR (a."subjectType" = 'conversation' AND a."subjectId" IN (SELECT id FROM convs))
               OR (a."subjectType" = 'contact_identity' AND a."subjectId" IN (SELECT id FROM contacts)))
          AND NOT (${readActions})
       UNION ALL
       SELECT 'note', n."createdAt", n.id,
              json_build_object('id', n.id, 'conversationId', n."conversationId", 'text', n.text,
                'author', CASE WHEN nu.id IS NULL THEN NULL ELSE json_build_object('id', nu.id, 'name', nu.name) END)
         FROM "ConversationNote" n LEFT JOIN "User" nu ON nu.id = n."authorId"
        WHERE n."conversationId" IN (SELECT id FROM convs)
       UNION ALL
       SELECT 'time_entry', COALESCE(te."endedAt", te."createdAt"), te.id,
              json_build_object('id', te.id, 'user', json_build_object('id', tu.id, 'name', tu.name), 'date', to_char(te.date, 'YYYY-MM-DD'),
                'tenths', te.tenths, 'hours', round(te.tenths / 10.0, 1), 'narrative', te.narrative, 'state', te.state,
                'billable', te.billable, 'activityCode', te."activityCode", 'taskCode', te."taskCode", 'exported', te."exportBatchId" IS NOT NULL)
         FROM "TimeEntry" te JOIN "User" tu ON tu.id = te."userId" WHERE te."matterId" = $1
     ) t ${after}
     ORDER BY t.at, t.kind, t.id
     LIMIT $2`,
    params,
  );
  const items = rows.rows.slice(0, options.limit);
  const last = items.at(-1);
  return { items, next: rows.rows.length > options.limit && last ? { t: last.at.toISOString(), k: last.kind, id: last.id } : null };
}

/** Every item of a matter's timeline, a page at a time: never the whole matter in memory. */
export async function* timelineItems(db: pg.Pool, matterId: string, pageSize = 500): AsyncGenerator<TimelineItem> {
  let after: TimelineKey | undefined;
  for (;;) {
    const page = await readTimelinePage(db, matterId, { limit: pageSize, ...(after ? { after } : {}) });
    yield* page.items;
    if (!page.next) return;
    after = page.next;
  }
}
