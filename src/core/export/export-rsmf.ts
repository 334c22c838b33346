import { createHash } from 'node:crypto';
import { PassThrough, Transform } from 'node:stream';
import type { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import MailComposer from 'nodemailer/lib/mail-composer';
import type pg from 'pg';
import { canAccessMatter } from '../access/can-access-matter.js';
import type { Viewer } from '../access/viewer.js';
import { recordAudit } from '../audit/record-audit.js';
import { AppError } from '../errors.js';
import type { MatterSummary } from '../matter-file/matter-summary.js';
import { loadMatterSummary } from '../matter-file/matter-summary.js';
import type { DateRangeInput } from '../search/date-range.js';
import { resolveDateRange } from '../search/date-range.js';
import { rsmfFileName, rsmfParticipantId, rsmfEvent, rsmfPlatform, rsmfPreviewLine } from './rsmf-events.js';
import type { RsmfEventRow, RsmfParticipantRow } from './rsmf-events.js';
import type { MediaSource, StoredMedia } from './media-source.js';
import { noStoredMedia } from './media-source.js';
import { ZipWriter } from './zip-writer.js';
import { privilegedSql } from '../privilege/privileged-sql.js';

// Relativity Short Message Format 2.0 (RSMF): what eDiscovery review platforms load without conversion. An RSMF file
// is an RFC 5322 message (.rsmf) whose X-RSMF-* headers summarise it and whose one base64 attachment, rsmf.zip, holds
// rsmf_manifest.json (participants, conversations, events) and every attached file by the name the events give.
// Specification: help.relativity.com, "Relativity Short Message Format"; schema: relativitydev/rsmf-validator-samples.

export interface RsmfExportOptions {
  pool: pg.Pool;
  viewer: Viewer;
  matterId: string;
  /** The slice: YYYY-MM-DD days of the firm's calendar or ISO 8601 instants (see resolveDateRange). */
  range?: DateRangeInput;
  /** One conversation of the matter only. */
  conversationId?: string;
  media?: MediaSource;
  /** Messages marked privileged are withheld (listed in the privilege log instead) unless this is true. */
  includePrivileged?: boolean;
  pageSize?: number;
}

export interface RsmfExport {
  fileName: string;
  /** Events the manifest holds. */
  eventCount: number;
  /** Streams the .rsmf into `output`; resolves once every byte is written and the export is audited. */
  write(output: Writable): Promise<{ sha256: string; bytes: number }>;
}

interface Facts {
  firmName: string;
  userName: string;
  events: number;
  withheld: number;
  attachments: number;
  first: Date | null;
  last: Date | null;
}

/** What is produced: a matter's messages (or one conversation's), or the messages a search found. */
type Scope =
  | { kind: 'matter'; matter: MatterSummary; conversationId?: string; from?: Date; to?: Date }
  | { kind: 'messages'; messageIds: readonly string[]; query: string };

/** The messages of the scope, reactions, edits and deletions folded into the message they change. */
function sliceSql(scope: Scope, includePrivileged: boolean, params: unknown[]): string {
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
  return `FROM "Message" m JOIN "Conversation" c ON c.id = m."conversationId" WHERE ${where.join(' AND ')}`;
}

/**
 * Prepares an RSMF export of a matter's messages for whoever may see the matter (others get a 404). Checks the
 * range and the conversation, counts what the headers state, and audits the start, all before the first byte; the
 * end is audited with the file's SHA-256.
 */
export async function prepareRsmfExport(options: RsmfExportOptions): Promise<RsmfExport> {
  const { pool, viewer, matterId } = options;
  if (!(await canAccessMatter(pool, viewer, matterId))) throw new AppError('not_found', 'no such matter', { matterId });
  const matter = await loadMatterSummary(pool, matterId);
  if (!matter) throw new AppError('not_found', 'no such matter', { matterId });
  if (options.conversationId && !matter.conversations.some((c) => c.id === options.conversationId)) {
    throw new AppError('not_found', 'no such conversation in this matter', { conversationId: options.conversationId });
  }
  const { from, to } = resolveDateRange(options.range ?? {}, matter.timeZone);
  const scope: Scope = { kind: 'matter', matter, ...(options.conversationId ? { conversationId: options.conversationId } : {}), ...(from ? { from } : {}), ...(to ? { to } : {}) };
  return prepare(options, scope, { subjectType: 'matter', subjectId: matterId, fileName: `messages-${matter.number.replace(/[^\w.-]+/g, '_')}` });
}

export interface SearchRsmfOptions extends Omit<RsmfExportOptions, 'matterId' | 'range' | 'conversationId'> {
  /** The messages a search found, as the viewer could see them (the caller ran the search, audited). */
  messageIds: readonly string[];
  query: string;
}

/** Prepares an RSMF export of the messages a search found (GET /api/search.rsmf), audited as the firm's. */
export async function prepareSearchRsmf(options: SearchRsmfOptions): Promise<RsmfExport> {
  return prepare(options, { kind: 'messages', messageIds: options.messageIds, query: options.query }, { subjectType: 'firm', subjectId: options.viewer.firmId, fileName: 'messages-search' });
}

async function prepare(
  options: Omit<RsmfExportOptions, 'matterId'>,
  scope: Scope,
  audit: { subjectType: 'matter' | 'firm'; subjectId: string; fileName: string },
): Promise<RsmfExport> {
  const { pool, viewer } = options;
  const includePrivileged = options.includePrivileged ?? false;
  const params: unknown[] = [];
  const sql = sliceSql(scope, includePrivileged, params);
  const everyParams: unknown[] = [];
  const everySql = sliceSql(scope, true, everyParams);
  const [counted, every, people] = await Promise.all([
    pool.query<Omit<Facts, 'firmName' | 'userName' | 'withheld'>>(
      `SELECT count(*)::int AS events, min(COALESCE(m."sentAt", m."capturedAt")) AS first, max(COALESCE(m."sentAt", m."capturedAt")) AS last,
              (SELECT count(*)::int FROM "Attachment" f WHERE f."messageId" IN (SELECT m.id ${sql})) AS attachments
         ${sql}`,
      params,
    ),
    pool.query<{ events: number }>(`SELECT count(*)::int AS events ${everySql}`, everyParams),
    pool.query<{ firmName: string; userName: string }>(`SELECT f.name AS "firmName", u.name AS "userName" FROM "Firm" f, "User" u WHERE f.id = $1 AND u.id = $2`, [viewer.firmId, viewer.userId]),
  ]);
  const found = counted.rows[0]!;
  const names = people.rows[0];
  if (!names) throw new AppError('not_found', 'no such user', { userId: viewer.userId });
  const facts: Facts = { ...names, ...found, withheld: every.rows[0]!.events - found.events };
  const exportedAt = new Date();
  const slice =
    scope.kind === 'matter'
      ? { from: scope.from?.toISOString() ?? null, to: scope.to?.toISOString() ?? null, conversationId: scope.conversationId ?? null }
      : { query: scope.query };
  await recordAudit(pool, {
    firmId: viewer.firmId,
    actorUserId: viewer.userId,
    actorKind: 'user',
    action: audit.subjectType === 'matter' ? 'matter.export_started' : 'search.export_started',
    subjectType: audit.subjectType,
    subjectId: audit.subjectId,
    details: { format: 'rsmf', events: facts.events, withheldPrivileged: facts.withheld, ...slice },
  });
  return {
    fileName: `${audit.fileName}-${exportedAt.toISOString().slice(0, 10)}.rsmf`,
    eventCount: facts.events,
    write: (output) =>
      writeRsmf({ ...options, scope, audit, facts, exportedAt, sql, params, output, media: options.media ?? noStoredMedia, pageSize: options.pageSize ?? 500 }),
  };
}

interface WriteOptions extends Omit<RsmfExportOptions, 'matterId'> {
  scope: Scope;
  audit: { subjectType: 'matter' | 'firm'; subjectId: string };
  facts: Facts;
  exportedAt: Date;
  sql: string;
  params: unknown[];
  output: Writable;
  media: MediaSource;
  pageSize: number;
}

/** The conversations of the slice, with their channel, contact and matter. */
interface ConversationRow {
  id: string;
  kind: string;
  title: string | null;
  accountId: string;
  channel: string;
  contactName: string | null;
  matter: string | null;
}

async function writeRsmf(options: WriteOptions): Promise<{ sha256: string; bytes: number }> {
  const { pool, scope, facts, exportedAt } = options;
  const participants = await readParticipants(pool, options.sql, options.params);
  const conversations = (
    await pool.query<ConversationRow>(
      `SELECT c.id, c.kind, c.title, c."accountId", a.kind AS channel, COALESCE(cl.name, i."displayName", i.address) AS "contactName",
              CASE WHEN mt.id IS NULL THEN NULL ELSE mt.number || ' ' || mt.title END AS matter
         FROM "Conversation" c JOIN "ChannelAccount" a ON a.id = c."accountId"
         LEFT JOIN "ContactIdentity" i ON i.id = c."identityId" LEFT JOIN "Client" cl ON cl.id = i."clientId"
         LEFT JOIN "Matter" mt ON mt.id = c."matterId"
        WHERE c.id IN (SELECT m."conversationId" ${options.sql})
        ORDER BY c."createdAt", c.id`,
      options.params,
    )
  ).rows;
  const custodian = participants.find((p) => p.kind === 'account');
  const preview = await readPreview(options);
  const platforms = [...new Set(conversations.map((c) => rsmfPlatform(c.channel)))];
  const what =
    scope.kind === 'matter'
      ? `${scope.matter.number} ${scope.matter.title}: messages${scope.from ? ` from ${scope.from.toISOString()}` : ''}${scope.to ? ` until ${scope.to.toISOString()}` : ''}`
      : `Messages found by the search "${scope.query}"`;

  const zipped = new PassThrough();
  const zip = new ZipWriter(zipped);
  const composer = new MailComposer({
    from: { name: `${facts.firmName} (Matterline)`, address: 'export@matterline.invalid' },
    to: participants.filter((p) => p.email).map((p) => ({ name: p.display, address: p.email! })),
    subject: what,
    date: exportedAt,
    messageId: `<rsmf-${options.audit.subjectId}-${exportedAt.getTime()}@matterline.invalid>`,
    headers: {
      'X-RSMF-Version': '2.0.0',
      'X-RSMF-Generator': 'Matterline',
      ...(facts.first ? { 'X-RSMF-BeginDate': facts.first.toISOString() } : {}),
      ...(facts.last ? { 'X-RSMF-EndDate': facts.last.toISOString() } : {}),
      'X-RSMF-EventCount': String(facts.events),
      'X-RSMF-AttachmentCount': String(facts.attachments),
      'X-RSMF-Application': platforms.join(', ') || 'sms',
      ...(custodian ? { 'X-RSMF-Custodian': custodian.display } : {}),
      'X-RSMF-Participants': participants.map((p) => p.display).join(', '),
      // Slices of one matter's conversations share an id, so a review platform can put them back together.
      'X-RSMF-EventCollectionID':
        scope.kind === 'matter' ? `matterline-${scope.matter.id}${scope.conversationId ? `-${scope.conversationId}` : ''}` : `matterline-search-${exportedAt.getTime()}`,
    },
    text: preview,
    attachments: [{ filename: 'rsmf.zip', content: zipped, contentType: 'application/zip', contentTransferEncoding: 'base64', contentDisposition: 'attachment' }],
    disableFileAccess: true,
    disableUrlAccess: true,
  });

  const hash = createHash('sha256');
  let bytes = 0;
  const tap = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      hash.update(chunk);
      bytes += chunk.length;
      done(null, chunk);
    },
  });
  const message = composer.compile().createReadStream();
  const sent = pipeline(message, tap, options.output, { end: false });
  try {
    await Promise.all([sent, fillZip(zip, options, participants, conversations)]);
  } catch (error) {
    zip.abort();
    message.destroy();
    throw error;
  }
  const sha256 = hash.digest('hex');
  await recordAudit(pool, {
    firmId: options.viewer.firmId,
    actorUserId: options.viewer.userId,
    actorKind: 'user',
    action: options.audit.subjectType === 'matter' ? 'matter.exported' : 'search.exported',
    subjectType: options.audit.subjectType,
    subjectId: options.audit.subjectId,
    details: { format: 'rsmf', sha256, bytes, events: facts.events, attachments: facts.attachments, withheldPrivileged: facts.withheld },
  });
  await new Promise<void>((resolve, reject) => options.output.end((error?: Error | null) => (error ? reject(error) : resolve())));
  return { sha256, bytes };
}

