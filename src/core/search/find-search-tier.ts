import type pg from 'pg';
import { visibleConversationFilter } from '../access/access-policy.js';
import type { Viewer } from '../access/viewer.js';
import type { DateRange } from './date-range.js';
import type { SearchFilters } from './search-filters.js';
import { filterSql } from './search-filters.js';
import { containsPattern } from './search-text.js';
import { SqlParams } from './sql-params.js';

/** A message's place in time, newest first: its time (ISO 8601) and its id to break ties. */
export interface TimeKey {
  t: string;
  id: string;
}

export interface TierMatch {
  id: string;
  at: Date;
  /** ts_rank_cd in the message's language, plus 0.05 for a partial-word match; rounded, as text, to stay exact. */
  rank: string;
}

export interface FindSearchTierOptions {
  client: pg.ClientBase;
  viewer: Viewer;
  query: string;
  filters: SearchFilters;
  range: DateRange;
  /** The newest bound: matches at or before `upTo`, or strictly before `below`; neither: from the newest message. */
  upTo?: TimeKey;
  below?: TimeKey;
  /** The oldest bound, included. */
  from?: TimeKey;
  /** How many matches at most. */
  size: number;
  /**
   * Fewer matches make a tier once this many are found among the newest `inOrderLimit` messages within the bounds:
   * a query whose matches are thin on the ground is not read in time order much further than a page needs.
   */
  enough: number;
  /**
   * Whether partial words (trigrams) match; undefined on a first page: yes for queries that are more than letters
   * (numbers, case numbers, phone fragments) and for words that full-text search does not find among the newest
   * messages; no for whole words it finds there.
   */
  partial: boolean | undefined;
}

export interface SearchTier {
  /** Newest first. */
  matches: TierMatch[];
  /** No match older than the last one within the bounds. */
  complete: boolean;
  partial: boolean;
}

/** How many of the newest messages are read first: enough to fill a tier when a word is in one message in ten. */
const firstWindow = 2000;
/** See FindSearchTierOptions.enough. */
const inOrderLimit = 12_000;
/** Reading every message of the conversations in scope beats both other ways when they hold fewer than this. */
const scopeLimit = 10_000;
/** A word with fewer matches than this in the whole record is rare: its matches are taken from the index at once. */
const rareWord = 200;
/** Stretches of time read before the rest of the record is read in one. */
const maxStretches = 5;

interface WindowRow {
  id: string;
  at: Date;
  rank: string;
  partial: boolean;
  oldestAt: Date | null;
  oldestId: string | null;
  windowRows: number;
  /** Messages of the window (any conversation) that the indexes would hand over as candidates. */
  indexRows: number;
  estimatedRows: number;
  newestAt: Date | null;
  /** The firm's oldest message. */
  firstAt: Date | null;
}

/**
 * The newest `size` messages that match the query and that the viewer may see (access-policy), within the bounds.
 * A message matches by full-text search in its own language's configuration, by a partial word anywhere in its text
 * (trigrams), or by an attachment's file name.
 *
 * Neither index answers "the newest matches" alone: the full-text and trigram indexes return every match in no
 * order (hundreds of thousands for a common word), a scan in time order reads every message until enough match (all
 * of them for a rare word). So the newest messages are read in time order first; how many of them matched tells
 * how far back the rest lie, and they are taken stretch of time by stretch of time, each stretch sized to hold what
 * is missing, where the planner may use the indexes and the time index together and no way of reading it goes past
 * the stretch. The planner's estimates alone are not trusted: a phrase of two common words looks common to them and
 * is rare. When the conversations in scope (a matter's, say) hold fewer messages than that would read, they are read
 * whole instead.
 */
