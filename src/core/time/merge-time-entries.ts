import type pg from 'pg';
import type { Viewer } from '../access/viewer.js';
import { recordAudit } from '../audit/record-audit.js';
import { AppError } from '../errors.js';
import { withTransaction } from '../transaction.js';
import { buildNarrative } from './build-narrative.js';
import { entryActivities, spanOf } from './entry-activities.js';
import type { EntryUnderReview } from './load-entry-for-review.js';
import { loadEntryForReview } from './load-entry-for-review.js';
import type { TimeEntryView } from './time-entry-view.js';
import { selectEntryView } from './time-entry-view.js';
import { roundUpToTenths } from './time-rules.js';

export interface MergeTimeEntriesOptions {
  pool: pg.Pool;
  viewer: Viewer;
  /** Two or more drafts of one person on one matter. */
  entryIds: string[];
  tenths?: number;
  narrative?: string;
  now?: Date;
}

/**
 * Merges drafts of one person on one matter into the earliest, which takes every activity (and so every link to the
 * evidence); the others are deleted. Hours: when no person has edited any of them, the combined seconds are rounded
 * up once (two rounded halves would bill more than the work); otherwise the sum of the hours people set. The same
 * rule decides between a recounted narrative and the people's narratives joined. Audited.
 */
export async function mergeTimeEntries(options: MergeTimeEntriesOptions): Promise<TimeEntryView> {
  const { viewer } = options;
  const now = options.now ?? new Date();
  const ids = [...new Set(options.entryIds)];
  if (ids.length < 2) throw new AppError('bad_request', 'body.entryIds: at least two different entries', { field: 'entryIds' });
  return withTransaction(options.pool, async (client) => {
    // Locked in a fixed order, so two merges of overlapping entries cannot deadlock.
    const loaded: EntryUnderReview[] = [];
    for (const id of [...ids].sort()) loaded.push(await loadEntryForReview(client, viewer, id, ['draft']));
    const first = loaded[0]!;
    if (loaded.some(({ row }) => row.userId !== first.row.userId || row.matterId !== first.row.matterId)) {
      throw new AppError('bad_request', 'body.entryIds: only entries of one person on one matter merge', { field: 'entryIds' });
    }
    const entries = loaded
      .map(({ row }) => row)
      .sort((a, b) => a.date.localeCompare(b.date) || (a.startedAt?.getTime() ?? 0) - (b.startedAt?.getTime() ?? 0) || a.id.localeCompare(b.id));
    const target = entries[0]!;
    const others = entries.slice(1).map((entry) => entry.id);
    const activities = await entryActivities(client, ids);
    const span = spanOf(activities);
    const untouched = entries.every((entry) => entry.editedAt === null);
    const tenths =
      options.tenths ??
      (untouched ? roundUpToTenths(span.seconds, first.settings.timeRoundingIncrementHours) : entries.reduce((sum, entry) => sum + entry.tenths, 0));
    const narrative =
      options.narrative ??
      (untouched ? buildNarrative(target.matterTitle, activities) : [...new Set(entries.map((entry) => entry.narrative))].join('; ').slice(0, 1000));
    await client.query(`UPDATE "Activity" SET "timeEntryId" = $1 WHERE "timeEntryId" = ANY($2::text[])`, [target.id, others]);
    await client.query(`DELETE FROM "TimeEntry" WHERE id = ANY($1::text[])`, [others]);
    await client.query(
      `UPDATE "TimeEntry" SET tenths = $2, seconds = $3, narrative = $4, "startedAt" = $5, "endedAt" = $6, "editedAt" = $7, "updatedAt" = $7
        WHERE id = $1`,
      [target.id, Math.max(tenths, 1), span.seconds, narrative, span.startedAt, span.endedAt, now],
    );
    await recordAudit(client, {
      firmId: viewer.firmId,
      actorUserId: viewer.userId,
      actorKind: 'user',
      action: 'time_entry.merged',
      subjectType: 'time_entry',
      subjectId: target.id,
      details: {
        merged: others,
        before: entries.map((entry) => ({ id: entry.id, hours: entry.tenths / 10, narrative: entry.narrative })),
        hours: Math.max(tenths, 1) / 10,
      },
    });
    return selectEntryView(client, target.id);
  });
}
