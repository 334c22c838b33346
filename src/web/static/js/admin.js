// The firm's admin area: channel accounts (state, QR linking), office hours, client-facing templates and users.
import { ApiError, api, describeError, get, post, put } from './api.js';
import { announce, h, replace } from './dom.js';
import { dateTime } from './format.js';
import { onLeave } from './nav.js';

const sections = /** @type {const} */ ([
  ['accounts', 'Accounts'],
  ['settings', 'Firm settings'],
  ['hours', 'Business hours'],
  ['templates', 'Templates'],
  ['replies', 'Saved replies'],
  ['users', 'Users'],
]);

/**
 * @param {HTMLElement} main
 * @param {import('./session.js').User} user
 * @param {string} section
 */
export function showAdmin(main, user, section) {
  const known = sections.find(([id]) => id === section);
  const current = known ? known[0] : 'accounts';
  const body = h('div', { class: 'admin-body' });
  replace(
    main,
    h(
      'div',
      { class: 'admin' },
      h('h1', null, 'Admin'),
      h(
        'nav',
        { 'aria-label': 'Admin sections', class: 'tabs' },
        h('ul', null, sections.map(([id, label]) => h('li', null, h('a', { href: `/admin/${id}`, 'aria-current': id === current ? 'page' : undefined }, label)))),
      ),
      body,
    ),
  );
  document.title = `Admin: ${known?.[1] ?? 'Accounts'} – Matterline`;
  if (user.role !== 'admin') {
    replace(body, h('p', { role: 'alert' }, 'The admin area is for the firm’s admins.'));
    return;
  }
  drawAdminSection(body, current);
}

/**
 * One section of the admin area drawn into `body` (the app draws the heading and tabs; sections already rebuilt as
 * components are not drawn here).
 * @param {HTMLElement} body @param {string} section
 */
export function drawAdminSection(body, section) {
  const draw = { accounts: drawAccounts, hours: drawHours, templates: drawTemplates, replies: drawSavedReplies, users: drawUsers }[section];
  if (draw) void draw(body);
}

/** The admin area's sections, in order. */
export const adminSections = sections;

/** @param {string} text */
const errorLine = (text = '') => h('p', { class: 'form-error', role: 'alert' }, text);

/** @type {Record<string, string>} */
const stateLabels = {
  linking: 'Waiting for a QR code scan',
  connecting: 'Connecting',
  connected: 'Connected',
  disconnected: 'Disconnected',
  logged_out: 'Logged out',
  banned: 'Banned by the platform',
  rate_limited: 'Rate limited',
  paused: 'Paused',
  needs_attention: 'Needs attention',
};

/** @param {HTMLElement} body */
async function drawAccounts(body) {
  const list = h('div', { class: 'accounts' }, h('p', null, 'Loading…'));
  replace(body, h('h2', null, 'Channel accounts'), list, addAccountForm(() => void load()));
  /** @type {ReturnType<typeof setInterval> | undefined} */
  let timer;
  // One reports panel per account, kept across the list's refreshes so an open one stays open.
  /** @type {Map<string, HTMLElement>} */
  const reportPanels = new Map();
  async function load() {
    try {
      const accounts = await get('/api/admin/accounts');
      /** @type {any[]} */
      const items = Array.isArray(accounts) ? accounts : accounts.items;
      replace(
        list,
        items.length === 0
          ? h('p', null, 'No accounts yet.')
          : h(
              'ul',
              { class: 'card-list' },
              items.map((account) =>
                h(
                  'li',
                  { class: 'card account', dataset: { id: account.id, state: account.state } },
                  h('h3', null, account.name),
                  (account.warnings ?? []).length > 0
                    ? h('ul', { class: 'warnings', role: 'alert' }, account.warnings.map((warning) => h('li', { dataset: { code: warning.code } }, warning.message)))
                    : null,
                  h(
                    'dl',
                    { class: 'facts' },
                    h('dt', null, 'Channel'),
                    h('dd', null, account.kind),
                    h('dt', null, 'Number'),
                    h('dd', null, account.address ?? '—'),
                    h('dt', null, 'State'),
                    h('dd', null, h('span', { class: `badge state-${account.state}` }, stateLabels[account.state] ?? account.state), account.stateReason ? ` (${account.stateReason})` : ''),
                    account.lastError ? [h('dt', null, 'Last error'), h('dd', null, account.lastError)] : null,
                    h('dt', null, 'Last event'),
                    h('dd', null, account.lastEventAt ? dateTime(account.lastEventAt) : '—'),
                  ),
                  account.qrCode
                    ? h(
                        'figure',
                        { class: 'qr' },
                        h('img', { src: `/api/admin/accounts/${encodeURIComponent(account.id)}/qr.svg?v=${encodeURIComponent(String(account.qrCode).slice(-12))}`, alt: `QR code to link ${account.name}`, width: '220', height: '220' }),
                        h('figcaption', null, 'On the firm’s phone: WhatsApp › Settings › Linked devices › Link a device, then scan this code.'),
                      )
                    : null,
                  h(
                    'div',
                    { class: 'actions' },
                    account.state === 'paused'
                      ? h('button', { type: 'button', class: 'secondary', onclick: () => void act(`/api/admin/accounts/${account.id}/resume`) }, 'Resume')
                      : h('button', { type: 'button', class: 'secondary', onclick: () => void act(`/api/admin/accounts/${account.id}/pause`) }, 'Pause'),
                  ),
                  reportPanels.get(account.id) ?? reportPanels.set(account.id, providerReports(account.id)).get(account.id),
                ),
              ),
            ),
      );
    } catch (error) {
      clearInterval(timer);
      replace(
        list,
        error instanceof ApiError && error.status === 404 && error.message.startsWith('no route')
          ? h('p', { role: 'status' }, 'This server has no accounts API yet (GET /api/admin/accounts). Accounts can be added with the CLI.')
          : errorLine(describeError(error)),
      );
    }
  }
  /** @param {string} path */
  async function act(path) {
    try {
      await post(path, {});
      await load();
    } catch (error) {
      announce(describeError(error));
    }
  }
  await load();
  // A QR code changes every few seconds while linking: keep the list current while the page is open.
  timer = setInterval(() => void load(), 5000);
  onLeave(() => clearInterval(timer));
}

