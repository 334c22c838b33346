import type pg from 'pg';
import type { Viewer } from '../access/viewer.js';
import { recordAudit } from '../audit/record-audit.js';
import { AppError } from '../errors.js';
import type { ExportFormat, TimeExport } from './export-time-entries.js';
import { requireTimeManager, visibleEntryFilter } from './time-policy.js';

/**
 * An earlier export downloaded again, in either format, exactly as it was first made. 404 when missing, or when any
 * of its entries is on a matter the viewer may not see. Audited.
 */
export async function getExportBatch(pool: pg.Pool, viewer: Viewer, batchId: string, format: ExportFormat): Promise<TimeExport> {
  requireTimeManager(viewer, 'downloading exports');
  const seen = visibleEntryFilter(viewer, 'e', 'm', 3);
  const found = await pool.query<{ id: string; ledes: string; csv: string; sha256: string; csvSha256: string; entryIds: string[] }>(
    `SELECT b.id, b.ledes, b.csv, b.sha256, b."csvSha256",
            ARRAY(SELECT e.id FROM "TimeEntry" e WHERE e."exportBatchId" = b.id ORDER BY e.id) AS "entryIds"
       FROM "TimeExportBatch" b
      WHERE b.id = $1 AND b."firmId" = $2
        AND NOT EXISTS (SELECT 1 FROM "TimeEntry" e JOIN "Matter" m ON m.id = e."matterId" WHERE e."exportBatchId" = b.id AND NOT ${seen.sql})`,
    [batchId, viewer.firmId, ...seen.params],
  );
  const batch = found.rows[0];
  if (!batch) throw new AppError('not_found', 'no such export', { batchId });
  await recordAudit(pool, {
    firmId: viewer.firmId,
    actorUserId: viewer.userId,
    actorKind: 'user',
    action: 'time.export_downloaded',
    subjectType: 'time_export',
    subjectId: batchId,
    details: { format, again: true },
  });
  return {
    batchId: batch.id,
    format,
    content: format === 'csv' ? batch.csv : batch.ledes,
    sha256: format === 'csv' ? batch.csvSha256 : batch.sha256,
    entryIds: batch.entryIds,
    again: true,
  };
}
