import { Router } from 'express';
import type { Response } from 'express';
import type pg from 'pg';
import type { TimeExport } from '../../core/time/export-time-entries.js';
import { exportTimeEntries } from '../../core/time/export-time-entries.js';
import { getExportBatch } from '../../core/time/get-export-batch.js';
import { listExportBatches } from '../../core/time/list-export-batches.js';
import { reportUnbilledTime, unbilledTimeCsv } from '../../core/time/report-unbilled-time.js';
import { idParamsSchema } from '../api/api-schemas.js';
import { parseBody, parseParams, parseQuery } from '../api/parse-input.js';
import { AppError } from '../../core/errors.js';
import { requireViewer } from '../auth/request-session.js';
import { createExportSchema, dateRangeQuerySchema, exportDownloadQuerySchema, reportQuerySchema } from './time-schemas.js';

const contentTypes = { ledes1998b: 'text/plain; charset=us-ascii', csv: 'text/csv; charset=utf-8; header=present' } as const;
const extensions = { ledes1998b: 'txt', csv: 'csv' } as const;

/**
 * Sends an export as a file. The batch id and SHA-256 go in headers so that billing can tell a first export from the
 * same file served again; no-store, because the body is part of the record and must not sit in shared caches.
 */
function sendExport(res: Response, exported: TimeExport, name: string): void {
  res.setHeader('content-type', contentTypes[exported.format]);
  res.setHeader('content-disposition', `attachment; filename="${name}.${extensions[exported.format]}"`);
  res.setHeader('cache-control', 'no-store');
  res.setHeader('x-matterline-export-batch', exported.batchId ?? 'none');
  res.setHeader('x-matterline-export-again', String(exported.again));
  res.setHeader('x-content-sha256', exported.sha256);
  res.send(exported.content);
}

/**
 * Exports (ARCHITECTURE "The public surface") and the unbilled-time report. A GET never changes the record:
 * `POST /api/time/exports {from, to}` creates a batch and marks its entries exported; `GET /api/time/exports/:id.ledes`
 * and `.csv` download a batch; `GET /api/time/export.ledes?from=&to=` and `export.csv` are previews that mark nothing.
 */
export function timeExportRoutes(options: { pool: pg.Pool }): Router {
  const { pool } = options;
  const router = Router();

  for (const [path, format] of [['/api/time/export.ledes', 'ledes1998b'], ['/api/time/export.csv', 'csv']] as const) {
    router.get(path, async (req, res) => {
      const viewer = requireViewer(req);
      const { from, to } = parseQuery(req, dateRangeQuerySchema);
      const exported = await exportTimeEntries({ pool, viewer, format, from, to, preview: true });
      sendExport(res, exported, `matterline-time-preview-${from}-${to}`);
    });
  }

  router.post('/api/time/exports', async (req, res) => {
    const viewer = requireViewer(req);
    const { from, to } = parseBody(req, createExportSchema);
    const exported = await exportTimeEntries({ pool, viewer, format: 'ledes1998b', from, to });
    if (exported.again || exported.batchId === null) {
      throw new AppError('conflict', `no approved time entries left to export between ${from} and ${to}`, {
        from,
        to,
        ...(exported.again ? { earlierBatchId: exported.batchId } : {}),
      });
    }
    const id = exported.batchId;
    res.status(201).json({
      id,
      from,
      to,
      entries: exported.entryIds.length,
      entryIds: exported.entryIds,
      ledes: `/api/time/exports/${id}.ledes`,
      csv: `/api/time/exports/${id}.csv`,
    });
  });

  for (const [suffix, format] of [['ledes', 'ledes1998b'], ['csv', 'csv']] as const) {
    router.get(`/api/time/exports/:id.${suffix}`, async (req, res) => {
      const viewer = requireViewer(req);
      const { id } = parseParams(req, idParamsSchema);
      const exported = await getExportBatch(pool, viewer, id, format);
      sendExport(res, exported, `matterline-time-${id}`);
    });
  }

  router.get('/api/time/exports', async (req, res) => {
    res.json({ items: await listExportBatches(pool, requireViewer(req)) });
  });

  router.get('/api/time/exports/:id', async (req, res) => {
    const viewer = requireViewer(req);
    const { id } = parseParams(req, idParamsSchema);
    const { format } = parseQuery(req, exportDownloadQuerySchema);
    const exported = await getExportBatch(pool, viewer, id, format === 'csv' ? 'csv' : 'ledes1998b');
    sendExport(res, exported, `matterline-time-${id}`);
  });

  router.get('/api/time/report', async (req, res) => {
    const viewer = requireViewer(req);
    const query = parseQuery(req, reportQuerySchema);
    res.json(await reportUnbilledTime({ pool, viewer, ...query }));
  });

  router.get('/api/time/report.csv', async (req, res) => {
    const viewer = requireViewer(req);
    const query = parseQuery(req, reportQuerySchema);
    const report = await reportUnbilledTime({ pool, viewer, ...query });
    res.setHeader('content-type', 'text/csv; charset=utf-8; header=present');
    res.setHeader('content-disposition', `attachment; filename="matterline-unbilled-time-by-${query.by}-${query.from}-${query.to}.csv"`);
    res.setHeader('cache-control', 'no-store');
    res.send(unbilledTimeCsv(report));
  });

  return router;
}