export async function findSearchTier(options: FindSearchTierOptions): Promise<SearchTier> {
  const trigrams = options.query.length >= 3;
  // A phrase in quotes is whole words by definition.
  let undecided = !trigrams || options.query.includes('"') ? false : /^[\p{L}\s]+$/u.test(options.query) ? undefined : true;
  // A single word is counted first, as far as a few matches: a rare one is taken from the index whole, at once.
  if (options.partial !== true && /^\p{L}+$/u.test(options.query)) {
    const count = await countWords(options, rareWord);
    if (count === 0 && trigrams && options.partial === undefined) undecided = true;
    else if (count < rareWord) {
      const bounds = { ...(options.upTo ? { upTo: options.upTo } : {}), ...(options.below ? { below: options.below } : {}) };
      const matches = count === 0 ? [] : await readOlder(options, { ...bounds, need: options.size, partial: false, via: 'indexes' });
      return { matches, complete: matches.length < options.size, partial: false };
    } else undecided = false;
  }
  const rows = await readWindow(options, {
    ...(options.upTo ? { upTo: options.upTo } : {}),
    ...(options.below ? { below: options.below } : {}),
    window: firstWindow,
    need: options.size,
    partial: options.partial ?? undecided,
  });
  const meta = rows[0];
  if (!meta) return { matches: [], complete: true, partial: options.partial ?? undecided ?? false };
  const partial = meta.partial;
  const matches = rows.filter((row) => row.id !== '').map(({ id, at, rank }) => ({ id, at, rank }));
  if (matches.length >= options.size) return { matches: matches.slice(0, options.size), complete: false, partial };
  // Half a tier among the newest messages, and what the page needs, are ranked as they are: reading on for the rest
  // would cost as much again.
  if (matches.length >= options.size / 2 && matches.length >= options.enough) return { matches, complete: false, partial };
  if (meta.oldestAt === null || meta.oldestId === null || meta.firstAt === null || meta.newestAt === null) return { matches, complete: true, partial };
  let below: TimeKey = { t: meta.oldestAt.toISOString(), id: meta.oldestId };
  let read = meta.windowRows;
  // Messages per millisecond in the window: how much time a number of messages takes up, going back.
  const rate = read / Math.max(1, meta.newestAt.getTime() - meta.oldestAt.getTime());
  for (let step = 0; ; step++) {
    const density = matches.length / read;
    const toFill = density > 0 ? (options.size - matches.length) / density : read * 8;
    const toEnough = density > 0 ? Math.max(inOrderLimit - read, (options.enough - matches.length) / density) : toFill;
    const stretch = Math.max(read, Math.min(toFill, toEnough) * 1.2);
    const since = new Date(new Date(below.t).getTime() - stretch / rate);
    if (step === 0 && stretch > scopeLimit && (await countScope(options, scopeLimit)) < scopeLimit) {
      matches.push(...(await readOlder(options, { below, need: options.size - matches.length, partial, via: 'conversations' })));
      return { matches, complete: matches.length < options.size, partial };
    }
    // What the indexes would hand over for all the rest, each to be fetched from the table: few enough, take them all.
    const rest = (meta.indexRows / meta.windowRows) * Math.max(0, meta.estimatedRows - read);
    const last = step >= maxStretches - 1 || since <= meta.firstAt || rest < scopeLimit / 4;
    const older = await readOlder(options, { below, ...(last ? {} : { since }), need: options.size - matches.length, partial, via: 'indexes' });
    matches.push(...older);
    if (matches.length >= options.size) return { matches, complete: false, partial };
    if (last) return { matches, complete: true, partial };
    read += stretch;
    // Everything before `since`: no message has an id before the empty one.
    below = { t: since.toISOString(), id: '' };
    if (read >= inOrderLimit && matches.length >= options.enough) return { matches, complete: false, partial };
  }
}

/** A tsquery with its phrases loosened into "all of these words", as the full-text index first matches them. */
const loose = (tsquery: string) => `regexp_replace(${tsquery}::text, '<(-|[0-9]+)>', '&', 'g')::tsquery`;

const at = `COALESCE(m."sentAt", m."capturedAt")`;

/** Whole words: m (a message) matches the English or the Spanish tsquery, whichever its language is. */
const wordsSql = (en: string, es: string) =>
  `((m."searchVector" @@ ${es} AND m."searchConfig" = 'spanish') OR (m."searchVector" @@ ${en} AND m."searchConfig" IS DISTINCT FROM 'spanish'))`;

/** The bounds in time as conditions on m (a message), each starting with AND. */
function boundsSql(params: SqlParams, bounds: Pick<FindSearchTierOptions, 'upTo' | 'below' | 'from'> & { since?: Date }): string {
  const key = (bound: TimeKey) => `(${params.add(bound.t)}::timestamptz, ${params.add(bound.id)}::text)`;
  return [
    bounds.upTo ? `(${at}, m.id) <= ${key(bounds.upTo)}` : '',
    bounds.below ? `(${at}, m.id) < ${key(bounds.below)}` : '',
    bounds.from ? `(${at}, m.id) >= ${key(bounds.from)}` : '',
    bounds.since ? `${at} >= ${params.add(bounds.since)}` : '',
  ]
    .filter(Boolean)
    .map((part) => `AND ${part}`)
    .join(' ');
}

