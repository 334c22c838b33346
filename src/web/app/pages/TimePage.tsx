// Messaging time: the signed-in person's drafts (approve, write off with a reason) and the unbilled / written-off
// report as a table and a bar chart, with the CSV; supervisors and admins export approved entries (LEDES 1998B, CSV).
import { useEffect, useState } from 'preact/hooks';
import { announce } from '../announce.js';
import { describeError, get, post } from '../api.js';
import { ReasonDialog, type ReasonRequest } from '../ReasonDialog.js';
import type { User } from '../types.js';

interface Draft {
  id: string;
  date: string;
  matter: { number: string; title: string };
  hours: number;
  narrative: string;
  billable: boolean;
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
  const [drafts, setDrafts] = useState<Draft[] | null>(null);
  const [error, setError] = useState('');
  const [range, setRange] = useState({ from: isoDay(new Date(today.getFullYear(), today.getMonth(), 1)), to: isoDay(today), by: 'lawyer' });
  const [shown, setShown] = useState(range);
  const [report, setReport] = useState<Report | null>(null);
  const [exported, setExported] = useState<{ entries: number; ledes: string; csv: string } | null>(null);
  const [asking, setAsking] = useState<ReasonRequest | null>(null);
  const exports = user.role === 'admin' || user.role === 'supervisor';

  const loadDrafts = async () => setDrafts((await get<{ items: Draft[] }>('/api/time/entries?state=draft&limit=200')).items);
  const loadReport = async (query = range) => {
    setReport(await get<Report>(`/api/time/report?${new URLSearchParams(query)}`));
    setShown(query);
  };
  const fail = (caught: unknown) => setError(describeError(caught));
  useEffect(() => {
    document.title = 'Time – Matterline';
    Promise.all([loadDrafts(), loadReport()]).catch(fail);
  }, []);

  const approve = async (entry: Draft) => {
    try {
      await post(`/api/time/entries/${entry.id}/approve`, {});
      announce('Approved');
      await loadDrafts();
    } catch (caught) {
      fail(caught);
    }
  };
  const writeOff = (entry: Draft) =>
    setAsking({
      title: `Write off ${hours(entry.hours)} h on ${entry.matter.number}`,
      label: 'Why is this time not billed? (kept with the entry)',
      action: 'Write off',
      run: async (reason) => {
        await post(`/api/time/entries/${entry.id}/write-off`, { reason });
        announce('Written off');
        await loadDrafts();
      },
    });
  const exportApproved = async () => {
    try {
      const batch = await post<{ entries: number; ledes: string; csv: string }>('/api/time/exports', { from: range.from, to: range.to });
      setExported(batch);
      announce(`Exported ${batch.entries} entries`);
      await loadReport();
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
        <h2 id="drafts-title">My draft entries</h2>
        <p class="hint">Drafted from your messaging, one per session, rounded up once. Approve what is right; write off what should not be billed.</p>
        <div id="drafts">
          {drafts === null ? (
            <p class="loading">Loading…</p>
          ) : drafts.length === 0 ? (
            <p class="hint">No drafts waiting for review.</p>
          ) : (
            <table>
              <thead>
                <tr>
                  <th>Day</th>
                  <th>Matter</th>
                  <th class="number">Hours</th>
                  <th>Narrative</th>
                  <th>
                    <span class="visually-hidden">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {drafts.map((entry) => (
                  <tr key={entry.id}>
                    <td>{entry.date}</td>
                    <td>
                      {entry.matter.number} {entry.matter.title}
                    </td>
                    <td class="number">{hours(entry.hours)}</td>
                    <td>{entry.billable ? entry.narrative : `${entry.narrative} (not billable)`}</td>
                    <td>
                      <button type="button" class="secondary" onClick={() => void approve(entry)}>
                        Approve
                      </button>{' '}
                      <button type="button" class="danger" onClick={() => writeOff(entry)}>
                        Write off
                      </button>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </div>
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
          <label>
            From <input type="date" name="from" required value={range.from} onInput={(e) => setRange({ ...range, from: e.currentTarget.value })} />
          </label>
          <label>
            To <input type="date" name="to" required value={range.to} onInput={(e) => setRange({ ...range, to: e.currentTarget.value })} />
          </label>
          <label>
            By{' '}
            <select name="by" value={range.by} onChange={(e) => setRange({ ...range, by: e.currentTarget.value })}>
              <option value="lawyer">lawyer</option>
              <option value="matter">matter</option>
            </select>
          </label>
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
            <table>
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
      <ReasonDialog request={asking} onDone={() => setAsking(null)} />
    </div>
  );
}