/** The ZIP: every stored attachment of the slice at its root, then the manifest, streamed a page at a time. */
async function fillZip(zip: ZipWriter, options: WriteOptions, participants: RsmfParticipantRow[], conversations: ConversationRow[]): Promise<void> {
  const { pool, exportedAt } = options;
  const inZip = new Map<string, string>();
  for await (const media of sliceMedia(pool, options.sql, options.params, options.pageSize)) {
    const bytes = await options.media.open(media);
    if (!bytes) continue;
    const name = rsmfFileName(media);
    await zip.add(name, bytes, exportedAt);
    inZip.set(media.id, name);
  }
  await zip.add('rsmf_manifest.json', manifest(options, participants, conversations, inZip), exportedAt);
  await zip.finish();
  await zip.close();
}

async function* manifest(options: WriteOptions, participants: RsmfParticipantRow[], rows: ConversationRow[], inZip: ReadonlyMap<string, string>): AsyncGenerator<string> {
  const account = new Map(participants.filter((p) => p.kind === 'account').map((p) => [p.refId, p.id]));
  const conversations = rows.map((c) => {
    const own = participants.filter((p) => p.conversationIds.includes(c.id)).map((p) => p.id);
    const custodian = account.get(c.accountId);
    return {
      id: c.id,
      display: c.title ?? (c.contactName ? `${c.contactName} (${c.channel})` : `${c.channel} chat`),
      platform: rsmfPlatform(c.channel),
      type: c.kind === 'group' ? 'channel' : 'direct',
      participants: custodian && !own.includes(custodian) ? [...own, custodian] : own,
      ...(custodian ? { custodian } : {}),
      custom: [...(c.matter ? [{ name: 'Matter', value: c.matter }] : []), { name: 'Channel', value: c.channel }],
    };
  });
  const head = {
    version: '2.0.0',
    participants: participants.map((p) => ({
      id: p.id,
      display: p.display,
      ...(p.email ? { email: p.email } : {}),
      ...(p.address ? { account_id: p.address } : {}),
      custom: [{ name: 'Role', value: p.kind === 'user' ? 'the firm' : p.kind === 'contact' ? 'client or contact' : "the firm's account (custodian)" }],
    })),
    conversations,
  };
  const text = JSON.stringify(head, null, 1);
  yield `${text.slice(0, -2)},\n "events": [\n`;
  let first = true;
  for await (const row of sliceEvents(options)) {
    yield `${first ? '' : ',\n'}${JSON.stringify(rsmfEvent(row, inZip))}`;
    first = false;
  }
  yield '\n ]\n}\n';
}

