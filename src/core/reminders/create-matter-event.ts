import type { Viewer } from '../access/viewer.js';
import { recordAudit } from '../audit/record-audit.js';
import type { Database } from '../../db/prisma.js';
import { AppError } from '../errors.js';
import { newId } from '../new-id.js';
import type { WorkDispatcher } from '../ports.js';
import { withTransaction } from '../transaction.js';
import { requireVisibleMatter } from './matter-event-access.js';
import type { CreateMatterEventInput, MatterEventView } from './matter-event-view.js';
import { selectEventViews } from './matter-event-view.js';
import { clientClockOfMatter, planReminders } from './plan-reminders.js';

export interface CreateMatterEventOptions {
  db: Database;
  dispatcher: WorkDispatcher;
  viewer: Viewer;
  matterId: string;
  input: CreateMatterEventInput;
  now?: Date;
  onDispatchError?: (error: unknown) => void;
}

/**
 * Puts an event on a matter's calendar (a hearing, a signing) with its reminders: each is placed in the client's
 * daytime and waits in the outbox for its time; the message itself is written when it is due. Audited.
 */
export async function createMatterEvent(options: CreateMatterEventOptions): Promise<MatterEventView> {
  const { viewer, input } = options;
  const now = options.now ?? new Date();
  const startsAt = new Date(input.startsAt);
  if (startsAt.getTime() <= now.getTime()) throw new AppError('bad_request', 'body.startsAt: the event must be in the future', { field: 'startsAt' });
  const { view, jobs } = await withTransaction(options.db.pool, async (client) => {
    const matter = await requireVisibleMatter(client, viewer, options.matterId);
    const eventId = newId();
    await client.query(
      `INSERT INTO "MatterEvent" (id, "matterId", title, location, "startsAt", "createdById", "updatedAt")
       VALUES ($1, $2, $3, $4, $5, $6, now())`,
      [eventId, matter.id, input.title, input.location ?? null, startsAt, viewer.userId],
    );
    const clock = await clientClockOfMatter(client, matter.id);
    const planned = await planReminders(client, { eventId, startsAt, offsetsMinutes: input.reminderOffsetsMinutes, clock, now });
    await recordAudit(client, {
      firmId: viewer.firmId,
      actorUserId: viewer.userId,
      actorKind: 'user',
      action: 'matter_event.created',
      subjectType: 'matter_event',
      subjectId: eventId,
      details: { matterId: matter.id, startsAt: startsAt.toISOString(), reminderOffsetsMinutes: input.reminderOffsetsMinutes },
    });
    const [created] = await selectEventViews(client, { eventId });
    return { view: created!, jobs: planned };
  });
  if (jobs.length > 0) await options.dispatcher.dispatch(jobs).catch((error: unknown) => options.onDispatchError?.(error));
  return view;
}
