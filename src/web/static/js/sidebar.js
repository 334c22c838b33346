// The matter sidebar: who the client is, which matter, the contact's consent and its history, blocking (supervisors
// and admins) and triage into a client's matter (staff and admins).
import { describeError, get, post } from './api.js';
import { announce, h, replace } from './dom.js';
import { consentBadge, consentLabel, dateTime } from './format.js';
import { canBlock, canTriage } from './session.js';

/** @type {Record<string, string>} */
const sourceLabels = {
  keyword: 'client keyword',
  free_text: 'client message',
  firm: 'by the firm',
  import: 'imported',
  system: 'automatic',
  block: 'by the firm',
  unblock: 'by the firm',
};

/**
 * @param {HTMLElement} pane
 * @param {{user: import('./session.js').User, detail: any, onChanged: () => void, onFiled: (matter: string) => void}} options
 */
export function drawSidebar(pane, options) {
  const { user, detail } = options;
  const contact = detail.contact;
  const consentState = contact?.blocked ? 'blocked' : contact?.consentState;
  const history = h('ol', { class: 'consent-history', 'aria-label': 'Consent history' }, h('li', null, 'Loading…'));
  const flags = [
    detail.flags.privilegeRisk ? h('li', { class: 'badge warning' }, 'Privilege risk: someone other than the client is in this group') : null,
    detail.flags.routingNeedsConfirmation ? h('li', { class: 'badge warning' }, 'Matter picked automatically: confirm it') : null,
  ].filter(Boolean);

  replace(
    pane,
    h('h2', { id: 'matter-title' }, 'Matter'),
    h(
      'dl',
      { class: 'facts' },
      h('dt', null, 'Client'),
      h('dd', null, detail.client?.name ?? 'Not yet known'),
      h('dt', null, 'Matter'),
      h('dd', null, detail.matter ? `${detail.matter.number} · ${detail.matter.title} (${detail.matter.status})` : 'None: needs triage'),
      h('dt', null, 'Contact'),
      h('dd', null, contact ? `${contact.displayName ?? ''} ${contact.address}`.trim() : 'A group'),
      h('dt', null, 'Channel'),
      h('dd', null, `${detail.account.name} (${detail.account.kind})`),
      h('dt', null, 'Consent'),
      h('dd', null, consentBadge(consentState)),
    ),
    flags.length > 0 ? h('ul', { class: 'flags', 'aria-label': 'Flags' }, flags) : null,
    contact ? h('section', { 'aria-labelledby': 'consent-history-title' }, h('h3', { id: 'consent-history-title' }, 'Consent history'), history) : null,
    contact && canBlock(user) ? blockForm(detail, options.onChanged) : null,
    canTriage(user) ? triageForm(detail, options.onFiled) : null,
  );
  if (contact) void loadHistory(detail.id, history);
}

/** @param {string} conversationId @param {HTMLElement} list */
async function loadHistory(conversationId, list) {
  try {
    const consent = await get(`/api/conversations/${encodeURIComponent(conversationId)}/consent`);
    /** @type {{at: string, from: string, to: string, source: string, text: string|null, note: string|null}[]} */
    const events = consent.events;
    replace(
      list,
      events.length === 0
        ? h('li', null, 'No changes recorded.')
        : [...events].reverse().map((event) =>
            h(
              'li',
              null,
              h('time', { datetime: event.at }, dateTime(event.at)),
              ' ',
              h(
                'strong',
                null,
                event.source === 'block' ? 'Blocked' : event.source === 'unblock' ? 'Unblocked' : `${consentLabel(event.from)} → ${consentLabel(event.to)}`,
              ),
              ` (${sourceLabels[event.source] ?? event.source})`,
              event.text ? h('q', null, event.text) : null,
              event.note ? h('span', { class: 'note' }, event.note) : null,
            ),
          ),
    );
  } catch (error) {
    replace(list, h('li', null, describeError(error)));
  }
}

/** @param {any} detail @param {() => void} onChanged */
function blockForm(detail, onChanged) {
  const blocked = detail.contact.blocked;
  const reason = h('input', { id: 'block-reason', name: 'reason', required: true, minlength: '3', maxlength: '1000' });
  const error = h('p', { class: 'form-error', role: 'alert' });
  const form = h(
    'form',
    { class: 'side-form', 'aria-labelledby': 'block-title' },
    h('h3', { id: 'block-title' }, blocked ? 'Unblock this contact' : 'Block this contact'),
    h('label', { for: 'block-reason' }, 'Reason (kept in the audit log)'),
    reason,
    error,
    h('button', { type: 'submit', class: blocked ? 'secondary' : 'danger' }, blocked ? 'Unblock' : 'Block'),
  );
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    error.textContent = '';
    try {
      await post(`/api/conversations/${encodeURIComponent(detail.id)}/${blocked ? 'unblock' : 'block'}`, {
        reason: /** @type {HTMLInputElement} */ (reason).value,
      });
      announce(blocked ? 'Contact unblocked.' : 'Contact blocked.');
      onChanged();
    } catch (caught) {
      error.textContent = describeError(caught);
    }
  });
  return form;
}

/** @param {any} detail @param {(matter: string) => void} onFiled */
function triageForm(detail, onFiled) {
  const matterSelect = /** @type {HTMLSelectElement} */ (
    h('select', { id: 'triage-matter', required: true, disabled: true }, h('option', { value: '' }, 'Loading matters…'))
  );
  const error = h('p', { class: 'form-error', role: 'alert' });
  const button = h('button', { type: 'submit', class: 'primary' }, detail.matter ? 'Move to this matter' : 'File under this matter');
  const form = h(
    'form',
    { class: 'side-form', 'aria-labelledby': 'triage-title' },
    h('h3', { id: 'triage-title' }, detail.matter ? 'File under another matter' : 'Triage: file under a matter'),
    h('label', { for: 'triage-matter' }, 'Client and matter'),
    matterSelect,
    h('p', { class: 'hint' }, 'The contact becomes the client’s if it is nobody’s yet.'),
    error,
    button,
  );
  /** @type {Map<string, string>} matter id -> client id */
  const clientOf = new Map();
  void (async () => {
    try {
      /** @type {{items: {id: string, number: string, title: string, clientId: string, clientName: string}[]}} */
      const matters = await get('/api/intake/matters');
      /** @type {Map<string, HTMLElement>} */
      const groups = new Map();
      for (const m of matters.items) {
        clientOf.set(m.id, m.clientId);
        let group = groups.get(m.clientId);
        if (!group) {
          group = h('optgroup', { label: m.clientName });
          groups.set(m.clientId, group);
        }
        group.append(h('option', { value: m.id, selected: detail.matter?.id === m.id }, `${m.number} · ${m.title}`));
      }
      replace(matterSelect, h('option', { value: '' }, matters.items.length === 0 ? 'No open matters' : 'Pick a matter'), [...groups.values()]);
      matterSelect.disabled = matters.items.length === 0;
    } catch (caught) {
      error.textContent = describeError(caught);
    }
  })();
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    error.textContent = '';
    const clientId = clientOf.get(matterSelect.value);
    if (!clientId) {
      error.textContent = 'Pick the matter to file this conversation under.';
      return;
    }
    try {
      await post(`/api/conversations/${encodeURIComponent(detail.id)}/assign`, { clientId, matterId: matterSelect.value });
      const label = matterSelect.selectedOptions[0]?.textContent ?? 'the matter';
      announce(`Conversation filed under ${label}.`);
      onFiled(label);
    } catch (caught) {
      error.textContent = describeError(caught);
    }
  });
  return form;
}
