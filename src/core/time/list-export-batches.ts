import type pg from 'pg';
import type { Viewer } from '../access/viewer.js';
import { requireTimeManager, visibleEntryFilter } from './time-policy.js';

export interface ExportBatchSummary {
  id: string;
  sequence: number;
  format: string;
  from: string;
  to: string;
  entryCount: number;
  sha256: string;
  csvSha256: string;
  createdById: string | null;
  createdAt: Date;
}

/** The firm's exports, newest first, leaving out any the viewer may not see all of (supervisors and admins). */
export async function listExportBatches(pool: pg.Pool, viewer: Viewer, limit = 100): Promise<ExportBatchSummary[]> {
  requireTimeManager(viewer, 'listing exports');
  const seen = visibleEntryFilter(viewer, 'e', 'm', 2);
  const found = await pool.query<ExportBatchSummary>(
    `SELECT b.id, b.sequence, b.format, to_char(b."fromDate", 'YYYY-MM-DD') AS "from", to_char(b."toDate", 'YYYY-MM-DD') AS "to",
            (SELECT count(*)::int FROM "TimeEntry" e WHERE e."exportBatchId" = b.id) AS "entryCount",
            b.sha256, b."csvSha256", b."createdById", b."createdAt"
       FROM "TimeExportBatch" b
      WHERE b."firmId" = $1
        AND NOT EXISTS (SELECT 1 FROM "TimeEntry" e JOIN "Matter" m ON m.id = e."matterId" WHERE e."exportBatchId" = b.id AND NOT ${seen.sql})
      ORDER BY b.sequence DESC
      LIMIT ${Math.trunc(limit)}`,
    [viewer.firmId, ...seen.params],
  );
  return found.rows;
}
