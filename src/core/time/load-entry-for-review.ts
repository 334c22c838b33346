import type pg from 'pg';
import type { Viewer } from '../access/viewer.js';
import { AppError } from '../errors.js';
import { readFirmSettings } from '../firm-settings.js';
import type { FirmSettings } from '../firm-settings.js';
import type { TimeEntryRow, TimeEntryState } from './time-entry-view.js';
import { timeEntryColumns, timeEntryFrom } from './time-entry-view.js';
import { lockPersonMatter } from './time-lock.js';
import { visibleEntryFilter } from './time-policy.js';

export interface EntryUnderReview {
  row: TimeEntryRow;
  settings: FirmSettings;
  timeZone: string;
}

/**
 * An entry the viewer may review, locked for the rest of the caller's transaction (the person-and-matter lock first,
 * so drafting cannot rebuild it meanwhile, then the row). A missing entry and one the viewer may not see are both
 * 404. `states` lists the states the change is allowed from; any other is 409 with the reason.
 */
export async function loadEntryForReview(
  client: pg.ClientBase,
  viewer: Viewer,
  entryId: string,
  states: readonly TimeEntryState[],
): Promise<EntryUnderReview> {
  const visible = visibleEntryFilter(viewer, 'e', 'm', 2);
  const found = await client.query<{ userId: string; matterId: string }>(
    `SELECT e."userId", e."matterId" FROM "TimeEntry" e JOIN "Matter" m ON m.id = e."matterId" WHERE e.id = $1 AND ${visible.sql}`,
    [entryId, ...visible.params],
  );
  const owner = found.rows[0];
  if (!owner) throw new AppError('not_found', 'no such time entry', { entryId });
  await lockPersonMatter(client, owner.userId, owner.matterId);
  const locked = await client.query<TimeEntryRow & { settings: unknown; timeZone: string }>(
    `SELECT ${timeEntryColumns}, f.settings, f."timeZone" FROM ${timeEntryFrom} JOIN "Firm" f ON f.id = e."firmId"
      WHERE e.id = $1 FOR UPDATE OF e`,
    [entryId],
  );
  const row = locked.rows[0];
  if (!row) throw new AppError('not_found', 'no such time entry', { entryId });
  if (!states.includes(row.state)) throw new AppError('conflict', stateProblem(row.state), { entryId, state: row.state });
  const { settings, timeZone, ...entry } = row;
  return { row: entry, settings: readFirmSettings(settings), timeZone };
}

function stateProblem(state: TimeEntryState): string {
  switch (state) {
    case 'approved':
      return 'the entry is approved: un-approve it first';
    case 'exported':
      return 'the entry has been exported and no longer changes';
    case 'written_off':
      return 'the entry is written off: restore it first';
    case 'draft':
      return 'the entry is still a draft';
  }
}
