// The composer shows the send gates before anything is typed, as GET /api/conversations/:id/composer reports them:
// consent first (offer the consent request instead of a text box), then the WhatsApp window (templates only), then
// the office hours (send now, or hold until the next opening).
import { ApiError, describeError, get, post, postForm } from './api.js';
import { announce, h, replace } from './dom.js';
import { dateTime, fileSize } from './format.js';

/**
 * @typedef {{consent: {state: string|null, blocked: boolean, revocationPending: boolean, mayReceive: boolean, reason: string|null,
 *     requestedAt: string|null, nextRequestAt: string|null},
 *   office: {hoursSet: boolean, open: boolean, nextOpening: string|null, timeZone: string|null, defaultWhenClosed: 'send_now'|'hold'},
 *   window: {applies: boolean, open: boolean, closesAt: string|null},
 *   templates: {sendable: boolean, list?: {name: string, language: string, text: string}[]}}} ComposerState
 */

const maxCompositionMs = 86_400_000;

/**
 * @param {HTMLElement} host
 * @param {{conversationId: string, contactName: () => string, onSent: () => void, onConsentChanged: () => void,
 *   onState?: (state: ComposerState) => void}} options
 */
export function createComposer(host, options) {
  const base = `/api/conversations/${encodeURIComponent(options.conversationId)}`;
  const textarea = /** @type {HTMLTextAreaElement} */ (
    h('textarea', { id: 'reply-text', name: 'text', rows: '3', maxlength: '4096', 'aria-describedby': 'composer-notice composer-error' })
  );
  let idempotencyKey = crypto.randomUUID();
  /** @type {number | null} */
  let firstKeyAt = null;
  let sending = false;
  let destroyed = false;
  /** @type {string|undefined} */
  let zone;
  textarea.addEventListener('input', () => {
    firstKeyAt ??= Date.now();
  });
  /** Files chosen for the next send (the attach button, a drop on the composer, an image pasted into the text). */
  /** @type {File[]} */
  let files = [];
  const maxFiles = 10;
  const fileList = h('ul', { class: 'chosen-files', 'aria-label': 'Files to send', 'aria-live': 'polite' });
  const fileInput = /** @type {HTMLInputElement} */ (h('input', { type: 'file', id: 'reply-files', multiple: true, class: 'visually-hidden' }));
  /** @param {Iterable<File>} added */
  function addFiles(added) {
    files = [...files, ...added].slice(0, maxFiles);
    drawFiles();
  }
  function drawFiles() {
    replace(
      fileList,
      files.map((file, index) =>
        h(
          'li',
          null,
          `${file.name} (${fileSize(file.size)})`,
          ' ',
          h('button', { type: 'button', class: 'link-button', 'aria-label': `Remove ${file.name}`, onclick: () => { files = files.filter((_, i) => i !== index); drawFiles(); } }, 'Remove'),
        ),
      ),
    );
  }
  fileInput.addEventListener('change', () => {
    addFiles(fileInput.files ?? []);
    fileInput.value = '';
  });
  textarea.addEventListener('paste', (event) => {
    const pasted = [...(event.clipboardData?.files ?? [])];
    if (pasted.length > 0) {
      event.preventDefault();
      addFiles(pasted);
    }
  });
  const error = h('p', { class: 'form-error', id: 'composer-error', role: 'alert' });

  /** @param {string} heading @param {...unknown} children */
  const gate = (heading, ...children) =>
    h('div', { class: 'composer gate', role: 'region', 'aria-labelledby': 'composer-title' }, h('h3', { id: 'composer-title' }, heading), ...children, error);

  /**
   * @param {'send_now'|'hold'|undefined} whenClosed
   * @param {HTMLElement[]} buttons
   * @param {{name: string, language: string}} [template] an approved template instead of the text
   */
  async function send(whenClosed, buttons, template) {
    const text = textarea.value.trim();
    const withFiles = !template && files.length > 0;
    if (!text && !template && !withFiles) {
      error.textContent = 'Write a message or attach a file first.';
      textarea.focus();
      return;
    }
    if (sending) return;
    sending = true;
    error.textContent = '';
    for (const button of buttons) button.setAttribute('disabled', '');
    try {
      const body = /** @type {Record<string, unknown>} */ (template ? { template, idempotencyKey } : { text, idempotencyKey });
      if (whenClosed) body.whenClosed = whenClosed;
      if (firstKeyAt !== null && !template) body.compositionMs = Math.min(maxCompositionMs, Math.max(0, Date.now() - firstKeyAt));
      let sent;
      if (withFiles) {
        // Text and files as one multipart send; the channel's limits are checked by the server, which names the file.
        const form = new FormData();
        for (const [name, value] of Object.entries(body)) form.set(name, String(value));
        if (!text) form.delete('text');
        for (const file of files) form.append('files', file, file.name);
        sent = await postForm(`${base}/messages`, form);
      } else {
        sent = await post(`${base}/messages`, body);
      }
      if (!template) {
        textarea.value = '';
        firstKeyAt = null;
        files = [];
        drawFiles();
      }
      idempotencyKey = crypto.randomUUID();
      announce(sent.heldUntil ? `Message held until ${dateTime(sent.heldUntil, zone)}.` : 'Message sent.');
      options.onSent();
    } catch (caught) {
      error.textContent = describeError(caught);
      // The gates moved under us (a STOP, the window closing): show them as they are now. The draft stays.
      if (caught instanceof ApiError && caught.status === 409) await refresh();
    } finally {
      sending = false;
      for (const button of buttons) button.removeAttribute('disabled');
    }
  }

  async function requestConsent(/** @type {HTMLElement} */ button) {
    button.setAttribute('disabled', '');
    error.textContent = '';
    try {
      await post(`${base}/consent-request`);
      announce('Consent request sent.');
      options.onSent();
      options.onConsentChanged();
    } catch (caught) {
      error.textContent = describeError(caught);
      button.removeAttribute('disabled');
    }
  }

  async function reviewRevocation(/** @type {'confirm'|'dismiss'} */ decision) {
    error.textContent = '';
    try {
      await post(`${base}/revocation`, { decision });
      announce(decision === 'confirm' ? 'Recorded as opted out.' : 'Kept as opted in.');
      options.onConsentChanged();
    } catch (caught) {
      error.textContent = describeError(caught);
    }
  }

  /** @param {ComposerState} state */
  function draw(state) {
    const name = options.contactName();
    const { consent, office } = state;
    zone = office.timeZone ?? undefined;
    if (!consent.mayReceive) {
      switch (consent.reason) {
        case 'no_contact':
          replace(host, gate('Replies are not available', h('p', null, 'This conversation has no single contact to reply to.')));
          return;
        case 'blocked':
          replace(host, gate('Contact blocked', h('p', null, `The firm blocked ${name}. Nothing is sent to this contact.`)));
          return;
        case 'opted_out':
          replace(host, gate('Opted out', h('p', null, `${name} opted out (STOP). Nothing may be sent until they opt in again by replying START.`)));
          return;
        case 'revocation_pending': {
          replace(
            host,
            gate(
              'Did the client ask us to stop?',
              h('p', null, `${name} may have asked to stop receiving messages. A person must decide before anything is sent.`),
              h(
                'div',
                { class: 'actions' },
                h('button', { type: 'button', class: 'danger', onclick: () => void reviewRevocation('confirm') }, 'Yes: record as opted out'),
                h('button', { type: 'button', class: 'secondary', onclick: () => void reviewRevocation('dismiss') }, 'No: keep consent'),
              ),
            ),
          );
          return;
        }
        default: {
          const sentBefore = consent.requestedAt !== null;
          const button = consent.nextRequestAt
            ? null
            : h(
                'button',
                { type: 'button', class: 'primary', id: 'send-consent-request', onclick: () => void requestConsent(/** @type {HTMLElement} */ (button)) },
                sentBefore ? 'Send the consent request again' : 'Send consent request',
              );
          replace(
            host,
            gate(
              'Consent needed before replying',
              h(
                'p',
                { id: 'composer-notice' },
                sentBefore
                  ? `A consent request was sent to ${name} ${dateTime(consent.requestedAt)}. Replies are possible once they answer YES.`
                  : `${name} has not agreed to be messaged here. Only the consent request may be sent.`,
              ),
              consent.nextRequestAt ? h('p', { class: 'hint' }, `It can be sent again from ${dateTime(consent.nextRequestAt)} (at most once a day).`) : null,
              button,
            ),
          );
          return;
        }
      }
    }

    if (state.window.applies && !state.window.open) {
      textarea.setAttribute('disabled', '');
      const templates = state.templates.sendable ? (state.templates.list ?? []) : [];
      const pick = /** @type {HTMLSelectElement} */ (
        h(
          'select',
          { id: 'template-pick', disabled: templates.length === 0 },
          templates.length === 0
            ? h('option', { value: '' }, 'None available here yet')
            : templates.map((t, index) => h('option', { value: String(index) }, `${t.name} (${t.language})`)),
        )
      );
      const preview = h('p', { class: 'template-preview', id: 'template-preview', 'aria-live': 'polite' }, templates[0]?.text ?? '');
      pick.addEventListener('change', () => {
        preview.textContent = templates[Number(pick.value)]?.text ?? '';
      });
      const sendTemplate = h('button', { type: 'button', class: 'primary' }, 'Send template');
      sendTemplate.addEventListener('click', () => {
        const chosen = templates[Number(pick.value)];
        if (chosen) void send(undefined, [sendTemplate], { name: chosen.name, language: chosen.language });
      });
      replace(
        host,
        gate(
          'WhatsApp window closed: template only',
          h(
            'p',
            { id: 'composer-notice' },
            state.window.closesAt
              ? `The 24-hour window closed ${dateTime(state.window.closesAt)}, one day after ${name}'s last message. Only an approved template can be sent now.`
              : `${name} has not written on WhatsApp yet, so only an approved template can be sent.`,
          ),
          h('label', { for: 'template-pick' }, 'Template'),
          pick,
          templates.length > 0 ? [preview, h('div', { class: 'actions' }, sendTemplate)] : null,
          h('label', { for: 'reply-text' }, 'Free text (not allowed now)'),
          textarea,
          templates.length === 0
            ? h('p', { class: 'hint' }, 'This account lists no approved WhatsApp templates. Call the client, or wait for them to write.')
            : null,
        ),
      );
      return;
    }

    textarea.removeAttribute('disabled');
    const closed = !office.open;
    const opening = office.nextOpening ? dateTime(office.nextOpening, office.timeZone ?? undefined) : null;
    /** @type {HTMLElement[]} */
    const buttons = [];
    if (closed) {
      const now = h('button', { type: 'submit', class: office.defaultWhenClosed === 'send_now' ? 'primary' : 'secondary', dataset: { when: 'send_now' } }, 'Send now');
      const hold = opening
        ? h('button', { type: 'submit', class: office.defaultWhenClosed === 'hold' ? 'primary' : 'secondary', dataset: { when: 'hold' } }, `Hold until ${opening}`)
        : null;
      buttons.push(now, ...(hold ? [hold] : []));
    } else {
      buttons.push(h('button', { type: 'submit', class: 'primary' }, 'Send'));
    }
    const form = h(
      'form',
      { class: 'composer', 'aria-label': 'Reply' },
      h('label', { for: 'reply-text', class: 'composer-label' }, `Reply to ${name}`),
      closed
        ? h(
            'p',
            { class: 'office-closed', id: 'composer-notice', role: 'status' },
            opening ? `The office is closed. It opens ${opening}. Send now, or hold the message until then.` : 'The office is closed.',
          )
        : h('p', { id: 'composer-notice', class: 'visually-hidden' }, 'Ctrl+Enter sends.'),
      textarea,
      fileList,
      error,
      h(
        'div',
        { class: 'actions' },
        fileInput,
        h('label', { for: 'reply-files', class: 'button secondary attach' }, 'Attach files'),
        ...buttons,
      ),
    );
    // Files dropped anywhere on the composer are attached.
    form.addEventListener('dragover', (event) => {
      if (event.dataTransfer?.types.includes('Files')) event.preventDefault();
    });
    form.addEventListener('drop', (event) => {
      const dropped = [...(event.dataTransfer?.files ?? [])];
      if (dropped.length === 0) return;
      event.preventDefault();
      addFiles(dropped);
    });
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      const submitter = /** @type {SubmitEvent} */ (event).submitter;
      const when = submitter instanceof HTMLElement ? submitter.dataset.when : undefined;
      void send(closed ? (when === 'hold' ? 'hold' : 'send_now') : undefined, buttons);
    });
    textarea.onkeydown = (event) => {
      if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
        event.preventDefault();
        // Ctrl+Enter does what the highlighted button does (while closed: the firm's default).
        const primary = buttons.find((b) => b.classList.contains('primary')) ?? buttons[0];
        primary?.click();
      }
    };
    const focused = document.activeElement === textarea;
    replace(host, form);
    if (focused) textarea.focus();
  }

  async function refresh() {
    try {
      const state = await get(`${base}/composer`);
      if (destroyed) return;
      draw(state);
      options.onState?.(state);
    } catch (caught) {
      if (!destroyed) replace(host, gate('The composer cannot be shown', h('p', null, describeError(caught))));
    }
  }

  return {
    refresh,
    destroy() {
      destroyed = true;
    },
  };
}
