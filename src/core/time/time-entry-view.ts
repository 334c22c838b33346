import type pg from 'pg';
import { lineTotalCents } from './ledes-1998b.js';

export type TimeEntryState = 'draft' | 'approved' | 'written_off' | 'exported';

/** A time entry as the review API shows it. */
export interface TimeEntryView {
  id: string;
  /** The working day, YYYY-MM-DD in the firm's time zone. */
  date: string;
  hours: number;
  /** The activities' own seconds before rounding. */
  seconds: number;
  narrative: string;
  activityCode: string;
  taskCode: string | null;
  rateCents: number;
  /** hours x rate in cents; 0 when not billable. */
  amountCents: number;
  billable: boolean;
  state: TimeEntryState;
  startedAt: Date | null;
  endedAt: Date | null;
  editedAt: Date | null;
  approvedAt: Date | null;
  approvedById: string | null;
  writeOffReason: string | null;
  exportBatchId: string | null;
  user: { id: string; name: string; timekeeperId: string | null };
  matter: { id: string; number: string; title: string; billingType: string };
  activityCount: number;
  updatedAt: Date;
}

export interface TimeEntryRow {
  id: string;
  date: string;
  tenths: number;
  seconds: number;
  narrative: string;
  activityCode: string;
  taskCode: string | null;
  rateCents: number;
  billable: boolean;
  state: TimeEntryState;
  startedAt: Date | null;
  endedAt: Date | null;
  editedAt: Date | null;
  approvedAt: Date | null;
  approvedById: string | null;
  writeOffReason: string | null;
  exportBatchId: string | null;
  userId: string;
  userName: string;
  timekeeperId: string | null;
  matterId: string;
  matterNumber: string;
  matterTitle: string;
  billingType: string;
  activityCount: number;
  updatedAt: Date;
}

/** The columns of TimeEntryRow, for a query over "TimeEntry" e JOIN "Matter" m JOIN "User" u. */
export const timeEntryColumns = `e.id, to_char(e.date, 'YYYY-MM-DD') AS date, e.tenths, e.seconds, e.narrative, e."activityCode",
  e."taskCode", e."rateCents", e.billable, e.state, e."startedAt", e."endedAt", e."editedAt", e."approvedAt", e."approvedById",
  e."writeOffReason", e."exportBatchId", e."userId", u.name AS "userName", u."timekeeperId", e."matterId",
  m.number AS "matterNumber", m.title AS "matterTitle", m."billingType",
  (SELECT count(*)::int FROM "Activity" a WHERE a."timeEntryId" = e.id) AS "activityCount", e."updatedAt"`;

export const timeEntryFrom = `"TimeEntry" e JOIN "Matter" m ON m.id = e."matterId" JOIN "User" u ON u.id = e."userId"`;

export function toTimeEntryView(row: TimeEntryRow): TimeEntryView {
  return {
    id: row.id,
    date: row.date,
    hours: row.tenths / 10,
    seconds: row.seconds,
    narrative: row.narrative,
    activityCode: row.activityCode,
    taskCode: row.taskCode,
    rateCents: row.rateCents,
    amountCents: row.billable ? lineTotalCents(row.tenths, row.rateCents) : 0,
    billable: row.billable,
    state: row.state,
    startedAt: row.startedAt,
    endedAt: row.endedAt,
    editedAt: row.editedAt,
    approvedAt: row.approvedAt,
    approvedById: row.approvedById,
    writeOffReason: row.writeOffReason,
    exportBatchId: row.exportBatchId,
    user: { id: row.userId, name: row.userName, timekeeperId: row.timekeeperId },
    matter: { id: row.matterId, number: row.matterNumber, title: row.matterTitle, billingType: row.billingType },
    activityCount: row.activityCount,
    updatedAt: row.updatedAt,
  };
}

/** Reads one entry back as the API shows it (after a change, inside the change's transaction). */
export async function selectEntryView(client: pg.ClientBase, entryId: string): Promise<TimeEntryView> {
  const found = await client.query<TimeEntryRow>(`SELECT ${timeEntryColumns} FROM ${timeEntryFrom} WHERE e.id = $1`, [entryId]);
  return toTimeEntryView(found.rows[0]!);
}
