import type pg from 'pg';
import { z } from 'zod';
import type { Viewer } from '../access/viewer.js';
import { decodeCursor, encodeCursor } from '../inbox/page-cursor.js';
import { withTransaction } from '../transaction.js';
import type { DateRange } from './date-range.js';
import type { TierMatch, TimeKey } from './find-search-tier.js';
import { findSearchTier } from './find-search-tier.js';
import type { SearchFilters } from './search-filters.js';
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
  /** How many of the most recent matches are ranked together (see searchMessages); searchTierSize unless a test says. */
  tierSize?: number;
}

/**
 * How many matches are ranked together. Ranking every match of a word that is in a third of a million messages
 * takes seconds; the newest 200 matches of any query are found and ranked in milliseconds.
 */
export const searchTierSize = 200;

const keySchema = z.object({ t: z.iso.datetime(), id: z.string().min(1) });

// A tier is a stretch of time that held `tierSize` matches when it was first read: from its newest match to its
// oldest, both included; the last tier (lo null) runs to the beginning of the record. Ranks are rounded to fixed
// decimals in SQL so that the cursor carries them exactly (a float would not survive).
const tierSchema = z.object({ hi: keySchema, lo: keySchema.nullable() });
type Tier = z.infer<typeof tierSchema>;
const rankKeySchema = z.object({ r: z.string().regex(/^\d+(\.\d+)?$/), t: z.iso.datetime(), id: z.string().min(1) });
type RankKey = z.infer<typeof rankKeySchema>;
const cursorSchema = z.object({ tier: tierSchema, after: rankKeySchema, partial: z.boolean() });
type Cursor = z.infer<typeof cursorSchema>;

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
  text: string | null;
  headline: string;
  files: { id: string; fileName: string }[];
}

/**
 * Messages matching the query (see findSearchTier) among the conversations the viewer may see, best first, in tiers
 * of time: the `tierSize` newest matches ranked (rank, then newest), then the next `tierSize` older ones ranked,
 * and so on. A query with fewer matches than a tier is ranked as a whole; a word in every third message costs about
 * what a rare one does, because only a tier's matches are ranked. The cursor holds the tier's bounds, so paging
 * neither repeats nor skips a hit when new messages arrive.
 *
 * A query whose whole words fill the first tier among the newest messages (a common word like "lease") is not also
 * searched as a partial word ("release"): partial words serve the queries full-text search does not answer
 * ("settlem", a fragment of a case number). The choice is made on the first page and kept by the cursor.
 */
export async function searchMessages(options: SearchMessagesOptions): Promise<{ items: MessageHit[]; nextCursor: string | null }> {
  const tierSize = options.tierSize ?? searchTierSize;
  const cursor = options.cursor ? decodeCursor(options.cursor, cursorSchema) : undefined;
  const found: { match: TierMatch; tier: Tier }[] = [];
  let partial = cursor?.partial;
  // One snapshot for every tier of the page, read-only, and no parallel workers: starting them costs more than
  // these bounded queries take.
  const rows = await withTransaction(options.pool, async (client) => {
    await client.query('SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY');
    await client.query('SET LOCAL max_parallel_workers_per_gather = 0');
    let next: { tier: Tier; after: RankKey } | { below: TimeKey | null } = cursor ?? { below: null };
    for (;;) {
      const known = 'tier' in next ? next.tier : undefined;
      const tier = await findSearchTier({
        client,
        viewer: options.viewer,
        query: options.query,
        filters: options.filters,
        range: options.range,
        // A tier read again may have gained a few backfilled messages; twice its size bounds the work all the same.
        size: known ? tierSize * 2 : tierSize,
        // A new tier may stop short once it holds this page; a tier read again is read whole.
        enough: known ? Number.POSITIVE_INFINITY : options.limit + 1 - found.length,
        partial,
        ...(known ? { upTo: known.hi, ...(known.lo ? { from: known.lo } : {}) } : 'below' in next && next.below ? { below: next.below } : {}),
      });
      partial = tier.partial;
      const newest = tier.matches[0];
      const oldest = tier.matches.at(-1);
      if (!newest || !oldest) break;
      const bounds = known ?? { hi: timeKey(newest), lo: tier.complete ? null : timeKey(oldest) };
      const after = 'after' in next ? next.after : undefined;
      const ranked = tier.matches.sort(byRank).filter((match) => !after || byRank(match, fromRankKey(after)) > 0);
      found.push(...ranked.slice(0, options.limit + 1 - found.length).map((match) => ({ match, tier: bounds })));
      if (found.length > options.limit || !bounds.lo) break;
      next = { below: bounds.lo };
    }
    return describeHits(client, options, found.slice(0, options.limit).map(({ match }) => match.id));
  });
  const page = found.slice(0, options.limit);
  const last = page.at(-1);
  const byId = new Map(rows.map((row) => [row.id, row]));
  return {
    items: page.flatMap(({ match }) => {
      const row = byId.get(match.id);
      return row ? [toHit(row, match, options.query)] : [];
    }),
    nextCursor:
      found.length > options.limit && last
        ? encodeCursor({ tier: last.tier, after: { r: last.match.rank, t: last.match.at.toISOString(), id: last.match.id }, partial: partial ?? false } satisfies Cursor)
        : null,
  };
}

