// The admin area's sections still in the first round's plain JavaScript: office hours, client-facing templates and
// saved replies (src/web/app/AdminPage.tsx draws them inside the app; the other sections are components).
// The app's one API client (src/web/app/api.ts): esbuild bundles these forms with the app.
import { ApiError, api, describeError, get, post, put } from '../../app/api.js';
import { announce, h, replace } from './dom.js';

const sections = /** @type {const} */ ([
  ['accounts', 'Accounts'],
  ['settings', 'Firm settings'],
  ['hours', 'Business hours'],
  ['templates', 'Templates'],
  ['replies', 'Saved replies'],
  ['users', 'Users'],
]);

/**
 * One section of the admin area drawn into `body` (the app draws the heading and tabs; sections already rebuilt as
 * components are not drawn here).
 * @param {HTMLElement} body @param {string} section
 */
export function drawAdminSection(body, section) {
  const draw = { hours: drawHours, templates: drawTemplates, replies: drawSavedReplies }[section];
  if (draw) void draw(body);
}

/** The admin area's sections, in order. */
export const adminSections = sections;

/** @param {string} text */
const errorLine = (text = '') => h('p', { class: 'form-error', role: 'alert' }, text);

const weekdays = [
  ['1', 'Monday'],
  ['2', 'Tuesday'],
  ['3', 'Wednesday'],
  ['4', 'Thursday'],
  ['5', 'Friday'],
  ['6', 'Saturday'],
  ['7', 'Sunday'],
];

/** "09:00-12:00, 13:00-17:30" <-> [["09:00","12:00"],["13:00","17:30"]] */
const intervalsText = (/** @type {[string, string][] | undefined} */ day) => (day ?? []).map(([a, b]) => `${a}-${b}`).join(', ');
const parseIntervals = (/** @type {string} */ text) =>
  text
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean)
    .map((part) => part.split('-').map((t) => t.trim()));

/** "2026-12-25 Christmas" or "2026-12-24..2026-12-26 Holidays", one a line. */
const closuresText = (/** @type {{from: string, to?: string, label?: string}[]} */ closures) =>
  closures.map((c) => `${c.from}${c.to && c.to !== c.from ? `..${c.to}` : ''}${c.label ? ` ${c.label}` : ''}`).join('\n');
const parseClosures = (/** @type {string} */ text) =>
  text
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean)
    .map((line) => {
      const [dates = '', ...label] = line.split(/\s+/);
      const [from = '', to] = dates.split('..');
      return { from, ...(to ? { to } : {}), ...(label.length > 0 ? { label: label.join(' ') } : {}) };
    });

/** @param {HTMLElement} body */
async function drawHours(body) {
  /** @type {{timeZone: string, weekly: Record<string, [string, string][]>, closures: {from: string, to?: string, label?: string}[]}} */
  let hours = { timeZone: 'America/New_York', weekly: {}, closures: [] };
  let note = '';
  try {
    hours = await get('/api/admin/business-hours');
  } catch (error) {
    if (error instanceof ApiError && error.status === 404) note = 'No office hours are set: the office counts as always open.';
    else {
      replace(body, h('h2', null, 'Business hours'), errorLine(describeError(error)));
      return;
    }
  }
  const zone = /** @type {HTMLInputElement} */ (h('input', { id: 'hours-zone', required: true, 'aria-describedby': 'hours-zone-hint' }));
  zone.value = hours.timeZone;
  const days = weekdays.map(([id, label]) => {
    const input = /** @type {HTMLInputElement} */ (h('input', { id: `hours-day-${id}`, placeholder: 'closed', 'aria-describedby': 'hours-day-hint' }));
    input.value = intervalsText(hours.weekly[/** @type {string} */ (id)]);
    return { id: /** @type {string} */ (id), label, input };
  });
  const closures = /** @type {HTMLTextAreaElement} */ (h('textarea', { id: 'hours-closures', rows: '4', 'aria-describedby': 'hours-closures-hint' }));
  closures.value = closuresText(hours.closures ?? []);
  const error = errorLine();
  const form = h(
    'form',
    { class: 'card hours-form', 'aria-labelledby': 'hours-title' },
    h('h2', { id: 'hours-title' }, 'Business hours'),
    note ? h('p', { role: 'status' }, note) : null,
    h('label', { for: 'hours-zone' }, 'Time zone'),
    zone,
    h('p', { class: 'hint', id: 'hours-zone-hint' }, 'An IANA zone such as America/New_York or Europe/Madrid.'),
    h(
      'fieldset',
      { 'aria-describedby': 'hours-day-hint' },
      h('legend', null, 'Weekly hours'),
      h('p', { class: 'hint', id: 'hours-day-hint' }, 'Like 09:00-12:00, 13:00-17:30. Empty: closed all day.'),
      days.map((day) => h('div', { class: 'field inline' }, h('label', { for: day.input.id }, day.label), day.input)),
    ),
    h('label', { for: 'hours-closures' }, 'Closures (holidays)'),
    closures,
    h('p', { class: 'hint', id: 'hours-closures-hint' }, 'One a line: 2026-12-25 Christmas, or 2026-12-24..2026-12-31 Winter break.'),
    error,
    h('button', { type: 'submit', class: 'primary' }, 'Save hours'),
  );
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    error.textContent = '';
    /** @type {Record<string, string[][]>} */
    const weekly = {};
    for (const day of days) {
      const intervals = parseIntervals(day.input.value);
      if (intervals.length > 0) weekly[day.id] = intervals;
    }
    try {
      await put('/api/admin/business-hours', { timeZone: zone.value.trim(), weekly, closures: parseClosures(closures.value) });
      announce('Business hours saved.');
      form.querySelector('[role=status]')?.remove();
      form.insertBefore(h('p', { role: 'status', class: 'saved' }, 'Saved.'), error);
    } catch (caught) {
      error.textContent = hoursProblem(caught);
    }
  });
  replace(body, form);
}

