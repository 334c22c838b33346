import type { Viewer } from '../access/viewer.js';
import { recordAudit } from '../audit/record-audit.js';
import type { Database } from '../../db/prisma.js';
import { AppError } from '../errors.js';
import type { WorkDispatcher } from '../ports.js';
import { withTransaction } from '../transaction.js';
import { lockVisibleEvent } from './matter-event-access.js';
import type { MatterEventView, MoveMatterEventInput } from './matter-event-view.js';
import { selectEventViews } from './matter-event-view.js';
import { clientClockOfMatter, planReminders } from './plan-reminders.js';

export interface MoveMatterEventOptions {
  db: Database;
  dispatcher: WorkDispatcher;
  viewer: Viewer;
  eventId: string;
  input: MoveMatterEventInput;
  now?: Date;
  onDispatchError?: (error: unknown) => void;
}

/**
 * Changes an event (its time, title, place or reminder offsets); its reminders move with it in the same commit, and
 * the jobs of their old times are retired. A cancelled event cannot be moved. Audited with the old and new time.
 */
export async function moveMatterEvent(options: MoveMatterEventOptions): Promise<MatterEventView> {
  const { viewer, input } = options;
  const now = options.now ?? new Date();
  const { view, jobs } = await withTransaction(options.db.pool, async (client) => {
    const event = await lockVisibleEvent(client, viewer, options.eventId);
    if (event.cancelled) throw new AppError('conflict', 'this event was cancelled; create a new one', { eventId: event.id });
    const startsAt = input.startsAt ? new Date(input.startsAt) : event.startsAt;
    if (input.startsAt && startsAt.getTime() <= now.getTime()) {
      throw new AppError('bad_request', 'body.startsAt: the event must be in the future', { field: 'startsAt' });
    }
    await client.query(
      `UPDATE "MatterEvent" SET title = $2, location = $3, "startsAt" = $4, "updatedAt" = now() WHERE id = $1`,
      [event.id, input.title ?? event.title, input.location === undefined ? event.location : input.location, startsAt],
    );
    const clock = await clientClockOfMatter(client, event.matterId);
    const offsetsMinutes = input.reminderOffsetsMinutes ?? event.offsets;
    const planned = await planReminders(client, { eventId: event.id, startsAt, offsetsMinutes, clock, now });
    await recordAudit(client, {
      firmId: viewer.firmId,
      actorUserId: viewer.userId,
      actorKind: 'user',
      action: 'matter_event.changed',
      subjectType: 'matter_event',
      subjectId: event.id,
      details: { from: event.startsAt.toISOString(), to: startsAt.toISOString(), reminderOffsetsMinutes: offsetsMinutes },
    });
    const [changed] = await selectEventViews(client, { eventId: event.id });
    return { view: changed!, jobs: planned };
  });
  if (jobs.length > 0) await options.dispatcher.dispatch(jobs).catch((error: unknown) => options.onDispatchError?.(error));
  return view;
}
