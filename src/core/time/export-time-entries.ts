import { createHash } from 'node:crypto';
import type pg from 'pg';
import type { Viewer } from '../access/viewer.js';
import { recordAudit } from '../audit/record-audit.js';
import { readFirmSettings } from '../firm-settings.js';
import { newId } from '../new-id.js';
import { withTransaction } from '../transaction.js';
import { firmDate } from './group-activities.js';
import type { ExportEntry } from './render-time-export.js';
import { renderTimeExport } from './render-time-export.js';
import { lockFirmExport } from './time-lock.js';
import { requireTimeManager, visibleEntryFilter } from './time-policy.js';

export type ExportFormat = 'ledes1998b' | 'csv';

export interface ExportTimeEntriesOptions {
  pool: pg.Pool;
  viewer: Viewer;
  format: ExportFormat;
  /** YYYY-MM-DD, inclusive, on the entries' working days. */
  from: string;
  to: string;
  now?: Date;
  /**
   * A preview (GET): the file the approved entries of the range would make, with nothing marked, no batch kept and
   * no earlier batch served again. Only a POST creates a batch.
   */
  preview?: boolean;
}

export interface TimeExport {
  /** The batch served; null when there was nothing to export and no earlier export of this range. */
  batchId: string | null;
  format: ExportFormat;
  content: string;
  sha256: string;
  entryIds: string[];
  /** True when the file is an earlier export served again. */
  again: boolean;
}

interface BatchRow {
  id: string;
  ledes: string;
  csv: string;
  sha256: string;
  csvSha256: string;
}

const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

/**
 * Exports the approved entries of a date range (supervisors and admins; only matters they may see) and marks them
 * exported in one batch, which keeps both renderings, LEDES and CSV, byte for byte.
 *
 * Asking again: when the range holds no approved entries left to export, the latest batch made for exactly this
 * range is served again, identical, in the format asked for, so a second download of the same selection gives the
 * same file (and the CSV of a LEDES export, and vice versa). Entries approved in the range after an export form a
 * new batch of their own; any batch downloads again by its id (getExportBatch). With nothing to export and no
 * earlier batch, the file is empty: the LEDES header lines, or the CSV header.
 */
