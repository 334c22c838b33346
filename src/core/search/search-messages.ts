import type pg from 'pg';
import { z } from 'zod';
import { visibleConversationFilter } from '../access/access-policy.js';
import type { Viewer } from '../access/viewer.js';
import { decodeCursor, encodeCursor } from '../inbox/page-cursor.js';
import type { DateRange } from './date-range.js';
import type { SearchFilters } from './search-filters.js';
import { filterSql } from './search-filters.js';
import { containsPattern, hitStart, partialSnippet, snippetHtml } from './search-text.js';
import { SqlParams } from './sql-params.js';

export interface MessageHit {
  messageId: string;
  conversationId: string;
  matter: { id: string; number: string; title: string } | null;
  client: { id: string; name: string } | null;
  contact: { identityId: string; address: string; displayName: string | null } | null;
  channel: string;
  direction: 'inbound' | 'outbound';
  at: Date;
  author: { id: string; name: string } | null;
  /** HTML: the text around the hit, escaped, with each hit in <mark>. */
  snippet: string;
  /** Attachments whose file name matched, the name as HTML with the hit in <mark>. */
  attachments: { id: string; fileName: string; fileNameHtml: string }[];
  rank: number;
}

export interface SearchMessagesOptions {
  pool: pg.Pool;
  viewer: Viewer;
  query: string;
  filters: SearchFilters;
  range: DateRange;
  limit: number;
  cursor?: string;
}

// Ranks are rounded to fixed decimals in SQL so that the cursor carries them exactly (a float would not survive).
const cursorSchema = z.object({ r: z.string().regex(/^\d+(\.\d+)?$/), t: z.iso.datetime(), id: z.string().min(1) });

interface HitRow {
  id: string;
  conversationId: string;
  matterId: string | null;
  matterNumber: string | null;
  matterTitle: string | null;
  clientId: string | null;
  clientName: string | null;
  identityId: string | null;
  address: string | null;
  displayName: string | null;
  channel: string;
  direction: 'inbound' | 'outbound';
  at: Date;
  authorId: string | null;
  authorName: string | null;
  rank: string;
  text: string | null;
  headline: string;
  files: { id: string; fileName: string }[];
}

/**
 * Messages matching the query, best first, among the conversations the viewer may see (access-policy). A message
 * matches by full-text search in its own language's configuration (Spanish stems as Spanish), by a partial word
 * anywhere in its text (trigrams), or by an attachment's file name. Candidates come from the indexes first (one
 * index-backed branch per way of matching), and only then are they joined, filtered and ranked.
 */