/** @param {() => void} onAdded */
/**
 * What the provider said that is not a message (errors it reported, parts Matterline could not read, events for a
 * number no account owns), loaded when opened: reading them is audited.
 * @param {string} accountId
 */
function providerReports(accountId) {
  const list = h('div', { class: 'reports' });
  const details = h('details', { class: 'provider-reports' }, h('summary', null, 'Provider reports'), list);
  details.addEventListener('toggle', async () => {
    if (!(/** @type {HTMLDetailsElement} */ (details).open)) return;
    replace(list, h('p', null, 'Loading…'));
    try {
      const reports = await get(`/api/admin/accounts/${encodeURIComponent(accountId)}/reports`);
      replace(
        list,
        reports.length === 0
          ? h('p', null, 'Nothing reported.')
          : h('ol', null, reports.map((report) => h('li', { dataset: { kind: report.kind } }, h('time', { datetime: report.at }, dateTime(report.at)), ' ', h('strong', null, reportLabels[report.kind] ?? report.kind), ': ', report.detail))),
      );
    } catch (error) {
      replace(list, h('p', { role: 'alert' }, `Could not load the reports: ${error instanceof Error ? error.message : String(error)}`));
    }
  });
  return details;
}

/** @type {Record<string, string>} */
const reportLabels = { provider_error: 'Provider error', unparsed: 'Kept unread', unrouted: 'For another number' };

function addAccountForm(onAdded) {
  const kind = /** @type {HTMLSelectElement} */ (
    h('select', { id: 'account-kind' }, ['baileys', 'whatsapp-web', 'signal', 'whatsapp-cloud', 'twilio', 'simulator'].map((k) => h('option', { value: k }, k)))
  );
  const name = h('input', { id: 'account-name', required: true, maxlength: '120' });
  const config = /** @type {HTMLTextAreaElement} */ (h('textarea', { id: 'account-config', rows: '4', 'aria-describedby': 'account-config-hint' }));
  config.value = '{}';
  const error = errorLine();
  const form = h(
    'form',
    { class: 'card side-form', 'aria-labelledby': 'add-account-title' },
    h('h3', { id: 'add-account-title' }, 'Add an account'),
    h('label', { for: 'account-kind' }, 'Channel'),
    kind,
    h('label', { for: 'account-name' }, 'Name'),
    name,
    h('label', { for: 'account-config' }, 'Configuration (JSON)'),
    config,
    h('p', { class: 'hint', id: 'account-config-hint' }, 'WhatsApp (baileys, whatsapp-web) needs none: a QR code appears to scan. Cloud API, Twilio and Signal need their settings.'),
    error,
    h('button', { type: 'submit', class: 'primary' }, 'Add account'),
  );
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    error.textContent = '';
    let parsed;
    try {
      parsed = JSON.parse(config.value || '{}');
    } catch {
      error.textContent = 'The configuration is not valid JSON.';
      return;
    }
    try {
      await post('/api/admin/accounts', { kind: kind.value, name: /** @type {HTMLInputElement} */ (name).value, config: parsed });
      announce('Account added.');
      onAdded();
    } catch (caught) {
      error.textContent = describeError(caught);
    }
  });
  return form;
}

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

