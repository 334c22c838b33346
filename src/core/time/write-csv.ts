// CSV as RFC 4180 has it: CRLF after every record, a field quoted when it holds a comma, a quote, CR or LF (or
// leading/trailing spaces, which some readers trim), quotes inside doubled.

export type CsvCell = string | number | boolean | null;

const needsQuotes = /[",\r\n]|^\s|\s$/;

export function csvField(value: CsvCell): string {
  const text = value === null ? '' : String(value);
  return needsQuotes.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/**
 * Free text for a spreadsheet: a cell that begins with = + - @ (or a tab, CR, LF or ;, or spaces before one of the
 * first four) is read as a formula by Excel, LibreOffice and their kind (OWASP's CSV injection list), so a narrative
 * typed as "=HYPERLINK(...)" would run. A leading apostrophe makes it text again.
 */
export const formulaStart = /^(?:[=+\-@\t\r\n;]|\s+[=+\-@])/;
export const spreadsheetText = (value: string | null): string | null => (value !== null && formulaStart.test(value) ? `'${value}` : value);

export function writeCsv(header: readonly string[], rows: readonly (readonly CsvCell[])[]): string {
  return [header, ...rows].map((row) => `${row.map(csvField).join(',')}\r\n`).join('');
}
