import type { TimekeeperClassification } from './timekeeper-classification.js';
import { timekeeperClassificationCodes, timekeeperClassifications } from './timekeeper-classification.js';
import { AppError } from '../errors.js';
import { formatHours } from './time-rules.js';

// LEDES 1998B, written by hand: nothing in npm writes it well (README, "Pieces written by hand"). The format is
// ASCII, one record per line, fields separated by "|" and every record ended by "[]"; line 1 names the format and
// line 2 the 24 fields. Fields are plain text without quoting, so a "|" or "[]" inside a narrative would cut the
// record in two: text is cleaned before it is written, never escaped.

export const ledesFieldNames = [
  'INVOICE_DATE',
  'INVOICE_NUMBER',
  'CLIENT_ID',
  'LAW_FIRM_MATTER_ID',
  'INVOICE_TOTAL',
  'BILLING_START_DATE',
  'BILLING_END_DATE',
  'INVOICE_DESCRIPTION',
  'LINE_ITEM_NUMBER',
  'EXP/FEE/INV_ADJ_TYPE',
  'LINE_ITEM_NUMBER_OF_UNITS',
  'LINE_ITEM_ADJUSTMENT_AMOUNT',
  'LINE_ITEM_TOTAL',
  'LINE_ITEM_DATE',
  'LINE_ITEM_TASK_CODE',
  'LINE_ITEM_EXPENSE_CODE',
  'LINE_ITEM_ACTIVITY_CODE',
  'TIMEKEEPER_ID',
  'LINE_ITEM_DESCRIPTION',
  'LAW_FIRM_ID',
  'LINE_ITEM_UNIT_COST',
  'TIMEKEEPER_NAME',
  'TIMEKEEPER_CLASSIFICATION',
  'CLIENT_MATTER_ID',
] as const;
export type LedesField = (typeof ledesFieldNames)[number];

export interface LedesFeeLine {
  /** YYYY-MM-DD, the working day in the firm's time zone. */
  date: string;
  tenths: number;
  rateCents: number;
  taskCode: string | null;
  activityCode: string | null;
  timekeeperId: string;
  timekeeperName: string;
  /** One of the LEDES Oversight Committee's codes (timekeeper-classification.ts). */
  timekeeperClassification: TimekeeperClassification;
  description: string;
}

export interface LedesInvoice {
  invoiceNumber: string;
  clientId: string;
  lawFirmMatterId: string;
  clientMatterId: string | null;
  description: string;
  lines: LedesFeeLine[];
}

export interface LedesFile {
  /** YYYY-MM-DD. */
  invoiceDate: string;
  billingStartDate: string;
  billingEndDate: string;
  lawFirmId: string;
  invoices: LedesInvoice[];
}

const recordEnd = '[]\r\n';

// Typographic characters that have a plain ASCII reading; everything else outside ASCII becomes "?" so that a
// character the client's system cannot read is visible rather than silently gone.
const asciiReadings: Record<string, string> = {
  '\u2018': "'", '\u2019': "'", '\u201c': '"', '\u201d': '"', '\u2013': '-', '\u2014': '-', '\u2026': '...', '\u00a0': ' ',
  '\u00df': 'ss', '\u00e6': 'ae', '\u00c6': 'AE', '\u00f8': 'o', '\u00d8': 'O', '\u0153': 'oe', '\u0152': 'OE',
};

/** Text as a LEDES field may hold it: ASCII, one line, no field or record separators, at most `max` characters. */
export function ledesText(value: string, max: number): string {
  const ascii = value
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .replace(/[^\x20-\x7e]/gu, (char) => (/\s/.test(char) ? ' ' : (asciiReadings[char] ?? '?')))
    .replace(/\|/g, '/')
    .replace(/\[/g, '(')
    .replace(/\]/g, ')')
    .replace(/\s+/g, ' ')
    .trim();
  return ascii.length > max ? ascii.slice(0, max).trimEnd() : ascii;
}

/** An identifier: cleaned like text, but never cut short (a truncated matter number bills the wrong matter). */
function ledesId(value: string | null, max: number, field: LedesField, required: boolean): string {
  const text = ledesText(value ?? '', Number.MAX_SAFE_INTEGER);
  if (required && text === '') throw new AppError('conflict', `LEDES ${field} is required but empty`, { field });
  if (text.length > max) {
    throw new AppError('conflict', `LEDES ${field} allows ${max} characters; "${text}" has ${text.length}`, { field, value: text });
  }
  return text;
}

/** E-billing portals take invoice numbers of letters and digits only. */
function invoiceNumberField(value: string): string {
  const text = ledesId(value, 20, 'INVOICE_NUMBER', true);
  if (!/^[A-Za-z0-9]+$/.test(text)) throw new AppError('conflict', `LEDES INVOICE_NUMBER takes letters and digits only; "${text}" has others`, { value: text });
  return text;
}

