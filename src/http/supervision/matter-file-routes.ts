import { Router } from 'express';
import type pg from 'pg';
import type { MediaSource } from '../../core/export/media-source.js';
import { prepareMatterExport } from '../../core/export/export-matter.js';
import { getMatterFile } from '../../core/matter-file/get-matter-file.js';
import { idParamsSchema } from '../api/api-schemas.js';
import { parseParams, parseQuery } from '../api/parse-input.js';
import { requireViewer } from '../auth/request-session.js';
import { emptyQuerySchema, matterFileQuerySchema } from './supervision-schemas.js';

/** A matter's file (one timeline, as JSON) and its export (a streamed ZIP), for whoever may see the matter. */
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
    res.status(200).set({
      'content-type': 'application/zip',
      'content-disposition': `attachment; filename="${prepared.fileName}"`,
      'cache-control': 'no-store',
      // The ZIP's size is not known until it is written; the message count lets a client show progress.
      'x-export-messages': String(prepared.messageCount),
    });
    try {
      await prepared.write(res);
    } catch (error) {
      // Headers are gone: the only honest signal left is a cut connection (the ZIP is then visibly incomplete).
      req.log?.warn({ err: error, matterId: id }, 'matter export stopped before the end');
      res.destroy();
    }
  });

  return router;
}