/** @param {HTMLElement} body */
async function drawUsers(body) {
  const list = h('div', null, h('p', null, 'Loading…'));
  const notice = h('div', { role: 'status', class: 'notice-host' });
  replace(body, h('h2', null, 'Users'), notice, list, inviteForm(showToken, () => void load()));

  /** @param {string} what @param {string} token */
  function showToken(what, token) {
    replace(
      notice,
      h(
        'div',
        { class: 'card notice' },
        h('p', null, `${what} Give this one-time token to the person; it is shown only once. They set their password with it at POST /api/auth/password-reset.`),
        h('p', null, h('code', { class: 'token' }, token)),
      ),
    );
  }

  async function load() {
    try {
      const users = await get('/api/admin/users');
      replace(
        list,
        h(
          'table',
          { class: 'users' },
          h('caption', { class: 'visually-hidden' }, 'Users of the firm'),
          h('thead', null, h('tr', null, ['Name', 'Email', 'Role', 'State', 'Actions'].map((c) => h('th', { scope: 'col' }, c)))),
          h(
            'tbody',
            null,
            users.items.map((/** @type {{id: string, name: string, email: string, role: string, disabled: boolean, locked: boolean, totpEnabled: boolean}} */ u) =>
              h(
                'tr',
                { dataset: { id: u.id } },
                h('th', { scope: 'row' }, u.name),
                h('td', null, u.email),
                h('td', null, u.role),
                h('td', null, [u.disabled ? 'Disabled' : 'Active', u.locked ? 'locked' : '', u.totpEnabled ? '2-step on' : ''].filter(Boolean).join(', ')),
                h(
                  'td',
                  { class: 'actions' },
                  u.disabled
                    ? null
                    : h('button', { type: 'button', class: 'danger', 'aria-label': `Disable ${u.name}`, onclick: () => void disable(u) }, 'Disable'),
                  h('button', { type: 'button', class: 'secondary', 'aria-label': `Reset password for ${u.name}`, onclick: () => void reset(u) }, 'Reset password'),
                ),
              ),
            ),
          ),
        ),
      );
    } catch (error) {
      replace(list, errorLine(describeError(error)));
    }
  }
  /** @param {{id: string, name: string}} u */
  async function disable(u) {
    if (!window.confirm(`Disable ${u.name}? Their sessions end at once.`)) return;
    try {
      await post(`/api/admin/users/${encodeURIComponent(u.id)}/disable`, {});
      announce(`${u.name} disabled.`);
      await load();
    } catch (error) {
      replace(notice, errorLine(describeError(error)));
    }
  }
  /** @param {{id: string, name: string}} u */
  async function reset(u) {
    try {
      const result = await api('POST', `/api/admin/users/${encodeURIComponent(u.id)}/reset-password`, {});
      showToken(`Password reset for ${u.name}.`, result.resetToken);
      await load();
    } catch (error) {
      replace(notice, errorLine(describeError(error)));
    }
  }
  await load();
}

/** @param {(what: string, token: string) => void} showToken @param {() => void} onInvited */
function inviteForm(showToken, onInvited) {
  const email = h('input', { id: 'invite-email', type: 'email', required: true });
  const name = h('input', { id: 'invite-name', required: true });
  const role = /** @type {HTMLSelectElement} */ (h('select', { id: 'invite-role' }, ['lawyer', 'staff', 'supervisor', 'admin'].map((r) => h('option', { value: r }, r))));
  const error = errorLine();
  const form = h(
    'form',
    { class: 'card side-form', 'aria-labelledby': 'invite-title' },
    h('h3', { id: 'invite-title' }, 'Invite a user'),
    h('label', { for: 'invite-email' }, 'Email'),
    email,
    h('label', { for: 'invite-name' }, 'Name'),
    name,
    h('label', { for: 'invite-role' }, 'Role'),
    role,
    error,
    h('button', { type: 'submit', class: 'primary' }, 'Invite'),
  );
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    error.textContent = '';
    try {
      const invited = await post('/api/admin/users', {
        email: /** @type {HTMLInputElement} */ (email).value.trim(),
        name: /** @type {HTMLInputElement} */ (name).value.trim(),
        role: role.value,
      });
      showToken(`${invited.user.name} invited.`, invited.resetToken);
      /** @type {HTMLFormElement} */ (form).reset();
      onInvited();
    } catch (caught) {
      error.textContent = describeError(caught);
    }
  });
  return form;
}