function classificationField(value: string): string {
  if (!(value in timekeeperClassifications)) {
    throw new AppError('conflict', `LEDES TIMEKEEPER_CLASSIFICATION must be one of ${timekeeperClassificationCodes.join(', ')}; not "${value}"`, { value });
  }
  return value;
}

const ledesDate = (isoDate: string): string => {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(isoDate)) throw new RangeError(`not a YYYY-MM-DD date: ${isoDate}`);
  return isoDate.replaceAll('-', '');
};

/** Cents as "1234.50"; whole cents only, so totals add up exactly. */
export const formatCents = (cents: number): string => {
  if (!Number.isSafeInteger(cents)) throw new RangeError(`not a whole number of cents: ${cents}`);
  const sign = cents < 0 ? '-' : '';
  const abs = Math.abs(cents);
  return `${sign}${Math.trunc(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
};

/** A fee line's amount: hours times rate, to the nearest cent (half up), computed in integers. */
export const lineTotalCents = (tenths: number, rateCents: number): number => Math.floor((tenths * rateCents + 5) / 10);

/** "Laura Lawyer" as "Lawyer, Laura", the "last, first" form e-billing systems match timekeepers by. */
export function timekeeperName(name: string): string {
  const clean = name.replace(/\s+/g, ' ').trim();
  if (clean.includes(',')) return clean;
  const space = clean.lastIndexOf(' ');
  return space < 0 ? clean : `${clean.slice(space + 1)}, ${clean.slice(0, space)}`;
}

/** One invoice per matter, one fee line per entry; INVOICE_TOTAL is the sum of the invoice's line totals. */
export function writeLedes1998b(file: LedesFile): string {
  const lawFirmId = ledesId(file.lawFirmId, 20, 'LAW_FIRM_ID', true);
  const invoiceDate = ledesDate(file.invoiceDate);
  const start = ledesDate(file.billingStartDate);
  const end = ledesDate(file.billingEndDate);
  const records: string[] = ['LEDES1998B', ledesFieldNames.join('|')];
  for (const invoice of file.invoices) {
    const totals = invoice.lines.map((line) => lineTotalCents(line.tenths, line.rateCents));
    const invoiceTotal = totals.reduce((sum, cents) => sum + cents, 0);
    const head = {
      INVOICE_DATE: invoiceDate,
      INVOICE_NUMBER: invoiceNumberField(invoice.invoiceNumber),
      CLIENT_ID: ledesId(invoice.clientId, 20, 'CLIENT_ID', true),
      LAW_FIRM_MATTER_ID: ledesId(invoice.lawFirmMatterId, 20, 'LAW_FIRM_MATTER_ID', true),
      INVOICE_TOTAL: formatCents(invoiceTotal),
      BILLING_START_DATE: start,
      BILLING_END_DATE: end,
      INVOICE_DESCRIPTION: ledesText(invoice.description, 1000),
      LAW_FIRM_ID: lawFirmId,
      CLIENT_MATTER_ID: ledesId(invoice.clientMatterId, 20, 'CLIENT_MATTER_ID', false),
    };
    invoice.lines.forEach((line, index) => {
      const fields: Record<LedesField, string> = {
        ...head,
        LINE_ITEM_NUMBER: String(index + 1),
        'EXP/FEE/INV_ADJ_TYPE': 'F',
        LINE_ITEM_NUMBER_OF_UNITS: formatHours(line.tenths),
        LINE_ITEM_ADJUSTMENT_AMOUNT: '0.00',
        LINE_ITEM_TOTAL: formatCents(totals[index]!),
        LINE_ITEM_DATE: ledesDate(line.date),
        LINE_ITEM_TASK_CODE: ledesId(line.taskCode, 20, 'LINE_ITEM_TASK_CODE', false),
        LINE_ITEM_EXPENSE_CODE: '',
        LINE_ITEM_ACTIVITY_CODE: ledesId(line.activityCode, 20, 'LINE_ITEM_ACTIVITY_CODE', false),
        TIMEKEEPER_ID: ledesId(line.timekeeperId, 20, 'TIMEKEEPER_ID', true),
        LINE_ITEM_DESCRIPTION: ledesText(line.description, 1000),
        LINE_ITEM_UNIT_COST: formatCents(line.rateCents),
        TIMEKEEPER_NAME: ledesText(timekeeperName(line.timekeeperName), 30),
        TIMEKEEPER_CLASSIFICATION: classificationField(line.timekeeperClassification),
      };
      records.push(ledesFieldNames.map((name) => fields[name]).join('|'));
    });
  }
  return records.map((record) => `${record}${recordEnd}`).join('');
}
