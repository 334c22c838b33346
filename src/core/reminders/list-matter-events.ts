import type pg from 'pg';
import type { Viewer } from '../access/viewer.js';
import { AppError } from '../errors.js';
import { visibleMatterFilter } from '../access/access-policy.js';
import { requireVisibleMatter } from './matter-event-access.js';
import type { MatterEventView } from './matter-event-view.js';
import { selectEventViews } from './matter-event-view.js';

/** A matter's events with their reminders, for whoever may see the matter. */
export async function listMatterEvents(options: { pool: pg.Pool; viewer: Viewer; matterId: string }): Promise<MatterEventView[]> {
  await requireVisibleMatter(options.pool, options.viewer, options.matterId);
  return selectEventViews(options.pool, { matterId: options.matterId });
}

/** One event with its reminders; 404 when its matter is hidden from the viewer. */
export async function getMatterEvent(options: { pool: pg.Pool; viewer: Viewer; eventId: string }): Promise<MatterEventView> {
  const filter = visibleMatterFilter(options.viewer, 'm', 2);
  const found = await options.pool.query(
    `SELECT 1 FROM "MatterEvent" e JOIN "Matter" m ON m.id = e."matterId" WHERE e.id = $1 AND ${filter.sql}`,
    [options.eventId, ...filter.params],
  );
  if (found.rowCount === 0) throw new AppError('not_found', 'no such event', { eventId: options.eventId });
  const [event] = await selectEventViews(options.pool, { eventId: options.eventId });
  return event!;
}
