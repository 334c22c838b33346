import type { Role } from '../access/viewer.js';
import { timekeeperClassificationOf } from './timekeeper-classification.js';
import { formatCents, lineTotalCents, timekeeperName, writeLedes1998b } from './ledes-1998b.js';
import type { LedesInvoice } from './ledes-1998b.js';
import { formatHours } from './time-rules.js';
import { spreadsheetText, writeCsv } from './write-csv.js';

/** An approved entry as an export needs it, with its timekeeper, matter and client. */
export interface ExportEntry {
  id: string;
  date: string;
  tenths: number;
  rateCents: number;
  billable: boolean;
  narrative: string;
  taskCode: string | null;
  activityCode: string;
  startedAt: Date | null;
  activityCount: number;
  userId: string;
  userName: string;
  timekeeperId: string | null;
  /** The user's own LEDES classification code, if the firm set one; else the role decides. */
  classification: string | null;
  role: Role;
  matterId: string;
  matterNumber: string;
  matterTitle: string;
  clientId: string;
  /** The firm's own client number (LEDES CLIENT_ID). */
  clientNumber: string;
  clientName: string;
}

export interface RenderTimeExportOptions {
  entries: readonly ExportEntry[];
  /** Numbers the invoices: TE000042-001, TE000042-002 ... one per matter. */
  sequence: number;
  /** YYYY-MM-DD in the firm's time zone. */
  invoiceDate: string;
  from: string;
  to: string;
  lawFirmId: string;
}

// A timekeeper without a timekeeper id of the firm's: the record's id stands in, cut to LEDES's 20 characters (uuid v7:
// the leading time and random bits stay unique). Clients always have the firm's own number.
const shortId = (id: string) => id.replaceAll('-', '').slice(0, 20).toUpperCase();

const byLine = (a: ExportEntry, b: ExportEntry) =>
  a.matterNumber.localeCompare(b.matterNumber) ||
  a.date.localeCompare(b.date) ||
  (a.timekeeperId ?? a.userId).localeCompare(b.timekeeperId ?? b.userId) ||
  (a.startedAt?.getTime() ?? 0) - (b.startedAt?.getTime() ?? 0) ||
  a.id.localeCompare(b.id);

/** Letters and digits only, as e-billing portals require: TE, the export's sequence, the invoice's place in it. */
export const invoiceNumber = (sequence: number, index: number) => `TE${String(sequence).padStart(6, '0')}${String(index + 1).padStart(3, '0')}`;

export const csvHeader = [
  'invoice_number', 'entry_id', 'date', 'client', 'matter_number', 'matter_title', 'timekeeper_id', 'timekeeper_name',
  'classification', 'hours', 'rate', 'amount', 'billable', 'task_code', 'activity_code', 'narrative', 'activities',
] as const;

/**
 * Both renderings of one export, from the same ordered entries. LEDES carries billable entries only, one invoice per
 * matter: non-billable time (pro bono, flat fee, contingency matters) is never a line on a client's bill. The CSV,
 * for the practice-management system, carries every entry with its billable flag and an amount of 0 when not billable.
 */
export function renderTimeExport(options: RenderTimeExportOptions): { ledes: string; csv: string } {
  const entries = [...options.entries].sort(byLine);
  const matters = [...new Set(entries.filter((entry) => entry.billable).map((entry) => entry.matterId))];
  const invoiceOf = new Map(matters.map((matterId, index) => [matterId, invoiceNumber(options.sequence, index)]));
  const invoices: LedesInvoice[] = matters.map((matterId) => {
    const lines = entries.filter((entry) => entry.billable && entry.matterId === matterId);
    const first = lines[0]!;
    return {
      invoiceNumber: invoiceOf.get(matterId)!,
      clientId: first.clientNumber,
      lawFirmMatterId: first.matterNumber,
      clientMatterId: null,
      description: `Client communications by messaging re ${first.matterTitle}`,
      lines: lines.map((entry) => ({
        date: entry.date,
        tenths: entry.tenths,
        rateCents: entry.rateCents,
        taskCode: entry.taskCode,
        activityCode: entry.activityCode,
        timekeeperId: entry.timekeeperId ?? shortId(entry.userId),
        timekeeperName: entry.userName,
        timekeeperClassification: timekeeperClassificationOf(entry),
        description: entry.narrative,
      })),
    };
  });
  const ledes = writeLedes1998b({
    invoiceDate: options.invoiceDate,
    billingStartDate: options.from,
    billingEndDate: options.to,
    lawFirmId: options.lawFirmId,
    invoices,
  });
  const csv = writeCsv(
    csvHeader,
    entries.map((entry) => [
      entry.billable ? invoiceOf.get(entry.matterId)! : null,
      entry.id,
      entry.date,
      spreadsheetText(entry.clientName),
      spreadsheetText(entry.matterNumber),
      spreadsheetText(entry.matterTitle),
      spreadsheetText(entry.timekeeperId ?? shortId(entry.userId)),
      spreadsheetText(timekeeperName(entry.userName)),
      timekeeperClassificationOf(entry),
      formatHours(entry.tenths),
      formatCents(entry.rateCents),
      formatCents(entry.billable ? lineTotalCents(entry.tenths, entry.rateCents) : 0),
      entry.billable,
      entry.taskCode,
      entry.activityCode,
      spreadsheetText(entry.narrative),
      entry.activityCount,
    ]),
  );
  return { ledes, csv };
}
