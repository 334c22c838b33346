import type pg from 'pg';
import { z } from 'zod';
import type { Viewer } from '../access/viewer.js';
import { recordAudit } from '../audit/record-audit.js';
import { decodeCursor, encodeCursor } from '../inbox/page-cursor.js';
import type { TimeEntryRow, TimeEntryState, TimeEntryView } from './time-entry-view.js';
import { timeEntryColumns, timeEntryFrom, toTimeEntryView } from './time-entry-view.js';
import { visibleEntryFilter } from './time-policy.js';

export interface ListTimeEntriesOptions {
  pool: pg.Pool;
  viewer: Viewer;
  /** YYYY-MM-DD, inclusive, on the entry's working day. */
  from?: string;
  to?: string;
  state?: TimeEntryState;
  userId?: string;
  matterId?: string;
  limit: number;
  cursor?: string;
}

const cursorSchema = z.object({ d: z.iso.date(), id: z.string() });

/**
 * The entries the viewer may review (time-policy), newest day first; a person sees their own, supervisors and admins
 * everyone's. A read of the record, so it is audited before anything is handed out.
 */
export async function listTimeEntries(options: ListTimeEntriesOptions): Promise<{ items: TimeEntryView[]; nextCursor: string | null }> {
  const { viewer } = options;
  const visible = visibleEntryFilter(viewer, 'e', 'm', 1);
  const params: unknown[] = [...visible.params];
  const where = [visible.sql];
  const add = (sql: (n: string) => string, value: unknown) => {
    params.push(value);
    where.push(sql(`$${params.length}`));
  };
  if (options.from !== undefined) add((n) => `e.date >= ${n}::date`, options.from);
  if (options.to !== undefined) add((n) => `e.date <= ${n}::date`, options.to);
  if (options.state !== undefined) add((n) => `e.state = ${n}::"TimeEntryState"`, options.state);
  if (options.userId !== undefined) add((n) => `e."userId" = ${n}`, options.userId);
  if (options.matterId !== undefined) add((n) => `e."matterId" = ${n}`, options.matterId);
  if (options.cursor) {
    const key = decodeCursor(options.cursor, cursorSchema);
    params.push(key.d, key.id);
    where.push(`(e.date, e.id) < ($${params.length - 1}::date, $${params.length}::text)`);
  }
  params.push(options.limit + 1);
  const rows = await options.pool.query<TimeEntryRow>(
    `SELECT ${timeEntryColumns} FROM ${timeEntryFrom} WHERE ${where.join(' AND ')} ORDER BY e.date DESC, e.id DESC LIMIT $${params.length}`,
    params,
  );
  const page = rows.rows.slice(0, options.limit);
  await recordAudit(options.pool, {
    firmId: viewer.firmId,
    actorUserId: viewer.userId,
    actorKind: 'user',
    action: 'time.entries_read',
    subjectType: 'time_entry',
    details: {
      entryIds: page.map((row) => row.id),
      filter: { from: options.from, to: options.to, state: options.state, userId: options.userId, matterId: options.matterId },
    },
  });
  const last = page[page.length - 1];
  return {
    items: page.map(toTimeEntryView),
    nextCursor: rows.rows.length > options.limit && last ? encodeCursor({ d: last.date, id: last.id }) : null,
  };
}
