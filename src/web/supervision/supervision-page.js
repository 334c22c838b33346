// The supervisor's page: search the record, open a matter's file (timeline, export, legal hold) and the file review
// report as a table and a chart, with its CSV. Reads and writes only through the JSON API; builds DOM nodes, never
// markup from strings (search snippets arrive as escaped HTML with <mark> and are rebuilt node by node).
import { api, describeError, get, setCsrfToken } from '/js/api.js';
import { announce, byId, h, replace } from '/js/dom.js';

/** @type {{ id: string, role: string } | null} */
let me = null;
/** @type {string | null} */
let searchCursor = null;
/** @type {{ matterId: string, cursor: string | null }} */
const file = { matterId: '', cursor: null };

function showError(/** @type {unknown} */ error) {
  const box = byId('error');
  box.textContent = describeError(error);
  box.hidden = false;
}

const when = (/** @type {string} */ at) => new Date(at).toLocaleString();
const entities = /** @type {Record<string, string>} */ ({ '&amp;': '&', '&lt;': '<', '&gt;': '>', '&quot;': '"', '&#39;': "'" });

/** The API's snippet (escaped text, hits in <mark>) as text nodes and <mark> elements. @param {string} html */
function snippet(html) {
  const parts = html.split(/(<\/?mark>)/);
  const nodes = [];
  let marked = false;
  for (const part of parts) {
    if (part === '<mark>') marked = true;
    else if (part === '</mark>') marked = false;
    else if (part) {
      const text = part.replace(/&(amp|lt|gt|quot|#39);/g, (entity) => entities[entity] ?? entity);
      nodes.push(marked ? h('mark', { text }) : text);
    }
  }
  return nodes;
}

const field = (/** @type {HTMLFormElement} */ form, /** @type {string} */ name) => /** @type {HTMLInputElement} */ (form.elements.namedItem(name)).value;

async function search(/** @type {boolean} */ more) {
  const form = /** @type {HTMLFormElement} */ (byId('search-form'));
  const query = new URLSearchParams({ q: field(form, 'q') });
  for (const name of ['matter', 'direction', 'from', 'to']) if (field(form, name)) query.set(name, field(form, name));
  if (more && searchCursor) query.set('cursor', searchCursor);
  const result = await get(`/api/search?${query}`);
  if (!more) {
    replace(byId('results'));
    replace(byId('contacts'), result.contacts.length === 0 ? null : h('p', null, 'Contacts: ', ...result.contacts.map((/** @type {any} */ c, /** @type {number} */ i) => [
      i > 0 ? ', ' : '', `${c.displayName ?? c.client?.name ?? ''} ${c.address}`, c.conversations[0]?.matterNumber ? ` (${c.conversations[0].matterNumber})` : '',
    ])));
  }
  const items = result.items.map((/** @type {any} */ hit) => h('li', null,
    h('div', { class: 'meta' },
      `${when(hit.at)} · ${hit.matter ? hit.matter.number : 'not filed'} · ${hit.direction === 'inbound' ? `from ${hit.contact?.displayName ?? hit.contact?.address ?? 'client'}` : `to ${hit.contact?.displayName ?? hit.contact?.address ?? 'client'}${hit.author ? ` by ${hit.author.name}` : ''}`} `,
      hit.matter ? h('button', { type: 'button', class: 'secondary', onclick: () => openFile(hit.matter.id).catch(showError) }, 'Open file') : null,
    ),
    h('div', null, ...snippet(hit.snippet)),
    ...hit.attachments.map((/** @type {any} */ a) => h('div', { class: 'file' }, '📎 ', ...snippet(a.fileNameHtml))),
  ));
  byId('results').append(...items);
  if (!more && items.length === 0) byId('results').append(h('li', { text: 'Nothing found.' }));
  searchCursor = result.nextCursor;
  byId('more-results').hidden = !searchCursor;
  announce(`${result.items.length} results`);
}

/** One line of the timeline: what happened, who did it, and the detail a reviewer reads. @param {any} item */
function timelineRow(item) {
  const d = item.data;
  /** @type {[string, string, string]} */
  let cells;
  switch (item.kind) {
    case 'message': cells = [d.direction === 'inbound' ? 'Client wrote' : 'Firm wrote', d.direction === 'inbound' ? (d.contact?.displayName ?? d.contact?.address ?? '') : (d.author?.name ?? ''), d.text ?? `(${d.kind})`]; break;
    case 'auto_reply': cells = ['Automatic reply', d.purpose, d.text ?? '']; break;
    case 'media': cells = ['Media', '', `${d.fileName ?? d.mimeType} (${d.state})`]; break;
    case 'consent': cells = ['Consent', d.source, `${d.from ?? '—'} → ${d.to}${d.text ? `: “${d.text}”` : ''}${d.note ? ` — ${d.note}` : ''}`]; break;
    case 'note': cells = ['Internal note', d.author?.name ?? '', d.text ?? '']; break;
    case 'time_entry': cells = ['Time', d.user?.name ?? '', `${d.hours} h on ${d.date} (${d.state}): ${d.narrative}`]; break;
    default: cells = [item.kind === 'assignment' ? 'Filed here' : d.action, d.actor?.name ?? d.actorKind, JSON.stringify(d.details)];
  }
  return h('tr', null, h('td', { text: when(item.at) }), h('td', { text: cells[0] }), h('td', { text: cells[1] }), h('td', { class: 'timeline-text', text: cells[2] }));
}

async function openFile(/** @type {string} */ matterId, more = false) {
  if (!more) {
    file.matterId = matterId;
    file.cursor = null;
    /** @type {HTMLSelectElement} */ (/** @type {HTMLFormElement} */ (byId('file-form')).elements.namedItem('matter')).value = matterId;
  }
  const page = await get(`/api/matters/${matterId}/file?limit=200${more && file.cursor ? `&cursor=${encodeURIComponent(file.cursor)}` : ''}`);
  const m = page.matter;
  const body = /** @type {HTMLElement} */ (byId('timeline').querySelector('tbody'));
  if (!more) {
    const supervisor = me?.role === 'supervisor';
    const holdButton = !supervisor ? null : h('button', {
      type: 'button',
      class: m.legalHold ? 'secondary' : 'danger',
      onclick: async () => {
        const reason = window.prompt(m.legalHold ? 'Why is the hold lifted?' : 'Why is this matter put on legal hold?');
        if (!reason) return;
        try {
          await api(m.legalHold ? 'DELETE' : 'POST', `/api/matters/${matterId}/legal-hold`, { reason });
          announce(m.legalHold ? 'Legal hold lifted' : 'Legal hold placed');
          await openFile(matterId);
        } catch (error) {
          showError(error);
        }
      },
    }, m.legalHold ? 'Lift legal hold' : 'Place legal hold');
    replace(byId('file-heading'),
      h('h3', { text: `${m.number} — ${m.title}` }),
      h('p', null, `${m.client.name} · ${m.status} · ${m.members.map((/** @type {any} */ x) => x.name).join(', ') || 'no members'} `,
        m.legalHold ? h('span', { class: 'hold', text: `On legal hold: ${m.legalHold.reason}` }) : null),
      h('p', null, h('a', { href: `/api/matters/${matterId}/export`, download: '' }, 'Export the record (ZIP)'), ' ', holdButton),
    );
    body.replaceChildren();
  }
  body.append(...page.items.map(timelineRow));
  byId('timeline').hidden = false;
  file.cursor = page.nextCursor;
  byId('more-timeline').hidden = !file.cursor;
}

function reviewChart(/** @type {any[]} */ rows, /** @type {string} */ by) {
  const widest = Math.max(1, ...rows.map((row) => row.firstResponse.answeredWithinPromise + row.firstResponse.answeredLate + row.firstResponse.unansweredOverdue));
  const bar = (/** @type {string} */ kind, /** @type {number} */ value) => {
    const element = h('span', { class: kind, title: `${kind}: ${value}` });
    // Set through the CSSOM: the page's CSP allows no inline style attributes.
    element.style.width = `${(100 * value) / widest}%`;
    return element;
  };
  replace(byId('review-chart'),
    h('div', { class: 'review-legend' }, ...[['within', 'Answered within the promise'], ['late', 'Answered late'], ['overdue', 'Unanswered, overdue']].map(([kind, label]) => h('span', null, h('span', { class: `swatch ${kind}` }), label))),
    ...rows.map((row) => h('div', { class: 'row' },
      h('span', { text: by === 'matters' ? row.matter.number : row.lawyer.name }),
      h('div', { class: 'bars' }, bar('within', row.firstResponse.answeredWithinPromise), bar('late', row.firstResponse.answeredLate), bar('overdue', row.firstResponse.unansweredOverdue)),
    )),
  );
}

async function review() {
  const form = /** @type {HTMLFormElement} */ (byId('review-form'));
  const by = field(form, 'by');
  const query = new URLSearchParams({ from: field(form, 'from'), to: field(form, 'to') });
  const report = await get(`/api/review/${by}?${query}`);
  const label = (/** @type {any} */ row) => (by === 'matters' ? `${row.matter.number} ${row.matter.title}` : row.lawyer.name);
  const sent = (/** @type {any} */ row) => (by === 'matters' ? row.messages.total : row.messagesSent);
  const header = [by === 'matters' ? 'Matter' : 'Lawyer', by === 'matters' ? 'Messages' : 'Sent', 'After hours', 'Waits', 'Late', 'Overdue', 'Median min', 'No consent asked', 'Unbilled h', 'Group chats'];
  replace(byId('review'),
    h('p', { class: 'hint', text: `First responses against the promised ${report.promisedReplyMinutes} minutes.` }),
    h('table', null,
      h('thead', null, h('tr', null, header.map((text, index) => h('th', { class: index > 0 ? 'number' : null, text })))),
      h('tbody', null, report.rows.map((/** @type {any} */ row) => h('tr', null,
        h('td', { text: label(row) }),
        ...[sent(row), row.afterHoursInbound, row.firstResponse.episodes, row.firstResponse.answeredLate, row.firstResponse.unansweredOverdue,
          row.firstResponse.medianMinutes ?? '—', row.withoutConsentAttempt.messages, row.unbilled.hours.toFixed(1),
          by === 'matters' ? row.privilegeRisks.length : row.privilegeRisks].map((value) => h('td', { class: 'number', text: String(value) })),
      ))),
    ),
  );
  reviewChart(report.rows, by);
  byId('review-csv').setAttribute('href', `/api/review/${by}.csv?${query}`);
}

async function start() {
  let session;
  try {
    session = await get('/api/auth/session');
  } catch {
    location.assign(`/sign-in?next=${encodeURIComponent('/supervision')}`);
    return;
  }
  setCsrfToken(session.csrfToken);
  me = session.user;
  const { items: matters } = await get('/api/matters');
  for (const name of ['search-form', 'file-form']) {
    const select = /** @type {HTMLSelectElement} */ (/** @type {HTMLFormElement} */ (byId(name)).elements.namedItem('matter'));
    select.append(...matters.map((/** @type {any} */ m) => h('option', { value: m.id, text: `${m.number} ${m.title}` })));
  }
  byId('search-form').addEventListener('submit', (event) => {
    event.preventDefault();
    search(false).catch(showError);
  });
  byId('more-results').addEventListener('click', () => search(true).catch(showError));
  byId('file-form').addEventListener('submit', (event) => {
    event.preventDefault();
    const matterId = field(/** @type {HTMLFormElement} */ (byId('file-form')), 'matter');
    if (matterId) openFile(matterId).catch(showError);
  });
  byId('more-timeline').addEventListener('click', () => openFile(file.matterId, true).catch(showError));
  if (['admin', 'supervisor'].includes(me?.role ?? '')) {
    byId('review-section').hidden = false;
    const form = /** @type {HTMLFormElement} */ (byId('review-form'));
    const today = new Date();
    const iso = (/** @type {Date} */ day) => `${day.getFullYear()}-${String(day.getMonth() + 1).padStart(2, '0')}-${String(day.getDate()).padStart(2, '0')}`;
    /** @type {HTMLInputElement} */ (form.elements.namedItem('from')).value = iso(new Date(today.getTime() - 90 * 86_400_000));
    /** @type {HTMLInputElement} */ (form.elements.namedItem('to')).value = iso(today);
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      review().catch(showError);
    });
    await review();
  }
}

start().catch(showError);
