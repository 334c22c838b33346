import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Router } from 'express';
import type pg from 'pg';
import type { MediaSource } from '../../core/export/media-source.js';
import { prepareMatterExport, prepareTranscriptPdf } from '../../core/export/export-matter.js';
import { prepareRsmfExport } from '../../core/export/export-rsmf.js';
import { getMatterFile } from '../../core/matter-file/get-matter-file.js';
import { idParamsSchema } from '../api/api-schemas.js';
import { parseParams, parseQuery } from '../api/parse-input.js';
import { requireViewer } from '../auth/request-session.js';
import { startDownload, writeDownload } from './download.js';
import { emptyQuerySchema, matterFileQuerySchema, rsmfQuerySchema } from './supervision-schemas.js';

/** A matter's file (one timeline, as JSON), its export (a streamed ZIP) and its transcript as a PDF, for whoever may see the matter. */
export function matterFileRoutes(options: { pool: pg.Pool; media?: MediaSource }): Router {
  const { pool } = options;
  const router = Router();

  router.get('/api/matters/:id/file', async (req, res) => {
    const viewer = requireViewer(req);
    const { id } = parseParams(req, idParamsSchema);
    const { limit, cursor } = parseQuery(req, matterFileQuerySchema);
    res.json(await getMatterFile({ pool, viewer, matterId: id, limit, ...(cursor ? { cursor } : {}) }));
  });

  router.get('/api/matters/:id/export', async (req, res) => {
    const viewer = requireViewer(req);
    const { id } = parseParams(req, idParamsSchema);
    parseQuery(req, emptyQuerySchema);
    // Access is checked and the export audited here, while an error can still be a JSON answer.
    const prepared = await prepareMatterExport({ pool, viewer, matterId: id, ...(options.media ? { media: options.media } : {}) });
    startDownload(res, 'application/zip', prepared);
    await writeDownload(req, res, prepared.write, 'matter export', { matterId: id });
  });

  router.get('/api/matters/:id/transcript.pdf', async (req, res) => {
    const viewer = requireViewer(req);
    const { id } = parseParams(req, idParamsSchema);
    parseQuery(req, emptyQuerySchema);
    const prepared = await prepareTranscriptPdf({ pool, viewer, matterId: id });
    startDownload(res, 'application/pdf', prepared);
    // pipeline waits for the reader (backpressure) and cuts the connection if rendering fails part-way.
    await pipeline(Readable.from(prepared.bytes()), res).catch((error: unknown) => req.log?.warn({ err: error, matterId: id }, 'transcript PDF stopped before the end'));
  });

  router.get('/api/matters/:id/export.rsmf', async (req, res) => {
    const viewer = requireViewer(req);
    const { id } = parseParams(req, idParamsSchema);
    const query = parseQuery(req, rsmfQuerySchema);
    const prepared = await prepareRsmfExport({
      pool,
      viewer,
      matterId: id,
      range: { ...(query.from ? { from: query.from } : {}), ...(query.to ? { to: query.to } : {}) },
      ...(query.conversation ? { conversationId: query.conversation } : {}),
      ...(options.media ? { media: options.media } : {}),
      includePrivileged: query.privileged === 'include',
    });
    startDownload(res, 'application/rsmf', { fileName: prepared.fileName, messageCount: prepared.eventCount });
    await writeDownload(req, res, prepared.write, 'RSMF export', { matterId: id });
  });

  return router;
}
