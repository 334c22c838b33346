import { createHash } from 'node:crypto';
import type { Writable } from 'node:stream';
import type pg from 'pg';
import { canAccessMatter } from '../access/can-access-matter.js';
import type { Viewer } from '../access/viewer.js';
import { recordAudit } from '../audit/record-audit.js';
import { AppError } from '../errors.js';
import { matterAccessLog } from '../matter-file/matter-access-log.js';
import type { MatterSummary } from '../matter-file/matter-summary.js';
import { loadMatterSummary } from '../matter-file/matter-summary.js';
import { timelineItems } from '../matter-file/matter-timeline.js';
import type { MediaSource } from './media-source.js';
import { noStoredMedia } from './media-source.js';
import { matterMedia, mediaPath } from './matter-media.js';
import type { TranscriptContext } from './render-transcript.js';
import { transcriptFooter, transcriptHeader, transcriptRow } from './render-transcript.js';
import { transcriptPdf } from './render-transcript-pdf.js';
import type { WrittenFile } from './zip-writer.js';
import { ZipWriter } from './zip-writer.js';

export interface PrepareMatterExportOptions {
  pool: pg.Pool;
  viewer: Viewer;
  matterId: string;
  media?: MediaSource;
  /** Rows per database page (tests make it small to count pages). */
  pageSize?: number;
}

export interface MissingMedia {
  attachmentId: string;
  messageId: string;
  fileName: string | null;
  expectedSha256: string | null;
  reason: string;
}

export interface ExportManifest {
  format: 'matterline-export/1';
  matter: { id: string; number: string; title: string };
  exportedAt: string;
  exportedBy: { id: string; name: string };
  /** Every other file of the ZIP, with its size and SHA-256. */
  files: (WrittenFile & { expectedSha256?: string })[];
  missingMedia: MissingMedia[];
  counts: { timelineItems: number; messages: number; media: number; missingMedia: number; accessEvents: number };
}

export interface MatterExport {
  /** A file name for the download, e.g. matter-M-0001-2026-11-22.zip. */
  fileName: string;
  /** How many messages the export will hold, for a client's progress bar. */
  messageCount: number;
  /** Streams the ZIP into `output`; resolves once every byte is written and the export is audited. */
  write(output: Writable): Promise<ExportManifest>;
}

/**
 * Prepares the export of a matter's record for whoever may see the matter (others get a 404). The ZIP holds the
 * media that exist (media/...), a readable transcript.html and transcript.pdf, record.json (the full record: the matter, every timeline
 * item, and who read it) and manifest.json with the SHA-256 of every file and the media that could not be included.
 * Everything is read a page at a time and streamed, so a matter of any size exports in bounded memory. The export
 * is audited before its first byte (matter.export_started) and once complete, with the manifest's hash
 * (matter.exported), which ties the ZIP a recipient holds to the log.
 */
export async function prepareMatterExport(options: PrepareMatterExportOptions): Promise<MatterExport> {
  const { matter, firm, exportedAt } = await startExport(options, 'zip');
  return {
    fileName: exportFileName('matter', matter, exportedAt, 'zip'),
    messageCount: firm.messages,
    write: (output) =>
      writeExport({
        ...options,
        media: options.media ?? noStoredMedia,
        pageSize: options.pageSize ?? 500,
        matter,
        exportedAt,
        exportedBy: { id: options.viewer.userId, name: firm.userName },
        firmName: firm.firmName,
        timeZone: firm.timeZone,
        output,
      }),
  };
}

/** A download's name: what it is, the matter's number kept to safe characters, and the day (matter-M-0001-2026-11-22.zip). */
const exportFileName = (what: string, matter: MatterSummary, at: Date, extension: string): string =>
  `${what}-${matter.number.replace(/[^\w.-]+/g, '_')}-${at.toISOString().slice(0, 10)}.${extension}`;

interface StartedExport {
  matter: MatterSummary;
  firm: { firmName: string; timeZone: string; userName: string; messages: number };
  exportedAt: Date;
}

/** Access, the facts every export states, and the audit entry written before the first byte. */
async function startExport(options: PrepareMatterExportOptions, format: 'zip' | 'pdf'): Promise<StartedExport> {
  const { pool, viewer, matterId } = options;
  if (!(await canAccessMatter(pool, viewer, matterId))) throw new AppError('not_found', 'no such matter', { matterId });
  const matter = await loadMatterSummary(pool, matterId);
  if (!matter) throw new AppError('not_found', 'no such matter', { matterId });
  const facts = await pool.query<StartedExport['firm']>(
    `SELECT f.name AS "firmName", f."timeZone", u.name AS "userName",
            (SELECT count(*)::int FROM "Message" m JOIN "Conversation" c ON c.id = m."conversationId" WHERE c."matterId" = $3) AS messages
       FROM "Firm" f, "User" u WHERE f.id = $1 AND u.id = $2`,
    [viewer.firmId, viewer.userId, matterId],
  );
  const firm = facts.rows[0];
  if (!firm) throw new AppError('not_found', 'no such user', { userId: viewer.userId });
  await recordAudit(pool, {
    firmId: viewer.firmId,
    actorUserId: viewer.userId,
    actorKind: 'user',
    action: 'matter.export_started',
    subjectType: 'matter',
    subjectId: matterId,
    details: { format, messages: firm.messages },
  });
  return { matter, firm, exportedAt: new Date() };
}

export interface TranscriptPdf {
  fileName: string;
  messageCount: number;
  /** The PDF's bytes as they are rendered; once the last is read, the export is audited with the PDF's SHA-256. */
  bytes(): AsyncGenerator<Buffer>;
}

