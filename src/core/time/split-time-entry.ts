import type pg from 'pg';
import type { Viewer } from '../access/viewer.js';
import { recordAudit } from '../audit/record-audit.js';
import { AppError } from '../errors.js';
import { newId } from '../new-id.js';
import { withTransaction } from '../transaction.js';
import { buildNarrative } from './build-narrative.js';
import { entryActivities, spanOf } from './entry-activities.js';
import { firmDate } from './group-activities.js';
import { loadEntryForReview } from './load-entry-for-review.js';
import type { TimeEntryView } from './time-entry-view.js';
import { selectEntryView } from './time-entry-view.js';

export interface SplitTimeEntryOptions {
  pool: pg.Pool;
  viewer: Viewer;
  entryId: string;
  /** The activities that move to the new entry: at least one, not all. */
  activityIds: string[];
  /** Tenths for the new entry; absent, its share of the seconds. */
  tenths?: number;
  /** Tenths left on the original; absent, what the new entry does not take (the total is kept). */
  remainingTenths?: number;
  narrative?: string;
  remainingNarrative?: string;
  now?: Date;
}

/**
 * Splits a draft in two by its activities, each part keeping the links to its own evidence. The hours are shared,
 * not rounded again: by default the new entry takes its share of the seconds (at least 0.1 h) and the original keeps
 * the rest, so the total stays what it was. Both narratives are recounted from their activities unless given. Both
 * parts are marked edited. Audited.
 */
export async function splitTimeEntry(options: SplitTimeEntryOptions): Promise<{ original: TimeEntryView; split: TimeEntryView }> {
  const { viewer, entryId } = options;
  const now = options.now ?? new Date();
  return withTransaction(options.pool, async (client) => {
    const { row, timeZone } = await loadEntryForReview(client, viewer, entryId, ['draft']);
    const activities = await entryActivities(client, [entryId]);
    const moving = new Set(options.activityIds);
    const moved = activities.filter((activity) => moving.has(activity.id));
    const kept = activities.filter((activity) => !moving.has(activity.id));
    if (moved.length !== moving.size) throw new AppError('bad_request', 'body.activityIds: not all are activities of this entry', { field: 'activityIds' });
    if (kept.length === 0) throw new AppError('bad_request', 'body.activityIds: leave at least one activity on the entry', { field: 'activityIds' });

    const movedSpan = spanOf(moved);
    const keptSpan = spanOf(kept);
    const share = row.seconds > 0 ? Math.round((row.tenths * movedSpan.seconds) / row.seconds) : 0;
    const tenths = options.tenths ?? Math.min(Math.max(share, 1), row.tenths - 1);
    const remainingTenths = options.remainingTenths ?? row.tenths - tenths;
    if (tenths < 1 || remainingTenths < 1) {
      throw new AppError('conflict', `${row.tenths / 10} h cannot be shared in two parts of at least 0.1 h; give hours for both`, { entryId });
    }
    const newEntryId = newId();
    await client.query(
      `INSERT INTO "TimeEntry" (id, "firmId", "userId", "matterId", date, tenths, seconds, "activityCode", "taskCode", narrative,
                                "rateCents", billable, "startedAt", "endedAt", "editedAt", "createdAt", "updatedAt")
       SELECT $2, "firmId", "userId", "matterId", $3::date, $4, $5, "activityCode", "taskCode", $6, "rateCents", billable, $7, $8, $9, $9, $9
         FROM "TimeEntry" WHERE id = $1`,
      [entryId, newEntryId, firmDate(movedSpan.startedAt!, timeZone), tenths, movedSpan.seconds,
        options.narrative ?? buildNarrative(row.matterTitle, moved), movedSpan.startedAt, movedSpan.endedAt, now],
    );
    await client.query(`UPDATE "Activity" SET "timeEntryId" = $2 WHERE id = ANY($1::text[])`, [[...moving], newEntryId]);
    await client.query(
      `UPDATE "TimeEntry" SET date = $2::date, tenths = $3, seconds = $4, narrative = $5, "startedAt" = $6, "endedAt" = $7,
              "editedAt" = $8, "updatedAt" = $8
        WHERE id = $1`,
      [entryId, firmDate(keptSpan.startedAt!, timeZone), remainingTenths, keptSpan.seconds,
        options.remainingNarrative ?? buildNarrative(row.matterTitle, kept), keptSpan.startedAt, keptSpan.endedAt, now],
    );
    await recordAudit(client, {
      firmId: viewer.firmId,
      actorUserId: viewer.userId,
      actorKind: 'user',
      action: 'time_entry.split',
      subjectType: 'time_entry',
      subjectId: entryId,
      details: { into: newEntryId, movedActivityIds: [...moving], hoursBefore: row.tenths / 10, hours: [remainingTenths / 10, tenths / 10] },
    });
    return { original: await selectEntryView(client, entryId), split: await selectEntryView(client, newEntryId) };
  });
}
