import type pg from 'pg';
import type { MatterSummary } from '../matter-file/matter-summary.js';
import { privilegedSql } from '../privilege/privileged-sql.js';
import type { StoredMedia } from './media-source.js';
import type { RsmfEventRow, RsmfParticipantRow } from './rsmf-events.js';
import { rsmfParticipantId } from './rsmf-events.js';

// What an RSMF export reads from the record (export-rsmf.ts): the slice of messages as SQL, its conversations, its
// participants, its events with what relates to them, and its attachments, each a page at a time where it can be long.

/** What is produced: a matter's messages (or one conversation's), or the messages a search found. */
export type Scope =
  | { kind: 'matter'; matter: MatterSummary; conversationId?: string; from?: Date; to?: Date }
  | { kind: 'messages'; messageIds: readonly string[]; query: string };

/** The messages of a scope as SQL: a FROM over m (Message) and c (its Conversation), with its parameters. */
export interface Slice {
  sql: string;
  params: unknown[];
}

/** The messages of the scope, reactions, edits and deletions folded into the message they change. */
export function sliceOf(scope: Scope, includePrivileged: boolean): Slice {
  const params: unknown[] = [];
  const where = [`m.kind NOT IN ('reaction', 'edit', 'deletion')`];
  if (scope.kind === 'messages') {
    params.push(scope.messageIds);
    where.push(`m.id = ANY($${params.length}::text[])`);
  } else {
    params.push(scope.matter.id);
    where.push(`c."matterId" = $${params.length}`);
    if (scope.conversationId) {
      params.push(scope.conversationId);
      where.push(`c.id = $${params.length}`);
    }
    if (scope.from) {
      params.push(scope.from);
      where.push(`COALESCE(m."sentAt", m."capturedAt") >= $${params.length}`);
    }
    if (scope.to) {
      params.push(scope.to);
      where.push(`COALESCE(m."sentAt", m."capturedAt") < $${params.length}`);
    }
  }
  if (!includePrivileged) where.push(`NOT EXISTS (${privilegedSql('m', 'c')})`);
  return { sql: `FROM "Message" m JOIN "Conversation" c ON c.id = m."conversationId" WHERE ${where.join(' AND ')}`, params };
}

/** The conversations of the slice, with their channel, contact and matter. */
export interface ConversationRow {
  id: string;
  kind: string;
  title: string | null;
  accountId: string;
  channel: string;
  contactName: string | null;
  matter: string | null;
}

export async function readConversations(pool: pg.Pool, slice: Slice): Promise<ConversationRow[]> {
  const found = await pool.query<ConversationRow>(
    `SELECT c.id, c.kind, c.title, c."accountId", a.kind AS channel, COALESCE(cl.name, i."displayName", i.address) AS "contactName",
            CASE WHEN mt.id IS NULL THEN NULL ELSE mt.number || ' ' || mt.title END AS matter
       FROM "Conversation" c JOIN "ChannelAccount" a ON a.id = c."accountId"
       LEFT JOIN "ContactIdentity" i ON i.id = c."identityId" LEFT JOIN "Client" cl ON cl.id = i."clientId"
       LEFT JOIN "Matter" mt ON mt.id = c."matterId"
      WHERE c.id IN (SELECT m."conversationId" ${slice.sql})
      ORDER BY c."createdAt", c.id`,
    slice.params,
  );
  return found.rows;
}

/** Everyone who appears in the slice: the firm's people who wrote, the clients, and the firm's accounts (custodians). */
export async function readParticipants(pool: pg.Pool, slice: Slice): Promise<RsmfParticipantRow[]> {
  const found = await pool.query<RsmfParticipantRow>(
    `WITH slice AS (SELECT m.id, m."conversationId", m."authorUserId", m."identityId", m."accountId", m.direction ${slice.sql}),
          related AS (SELECT r."identityId", r."authorUserId", s."conversationId" FROM "Message" r JOIN slice s ON s.id = r."relatesToId")
     SELECT 'user' AS kind, u.id AS "refId", u.name AS display, u.email, NULL AS address, array_agg(DISTINCT x."conversationId") AS "conversationIds"
       FROM (SELECT "authorUserId", "conversationId" FROM slice UNION SELECT "authorUserId", "conversationId" FROM related) x
       JOIN "User" u ON u.id = x."authorUserId" GROUP BY u.id
     UNION ALL
     SELECT 'contact', i.id, COALESCE(cl.name, i."displayName", i.address), NULL, i.address, array_agg(DISTINCT x."conversationId")
       FROM (SELECT "identityId", "conversationId" FROM slice UNION SELECT "identityId", "conversationId" FROM related
             UNION SELECT c."identityId", c.id FROM "Conversation" c WHERE c.id IN (SELECT "conversationId" FROM slice)) x
       JOIN "ContactIdentity" i ON i.id = x."identityId" LEFT JOIN "Client" cl ON cl.id = i."clientId" GROUP BY i.id, cl.name
     UNION ALL
     SELECT 'account', a.id, a.name, NULL, a.address, array_agg(DISTINCT s."conversationId")
       FROM slice s JOIN "ChannelAccount" a ON a.id = s."accountId" GROUP BY a.id
     ORDER BY 1, 3, 2`,
    slice.params,
  );
  return found.rows.map((row) => ({ ...row, id: rsmfParticipantId(row.kind, row.refId) }));
}