const weekdayNames = ['', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];
const ordinals = ['first', 'second', 'third', 'fourth', 'fifth', 'sixth'];

/**
 * The hours the API refused, in the words of the form: "Friday's second interval: an interval must start before it
 * ends" rather than a path like weekly.5.1.
 * @param {unknown} caught
 */
function hoursProblem(caught) {
  if (!(caught instanceof ApiError)) return describeError(caught);
  const problems = /** @type {{path: string, message: string}[] | undefined} */ (caught.details.problems);
  if (!Array.isArray(problems) || problems.length === 0) return describeError(caught);
  return problems
    .map((problem) => {
      const parts = problem.path.replace(/^body\./, '').split('.');
      if (parts[0] === 'weekly' && parts[1]) {
        const day = weekdayNames[Number(parts[1])] ?? `Day ${parts[1]}`;
        const which = parts[2] !== undefined ? `${day}'s ${ordinals[Number(parts[2])] ?? `interval ${Number(parts[2]) + 1}`} interval` : day;
        return `${which}: ${problem.message}`;
      }
      if (parts[0] === 'closures' && parts[1]) return `Closure ${Number(parts[1]) + 1}: ${problem.message}`;
      if (parts[0] === 'timeZone') return `Time zone: ${problem.message}`;
      return `${problem.path}: ${problem.message}`;
    })
    .join('; ');
}

/** @type {Record<string, string>} */
const templateLabels = {
  consent_request: 'Consent request',
  consent_confirmed: 'Consent confirmed',
  opted_out: 'Opted out (STOP)',
  help: 'Help (HELP)',
  after_hours: 'After-hours reply',
  back_open: 'Back-open note',
};

