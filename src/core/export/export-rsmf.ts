import { PassThrough } from 'node:stream';
import type { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import MailComposer from 'nodemailer/lib/mail-composer';
import type pg from 'pg';
import { canAccessMatter } from '../access/can-access-matter.js';
import type { Viewer } from '../access/viewer.js';
import { recordAudit } from '../audit/record-audit.js';
import { AppError } from '../errors.js';
import { loadMatterSummary } from '../matter-file/matter-summary.js';
import type { DateRangeInput } from '../search/date-range.js';
import { resolveDateRange } from '../search/date-range.js';
import { rsmfFileName, rsmfEvent, rsmfPlatform, rsmfPreviewLine } from './rsmf-events.js';
import type { RsmfParticipantRow } from './rsmf-events.js';
import type { ConversationRow, Scope, Slice } from './rsmf-slice.js';
import { eventsPage, readConversations, readParticipants, sliceEvents, sliceMedia, sliceOf } from './rsmf-slice.js';
import type { MediaSource } from './media-source.js';
import { noStoredMedia } from './media-source.js';
import { ZipWriter } from './zip-writer.js';
import { hashTap } from './hash-tap.js';

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
  const slice = sliceOf(scope, includePrivileged);
  const every = sliceOf(scope, true);
  const { sql, params } = slice;
  const [counted, all, people] = await Promise.all([
    pool.query<Omit<Facts, 'firmName' | 'userName' | 'withheld'>>(
      `SELECT count(*)::int AS events, min(COALESCE(m."sentAt", m."capturedAt")) AS first, max(COALESCE(m."sentAt", m."capturedAt")) AS last,
              (SELECT count(*)::int FROM "Attachment" f WHERE f."messageId" IN (SELECT m.id ${sql})) AS attachments
         ${sql}`,
      params,
    ),
    pool.query<{ events: number }>(`SELECT count(*)::int AS events ${every.sql}`, every.params),
    pool.query<{ firmName: string; userName: string }>(`SELECT f.name AS "firmName", u.name AS "userName" FROM "Firm" f, "User" u WHERE f.id = $1 AND u.id = $2`, [viewer.firmId, viewer.userId]),
  ]);
  const found = counted.rows[0]!;
  const names = people.rows[0];
  if (!names) throw new AppError('not_found', 'no such user', { userId: viewer.userId });
  const facts: Facts = { ...names, ...found, withheld: all.rows[0]!.events - found.events };
  const exportedAt = new Date();
  const sliced =
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
    details: { format: 'rsmf', events: facts.events, withheldPrivileged: facts.withheld, ...sliced },
  });
  return {
    fileName: `${audit.fileName}-${exportedAt.toISOString().slice(0, 10)}.rsmf`,
    eventCount: facts.events,
    write: (output) =>
      writeRsmf({ ...options, scope, audit, facts, exportedAt, slice, output, media: options.media ?? noStoredMedia, pageSize: options.pageSize ?? 500 }),
  };
}

interface WriteOptions extends Omit<RsmfExportOptions, 'matterId'> {
  scope: Scope;
  audit: { subjectType: 'matter' | 'firm'; subjectId: string };
  facts: Facts;
  exportedAt: Date;
  slice: Slice;
  output: Writable;
  media: MediaSource;
  pageSize: number;
}

async function writeRsmf(options: WriteOptions): Promise<{ sha256: string; bytes: number }> {
  const { pool, scope, facts, exportedAt } = options;
  const participants = await readParticipants(pool, options.slice);
  const conversations = await readConversations(pool, options.slice);
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

  const tap = hashTap();
  const message = composer.compile().createReadStream();
  const sent = pipeline(message, tap.stream, options.output, { end: false });
  try {
    await Promise.all([sent, fillZip(zip, options, participants, conversations)]);
  } catch (error) {
    zip.abort();
    message.destroy();
    throw error;
  }
  const sha256 = tap.sha256();
  const bytes = tap.size();
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
  for await (const media of sliceMedia(pool, options.slice, options.pageSize)) {
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
  for await (const row of sliceEvents(options.pool, options.slice, options.pageSize)) {
    yield `${first ? '' : ',\n'}${JSON.stringify(rsmfEvent(row, inZip))}`;
    first = false;
  }
  yield '\n ]\n}\n';
}

/** The text part of the .rsmf: who and what, and the first messages, as a reviewer sees it before opening the ZIP. */
async function readPreview(options: WriteOptions): Promise<string> {
  const shown = 50;
  const rows = await eventsPage(options.pool, options.slice, undefined, shown);
  const scope = options.scope;
  const lines = [
    scope.kind === 'matter' ? `${scope.matter.number} ${scope.matter.title} (${scope.matter.client.name})` : `Messages found by the search "${scope.query}"`,
    `${options.facts.events} messages${options.facts.first ? ` from ${options.facts.first.toISOString()}` : ''}${options.facts.last ? ` to ${options.facts.last.toISOString()}` : ''}, times in UTC.`,
    ...(options.facts.withheld > 0 ? [`${options.facts.withheld} messages marked privileged are withheld; see the matter's privilege log.`] : []),
    '',
    ...rows.map(rsmfPreviewLine),
    ...(options.facts.events > shown ? ['', `... and ${options.facts.events - shown} more in rsmf_manifest.json.`] : []),
  ];
  return `${lines.join('\n')}\n`;
}

