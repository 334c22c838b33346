// The inbox page: the conversation list, the open conversation's thread and composer, and its matter sidebar, kept
// current by the live event stream (GET /api/events).
import { ApiError, describeError, get } from './api.js';
import { announce, h, replace } from './dom.js';
import { consentBadge, conversationName, shortTime } from './format.js';
import { onLeave } from './nav.js';
import { canTriage } from './session.js';
import { drawSidebar } from './sidebar.js';
import { createThread } from './thread.js';

/**
 * @typedef {{id: string, title: string|null, contact: {address: string|null, displayName: string|null, consentState: string|null},
 *   matter: {id: string, number: string, title: string}|null, needsTriage: boolean, privilegeRisk: boolean,
 *   lastMessageAt: string|null, unreadCount: number, attention?: {urgent: boolean, revocationPending: boolean, blocked: boolean},
 *   lastMessage?: {direction: 'inbound'|'outbound', kind: string, text: string|null, files: number}|null}} ConversationSummary
 */

/** @type {Record<string, string>} */
const kindLabels = { image: 'Photo', video: 'Video', audio: 'Voice message', document: 'Document', sticker: 'Sticker', location: 'Location', contacts: 'Contact', template: 'Template', unsupported: 'Message' };

/** The list's filter, kept while conversations are opened from it. @type {'all'|'unread'|'triage'} */
let rememberedFilter = 'all';

/**
 * @param {HTMLElement} main
 * @param {import('./session.js').User} user
 * @param {{conversationId: string|null, triage: boolean}} options
 */
