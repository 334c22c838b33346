import type pg from 'pg';
import type { Viewer } from '../access/viewer.js';
import { recordAudit } from '../audit/record-audit.js';
import { AppError } from '../errors.js';
import { withTransaction } from '../transaction.js';
import { loadEntryForReview } from './load-entry-for-review.js';
import type { TimeEntryView } from './time-entry-view.js';
import { selectEntryView } from './time-entry-view.js';

export interface EditTimeEntryOptions {
  pool: pg.Pool;
  viewer: Viewer;
  entryId: string;
  /** In tenths of an hour (the API takes decimal hours). */
  tenths?: number;
  narrative?: string;
  taskCode?: string | null;
  activityCode?: string;
  now?: Date;
}

/**
 * A person's change to a draft: hours, narrative, codes. The entry is marked edited, so drafting never rebuilds it
 * over the person's words; approved, written-off and exported entries refuse (409). Audited with before and after.
 */
export async function editTimeEntry(options: EditTimeEntryOptions): Promise<TimeEntryView> {
  const { viewer, entryId } = options;
  const now = options.now ?? new Date();
  return withTransaction(options.pool, async (client) => {
    const { row } = await loadEntryForReview(client, viewer, entryId, ['draft']);
    const after = {
      tenths: options.tenths ?? row.tenths,
      narrative: options.narrative ?? row.narrative,
      taskCode: options.taskCode === undefined ? row.taskCode : options.taskCode,
      activityCode: options.activityCode ?? row.activityCode,
    };
    const before = { tenths: row.tenths, narrative: row.narrative, taskCode: row.taskCode, activityCode: row.activityCode };
    const changed = (Object.keys(after) as (keyof typeof after)[]).filter((key) => after[key] !== before[key]);
    if (changed.length === 0) return selectEntryView(client, entryId);
    if (after.tenths < 1) throw new AppError('bad_request', 'body.hours: at least 0.1', { field: 'hours' });
    await client.query(
      `UPDATE "TimeEntry" SET tenths = $2, narrative = $3, "taskCode" = $4, "activityCode" = $5, "editedAt" = $6, "updatedAt" = $6
        WHERE id = $1`,
      [entryId, after.tenths, after.narrative, after.taskCode, after.activityCode, now],
    );
    await recordAudit(client, {
      firmId: viewer.firmId,
      actorUserId: viewer.userId,
      actorKind: 'user',
      action: 'time_entry.edited',
      subjectType: 'time_entry',
      subjectId: entryId,
      details: {
        before: Object.fromEntries(changed.map((key) => [key, before[key]])),
        after: Object.fromEntries(changed.map((key) => [key, after[key]])),
      },
    });
    return selectEntryView(client, entryId);
  });
}
