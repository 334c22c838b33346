import type pg from 'pg';
import { visibleMatterFilter } from '../access/access-policy.js';
import type { Viewer } from '../access/viewer.js';
import { AppError } from '../errors.js';

/**
 * The matter, when the viewer may see it (its lawyers and staff, supervisors and admins, walls permitting); a missing
 * and a hidden matter are the same 404. Anyone who sees a matter may put its events on the calendar.
 */
export async function requireVisibleMatter(client: pg.ClientBase | pg.Pool, viewer: Viewer, matterId: string): Promise<{ id: string; firmId: string }> {
  const filter = visibleMatterFilter(viewer, 'm', 2);
  const found = await client.query<{ id: string; firmId: string }>(
    `SELECT m.id, m."firmId" FROM "Matter" m WHERE m.id = $1 AND ${filter.sql}`,
    [matterId, ...filter.params],
  );
  const matter = found.rows[0];
  if (!matter) throw new AppError('not_found', 'no such matter', { matterId });
  return matter;
}

export interface LockedEvent {
  id: string;
  matterId: string;
  title: string;
  location: string | null;
  startsAt: Date;
  cancelled: boolean;
  offsets: number[];
}

/** The event, locked for a change, when the viewer may see its matter; else 404. */
export async function lockVisibleEvent(client: pg.ClientBase, viewer: Viewer, eventId: string): Promise<LockedEvent> {
  const filter = visibleMatterFilter(viewer, 'm', 2);
  const found = await client.query<Omit<LockedEvent, 'offsets'>>(
    `SELECT e.id, e."matterId", e.title, e.location, e."startsAt", e.cancelled
       FROM "MatterEvent" e JOIN "Matter" m ON m.id = e."matterId"
      WHERE e.id = $1 AND ${filter.sql}
      FOR UPDATE OF e`,
    [eventId, ...filter.params],
  );
  const event = found.rows[0];
  if (!event) throw new AppError('not_found', 'no such event', { eventId });
  const reminders = await client.query<{ offsetMinutes: number }>(
    `SELECT "offsetMinutes" FROM "Reminder" WHERE "matterEventId" = $1 AND state <> 'cancelled' ORDER BY "offsetMinutes" DESC`,
    [eventId],
  );
  return { ...event, offsets: reminders.rows.map((row) => row.offsetMinutes) };
}
