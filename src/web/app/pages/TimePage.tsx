// Messaging time: the entries to review (TimeEntries), the unbilled / written-off report as a table and a bar chart
// with its CSV; supervisors and admins see everyone's entries, export approved ones (LEDES 1998B, CSV) and download
// earlier export batches again.
import { useEffect, useState } from 'preact/hooks';
import { announce } from '../announce.js';
import { describeError, get, post } from '../api.js';
import type { User } from '../types.js';
import { DateRangeFields } from './DateRangeFields.js';
import { TimeEntries } from './TimeEntries.js';

interface Batch {
  id: string;
  sequence: number;
  from: string;
  to: string;
  entryCount: number;
  createdAt: string;
}
interface ReportRow {
  label: string;
  unbilledHours: number;
  unbilledCents: number;
  writtenOffHours: number;
  writtenOffCents: number;
  billedHours: number;
  nonBillableHours: number;
}
interface Report {
  rows: ReportRow[];
  total: ReportRow;
}

const hours = (value: number) => value.toFixed(1);
const money = (cents: number) => (cents / 100).toFixed(2);
export const isoDay = (day: Date) => `${day.getFullYear()}-${String(day.getMonth() + 1).padStart(2, '0')}-${String(day.getDate()).padStart(2, '0')}`;

export function TimePage({ user }: { user: User }) {
  const today = new Date();
  const [error, setError] = useState('');
  const [range, setRange] = useState({ from: isoDay(new Date(today.getFullYear(), today.getMonth(), 1)), to: isoDay(today), by: 'lawyer' });
  const [shown, setShown] = useState(range);
  const [report, setReport] = useState<Report | null>(null);
  const [exported, setExported] = useState<{ entries: number; ledes: string; csv: string } | null>(null);
  const [batches, setBatches] = useState<Batch[]>([]);
  const exports = user.role === 'admin' || user.role === 'supervisor';

  const loadBatches = async () => {
    if (exports) setBatches((await get<{ items: Batch[] }>('/api/time/exports')).items);
  };
  const loadReport = async (query = range) => {
    setReport(await get<Report>(`/api/time/report?${new URLSearchParams(query)}`));
    setShown(query);
  };
  const fail = (caught: unknown) => setError(describeError(caught));
  useEffect(() => {
    document.title = 'Time – Matterline';
    Promise.all([loadBatches(), loadReport()]).catch(fail);
  }, []);

  const exportApproved = async () => {
    try {
      const batch = await post<{ entries: number; ledes: string; csv: string }>('/api/time/exports', { from: range.from, to: range.to });
      setExported(batch);
      announce(`Exported ${batch.entries} entries`);
      await Promise.all([loadReport(), loadBatches()]);
    } catch (caught) {
      fail(caught);
    }
  };

  const widest = Math.max(0.1, ...(report?.rows ?? []).map((row) => row.unbilledHours + row.writtenOffHours + row.billedHours));
  const bar = (kind: string, value: number) => <span class={kind} title={`${kind.replace('-', ' ')}: ${hours(value)} h`} style={{ width: `${(100 * value) / widest}%` }} />;
  const cells = (row: ReportRow) =>
    [hours(row.unbilledHours), money(row.unbilledCents), hours(row.writtenOffHours), money(row.writtenOffCents), hours(row.billedHours), hours(row.nonBillableHours)].map((text, i) => (
      <td class="number" key={i}>
        {text}
      </td>
    ));
  const shownRange = new URLSearchParams({ from: shown.from, to: shown.to });

  return (
    <div class="time-page">
      <h1>Messaging time</h1>
      {error ? (
        <p class="form-error" id="error" role="alert">
          {error}
        </p>
      ) : null}
      <section class="card" aria-labelledby="drafts-title">
        <h2 id="drafts-title">{exports ? 'Time entries' : 'My time entries'}</h2>
        <p class="hint">Drafted from messaging, one per session, rounded up once. Correct what is wrong, then approve; write off what should not be billed.</p>
        <TimeEntries showTimekeeper={exports} onChanged={() => void loadReport().catch(fail)} />
      </section>
      <section class="card" aria-labelledby="report-title">
        <h2 id="report-title">Unbilled and written-off time</h2>
        <form
          id="report-form"
          class="time-filters"
          onSubmit={(e) => {
            e.preventDefault();
            loadReport().catch(fail);
          }}
        >
          <DateRangeFields
            range={range}
            onRange={setRange}
            by={[
              ['lawyer', 'lawyer'],
              ['matter', 'matter'],
            ]}
          />
          <button type="submit" class="primary">
            Show
          </button>
          <a id="report-csv" href={`/api/time/report.csv?${new URLSearchParams(shown)}`}>
            Download CSV
          </a>
          {exports ? (
            <span id="exports">
              · Preview approved entries:{' '}
              <a id="export-ledes" href={`/api/time/export.ledes?${shownRange}`}>
                LEDES 1998B
              </a>{' '}
              <a id="export-csv" href={`/api/time/export.csv?${shownRange}`}>
                CSV
              </a>{' '}
              <button type="button" id="export-create" class="secondary" onClick={() => void exportApproved()}>
                Export approved entries
              </button>{' '}
              <span id="export-done">
                {exported ? (
                  <span>
                    Exported {exported.entries} {exported.entries === 1 ? 'entry' : 'entries'}: <a href={exported.ledes}>LEDES 1998B</a> <a href={exported.csv}>CSV</a>
                  </span>
                ) : null}
              </span>
            </span>
          ) : null}
        </form>
        <div id="chart" class="time-chart" aria-hidden="true">
          {report ? (
            <>
              <div class="time-legend">
                {[
                  ['unbilled', 'Unbilled'],
                  ['written-off', 'Written off'],
                  ['billed', 'Billed'],
                ].map(([kind, label]) => (
                  <span key={kind}>
                    <span class={`swatch ${kind}`} />
                    {label}
                  </span>
                ))}
              </div>
              {report.rows.map((row) => (
                <div class="row" key={row.label}>
                  <span>{row.label}</span>
                  <div class="bars">
                    {bar('unbilled', row.unbilledHours)}
                    {bar('written-off', row.writtenOffHours)}
                    {bar('billed', row.billedHours)}
                  </div>
                </div>
              ))}
            </>
          ) : null}
        </div>
        <div id="report">
          {report ? (
            <table tabIndex={0}>
              <thead>
                <tr>
                  <th>{shown.by === 'matter' ? 'Matter' : 'Lawyer'}</th>
                  {['Unbilled h', 'Unbilled', 'Written off h', 'Written off', 'Billed h', 'Non-billable h'].map((label) => (
                    <th class="number" key={label}>
                      {label}
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {report.rows.map((row) => (
                  <tr key={row.label}>
                    <td>{row.label}</td>
                    {cells(row)}
                  </tr>
                ))}
              </tbody>
              <tfoot>
                <tr>
                  <th>Total</th>
                  {cells(report.total)}
                </tr>
              </tfoot>
            </table>
          ) : null}
        </div>
      </section>
      {exports ? (
        <section class="card" aria-labelledby="batches-title">
          <h2 id="batches-title">Export batches</h2>
          {batches.length === 0 ? (
            <p class="hint">No exports yet.</p>
          ) : (
            <table tabIndex={0} id="batches">
              <thead>
                <tr>
                  <th>Batch</th>
                  <th>Days</th>
                  <th class="number">Entries</th>
                  <th>Made</th>
                  <th>Download again</th>
                </tr>
              </thead>
              <tbody>
                {batches.map((b) => (
                  <tr key={b.id}>
                    <td>#{b.sequence}</td>
                    <td>
                      {b.from} – {b.to}
                    </td>
                    <td class="number">{b.entryCount}</td>
                    <td>{new Date(b.createdAt).toLocaleString()}</td>
                    <td>
                      <a href={`/api/time/exports/${b.id}.ledes`} aria-label={`Batch ${b.sequence} as LEDES 1998B`}>
                        LEDES 1998B
                      </a>{' '}
                      <a href={`/api/time/exports/${b.id}.csv`} aria-label={`Batch ${b.sequence} as CSV`}>
                        CSV
                      </a>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </section>
      ) : null}
    </div>
  );
}
