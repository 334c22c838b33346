import type pg from 'pg';
import type { Viewer } from '../access/viewer.js';
import { recordAudit } from '../audit/record-audit.js';
import { withTransaction } from '../transaction.js';
import { lockVisibleEvent } from './matter-event-access.js';
import type { MatterEventView } from './matter-event-view.js';
import { selectEventViews } from './matter-event-view.js';
import { retireReminderJobs } from './plan-reminders.js';

/** Cancels an event and every reminder of it not yet sent; their jobs are retired in the same commit. Audited. */
export async function cancelMatterEvent(options: { pool: pg.Pool; viewer: Viewer; eventId: string; reason?: string }): Promise<MatterEventView> {
  const { viewer } = options;
  return withTransaction(options.pool, async (client) => {
    const event = await lockVisibleEvent(client, viewer, options.eventId);
    if (!event.cancelled) {
      await client.query(`UPDATE "MatterEvent" SET cancelled = true, "updatedAt" = now() WHERE id = $1`, [event.id]);
      await client.query(
        `UPDATE "Reminder" SET state = 'cancelled', "skippedReason" = 'the event was cancelled'
          WHERE "matterEventId" = $1 AND state = 'scheduled'`,
        [event.id],
      );
      await retireReminderJobs(client, event.id);
      await recordAudit(client, {
        firmId: viewer.firmId,
        actorUserId: viewer.userId,
        actorKind: 'user',
        action: 'matter_event.cancelled',
        subjectType: 'matter_event',
        subjectId: event.id,
        details: { startsAt: event.startsAt.toISOString(), ...(options.reason ? { reason: options.reason } : {}) },
      });
    }
    const [cancelled] = await selectEventViews(client, { eventId: event.id });
    return cancelled!;
  });
}