const timeKey = (match: TierMatch): TimeKey => ({ t: match.at.toISOString(), id: match.id });
const fromRankKey = (key: RankKey): TierMatch => ({ id: key.id, at: new Date(key.t), rank: key.r });

/** Best first: the higher rank, then the newer message, then the greater id. */
function byRank(a: TierMatch, b: TierMatch): number {
  return Number(b.rank) - Number(a.rank) || b.at.getTime() - a.at.getTime() || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0);
}

/** What a hit shows of each message: its matter, client, contact, author, snippet and matching attachments. */
async function describeHits(client: pg.PoolClient, options: SearchMessagesOptions, ids: string[]): Promise<HitRow[]> {
  const { query } = options;
  const params = new SqlParams();
  const q = params.add(query);
  const trigrams = query.length >= 3;
  // An unused parameter cannot be typed by PostgreSQL: the pattern is one only when it is used.
  const pattern = trigrams ? params.add(containsPattern(query)) : "''";
  const list = params.add(ids);
  const marks = `'StartSel=' || chr(57344) || ', StopSel=' || chr(57345) || ', MaxWords=30, MinWords=12, MaxFragments=2, FragmentDelimiter=" … "'`;
  const tsquery = `CASE WHEN m."searchConfig" = 'spanish' THEN websearch_to_tsquery('spanish', ${q}) ELSE websearch_to_tsquery('english', ${q}) END`;
  const rows = await client.query<HitRow>(
    `SELECT m.id, COALESCE(m."sentAt", m."capturedAt") AS at, m."conversationId", m.direction, m.text,
            mt.id AS "matterId", mt.number AS "matterNumber", mt.title AS "matterTitle",
            cl.id AS "clientId", cl.name AS "clientName",
            i.id AS "identityId", i.address, i."displayName", a.kind AS channel,
            u.id AS "authorId", u.name AS "authorName",
            ts_headline(COALESCE(m."searchConfig", 'english')::regconfig,
                        translate(concat_ws(' ', m.text, m."editedText"), chr(57344) || chr(57345), ''), ${tsquery}, ${marks}) AS headline,
            COALESCE((SELECT json_agg(json_build_object('id', f.id, 'fileName', f."fileName") ORDER BY f."createdAt", f.id)
                        FROM "Attachment" f WHERE f."messageId" = m.id AND ${trigrams ? `f."fileName" ILIKE ${pattern}` : 'FALSE'}), '[]') AS files
       FROM "Message" m
       JOIN "Conversation" c ON c.id = m."conversationId"
       LEFT JOIN "Matter" mt ON mt.id = c."matterId"
       LEFT JOIN "ContactIdentity" i ON i.id = m."identityId"
       LEFT JOIN "Client" cl ON cl.id = COALESCE(mt."clientId", i."clientId")
       JOIN "ChannelAccount" a ON a.id = m."accountId"
       LEFT JOIN "User" u ON u.id = m."authorUserId"
      WHERE m.id = ANY(${list}::text[])`,
    params.values,
  );
  return rows.rows;
}

function toHit(row: HitRow, match: TierMatch, query: string): MessageHit {
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
    rank: Number(match.rank),
  };
}