export async function searchMessages(options: SearchMessagesOptions): Promise<{ items: MessageHit[]; nextCursor: string | null }> {
  const { viewer, query } = options;
  const params = new SqlParams();
  const q = params.add(query);
  const firm = params.add(viewer.firmId);
  const pattern = params.add(containsPattern(query));
  // Fewer than three characters have no trigram: a pattern that short would scan every message, so only
  // full-text search answers it.
  const partial = query.length >= 3;
  const visible = visibleConversationFilter(viewer, 'c', params.next);
  params.addAll(visible.params);
  const filters = filterSql(params, options.filters, { range: options.range });
  let after = '';
  if (options.cursor) {
    const key = decodeCursor(options.cursor, cursorSchema);
    after = `WHERE (h.rank, h.at, h.id) < (${params.add(key.r)}::numeric, ${params.add(key.t)}::timestamptz, ${params.add(key.id)}::text)`;
  }
  const limit = params.add(options.limit + 1);
  const marks = `'StartSel=' || chr(57344) || ', StopSel=' || chr(57345) || ', MaxWords=30, MinWords=12, MaxFragments=2, FragmentDelimiter=" … "'`;

  const rows = await options.pool.query<HitRow>(
    `WITH q AS (SELECT websearch_to_tsquery('english', ${q}) AS en, websearch_to_tsquery('spanish', ${q}) AS es),
     candidates AS (
       SELECT m.id FROM "Message" m, q WHERE m."searchVector" @@ q.es AND m."searchConfig" = 'spanish' AND m."firmId" = ${firm}
       UNION
       SELECT m.id FROM "Message" m, q WHERE m."searchVector" @@ q.en AND m."searchConfig" IS DISTINCT FROM 'spanish' AND m."firmId" = ${firm}
       ${partial ? `UNION SELECT m.id FROM "Message" m WHERE m.text ILIKE ${pattern} AND m."firmId" = ${firm}` : ''}
       ${partial ? `UNION SELECT f."messageId" FROM "Attachment" f WHERE f."fileName" ILIKE ${pattern}` : ''}
     ),
     hits AS (
       SELECT m.id, COALESCE(m."sentAt", m."capturedAt") AS at,
              round((ts_rank_cd(m."searchVector", CASE WHEN m."searchConfig" = 'spanish' THEN q.es ELSE q.en END, 32)
                     + CASE WHEN ${partial ? `m.text ILIKE ${pattern}` : 'FALSE'} THEN 0.05 ELSE 0 END)::numeric, 6) AS rank
         FROM candidates k
         JOIN "Message" m ON m.id = k.id
         JOIN "Conversation" c ON c.id = m."conversationId"
         LEFT JOIN "Matter" mt ON mt.id = c."matterId"
         JOIN "ChannelAccount" a ON a.id = m."accountId"
         LEFT JOIN "ContactIdentity" i ON i.id = m."identityId"
         CROSS JOIN q
        WHERE m."firmId" = ${firm} AND ${visible.sql}
        ${filters}
     ),
     page AS (SELECT h.* FROM hits h ${after} ORDER BY h.rank DESC, h.at DESC, h.id DESC LIMIT ${limit})
     SELECT p.id, p.at, p.rank::text AS rank, m."conversationId", m.direction, m.text,
            mt.id AS "matterId", mt.number AS "matterNumber", mt.title AS "matterTitle",
            cl.id AS "clientId", cl.name AS "clientName",
            i.id AS "identityId", i.address, i."displayName", a.kind AS channel,
            u.id AS "authorId", u.name AS "authorName",
            ts_headline(COALESCE(m."searchConfig", 'english')::regconfig,
                        translate(concat_ws(' ', m.text, m."editedText"), chr(57344) || chr(57345), ''),
                        CASE WHEN m."searchConfig" = 'spanish' THEN q.es ELSE q.en END, ${marks}) AS headline,
            COALESCE((SELECT json_agg(json_build_object('id', f.id, 'fileName', f."fileName") ORDER BY f."createdAt", f.id)
                        FROM "Attachment" f WHERE f."messageId" = m.id AND ${partial ? `f."fileName" ILIKE ${pattern}` : 'FALSE'}), '[]') AS files
       FROM page p
       JOIN "Message" m ON m.id = p.id
       JOIN "Conversation" c ON c.id = m."conversationId"
       LEFT JOIN "Matter" mt ON mt.id = c."matterId"
       LEFT JOIN "ContactIdentity" i ON i.id = m."identityId"
       LEFT JOIN "Client" cl ON cl.id = COALESCE(mt."clientId", i."clientId")
       JOIN "ChannelAccount" a ON a.id = m."accountId"
       LEFT JOIN "User" u ON u.id = m."authorUserId"
       CROSS JOIN q
      ORDER BY p.rank DESC, p.at DESC, p.id DESC`,
    params.values,
  );
  const page = rows.rows.slice(0, options.limit);
  const last = page.at(-1);
  return {
    items: page.map((row) => toHit(row, query)),
    nextCursor: rows.rows.length > options.limit && last ? encodeCursor({ r: last.rank, t: last.at.toISOString(), id: last.id }) : null,
  };
}

function toHit(row: HitRow, query: string): MessageHit {
  const text = row.text ?? '';
  const marked = row.headline.includes(hitStart) ? row.headline : partialSnippet(text, query);
  return {
    messageId: row.id,
    conversationId: row.conversationId,
    matter: row.matterId ? { id: row.matterId, number: row.matterNumber ?? '', title: row.matterTitle ?? '' } : null,
    client: row.clientId ? { id: row.clientId, name: row.clientName ?? '' } : null,
    contact: row.identityId ? { identityId: row.identityId, address: row.address ?? '', displayName: row.displayName } : null,
    channel: row.channel,
    direction: row.direction,
    at: row.at,
    author: row.authorId ? { id: row.authorId, name: row.authorName ?? '' } : null,
    snippet: snippetHtml(marked),
    attachments: row.files.map((file) => ({ id: file.id, fileName: file.fileName, fileNameHtml: snippetHtml(partialSnippet(file.fileName, query, 200)) })),
    rank: Number(row.rank),
  };
}
