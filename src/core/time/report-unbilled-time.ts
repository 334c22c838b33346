import type pg from 'pg';
import type { Viewer } from '../access/viewer.js';
import { recordAudit } from '../audit/record-audit.js';
import { formatCents } from './ledes-1998b.js';
import { visibleEntryFilter } from './time-policy.js';
import { formatHours } from './time-rules.js';
import { spreadsheetText, writeCsv } from './write-csv.js';

export type ReportGrouping = 'lawyer' | 'matter';

export interface ReportUnbilledTimeOptions {
  pool: pg.Pool;
  viewer: Viewer;
  from: string;
  to: string;
  by: ReportGrouping;
}

/** Messaging time of one lawyer or one matter over the period, by where it stands. Hours in decimal, money in cents. */
export interface UnbilledTimeRow {
  id: string;
  /** The lawyer's name, or the matter's number and title. */
  label: string;
  /** Billable drafts and approved entries not yet exported: time not yet on a bill. */
  draftHours: number;
  approvedHours: number;
  unbilledHours: number;
  unbilledCents: number;
  /** Billable time a person decided not to bill. */
  writtenOffHours: number;
  writtenOffCents: number;
  /** Exported: on its way to a bill. */
  billedHours: number;
  /** On pro bono, flat-fee and contingency matters, in any state. */
  nonBillableHours: number;
}

export interface UnbilledTimeReport {
  from: string;
  to: string;
  by: ReportGrouping;
  rows: UnbilledTimeRow[];
  total: Omit<UnbilledTimeRow, 'id' | 'label'>;
}

interface SumRow {
  id: string;
  label: string;
  draft: number;
  approved: number;
  unbilledCents: number;
  writtenOff: number;
  writtenOffCents: number;
  billed: number;
  nonBillable: number;
}

/**
 * How much messaging time went unbilled or was written off, per lawyer or per matter, over entries dated in the
 * period. Supervisors and admins see every lawyer on the matters they may see; anyone else sees their own time
 * (time-policy). A read of the record, so it is audited.
 */
export async function reportUnbilledTime(options: ReportUnbilledTimeOptions): Promise<UnbilledTimeReport> {
  const { viewer, from, to, by } = options;
  const visible = visibleEntryFilter(viewer, 'e', 'm', 3);
  const key = by === 'lawyer' ? `u.id, u.name` : `m.id, m.number || ' ' || m.title`;
  // Money per entry as on the bill (hours x rate to the cent, half up), then summed: the report agrees with exports.
  const amount = `floor((e.tenths * e."rateCents" + 5) / 10)`;
  const found = await options.pool.query<SumRow>(
    `SELECT ${by === 'lawyer' ? 'u.id' : 'm.id'} AS id, ${by === 'lawyer' ? 'u.name' : `m.number || ' ' || m.title`} AS label,
            COALESCE(sum(e.tenths) FILTER (WHERE e.billable AND e.state = 'draft'), 0)::int AS draft,
            COALESCE(sum(e.tenths) FILTER (WHERE e.billable AND e.state = 'approved'), 0)::int AS approved,
            COALESCE(sum(${amount}) FILTER (WHERE e.billable AND e.state IN ('draft', 'approved')), 0)::bigint AS "unbilledCents",
            COALESCE(sum(e.tenths) FILTER (WHERE e.billable AND e.state = 'written_off'), 0)::int AS "writtenOff",
            COALESCE(sum(${amount}) FILTER (WHERE e.billable AND e.state = 'written_off'), 0)::bigint AS "writtenOffCents",
            COALESCE(sum(e.tenths) FILTER (WHERE e.billable AND e.state = 'exported'), 0)::int AS billed,
            COALESCE(sum(e.tenths) FILTER (WHERE NOT e.billable), 0)::int AS "nonBillable"
       FROM "TimeEntry" e JOIN "Matter" m ON m.id = e."matterId" JOIN "User" u ON u.id = e."userId"
      WHERE e.date BETWEEN $1::date AND $2::date AND ${visible.sql}
      GROUP BY ${key}
      ORDER BY label, id`,
    [from, to, ...visible.params],
  );
  // bigint comes back from pg as a string.
  const sums = found.rows.map((row) => ({ ...row, unbilledCents: Number(row.unbilledCents), writtenOffCents: Number(row.writtenOffCents) }));
  const toRow = (row: Omit<SumRow, 'id' | 'label'>) => ({
    draftHours: row.draft / 10,
    approvedHours: row.approved / 10,
    unbilledHours: (row.draft + row.approved) / 10,
    unbilledCents: row.unbilledCents,
    writtenOffHours: row.writtenOff / 10,
    writtenOffCents: row.writtenOffCents,
    billedHours: row.billed / 10,
    nonBillableHours: row.nonBillable / 10,
  });
  const totals = sums.reduce(
    (sum, row) => ({
      draft: sum.draft + row.draft,
      approved: sum.approved + row.approved,
      unbilledCents: sum.unbilledCents + row.unbilledCents,
      writtenOff: sum.writtenOff + row.writtenOff,
      writtenOffCents: sum.writtenOffCents + row.writtenOffCents,
      billed: sum.billed + row.billed,
      nonBillable: sum.nonBillable + row.nonBillable,
    }),
    { draft: 0, approved: 0, unbilledCents: 0, writtenOff: 0, writtenOffCents: 0, billed: 0, nonBillable: 0 },
  );
  await recordAudit(options.pool, {
    firmId: viewer.firmId,
    actorUserId: viewer.userId,
    actorKind: 'user',
    action: 'time.report_read',
    subjectType: 'time_report',
    details: { from, to, by, rows: sums.length },
  });
  return { from, to, by, rows: sums.map((row) => ({ id: row.id, label: row.label, ...toRow(row) })), total: toRow(totals) };
}

/** The report as CSV (RFC 4180), hours in decimal and money in currency units, with a closing total line. */
export function unbilledTimeCsv(report: UnbilledTimeReport): string {
  const hours = (value: number) => formatHours(Math.round(value * 10));
  const line = (id: string, label: string, row: UnbilledTimeReport['total']) => [
    id, label, hours(row.draftHours), hours(row.approvedHours), hours(row.unbilledHours), formatCents(row.unbilledCents),
    hours(row.writtenOffHours), formatCents(row.writtenOffCents), hours(row.billedHours), hours(row.nonBillableHours),
  ];
  return writeCsv(
    [report.by === 'lawyer' ? 'user_id' : 'matter_id', report.by, 'draft_hours', 'approved_hours', 'unbilled_hours', 'unbilled_amount',
      'written_off_hours', 'written_off_amount', 'billed_hours', 'non_billable_hours'],
    [...report.rows.map((row) => line(row.id, spreadsheetText(row.label) ?? '', row)), line('', 'total', report.total)],
  );
}