export function showInbox(main, user, options) {
  const triageAllowed = canTriage(user);
  if (options.triage) rememberedFilter = 'triage';
  else if (!options.conversationId && rememberedFilter === 'triage') rememberedFilter = 'all';
  if (!triageAllowed && rememberedFilter === 'triage') rememberedFilter = 'all';
  /** @type {'all'|'unread'|'triage'} */
  let filter = rememberedFilter;
  /** @type {ConversationSummary[]} */
  let conversations = [];
  /** @type {string|null} */
  let nextCursor = null;
  const openId = options.conversationId;

  const listTitle = h('h1', { id: 'list-title' }, filter === 'triage' ? 'Triage' : 'Inbox');
  const list = h('ul', { class: 'conversation-list', id: 'conversation-list', 'aria-labelledby': 'list-title' });
  const listStatus = h('p', { class: 'list-status', role: 'status' });
  const more = h('button', { type: 'button', class: 'secondary', hidden: true, onclick: () => void loadList(true) }, 'Load more conversations');
  const filters = h('div', { class: 'filters', role: 'group', 'aria-label': 'Show' });
  const filterButton = (/** @type {'all'|'unread'|'triage'} */ value, /** @type {string} */ label) =>
    h('button', { type: 'button', 'aria-pressed': String(filter === value), dataset: { filter: value }, onclick: () => setFilter(value) }, label);
  const drawFilters = () =>
    replace(filters, filterButton('all', 'All'), filterButton('unread', 'Unread'), triageAllowed ? filterButton('triage', 'Needs triage') : null);

  const listPane = h('section', { class: 'list-pane', 'aria-labelledby': 'list-title' }, listTitle, filters, listStatus, list, more);
  const threadPane = h('section', { class: 'thread-pane', 'aria-labelledby': 'thread-title' });
  const sidePane = h('aside', { class: 'matter-pane', 'aria-labelledby': 'matter-title', id: 'matter-pane', tabindex: '-1' });
  const layout = h('div', { class: 'inbox', dataset: { open: openId ? 'true' : 'false' } }, listPane, threadPane, sidePane);
  replace(main, layout);
  // The tab's title: the page's, with the unread total in front, so that it shows from another tab too.
  let titleBase = 'Inbox – Matterline';
  let unreadTotal = 0;
  /** @param {string} base */
  function setTitle(base) {
    titleBase = base;
    document.title = unreadTotal > 0 ? `(${unreadTotal}) ${base}` : base;
  }
  setTitle(`${filter === 'triage' ? 'Triage' : 'Inbox'} – Matterline`);

  /** @param {'all'|'unread'|'triage'} value */
  function setFilter(value) {
    filter = value;
    rememberedFilter = value;
    listTitle.textContent = value === 'triage' ? 'Triage' : 'Inbox';
    drawFilters();
    void loadList(false);
  }

  /** The newest message in a line: "You: …" for the firm's, the text, else what it is ("Document", "2 files"). */
  function preview(/** @type {NonNullable<ConversationSummary['lastMessage']>} */ m) {
    const what = m.text ?? (m.files > 1 ? `${m.files} files` : (kindLabels[m.kind] ?? 'Message'));
    return m.direction === 'outbound' ? `You: ${what}` : what;
  }

  function drawList() {
    replace(
      list,
      conversations.map((c) => {
        const name = conversationName(c);
        const consent = c.contact.consentState;
        const unread = c.unreadCount > 0;
        return h(
          'li',
          { class: `conversation${unread ? ' unread' : ''}${c.id === openId ? ' current' : ''}`, dataset: { id: c.id } },
          h(
            'a',
            { href: `/conversations/${c.id}`, 'aria-current': c.id === openId ? 'page' : undefined },
            h('span', { class: 'conversation-name' }, name),
            h('span', { class: 'conversation-time' }, shortTime(c.lastMessageAt)),
            c.lastMessage ? h('span', { class: 'conversation-preview' }, preview(c.lastMessage)) : null,
            h(
              'span',
              { class: 'conversation-meta' },
              c.matter ? h('span', { class: 'matter-number' }, c.matter.number) : h('span', { class: 'badge triage' }, 'Needs triage'),
              // What must not stay quiet: an urgent message after hours, a client who may have asked to stop, a block.
              c.attention?.urgent ? h('span', { class: 'badge urgent' }, 'Urgent') : null,
              c.attention?.revocationPending ? h('span', { class: 'badge urgent' }, 'Asked to stop?') : null,
              c.attention?.blocked ? h('span', { class: 'badge consent consent-opted_out' }, 'Blocked') : consentBadge(consent),
              c.privilegeRisk ? h('span', { class: 'badge warning' }, 'Privilege risk') : null,
            ),
            unread
              ? h('span', { class: 'unread-count' }, h('span', { 'aria-hidden': 'true' }, String(c.unreadCount)), h('span', { class: 'visually-hidden' }, `${c.unreadCount} unread`))
              : null,
          ),
        );
      }),
    );
    // The tab says how much is unread, so it shows from another tab too.
    unreadTotal = conversations.reduce((sum, c) => sum + c.unreadCount, 0);
    setTitle(titleBase);
    listStatus.textContent = conversations.length === 0 ? (filter === 'triage' ? 'Nothing waits for triage.' : 'No conversations.') : '';
    more.hidden = nextCursor === null;
  }

  /**
   * A client wrote in a conversation that is not open: say so once (the open one announces its own messages).
   * @param {ConversationSummary[]} before @param {ConversationSummary[]} after
   */
  function announceNewElsewhere(before, after) {
    if (before.length === 0) return;
    const counts = new Map(before.map((c) => [c.id, c.unreadCount]));
    const grown = after.filter((c) => c.id !== openId && c.unreadCount > (counts.get(c.id) ?? 0));
    if (grown.length === 1 && grown[0]) announce(`New message from ${conversationName(grown[0])}.`);
    else if (grown.length > 1) announce(`New messages in ${grown.length} conversations.`);
  }

  let listLoading = 0;
  /** @param {boolean} append */
  async function loadList(append) {
    const ticket = ++listLoading;
    const params = new URLSearchParams({ limit: '50' });
    if (filter === 'unread') params.set('unread', 'true');
    if (filter === 'triage') params.set('triage', 'true');
    if (append && nextCursor) params.set('cursor', nextCursor);
    try {
      const page = await get(`/api/conversations?${params}`);
      if (ticket !== listLoading) return;
      if (!append) announceNewElsewhere(conversations, page.items);
      conversations = append ? [...conversations, ...page.items] : page.items;
      nextCursor = page.nextCursor;
      drawList();
    } catch (error) {
      listStatus.textContent = describeError(error);
    }
  }

  /** @type {ReturnType<typeof createThread> | null} */
  let thread = null;

  async function openConversation() {
    if (!openId) {
      replace(
        threadPane,
        h('div', { class: 'empty-thread' }, h('h2', { id: 'thread-title' }, 'No conversation open'), h('p', null, 'Pick a conversation from the list.')),
      );
      replace(sidePane, h('h2', { id: 'matter-title', class: 'visually-hidden' }, 'Matter'));
      return;
    }
    let detail;
    try {
      detail = await get(`/api/conversations/${encodeURIComponent(openId)}`);
    } catch (error) {
      const missing = error instanceof ApiError && error.status === 404;
      setTitle('Not found – Matterline');
      replace(
        threadPane,
        h(
          'div',
          { class: 'empty-thread not-found' },
          h('h2', { id: 'thread-title' }, missing ? 'Conversation not found' : 'This conversation cannot be shown'),
          h('p', null, missing ? 'It does not exist, or you do not have access to it.' : describeError(error)),
          h('p', null, h('a', { href: '/' }, 'Back to the inbox')),
        ),
      );
      replace(sidePane, h('h2', { id: 'matter-title', class: 'visually-hidden' }, 'Matter'));
      return;
    }
    setTitle(`${conversationName(detail)} – Matterline`);
    thread = createThread(threadPane, {
      user,
      detail,
      onRead: () => {
        const summary = conversations.find((c) => c.id === openId);
        if (summary && summary.unreadCount > 0) {
          summary.unreadCount = 0;
          drawList();
        }
      },
      onConsentChanged: () => void refreshDetail(),
    });
    await thread.load();
    drawSidebar(sidePane, sidebarOptions(detail));
  }

  /** @param {any} detail */
  const sidebarOptions = (detail) => ({ user, detail, onChanged: () => void refreshDetail(), onFiled: (/** @type {string} */ matter) => void filed(matter) });

  /** Filed by triage: staff who are not on the matter no longer see the conversation. @param {string} matter */
  async function filed(matter) {
    if (!openId) return;
    try {
      await get(`/api/conversations/${encodeURIComponent(openId)}`);
    } catch (error) {
      if (!(error instanceof ApiError && error.status === 404)) throw error;
      thread?.destroy();
      thread = null;
      replace(
        threadPane,
        h(
          'div',
          { class: 'empty-thread' },
          h('h2', { id: 'thread-title' }, 'Filed'),
          h('p', { role: 'status' }, `Filed under ${matter}. From now on the matter’s team handles this conversation.`),
          h('p', null, h('a', { href: '/triage' }, 'Back to triage')),
        ),
      );
      replace(sidePane, h('h2', { id: 'matter-title', class: 'visually-hidden' }, 'Matter'));
      void loadList(false);
      return;
    }
    await refreshDetail();
  }

  async function refreshDetail() {
    if (!openId || !thread) return;
    try {
      const detail = await get(`/api/conversations/${encodeURIComponent(openId)}`);
      thread.setDetail(detail);
      await thread.refreshComposer();
      drawSidebar(sidePane, sidebarOptions(detail));
      void loadList(false);
    } catch (error) {
      announce(describeError(error));
    }
  }

  // Live updates: the stream says what changed; the record is read again (a reconnect replays nothing).
  /** @type {ReturnType<typeof setTimeout> | undefined} */
  let listTimer;
  const scheduleList = () => {
    clearTimeout(listTimer);
    listTimer = setTimeout(() => void loadList(false), 250);
  };
  const events = new EventSource('/api/events');
  /** @param {MessageEvent} event */
  const onEvent = (event) => {
    let data;
    try {
      data = JSON.parse(event.data);
    } catch {
      return;
    }
    scheduleList();
    if (thread && data.conversationId === openId) thread.onLiveEvent(event.type, data);
  };
  events.addEventListener('message.created', onEvent);
  events.addEventListener('message.processed', onEvent);
  events.addEventListener('message.status', onEvent);
  // The session ended (signed out elsewhere, disabled, reset, expired): nothing more arrives; sign in again.
  events.addEventListener('session.ended', () => {
    events.close();
    location.assign('/sign-in');
  });
  let wasOpen = false;
  events.addEventListener('open', () => {
    // After a reconnect nothing is replayed: read the record again.
    if (wasOpen) {
      scheduleList();
      void thread?.refresh();
    }
    wasOpen = true;
    layout.dataset.live = 'connected';
  });
  events.addEventListener('error', () => {
    layout.dataset.live = 'reconnecting';
  });

  // An acknowledgement in the open thread changes the list's flags.
  const onAttention = () => void loadList(false);
  window.addEventListener('matterline:attention-changed', onAttention);
  onLeave(() => {
    events.close();
    clearTimeout(listTimer);
    thread?.destroy();
    window.removeEventListener('matterline:attention-changed', onAttention);
  });

  drawFilters();
  void loadList(false);
  void openConversation();
}