/** The SQL both ways share: the query's parameters, how a message matches, and the viewer's and the filters' limits. */
function searchSql(options: FindSearchTierOptions, newest: Pick<FindSearchTierOptions, 'upTo' | 'below'> & { since?: Date }) {
  const params = new SqlParams();
  const q = params.add(options.query);
  const en = `websearch_to_tsquery('english', ${q})`;
  const es = `websearch_to_tsquery('spanish', ${q})`;
  const firm = params.add(options.viewer.firmId);
  // Fewer than three characters have no trigram: a pattern that short would scan every message, so only
  // full-text search answers it. (The pattern is then no parameter at all: PostgreSQL cannot type an unused one.)
  const trigrams = options.query.length >= 3;
  const pattern = trigrams ? params.add(containsPattern(options.query)) : "''";
  const visible = visibleConversationFilter(options.viewer, 'c', params.next);
  params.addAll(visible.params);
  const filters = filterSql(params, options.filters, { range: options.range });
  const bounds = boundsSql(params, { ...newest, ...(options.from ? { from: options.from } : {}) });
  return {
    params,
    firm,
    at,
    bounds,
    trigrams,
    words: wordsSql(en, es),
    rank: (partialWord: string) =>
      `round((ts_rank_cd(m."searchVector", CASE WHEN m."searchConfig" = 'spanish' THEN ${es} ELSE ${en} END, 32)
              + CASE WHEN ${partialWord} THEN 0.05 ELSE 0 END)::numeric, 6)::text`,
    partialWord: trigrams ? `m.text ILIKE ${pattern}` : 'FALSE',
    // What the full-text index hands over for the query: a phrase's words anywhere in the message (the phrase itself
    // is checked on the row).
    // (A query without a phrase is its own candidates: the planner folds the CASE away.)
    wordCandidates: (word: string) => `CASE WHEN (${en}::text || ${es}::text) LIKE '%<%'
      THEN ${wordsSql(loose(en), loose(es))}
      ELSE ${word} END`,
    fileName: trigrams ? `m.id IN (SELECT f."messageId" FROM "Attachment" f WHERE f."fileName" ILIKE ${pattern})` : 'FALSE',
    conversations: () => scopeConversations(params, options, firm),
    // The viewer's conversations and the filters, over m (a message) joined to what they refer to.
    scope: (from: string) => `FROM ${from}
         JOIN "Conversation" c ON c.id = m."conversationId"
         LEFT JOIN "Matter" mt ON mt.id = c."matterId"
         LEFT JOIN "ChannelAccount" a ON a.id = m."accountId"
         LEFT JOIN "ContactIdentity" i ON i.id = m."identityId"
        WHERE m."firmId" = ${firm} AND ${visible.sql}
        ${filters}`,
  };
}

/**
 * The matches among the `window` newest messages within the bounds, newest first, at most `need`. Every row also
 * carries the partial-word decision, the oldest message read (null when the window reached the oldest bound) and
 * the number of messages read; when nothing matched, one row with an empty id carries them alone.
 */
async function readWindow(
  options: FindSearchTierOptions,
  read: Pick<FindSearchTierOptions, 'upTo' | 'below' | 'partial'> & { window: number; need: number },
): Promise<WindowRow[]> {
  const sql = searchSql(options, read);
  const { params } = sql;
  const window = params.add(read.window);
  const need = params.add(read.need);
  const decided = read.partial === undefined ? 'NOT EXISTS (SELECT 1 FROM found WHERE word)' : String(read.partial);
  const rows = await options.client.query<WindowRow>(
    `WITH win AS MATERIALIZED (
       SELECT m.id, m."firmId", m."conversationId", m."accountId", m."identityId", m.direction, m."authorUserId",
              m."sentAt", m."capturedAt", m."searchVector", m."searchConfig", m.text, ${sql.at} AS at,
              ${sql.words} AS word, ${read.partial === false ? 'FALSE' : sql.partialWord} AS part, ${sql.fileName} AS file
         FROM "Message" m
        WHERE m."firmId" = ${sql.firm} ${sql.bounds}
        ORDER BY ${sql.at} DESC, m.id DESC LIMIT ${window}
     ),
     found AS (SELECT m.id, m.at, ${sql.rank(sql.partialWord)} AS rank, m.word, m.part, m.file ${sql.scope('win m')} AND (m.word OR m.part OR m.file)),
     meta AS (
       SELECT ${decided} AS partial, oldest.at AS "oldestAt", oldest.id AS "oldestId", counted.n::int AS "windowRows",
              (SELECT max(at) FROM win) AS "newestAt",
              (SELECT count(*)::int FROM win m WHERE ${sql.wordCandidates('m.word')} OR m.file OR (m.part AND ${decided})) AS "indexRows",
              (SELECT greatest(reltuples, 0)::float8 FROM pg_class WHERE oid = '"Message"'::regclass) AS "estimatedRows",
              (SELECT ${sql.at} FROM "Message" m WHERE m."firmId" = ${sql.firm} ORDER BY ${sql.at}, m.id LIMIT 1) AS "firstAt"
         FROM (SELECT count(*) AS n FROM win) counted
         LEFT JOIN LATERAL (SELECT w.at, w.id FROM win w WHERE counted.n >= ${window} ORDER BY w.at, w.id LIMIT 1) oldest ON TRUE
     ),
     hits AS (
       SELECT f.id, f.at, f.rank FROM found f, meta WHERE f.word OR f.file OR (f.part AND meta.partial)
        ORDER BY f.at DESC, f.id DESC LIMIT ${need}
     )
     SELECT COALESCE(h.id, '') AS id, h.at, h.rank, meta.partial, meta."oldestAt", meta."oldestId", meta."windowRows",
            meta."newestAt", meta."firstAt", meta."indexRows", meta."estimatedRows"
       FROM meta LEFT JOIN hits h ON TRUE
      ORDER BY h.at DESC NULLS LAST, h.id DESC`,
    params.values,
  );
  return rows.rows;
}

