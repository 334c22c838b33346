import { roleRules, visibleMatterFilter } from '../access/access-policy.js';
import type { SqlFilter } from '../access/access-policy.js';
import type { Viewer } from '../access/viewer.js';
import { AppError } from '../errors.js';

// Who may see and change time entries, built on access-policy's matter visibility: a person reviews their own
// entries on matters they may see; the roles that see the whole firm (supervisors, admins) review, export and report
// on everyone's, still never behind an ethical wall.

/** Supervisors and admins: everyone's time, exports and reports. */
export const managesFirmTime = (viewer: Viewer): boolean => roleRules[viewer.role].seesWholeFirm;

/** 403 unless the viewer manages the firm's time (exports, firm-wide reports). */
export function requireTimeManager(viewer: Viewer, what: string): void {
  if (!managesFirmTime(viewer)) throw new AppError('forbidden', `${what} is for supervisors and admins`, { role: viewer.role });
}

/**
 * The entries a viewer may see, as a condition on a "TimeEntry" row aliased `entry` whose "Matter" is aliased
 * `matter`: of a matter the viewer may see, and their own unless they manage the firm's time.
 */
export function visibleEntryFilter(viewer: Viewer, entry: string, matter: string, firstParam: number): SqlFilter {
  const matters = visibleMatterFilter(viewer, matter, firstParam);
  const own = managesFirmTime(viewer) ? '' : ` AND ${entry}."userId" = $${firstParam + 1}::text`;
  return { sql: `(${entry}."firmId" = $${firstParam} AND ${matters.sql}${own})`, params: matters.params };
}