/** The columns of one event (the sort key first), with what relates to it. */
const eventSelect = `SELECT COALESCE(m."sentAt", m."capturedAt") AS at, m.id, m."conversationId", m."accountId", m.direction, m.kind, m.text,
       m."editedText", m."deletedBySender", m."authorUserId", m."identityId", m."replyToId", m.status,
       m."deliveredAt", m."readAt", m."afterHours", m.backfilled, m."templateName", c."identityId" AS "conversationIdentityId",
       u.name AS "authorName",
       COALESCE((SELECT json_agg(json_build_object('text', r.text, 'identityId', r."identityId", 'authorUserId', r."authorUserId") ORDER BY r."capturedAt", r.id)
                   FROM "Message" r WHERE r."relatesToId" = m.id AND r.kind = 'reaction' AND NOT r."deletedBySender"), '[]') AS reactions,
       COALESCE((SELECT json_agg(json_build_object('at', COALESCE(e."sentAt", e."capturedAt"), 'text', e.text, 'identityId', e."identityId", 'authorUserId', e."authorUserId") ORDER BY COALESCE(e."sentAt", e."capturedAt"), e.id)
                   FROM "Message" e WHERE e."relatesToId" = m.id AND e.kind = 'edit'), '[]') AS edits,
       EXISTS (SELECT 1 FROM "Message" d WHERE d."relatesToId" = m.id AND d.kind = 'deletion') AS "deletionRecorded",
       COALESCE((SELECT json_agg(json_build_object('id', f.id, 'fileName', f."fileName", 'mimeType', f."mimeType", 'size', f.size, 'state', f.state) ORDER BY f."createdAt", f.id)
                   FROM "Attachment" f WHERE f."messageId" = m.id), '[]') AS attachments`;

/** The slice's FROM with the author of each message joined (as u). */
const withAuthor = (sql: string) => sql.replace(' WHERE ', ' LEFT JOIN "User" u ON u.id = m."authorUserId" WHERE ');

/** One page of the slice's events in time order, after `after` (the sort key of the last one read). */
export async function eventsPage(pool: pg.Pool, slice: Slice, after: { at: Date; id: string } | undefined, limit: number): Promise<RsmfEventRow[]> {
  const params = [...slice.params];
  let keyset = '';
  if (after) {
    params.push(after.at, after.id);
    keyset = `AND (COALESCE(m."sentAt", m."capturedAt"), m.id) > ($${params.length - 1}::timestamptz, $${params.length}::text)`;
  }
  params.push(limit);
  const page = await pool.query<RsmfEventRow>(`${eventSelect} ${withAuthor(slice.sql)} ${keyset} ORDER BY 1, m.id LIMIT $${params.length}`, params);
  return page.rows;
}

/** Every event of the slice, a page at a time. */
export async function* sliceEvents(pool: pg.Pool, slice: Slice, pageSize: number): AsyncGenerator<RsmfEventRow> {
  let after: { at: Date; id: string } | undefined;
  for (;;) {
    const page = await eventsPage(pool, slice, after, pageSize);
    yield* page;
    const last = page.at(-1);
    if (!last || page.length < pageSize) return;
    after = { at: last.at, id: last.id };
  }
}

/** The slice's attachments, a page at a time. */
export async function* sliceMedia(pool: pg.Pool, slice: Slice, pageSize: number): AsyncGenerator<StoredMedia> {
  const { sql, params } = slice;
  let after: string | undefined;
  for (;;) {
    const page = await pool.query<StoredMedia>(
      `SELECT f.id, f."messageId", f."fileName", f."mimeType", f.sha256, f."blobKey", f."keyId", f.state
         FROM "Attachment" f WHERE f."messageId" IN (SELECT m.id ${sql}) ${after ? `AND f.id > $${params.length + 1}` : ''}
        ORDER BY f.id LIMIT ${pageSize}`,
      after ? [...params, after] : params,
    );
    yield* page.rows;
    const last = page.rows.at(-1);
    if (!last || page.rows.length < pageSize) return;
    after = last.id;
  }
}