/** @param {HTMLElement} body */
async function drawTemplates(body) {
  let templates;
  try {
    templates = await get('/api/admin/templates');
  } catch (error) {
    replace(body, h('h2', null, 'Templates'), errorLine(describeError(error)));
    return;
  }
  replace(
    body,
    h('h2', null, 'Templates'),
    h('p', { class: 'hint' }, 'The automatic texts clients receive. Variables in braces, like {firm}, are filled in when sent.'),
    h(
      'ul',
      { class: 'card-list' },
      templates.map((/** @type {{kind: string, language: string, body: string, custom: boolean, variables: string[]}} */ t) => {
        const id = `template-${t.kind}-${t.language}`;
        const text = /** @type {HTMLTextAreaElement} */ (h('textarea', { id, rows: '4', maxlength: '1000', 'aria-describedby': `${id}-vars ${id}-error` }));
        text.value = t.body;
        const error = h('p', { class: 'form-error', role: 'alert', id: `${id}-error` });
        const status = h('span', { class: 'hint', role: 'status' }, t.custom ? 'Your firm’s text' : 'Default text');
        const form = h(
          'form',
          { class: 'card template', dataset: { kind: t.kind, language: t.language } },
          h('label', { for: id }, `${templateLabels[t.kind] ?? t.kind} (${t.language})`),
          text,
          h('p', { class: 'hint', id: `${id}-vars` }, `Variables: ${t.variables.map((v) => `{${v}}`).join(', ')}`),
          error,
          h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary' }, 'Save'), status),
        );
        form.addEventListener('submit', async (event) => {
          event.preventDefault();
          error.textContent = '';
          try {
            await put(`/api/admin/templates/${encodeURIComponent(t.kind)}/${encodeURIComponent(t.language)}`, { body: text.value });
            status.textContent = 'Saved.';
          } catch (caught) {
            error.textContent = describeError(caught);
          }
        });
        return h('li', null, form);
      }),
    ),
  );
}

/**
 * Saved replies: texts lawyers insert into the composer and edit before sending, in English and Spanish.
 * @param {HTMLElement} body
 */
async function drawSavedReplies(body) {
  /** @type {{id: string, name: string, language: string, body: string}[]} */
  let replies;
  try {
    replies = (await get('/api/canned-replies')).items;
  } catch (error) {
    replace(body, h('h2', null, 'Saved replies'), errorLine(describeError(error)));
    return;
  }
  /** @param {{id?: string, name: string, language: string, body: string}} reply @param {string} key */
  const replyForm = (reply, key) => {
    const name = /** @type {HTMLInputElement} */ (h('input', { id: `${key}-name`, required: true, maxlength: '100' }));
    name.value = reply.name;
    const language = /** @type {HTMLSelectElement} */ (
      h('select', { id: `${key}-language` }, h('option', { value: 'en' }, 'English'), h('option', { value: 'es' }, 'Spanish'))
    );
    language.value = reply.language;
    const text = /** @type {HTMLTextAreaElement} */ (h('textarea', { id: `${key}-body`, rows: '3', maxlength: '4096', required: true }));
    text.value = reply.body;
    const error = errorLine();
    const status = h('span', { class: 'hint', role: 'status' });
    const form = h(
      'form',
      { class: 'card', 'aria-label': reply.id ? `Saved reply ${reply.name}` : 'New saved reply' },
      h('label', { for: `${key}-name` }, 'Name'),
      name,
      h('label', { for: `${key}-language` }, 'Language'),
      language,
      h('label', { for: `${key}-body` }, 'Text'),
      text,
      error,
      h(
        'div',
        { class: 'actions' },
        h('button', { type: 'submit', class: 'primary' }, reply.id ? 'Save' : 'Add saved reply'),
        reply.id ? h('button', { type: 'button', class: 'danger', onclick: () => void remove() }, `Remove ${reply.name}`) : null,
        status,
      ),
    );
    const remove = async () => {
      if (!reply.id || !window.confirm(`Remove the saved reply “${reply.name}”?`)) return;
      try {
        await api('DELETE', `/api/admin/canned-replies/${encodeURIComponent(reply.id)}`);
        announce('Saved reply removed.');
        await drawSavedReplies(body);
      } catch (caught) {
        error.textContent = describeError(caught);
      }
    };
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      error.textContent = '';
      const input = { name: name.value, language: language.value, body: text.value };
      try {
        if (reply.id) {
          await put(`/api/admin/canned-replies/${encodeURIComponent(reply.id)}`, input);
          status.textContent = 'Saved.';
        } else {
          await post('/api/admin/canned-replies', input);
          announce('Saved reply added.');
          await drawSavedReplies(body);
        }
      } catch (caught) {
        error.textContent = describeError(caught);
      }
    });
    return form;
  };
  replace(
    body,
    h('h2', null, 'Saved replies'),
    h('p', { class: 'hint' }, 'Texts lawyers and staff insert into a reply and edit before sending (“Saved replies…” in the composer).'),
    h('ul', { class: 'card-list' }, replies.map((reply) => h('li', null, replyForm(reply, `reply-${reply.id}`)))),
    h('h3', null, 'Add a saved reply'),
    replyForm({ name: '', language: 'en', body: '' }, 'reply-new'),
  );
}

