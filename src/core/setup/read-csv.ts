import { parse } from 'csv-parse/sync';
import { AppError } from '../errors.js';

export interface CsvRow {
  /** The line of the file the record starts on (the header is line 1). */
  line: number;
  values: Record<string, string>;
}

export interface ImportProblem {
  line: number;
  field?: string;
  message: string;
}

/**
 * The records of a CSV file (RFC 4180, a header row, UTF-8 with or without BOM), keyed by lower-cased header. A file
 * that is not CSV at all (an unclosed quote, a row with more fields than the header) is a bad_request naming the line.
 */
export function readCsv(text: string, allowed: readonly string[], required: readonly string[]): CsvRow[] {
  let records: { record: Record<string, string>; info: { lines: number } }[];
  try {
    records = parse(text, {
      bom: true,
      columns: (header: string[]) => header.map((name) => name.trim().toLowerCase()),
      skip_empty_lines: true,
      trim: true,
      info: true,
    }) as { record: Record<string, string>; info: { lines: number } }[];
  } catch (error) {
    const line = (error as { lines?: number }).lines;
    throw new AppError('bad_request', `not a readable CSV file${line ? ` (line ${line})` : ''}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
  const header = records[0] ? Object.keys(records[0].record) : [];
  const unknown = header.filter((name) => !allowed.includes(name));
  const missing = required.filter((name) => records.length > 0 && !header.includes(name));
  if (unknown.length > 0 || missing.length > 0) {
    throw new AppError(
      'bad_request',
      [missing.length > 0 ? `missing columns: ${missing.join(', ')}` : '', unknown.length > 0 ? `unknown columns: ${unknown.join(', ')} (known: ${allowed.join(', ')})` : '']
        .filter(Boolean)
        .join('; '),
    );
  }
  // info.lines is the line the record ends on; a record spanning lines (a quoted newline) starts earlier.
  return records.map(({ record, info }) => ({ line: info.lines, values: record }));
}

/** "a; b;c" -> ["a", "b", "c"]. */
export const splitList = (value: string | undefined): string[] =>
  (value ?? '')
    .split(';')
    .map((item) => item.trim())
    .filter(Boolean);

export interface ImportReport {
  dryRun: boolean;
  /** What each good line does (or would do). */
  rows: { line: number; action: 'create' | 'exists'; what: string }[];
  errors: ImportProblem[];
  created: number;
}