export async function exportTimeEntries(options: ExportTimeEntriesOptions): Promise<TimeExport> {
  const { viewer, from, to, format } = options;
  requireTimeManager(viewer, 'exporting time');
  const now = options.now ?? new Date();
  const preview = options.preview ?? false;
  return withTransaction(options.pool, async (client) => {
    if (!preview) await lockFirmExport(client, viewer.firmId);
    const firm = await client.query<{ slug: string; timeZone: string; settings: unknown }>(
      `SELECT slug, "timeZone", settings FROM "Firm" WHERE id = $1`,
      [viewer.firmId],
    );
    const { slug, timeZone, settings } = firm.rows[0]!;
    const visible = visibleEntryFilter(viewer, 'e', 'm', 3);
    const selected = await client.query<ExportEntry>(
      `SELECT e.id, to_char(e.date, 'YYYY-MM-DD') AS date, e.tenths, e."rateCents", e.billable, e.narrative, e."taskCode",
              e."activityCode", e."startedAt", (SELECT count(*)::int FROM "Activity" a WHERE a."timeEntryId" = e.id) AS "activityCount",
              e."userId", u.name AS "userName", u."timekeeperId", u.classification, u.role, e."matterId", m.number AS "matterNumber",
              m.title AS "matterTitle", cl.id AS "clientId", cl.number AS "clientNumber", cl.name AS "clientName"
         FROM "TimeEntry" e JOIN "Matter" m ON m.id = e."matterId" JOIN "User" u ON u.id = e."userId" JOIN "Client" cl ON cl.id = m."clientId"
        WHERE e.state = 'approved' AND e.date BETWEEN $1::date AND $2::date AND ${visible.sql}
        ${preview ? '' : 'FOR UPDATE OF e'}`,
      [from, to, ...visible.params],
    );
    const entries = selected.rows;
    const audit = (action: string, details: Record<string, unknown>, subjectId: string | null) =>
      recordAudit(client, { firmId: viewer.firmId, actorUserId: viewer.userId, actorKind: 'user', action, subjectType: 'time_export', subjectId, details });

    if (preview) {
      const rendered = renderTimeExport({
        entries,
        sequence: 0,
        invoiceDate: firmDate(now, timeZone),
        from,
        to,
        lawFirmId: readFirmSettings(settings).ledesLawFirmId ?? slug.toUpperCase(),
      });
      const content = format === 'csv' ? rendered.csv : rendered.ledes;
      await audit('time.export_previewed', { format, from, to, entries: entries.length }, null);
      return { batchId: null, format, content, sha256: sha256(content), entryIds: entries.map((entry) => entry.id).sort(), again: false };
    }

    if (entries.length === 0) {
      // Served again only when every entry in it is one the viewer may see (an ethical wall may have moved since).
      const seen = visibleEntryFilter(viewer, 'e', 'm', 4);
      const earlier = await client.query<BatchRow>(
        `SELECT b.id, b.ledes, b.csv, b.sha256, b."csvSha256" FROM "TimeExportBatch" b
          WHERE b."firmId" = $1 AND b."fromDate" = $2::date AND b."toDate" = $3::date
            AND NOT EXISTS (SELECT 1 FROM "TimeEntry" e JOIN "Matter" m ON m.id = e."matterId"
                             WHERE e."exportBatchId" = b.id AND NOT ${seen.sql})
          ORDER BY b.sequence DESC LIMIT 1`,
        [viewer.firmId, from, to, ...seen.params],
      );
      const batch = earlier.rows[0];
      if (batch) {
        const ids = await client.query<{ id: string }>(`SELECT id FROM "TimeEntry" WHERE "exportBatchId" = $1 ORDER BY id`, [batch.id]);
        await audit('time.export_downloaded', { format, from, to, again: true }, batch.id);
        return {
          batchId: batch.id,
          format,
          content: format === 'csv' ? batch.csv : batch.ledes,
          sha256: format === 'csv' ? batch.csvSha256 : batch.sha256,
          entryIds: ids.rows.map((row) => row.id),
          again: true,
        };
      }
    }

    const sequence = entries.length === 0 ? 0 : await nextSequence(client, viewer.firmId);
    const rendered = renderTimeExport({
      entries,
      sequence,
      invoiceDate: firmDate(now, timeZone),
      from,
      to,
      lawFirmId: readFirmSettings(settings).ledesLawFirmId ?? slug.toUpperCase(),
    });
    const content = format === 'csv' ? rendered.csv : rendered.ledes;
    if (entries.length === 0) {
      await audit('time.exported', { format, from, to, entries: 0 }, null);
      return { batchId: null, format, content, sha256: sha256(content), entryIds: [], again: false };
    }
    const batchId = newId();
    const entryIds = entries.map((entry) => entry.id).sort();
    await client.query(
      `INSERT INTO "TimeExportBatch" (id, "firmId", sequence, format, selection, "fromDate", "toDate", ledes, csv, sha256, "csvSha256",
                                      "createdById", "createdAt")
       VALUES ($1, $2, $3, $4, $5, $6::date, $7::date, $8, $9, $10, $11, $12, $13)`,
      [batchId, viewer.firmId, sequence, format, JSON.stringify({ from, to, entryIds }), from, to, rendered.ledes, rendered.csv,
        sha256(rendered.ledes), sha256(rendered.csv), viewer.userId, now],
    );
    await client.query(`UPDATE "TimeEntry" SET state = 'exported', "exportBatchId" = $1, "updatedAt" = $2 WHERE id = ANY($3::text[])`, [
      batchId,
      now,
      entryIds,
    ]);
    await audit('time.exported', { format, from, to, sequence, entryIds, sha256: sha256(rendered.ledes), csvSha256: sha256(rendered.csv) }, batchId);
    return { batchId, format, content, sha256: sha256(content), entryIds, again: false };
  });
}

async function nextSequence(client: pg.ClientBase, firmId: string): Promise<number> {
  const found = await client.query<{ next: number }>(`SELECT COALESCE(max(sequence), 0) + 1 AS next FROM "TimeExportBatch" WHERE "firmId" = $1`, [firmId]);
  return found.rows[0]!.next;
}