/**
 * The conversations the viewer may see that the matter and channel filters leave: a superset of the messages' scope
 * (the other filters are on messages).
 */
function scopeConversations(params: SqlParams, options: FindSearchTierOptions, firm: string): string {
  const visible = visibleConversationFilter(options.viewer, 'c0', params.next);
  params.addAll(visible.params);
  const parts = [`c0."firmId" = ${firm}`, visible.sql];
  if (options.filters.matter !== undefined) {
    const matter = params.add(options.filters.matter);
    parts.push(`EXISTS (SELECT 1 FROM "Matter" mt0 WHERE mt0.id = c0."matterId" AND (mt0.id = ${matter} OR mt0.number = ${matter}))`);
  }
  if (options.filters.channel !== undefined) {
    parts.push(`EXISTS (SELECT 1 FROM "ChannelAccount" a0 WHERE a0.id = c0."accountId" AND a0.kind = ${params.add(options.filters.channel)}::"ChannelKind")`);
  }
  return `SELECT c0.id FROM "Conversation" c0 WHERE ${parts.join(' AND ')}`;
}

/**
 * How many messages of the firm the query's words match, within the bounds, counted up to `limit`, in any
 * conversation: the planner reads a common word's first matches from the table, a rare one's from the index.
 */
async function countWords(options: FindSearchTierOptions, limit: number): Promise<number> {
  const params = new SqlParams();
  const q = params.add(options.query);
  const firm = params.add(options.viewer.firmId);
  const bounds = boundsSql(params, options);
  const cap = params.add(limit);
  const rows = await options.client.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM (
       SELECT 1 FROM "Message" m
        WHERE m."firmId" = ${firm} ${bounds}
          AND ${wordsSql(`websearch_to_tsquery('english', ${q})`, `websearch_to_tsquery('spanish', ${q})`)}
        LIMIT ${cap}) counted`,
    params.values,
  );
  return rows.rows[0]?.n ?? 0;
}

/** How many messages the conversations in scope hold (counted up to `limit`). */
async function countScope(options: FindSearchTierOptions, limit: number): Promise<number> {
  const params = new SqlParams();
  const conversations = scopeConversations(params, options, params.add(options.viewer.firmId));
  const cap = params.add(limit);
  const rows = await options.client.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM (
       SELECT 1 FROM (${conversations}) vc CROSS JOIN LATERAL (SELECT 1 FROM "Message" m WHERE m."conversationId" = vc.id) m LIMIT ${cap}
     ) counted`,
    params.values,
  );
  return rows.rows[0]?.n ?? 0;
}

/**
 * The newest `need` matches within the bounds (and since `since`): by the indexes, one branch per way of matching
 * (the planner choosing within each, the stretch of time bounding every choice), or by reading every message of the
 * conversations in scope.
 */
async function readOlder(
  options: FindSearchTierOptions,
  read: Pick<FindSearchTierOptions, 'upTo' | 'below'> & { since?: Date; need: number; partial: boolean; via: 'indexes' | 'conversations' },
): Promise<TierMatch[]> {
  const sql = searchSql(options, read);
  const hit = `SELECT m.id, ${sql.at} AS at, ${sql.rank(sql.partialWord)} AS rank`;
  const partialWord = sql.trigrams && read.partial ? sql.partialWord : 'FALSE';
  const hits =
    read.via === 'conversations'
      ? `${hit} ${sql.scope(`(${sql.conversations()}) vc CROSS JOIN LATERAL (
           SELECT m.* FROM "Message" m
            WHERE m."conversationId" = vc.id ${sql.bounds} AND (${sql.words} OR ${partialWord} OR ${sql.fileName})) m`)}`
      : [sql.words, ...(partialWord !== 'FALSE' ? [partialWord] : []), ...(sql.trigrams ? [sql.fileName] : [])]
          .map((match) => `${hit} ${sql.scope('"Message" m')} AND ${match} ${sql.bounds}`)
          .join('\n UNION ');
  const need = sql.params.add(read.need);
  const rows = await options.client.query<TierMatch>(
    `WITH hits AS MATERIALIZED (${hits})
     SELECT id, at, rank FROM hits ORDER BY at DESC, id DESC LIMIT ${need}`,
    sql.params.values,
  );
  return rows.rows;
}
