import type pg from 'pg';
import type { Viewer } from '../access/viewer.js';
import { recordAudit } from '../audit/record-audit.js';
import { AppError } from '../errors.js';
import { withTransaction } from '../transaction.js';
import { loadEntryForReview } from './load-entry-for-review.js';
import type { TimeEntryState, TimeEntryView } from './time-entry-view.js';
import { selectEntryView } from './time-entry-view.js';

export type TimeEntryTransition =
  | { action: 'approve' }
  | { action: 'unapprove' }
  | { action: 'write_off'; reason: string }
  | { action: 'restore' };

export interface TransitionTimeEntryOptions {
  pool: pg.Pool;
  viewer: Viewer;
  entryId: string;
  transition: TimeEntryTransition;
  now?: Date;
}

// The review state machine. An approved entry changes only by un-approving it (back to draft); writing off is for
// drafts; an exported entry is on a client's bill and never changes again.
const allowedFrom: Record<TimeEntryTransition['action'], readonly TimeEntryState[]> = {
  approve: ['draft'],
  unapprove: ['approved'],
  write_off: ['draft'],
  restore: ['written_off'],
};

/** Approves, un-approves, writes off or restores one entry; 409 from any other state. Audited. */
export async function transitionTimeEntry(options: TransitionTimeEntryOptions): Promise<TimeEntryView> {
  const { viewer, entryId, transition } = options;
  const now = options.now ?? new Date();
  return withTransaction(options.pool, async (client) => {
    const { row } = await loadEntryForReview(client, viewer, entryId, allowedFrom[transition.action]);
    switch (transition.action) {
      case 'approve':
        if (row.tenths < 1) throw new AppError('conflict', 'an entry of 0.0 h cannot be approved; edit its hours or write it off', { entryId });
        await client.query(
          `UPDATE "TimeEntry" SET state = 'approved', "approvedAt" = $2, "approvedById" = $3, "updatedAt" = $2 WHERE id = $1`,
          [entryId, now, viewer.userId],
        );
        break;
      case 'unapprove':
        await client.query(
          `UPDATE "TimeEntry" SET state = 'draft', "approvedAt" = NULL, "approvedById" = NULL, "updatedAt" = $2 WHERE id = $1`,
          [entryId, now],
        );
        break;
      case 'write_off':
        await client.query(`UPDATE "TimeEntry" SET state = 'written_off', "writeOffReason" = $2, "updatedAt" = $3 WHERE id = $1`, [
          entryId,
          transition.reason,
          now,
        ]);
        break;
      case 'restore':
        await client.query(`UPDATE "TimeEntry" SET state = 'draft', "writeOffReason" = NULL, "updatedAt" = $2 WHERE id = $1`, [entryId, now]);
        break;
    }
    await recordAudit(client, {
      firmId: viewer.firmId,
      actorUserId: viewer.userId,
      actorKind: 'user',
      action: `time_entry.${transition.action}`,
      subjectType: 'time_entry',
      subjectId: entryId,
      details: {
        from: row.state,
        hours: row.tenths / 10,
        ...(transition.action === 'write_off' ? { reason: transition.reason } : {}),
        ...(transition.action === 'restore' ? { reason: row.writeOffReason } : {}),
      },
    });
    return selectEntryView(client, entryId);
  });
}