/** Everyone who appears in the slice: the firm's people who wrote, the clients, and the firm's accounts (custodians). */
async function readParticipants(pool: pg.Pool, sql: string, params: unknown[]): Promise<RsmfParticipantRow[]> {
  const found = await pool.query<RsmfParticipantRow>(
    `WITH slice AS (SELECT m.id, m."conversationId", m."authorUserId", m."identityId", m."accountId", m.direction ${sql}),
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
    params,
  );
  return found.rows.map((row) => ({ ...row, id: rsmfParticipantId(row.kind, row.refId) }));
}

/** The text part of the .rsmf: who and what, and the first messages, as a reviewer sees it before opening the ZIP. */
async function readPreview(options: WriteOptions): Promise<string> {
  const shown = 50;
  const rows = await options.pool.query<RsmfEventRow>(`${eventSelect} ${withAuthor(options.sql)} ORDER BY 1, m.id LIMIT ${shown}`, options.params);
  const scope = options.scope;
  const lines = [
    scope.kind === 'matter' ? `${scope.matter.number} ${scope.matter.title} (${scope.matter.client.name})` : `Messages found by the search "${scope.query}"`,
    `${options.facts.events} messages${options.facts.first ? ` from ${options.facts.first.toISOString()}` : ''}${options.facts.last ? ` to ${options.facts.last.toISOString()}` : ''}, times in UTC.`,
    ...(options.facts.withheld > 0 ? [`${options.facts.withheld} messages marked privileged are withheld; see the matter's privilege log.`] : []),
    '',
    ...rows.rows.map(rsmfPreviewLine),
    ...(options.facts.events > shown ? ['', `... and ${options.facts.events - shown} more in rsmf_manifest.json.`] : []),
  ];
  return `${lines.join('\n')}\n`;
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

async function* sliceEvents(options: WriteOptions): AsyncGenerator<RsmfEventRow> {
  let after: { at: Date; id: string } | undefined;
  for (;;) {
    const params = [...options.params];
    let keyset = '';
    if (after) {
      params.push(after.at, after.id);
      keyset = `AND (COALESCE(m."sentAt", m."capturedAt"), m.id) > ($${params.length - 1}::timestamptz, $${params.length}::text)`;
    }
    params.push(options.pageSize);
    const page = await options.pool.query<RsmfEventRow>(
      `${eventSelect} ${withAuthor(options.sql)} ${keyset}
        ORDER BY 1, m.id LIMIT $${params.length}`,
      params,
    );
    yield* page.rows;
    const last = page.rows.at(-1);
    if (!last || page.rows.length < options.pageSize) return;
    after = { at: last.at, id: last.id };
  }
}

async function* sliceMedia(pool: pg.Pool, sql: string, params: unknown[], pageSize: number): AsyncGenerator<StoredMedia> {
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
