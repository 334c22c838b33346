// Percentiles and the printed table.

/** The p-th percentile (0-100) by nearest rank; NaN for no values. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank]!;
}

export const mean = (values: readonly number[]): number =>
  values.length === 0 ? Number.NaN : values.reduce((sum, value) => sum + value, 0) / values.length;

export const ms = (value: number): string => (Number.isFinite(value) ? `${value < 10 ? value.toFixed(1) : Math.round(value)} ms` : 'n/a');
export const perSecond = (value: number): string => (Number.isFinite(value) ? `${Math.round(value).toLocaleString('en-US')} msg/s` : 'n/a');
export const mib = (bytes: number | undefined): string => (bytes === undefined || !Number.isFinite(bytes) ? 'n/a' : `${Math.round(bytes / 1024 / 1024)} MiB`);
export const count = (value: number): string => value.toLocaleString('en-US');

export interface Row {
  section: string;
  measure: string;
  value: string;
  target?: string;
  /** true: met, false: missed, undefined: no target. */
  met?: boolean;
}

export function renderTable(rows: readonly Row[]): string {
  const header = ['section', 'measure', 'value', 'target', ''];
  const cells = rows.map((row) => [row.section, row.measure, row.value, row.target ?? '', row.met === undefined ? '' : row.met ? 'met' : 'MISSED']);
  const widths = header.map((title, column) => Math.max(title.length, ...cells.map((line) => line[column]!.length)));
  const line = (values: string[]) => `| ${values.map((value, column) => value.padEnd(widths[column]!)).join(' | ')} |`;
  return [line(header), `|${widths.map((width) => '-'.repeat(width + 2)).join('|')}|`, ...cells.map(line)].join('\n');
}
