// One conversation: its header, the thread (paged, newest at the bottom) and the composer.
import { api, describeError, get, patch, post } from './api.js';
import { announce, h, replace } from './dom.js';
import { consentBadge, conversationName, dateTime, fileSize } from './format.js';
import { createComposer } from './composer.js';

const pageSize = 30;

/**
 * @typedef {{id: string, direction: 'inbound'|'outbound', kind: string, purpose: string, text: string|null,
 *   editedText: string|null, deletedBySender: boolean, status: string, author: {id: string, name: string}|null,
 *   sentAt: string|null, capturedAt: string, scheduledFor: string|null, deliveredAt: string|null, readAt: string|null,
 *   failedAt: string|null, error: string|null, afterHours?: boolean,
 *   attachments: {id: string, fileName: string|null, mimeType: string, size: number|null, state: string}[]}} Message
 */

/** @type {Record<string, {label: string, mark: string}>} */
const statusMarks = {
  queued: { label: 'Queued', mark: '…' },
  sending: { label: 'Sending', mark: '…' },
  sent: { label: 'Sent', mark: '✓' },
  delivered: { label: 'Delivered', mark: '✓✓' },
  read: { label: 'Read', mark: '✓✓' },
  failed: { label: 'Failed', mark: '!' },
  cancelled: { label: 'Cancelled', mark: '✕' },
};

/** @type {Record<string, string>} */
const attachmentStates = { pending: 'not fetched yet', failed: 'could not be fetched' };

/** @param {{fileName: string|null, mimeType: string}} a */
const attachmentName = (a) => a.fileName ?? `Unnamed ${a.mimeType.split('/')[0] ?? 'file'}`;

/** A short type mark: the file's extension, else the kind of media. @param {{fileName: string|null, mimeType: string}} a */
function fileType(a) {
  const extension = /\.([a-z0-9]{1,5})$/i.exec(a.fileName ?? '')?.[1];
  return (extension ?? a.mimeType.split('/')[0] ?? 'file').toUpperCase();
}

/** @type {Record<string, string>} */
const purposeLabels = {
  consent_request: 'Consent request',
  consent_confirmed: 'Consent confirmation',
  opted_out: 'Opt-out confirmation',
  help: 'Help answer',
  after_hours: 'After-hours reply',
  back_open: 'Back-open note',
};

/**
 * @param {HTMLElement} pane
 * @param {{user: import('./session.js').User, detail: any, onRead: () => void, onConsentChanged: () => void}} options
 */
