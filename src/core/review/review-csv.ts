// CSV as RFC 4180 has it (CRLF, quotes doubled, a field quoted when it holds a comma, quote or line break), with
// text cells that a spreadsheet would run as a formula (time/write-csv.ts spreadsheetText) made inert by an apostrophe.
import { spreadsheetText } from '../time/write-csv.js';


export type CsvCell = string | number | boolean | null;

export interface CsvColumn<Row> {
  header: string;
  value(row: Row): CsvCell;
}

function field(value: CsvCell): string {
  let text = value === null ? '' : String(value);
  if (typeof value === 'string') text = spreadsheetText(text) ?? '';
  return /[",\r\n]|^\s|\s$/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

export function toCsv<Row>(columns: readonly CsvColumn<Row>[], rows: readonly Row[]): string {
  const lines = [columns.map((c) => field(c.header)), ...rows.map((row) => columns.map((c) => field(c.value(row))))];
  return lines.map((cells) => `${cells.join(',')}\r\n`).join('');
}