/** The matter's transcript alone, as a PDF (the ZIP export holds the same beside transcript.html). Same access and audit. */
export async function prepareTranscriptPdf(options: PrepareMatterExportOptions): Promise<TranscriptPdf> {
  const { pool, viewer } = options;
  const { matter, firm, exportedAt } = await startExport(options, 'pdf');
  const context: TranscriptContext = { matter, firmName: firm.firmName, timeZone: firm.timeZone, exportedAt, exportedBy: firm.userName, mediaPaths: new Map() };
  return {
    fileName: exportFileName('transcript', matter, exportedAt, 'pdf'),
    messageCount: firm.messages,
    async *bytes() {
      const hash = createHash('sha256');
      let size = 0;
      for await (const chunk of transcriptPdf(timelineItems(pool, matter.id, options.pageSize ?? 500), context)) {
        hash.update(chunk);
        size += chunk.length;
        yield chunk;
      }
      await recordAudit(pool, {
        firmId: viewer.firmId,
        actorUserId: viewer.userId,
        actorKind: 'user',
        action: 'matter.exported',
        subjectType: 'matter',
        subjectId: matter.id,
        details: { format: 'pdf', sha256: hash.digest('hex'), bytes: size },
      });
    },
  };
}

interface WriteExportOptions extends PrepareMatterExportOptions {
  media: MediaSource;
  pageSize: number;
  matter: MatterSummary;
  exportedAt: Date;
  exportedBy: { id: string; name: string };
  firmName: string;
  timeZone: string;
  output: Writable;
}

async function writeExport(options: WriteExportOptions): Promise<ExportManifest> {
  const { pool, matter, exportedAt, pageSize } = options;
  const zip = new ZipWriter(options.output);
  const manifest: ExportManifest = {
    format: 'matterline-export/1',
    matter: { id: matter.id, number: matter.number, title: matter.title },
    exportedAt: exportedAt.toISOString(),
    exportedBy: options.exportedBy,
    files: [],
    missingMedia: [],
    counts: { timelineItems: 0, messages: 0, media: 0, missingMedia: 0, accessEvents: 0 },
  };
  try {
    // Media first, so that the transcript knows which files it can link to.
    const mediaPaths = new Map<string, string>();
    for await (const media of matterMedia(pool, matter.id, pageSize)) {
      const bytes = await options.media.open(media);
      if (!bytes) {
        manifest.missingMedia.push({ attachmentId: media.id, messageId: media.messageId, fileName: media.fileName, expectedSha256: media.sha256, reason: options.media.whyMissing(media) });
        continue;
      }
      const path = mediaPath(media);
      const written = await zip.add(path, bytes, exportedAt);
      // A stored hash that differs from the bytes is kept visible rather than corrected: it is evidence.
      manifest.files.push(media.sha256 && media.sha256 !== written.sha256 ? { ...written, expectedSha256: media.sha256 } : written);
      mediaPaths.set(media.id, path);
    }
    manifest.counts.media = mediaPaths.size;
    manifest.counts.missingMedia = manifest.missingMedia.length;

    const context: TranscriptContext = { matter, firmName: options.firmName, timeZone: options.timeZone, exportedAt, exportedBy: options.exportedBy.name, mediaPaths };
    manifest.files.push(await zip.add('transcript.html', transcript(pool, context, pageSize), exportedAt));
    manifest.files.push(await zip.add('transcript.pdf', transcriptPdf(timelineItems(pool, matter.id, pageSize), context), exportedAt));
    manifest.files.push(await zip.add('record.json', record(pool, options, manifest), exportedAt));
    const manifestText = `${JSON.stringify(manifest, null, 2)}\n`;
    await zip.add('manifest.json', [manifestText], exportedAt);
    const bytes = await zip.finish();
    await recordAudit(pool, {
      firmId: options.viewer.firmId,
      actorUserId: options.viewer.userId,
      actorKind: 'user',
      action: 'matter.exported',
      subjectType: 'matter',
      subjectId: matter.id,
      details: { manifestSha256: createHash('sha256').update(manifestText).digest('hex'), bytes, ...manifest.counts },
    });
    await zip.close();
    return manifest;
  } catch (error) {
    zip.abort();
    throw error;
  }
}

async function* transcript(pool: pg.Pool, context: TranscriptContext, pageSize: number): AsyncGenerator<string> {
  yield transcriptHeader(context);
  for await (const item of timelineItems(pool, context.matter.id, pageSize)) yield transcriptRow(item, context);
  yield transcriptFooter();
}

/** record.json, written as it is read: one timeline item or access event per chunk. Counts go into the manifest. */
async function* record(pool: pg.Pool, options: WriteExportOptions, manifest: ExportManifest): AsyncGenerator<string> {
  yield `{"format":"matterline-record/1","exportedAt":${JSON.stringify(manifest.exportedAt)},"exportedBy":${JSON.stringify(options.exportedBy)},`;
  yield `"matter":${JSON.stringify(options.matter)},\n"timeline":[\n`;
  let first = true;
  for await (const item of timelineItems(pool, options.matter.id, options.pageSize)) {
    manifest.counts.timelineItems++;
    if (item.kind === 'message' || item.kind === 'auto_reply') manifest.counts.messages++;
    yield `${first ? '' : ',\n'}${JSON.stringify(item)}`;
    first = false;
  }
  yield `\n],\n"access":[\n`;
  first = true;
  for await (const event of matterAccessLog(pool, options.matter.id, options.pageSize)) {
    manifest.counts.accessEvents++;
    yield `${first ? '' : ',\n'}${JSON.stringify(event)}`;
    first = false;
  }
  yield '\n]}\n';
}