export function createThread(pane, options) {
  const { user } = options;
  let detail = options.detail;
  /** @type {Map<string, Message>} */
  const messages = new Map();
  /** @type {string|null} */
  let olderCursor = null;
  let destroyed = false;
  /** The firm's time zone (from the composer's hours): held messages go out at the firm's opening time. @type {string|undefined} */
  let firmZone;
  /** @type {Set<string>} messages being edited: a refresh must not throw away what is typed */
  const editing = new Set();

  const title = h('h2', { id: 'thread-title' });
  const subtitle = h('p', { class: 'thread-subtitle' });
  const header = h(
    'header',
    { class: 'thread-header' },
    h('a', { href: '/', class: 'back-link' }, '‹ Conversations'),
    h('div', { class: 'thread-heading' }, title, subtitle),
    h('a', { href: '#matter-pane', class: 'matter-link' }, 'Matter details'),
  );
  const older = h('button', { type: 'button', class: 'secondary older', hidden: true, onclick: () => void loadOlder() }, 'Load earlier messages');
  const list = h('ol', { class: 'messages', id: 'messages', 'aria-label': 'Messages' });
  const scroller = h('div', { class: 'thread-scroll', tabindex: '0', 'aria-label': 'Thread' }, older, list);
  const threadError = h('p', { class: 'form-error', role: 'alert' });
  const composerHost = h('div', { class: 'composer-host' });
  // An URGENT message after hours flagged for this person: said at the top until they acknowledge it.
  const attention = h('div', { class: 'attention' });
  replace(pane, header, attention, threadError, scroller, composerHost);

  async function drawAttention() {
    try {
      /** @type {{id: string, kind: string, conversationId: string|null, text: string|null}[]} */
      const flagged = await get('/api/notifications?unread=true');
      if (destroyed) return;
      const urgent = flagged.filter((n) => n.kind === 'urgent_after_hours' && n.conversationId === detail.id);
      replace(
        attention,
        urgent.map((n) =>
          h(
            'div',
            { class: 'urgent-banner', role: 'alert', dataset: { id: n.id } },
            h('strong', null, 'Urgent, after hours: '),
            n.text ? `“${n.text}”` : 'the client marked a message urgent.',
            ' ',
            h('button', { type: 'button', class: 'secondary', onclick: () => void acknowledge(n.id) }, 'Acknowledge'),
          ),
        ),
      );
    } catch {
      // The flag is also on the conversation list; the thread works without it.
    }
  }

  /** @param {string} id */
  async function acknowledge(id) {
    try {
      await post(`/api/notifications/${encodeURIComponent(id)}/acknowledge`, {});
      announce('Acknowledged.');
      window.dispatchEvent(new Event('matterline:attention-changed'));
      await drawAttention();
    } catch (error) {
      threadError.textContent = describeError(error);
    }
  }

  const composer = createComposer(composerHost, {
    conversationId: detail.id,
    contactName: () => conversationName(detail),
    onSent: () => void refresh({ toBottom: true }),
    onConsentChanged: () => options.onConsentChanged(),
    onState: (state) => {
      const zone = state.office.timeZone ?? undefined;
      if (zone !== firmZone) {
        firmZone = zone;
        draw();
      }
    },
  });

  function drawHeader() {
    title.textContent = conversationName(detail);
    const name = conversationName(detail);
    replace(
      subtitle,
      detail.contact?.address && detail.contact.address !== name ? detail.contact.address : detail.account.name,
      detail.matter ? ` · ${detail.matter.number} ${detail.matter.title}` : ' · Needs triage',
      ' · ',
      consentBadge(detail.contact?.blocked ? 'blocked' : detail.contact?.consentState),
    );
  }

  const nearBottom = () => scroller.scrollHeight - scroller.scrollTop - scroller.clientHeight < 80;
  const toBottom = () => {
    scroller.scrollTop = scroller.scrollHeight;
  };
  // A reader at the newest message stays there when the view gets smaller (the composer or a banner drawn, a phone's
  // keyboard), as in a chat app; one scrolled up stays where they are. Judged from the sizes alone: the view shrank
  // by `shrink`, so the reader was that much nearer the bottom before.
  let lastHeight = 0;
  new ResizeObserver(() => {
    const shrink = Math.max(0, lastHeight - scroller.clientHeight);
    lastHeight = scroller.clientHeight;
    if (scroller.scrollHeight - scroller.scrollTop - scroller.clientHeight - shrink < 80) toBottom();
  }).observe(scroller);

  /** @param {Message} m */
  function statusView(m) {
    if (m.direction !== 'outbound') return null;
    if (m.status === 'scheduled') {
      return h('span', { class: 'status scheduled', dataset: { status: 'scheduled' } }, `Scheduled for ${dateTime(m.scheduledFor, firmZone)}`);
    }
    // The process stopped while the provider answered: the client may well have it. Said in words, not as a failure.
    if (m.status === 'failed' && m.error?.startsWith('send_outcome_unknown')) {
      return h(
        'span',
        { class: 'status status-unknown', dataset: { status: 'unknown' }, title: m.error },
        h('span', { class: 'ticks', 'aria-hidden': 'true' }, '?'),
        m.error.includes('(sent again as') ? ' Not known whether it arrived; sent again' : ' Not known whether it arrived',
      );
    }
    const mark = statusMarks[m.status] ?? { label: m.status, mark: '' };
    return h(
      'span',
      { class: `status status-${m.status}`, dataset: { status: m.status }, title: m.error ?? mark.label },
      h('span', { class: 'ticks', 'aria-hidden': 'true' }, mark.mark),
      ` ${mark.label}`,
      m.status === 'failed' && m.error ? `: ${m.error}` : '',
    );
  }

  /** @param {Message} m */
  function heldActions(m) {
    if (m.status === 'failed' && m.error?.startsWith('send_outcome_unknown') && !m.error.includes('(sent again as')) {
      const mine = m.author ? m.author.id === user.id : user.role === 'admin';
      if (!mine) return null;
      return h('span', { class: 'held-actions' }, h('button', { type: 'button', class: 'link-button', onclick: () => void sendAgain(m) }, 'Send again'));
    }
    if (m.status !== 'scheduled' || (m.author?.id !== user.id && user.role !== 'admin')) return null;
    return h(
      'span',
      { class: 'held-actions' },
      h('button', { type: 'button', class: 'link-button', onclick: () => startEdit(m) }, 'Edit'),
      h('button', { type: 'button', class: 'link-button danger', onclick: () => void cancelHeld(m) }, 'Cancel send'),
    );
  }

  /** @param {Message} m */
  function messageView(m) {
    const body = m.deletedBySender
      ? h('p', { class: 'message-text deleted' }, 'The sender deleted this message.')
      : m.text || m.editedText
        ? h('p', { class: 'message-text' }, m.editedText ?? m.text ?? '')
        : null;
    const attachments =
      m.attachments.length > 0
        ? h(
            'ul',
            { class: 'attachments', 'aria-label': 'Attachments' },
            m.attachments.map((a) =>
              h(
                'li',
                { class: 'attachment', dataset: { state: a.state } },
                h('span', { class: 'attachment-type', 'aria-hidden': 'true' }, fileType(a)),
                a.state === 'stored'
                  ? h('a', { class: 'attachment-name', href: `/api/attachments/${encodeURIComponent(a.id)}`, download: a.fileName ?? '' }, attachmentName(a))
                  : h('span', { class: 'attachment-name' }, attachmentName(a)),
                h('span', { class: 'attachment-meta' }, [a.mimeType, fileSize(a.size), attachmentStates[a.state] ?? ''].filter(Boolean).join(' · ')),
              ),
            ),
          )
        : null;
    const who = m.direction === 'inbound' ? conversationName(detail) : (m.author?.name ?? purposeLabels[m.purpose] ?? 'Matterline');
    return h(
      'li',
      {
        class: `message ${m.direction}${m.afterHours ? ' after-hours' : ''}${m.status === 'scheduled' ? ' held' : ''}`,
        dataset: { id: m.id, status: m.status, direction: m.direction },
      },
      h('span', { class: 'visually-hidden' }, m.direction === 'inbound' ? `${who} wrote:` : `${who} sent:`),
      purposeLabels[m.purpose] ? h('span', { class: 'purpose' }, purposeLabels[m.purpose]) : null,
      body,
      attachments,
      h(
        'p',
        { class: 'message-meta' },
        m.direction === 'outbound' && m.author ? h('span', { class: 'author' }, m.author.name) : null,
        h('time', { datetime: m.sentAt ?? m.capturedAt }, dateTime(m.sentAt ?? m.capturedAt)),
        m.afterHours ? h('span', { class: 'badge after-hours-mark' }, 'After hours') : null,
        m.editedText ? h('span', { class: 'edited' }, 'edited') : null,
        statusView(m),
        heldActions(m),
      ),
    );
  }

  function draw() {
    const sorted = [...messages.values()].sort((a, b) => a.capturedAt.localeCompare(b.capturedAt) || a.id.localeCompare(b.id));
    const keep = new Map([...list.querySelectorAll('li.message.editing')].map((li) => [/** @type {HTMLElement} */ (li).dataset.id, li]));
    replace(
      list,
      sorted.map((m) => (editing.has(m.id) && keep.get(m.id)) || messageView(m)),
    );
    older.hidden = olderCursor === null;
    if (sorted.length === 0) list.append(h('li', { class: 'no-messages' }, 'No messages yet.'));
  }

  /** @param {{toBottom?: boolean}} [how] */
  async function refresh(how = {}) {
    const stick = how.toBottom || nearBottom();
    try {
      const page = await get(`/api/conversations/${encodeURIComponent(detail.id)}/messages?limit=${pageSize}`);
      if (destroyed) return [];
      /** @type {Message[]} */
      const items = page.items;
      const fresh = items.filter((m) => !messages.has(m.id));
      // More new messages than a page: what we hold no longer joins up with the newest page, so start again from it.
      if (messages.size === 0 || (fresh.length === items.length && page.nextCursor !== null)) {
        messages.clear();
        olderCursor = page.nextCursor;
      }
      for (const m of items) messages.set(m.id, m);
      threadError.textContent = '';
      draw();
      if (stick) toBottom();
      return fresh;
    } catch (error) {
      threadError.textContent = describeError(error);
      return [];
    }
  }

  async function loadOlder() {
    if (!olderCursor) return;
    const before = scroller.scrollHeight;
    try {
      const page = await get(`/api/conversations/${encodeURIComponent(detail.id)}/messages?limit=${pageSize}&cursor=${encodeURIComponent(olderCursor)}`);
      for (const m of page.items) messages.set(m.id, m);
      olderCursor = page.nextCursor;
      draw();
      // Keep the message that was at the top where it was.
      scroller.scrollTop = scroller.scrollHeight - before;
    } catch (error) {
      threadError.textContent = describeError(error);
    }
  }

  async function markRead() {
    try {
      await post(`/api/conversations/${encodeURIComponent(detail.id)}/read`);
      options.onRead();
    } catch {
      // Not marking read is harmless: the count stays until the next visit.
    }
  }

  /** @param {Message} m */
  function startEdit(m) {
    const li = list.querySelector(`li[data-id="${CSS.escape(m.id)}"]`);
    if (!li) return;
    editing.add(m.id);
    li.classList.add('editing');
    const fieldId = `edit-${m.id}`;
    const text = h('textarea', { id: fieldId, rows: '3', maxlength: '4096' });
    /** @type {HTMLTextAreaElement} */ (text).value = m.text ?? '';
    const error = h('p', { class: 'form-error', role: 'alert' });
    const done = () => {
      editing.delete(m.id);
      li.classList.remove('editing');
    };
    const form = h(
      'form',
      { class: 'edit-held' },
      h('label', { for: fieldId }, 'Edit the scheduled message'),
      text,
      error,
      h('button', { type: 'submit', class: 'primary' }, 'Save'),
      h('button', { type: 'button', class: 'secondary', onclick: () => { done(); draw(); } }, 'Keep as is'),
    );
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      try {
        await patch(`/api/messages/${encodeURIComponent(m.id)}`, { text: /** @type {HTMLTextAreaElement} */ (text).value });
        done();
        announce('Scheduled message changed.');
        await refresh();
      } catch (caught) {
        error.textContent = describeError(caught);
      }
    });
    li.append(form);
    text.focus();
  }

  /** @param {Message} m */
  async function sendAgain(m) {
    if (!window.confirm('It is not known whether this message reached the client. Send it again?')) return;
    try {
      await api('POST', `/api/messages/${encodeURIComponent(m.id)}/resend`, {});
      announce('Sent again.');
      await refresh();
    } catch (error) {
      threadError.textContent = describeError(error);
    }
  }

  /** @param {Message} m */
  async function cancelHeld(m) {
    if (!window.confirm('Cancel this scheduled message? It will not be sent.')) return;
    try {
      await api('POST', `/api/messages/${encodeURIComponent(m.id)}/cancel`, {});
      announce('Scheduled message cancelled.');
      await refresh();
    } catch (error) {
      threadError.textContent = describeError(error);
    }
  }

  /** @type {ReturnType<typeof setTimeout> | undefined} */
  let liveTimer;
  let pendingNew = false;
  let pendingProcessed = false;
  return {
    async load() {
      drawHeader();
      await Promise.all([refresh({ toBottom: true }), composer.refresh(), drawAttention()]);
      if (detail.unreadCount > 0) await markRead();
    },
    refresh,
    refreshComposer: () => composer.refresh(),
    /** @param {any} next */
    setDetail(next) {
      detail = next;
      drawHeader();
    },
    /** @param {string} type */
    onLiveEvent(type) {
      if (type === 'message.created') pendingNew = true;
      if (type === 'message.processed') pendingProcessed = true;
      clearTimeout(liveTimer);
      liveTimer = setTimeout(async () => {
        const created = pendingNew;
        const processed = pendingProcessed;
        pendingNew = false;
        pendingProcessed = false;
        const fresh = await refresh();
        const inbound = fresh.filter((m) => m.direction === 'inbound');
        if (inbound.length > 0) {
          const last = inbound[inbound.length - 1];
          announce(`New message from ${conversationName(detail)}: ${last?.text ?? 'an attachment'}`);
          if (document.visibilityState === 'visible') await markRead();
        }
        // A client's message can move consent (YES, STOP) and the WhatsApp window once it is processed: the gates
        // may have changed.
        if (created || processed) options.onConsentChanged();
      }, 120);
    },
    destroy() {
      destroyed = true;
      clearTimeout(liveTimer);
      composer.destroy();
    },
  };
}
