// The messaging-time page: the signed-in person's drafts (approve, write off) and the unbilled/written-off report
// as a table and a bar chart, with the CSV and export links. Reads and writes only through the JSON API.
import { describeError, get, post, setCsrfToken } from '/js/api.js';
import { announce, byId, h, replace } from '/js/dom.js';

const hours = (/** @type {number} */ value) => value.toFixed(1);
const money = (/** @type {number} */ cents) => (cents / 100).toFixed(2);

function showError(/** @type {unknown} */ error) {
  const box = byId('error');
  box.textContent = describeError(error);
  box.hidden = false;
}

async function loadDrafts() {
  const { items } = await get('/api/time/entries?state=draft&limit=200');
  if (items.length === 0) {
    replace(byId('drafts'), h('p', { class: 'hint', text: 'No drafts waiting for review.' }));
    return;
  }
  const act = (/** @type {string} */ path, /** @type {unknown} */ body, /** @type {string} */ done) => async () => {
    try {
      await post(path, body);
      announce(done);
      await loadDrafts();
    } catch (error) {
      showError(error);
    }
  };
  const rows = items.map((/** @type {any} */ entry) =>
    h('tr', null,
      h('td', { text: entry.date }),
      h('td', { text: `${entry.matter.number} ${entry.matter.title}` }),
      h('td', { class: 'number', text: hours(entry.hours) }),
      h('td', { text: entry.billable ? entry.narrative : `${entry.narrative} (not billable)` }),
      h('td', null,
        h('button', { type: 'button', onclick: act(`/api/time/entries/${entry.id}/approve`, {}, 'Approved') }, 'Approve'),
        ' ',
        h('button', {
          type: 'button',
          class: 'danger',
          onclick: async () => {
            const reason = window.prompt('Why is this time not billed?');
            if (reason) await act(`/api/time/entries/${entry.id}/write-off`, { reason }, 'Written off')();
          },
        }, 'Write off'),
      ),
    ),
  );
  replace(byId('drafts'), h('table', null,
    h('thead', null, h('tr', null, h('th', { text: 'Day' }), h('th', { text: 'Matter' }), h('th', { class: 'number', text: 'Hours' }), h('th', { text: 'Narrative' }), h('th', { text: '' }))),
    h('tbody', null, rows),
  ));
}

function renderChart(/** @type {any[]} */ rows) {
  const widest = Math.max(0.1, ...rows.map((row) => row.unbilledHours + row.writtenOffHours + row.billedHours));
  const bar = (/** @type {string} */ kind, /** @type {number} */ value) => {
    const element = h('span', { class: kind, title: `${kind.replace('-', ' ')}: ${hours(value)} h` });
    // Set through the CSSOM: the page's CSP allows no inline style attributes.
    element.style.width = `${(100 * value) / widest}%`;
    return element;
  };
  const legend = h('div', { class: 'time-legend' },
    ...[['unbilled', 'Unbilled'], ['written-off', 'Written off'], ['billed', 'Billed']].map(([kind, label]) => h('span', null, h('span', { class: `swatch ${kind}` }), label)),
  );
  replace(byId('chart'), legend, ...rows.map((row) =>
    h('div', { class: 'row' }, h('span', { text: row.label }), h('div', { class: 'bars' }, bar('unbilled', row.unbilledHours), bar('written-off', row.writtenOffHours), bar('billed', row.billedHours))),
  ));
}

async function loadReport(/** @type {URLSearchParams} */ query) {
  const report = await get(`/api/time/report?${query}`);
  const header = ['', 'Unbilled h', 'Unbilled', 'Written off h', 'Written off', 'Billed h', 'Non-billable h'];
  const cells = (/** @type {any} */ row) => [
    h('td', { class: 'number', text: hours(row.unbilledHours) }), h('td', { class: 'number', text: money(row.unbilledCents) }),
    h('td', { class: 'number', text: hours(row.writtenOffHours) }), h('td', { class: 'number', text: money(row.writtenOffCents) }),
    h('td', { class: 'number', text: hours(row.billedHours) }), h('td', { class: 'number', text: hours(row.nonBillableHours) }),
  ];
  replace(byId('report'), h('table', null,
    h('thead', null, h('tr', null, header.map((label, index) => h('th', { class: index > 0 ? 'number' : null, text: label || (query.get('by') === 'matter' ? 'Matter' : 'Lawyer') })))),
    h('tbody', null, report.rows.map((/** @type {any} */ row) => h('tr', null, h('td', { text: row.label }), ...cells(row)))),
    h('tfoot', null, h('tr', null, h('th', { text: 'Total' }), ...cells(report.total))),
  ));
  renderChart(report.rows);
  byId('report-csv').setAttribute('href', `/api/time/report.csv?${query}`);
  const range = new URLSearchParams({ from: query.get('from') ?? '', to: query.get('to') ?? '' });
  byId('export-ledes').setAttribute('href', `/api/time/export.ledes?${range}`);
  byId('export-csv').setAttribute('href', `/api/time/export.csv?${range}`);
}

/** The Export button: exporting marks entries exported, so it is a POST with the CSRF token, never a link. */
function wireExport(/** @type {(name: string) => string} */ field, /** @type {() => URLSearchParams} */ query) {
  byId('export-create').addEventListener('click', () => {
    post('/api/time/exports', { from: field('from'), to: field('to') })
      .then((/** @type {any} */ batch) => {
        replace(byId('export-done'), h('span', null,
          `Exported ${batch.entries} ${batch.entries === 1 ? 'entry' : 'entries'}: `,
          h('a', { href: batch.ledes, text: 'LEDES 1998B' }), ' ', h('a', { href: batch.csv, text: 'CSV' })));
        announce(`Exported ${batch.entries} entries`);
        return loadReport(query());
      })
      .catch(showError);
  });
}

async function start() {
  let session;
  try {
    session = await get('/api/auth/session');
  } catch {
    location.assign('/sign-in');
    return;
  }
  setCsrfToken(session.csrfToken);
  byId('exports').hidden = !['admin', 'supervisor'].includes(session.user.role);

  const form = /** @type {HTMLFormElement} */ (byId('report-form'));
  const today = new Date();
  const iso = (/** @type {Date} */ day) => `${day.getFullYear()}-${String(day.getMonth() + 1).padStart(2, '0')}-${String(day.getDate()).padStart(2, '0')}`;
  /** @type {HTMLInputElement} */ (form.elements.namedItem('from')).value = iso(new Date(today.getFullYear(), today.getMonth(), 1));
  /** @type {HTMLInputElement} */ (form.elements.namedItem('to')).value = iso(today);
  const field = (/** @type {string} */ name) => /** @type {HTMLInputElement | HTMLSelectElement} */ (form.elements.namedItem(name)).value;
  const query = () => new URLSearchParams({ from: field('from'), to: field('to'), by: field('by') });
  wireExport(field, query);
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    loadReport(query()).catch(showError);
  });
  await Promise.all([loadDrafts(), loadReport(query())]);
}

start().catch(showError);
