// The inbox: the conversation list (search, views, flags), the open conversation's thread and composer, and its
// matter sidebar, kept current by the live event stream (GET /api/events). Keyboard shortcuts are listed on "?".
import { useCallback, useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { announce } from '../announce.js';
import { ApiError, describeError, enc, get } from '../api.js';
import { conversationName } from '../format.js';
import { navigate } from '../router.js';
import { canTriage } from '../session.js';
import type { ConversationDetail, ConversationSummary, Page, User } from '../types.js';
import { ConversationList, type View } from './ConversationList.js';
import { desktopNotify } from './desktop-notifications.js';
import { ShortcutsDialog } from './ShortcutsDialog.js';
import { Sidebar } from './Sidebar.js';
import { Thread, type ThreadHandle } from './Thread.js';

/** The list's view and search, kept while conversations are opened from it. */
let remembered: { view: View; q: string } = { view: 'open', q: '' };

export type LiveEventType = 'message.created' | 'message.processed' | 'message.status' | 'conversation.updated';

export function InboxPage({ user, conversationId, triage }: { user: User; conversationId: string | null; triage: boolean }) {
  const triageAllowed = canTriage(user);
  if (triage) remembered = { ...remembered, view: 'triage' };
  else if (!conversationId && remembered.view === 'triage') remembered = { ...remembered, view: 'open' };
  if (!triageAllowed && remembered.view === 'triage') remembered = { ...remembered, view: 'open' };
  const [view, setViewState] = useState<View>(remembered.view);
  const [q, setQState] = useState(remembered.q);
  const [conversations, setConversations] = useState<ConversationSummary[]>([]);
  const [nextCursor, setNextCursor] = useState<string | null>(null);
  const [listError, setListError] = useState('');
  const [loaded, setLoaded] = useState(false);
  const [detail, setDetail] = useState<ConversationDetail | null>(null);
  const [detailError, setDetailError] = useState<{ missing: boolean; text: string } | null>(null);
  const [filed, setFiled] = useState<string | null>(null);
  const [live, setLive] = useState<'connected' | 'reconnecting' | 'connecting'>('connecting');
  const shortcutsDialog = useRef<HTMLDialogElement>(null);
  const showShortcuts = () => {
    if (!shortcutsDialog.current?.open) shortcutsDialog.current?.showModal();
  };
  const thread = useRef<ThreadHandle>(null);
  const previous = useRef<ConversationSummary[]>([]);

  // The view follows the address: /triage opens the triage view.
  useEffect(() => {
    if (triage && view !== 'triage') setViewState('triage');
  }, [triage]);

  const setView = (value: View) => {
    remembered = { ...remembered, view: value };
    setViewState(value);
    if (value === 'triage' && location.pathname !== '/triage' && !conversationId) navigate('/triage');
    else if (value !== 'triage' && location.pathname === '/triage') navigate('/');
  };
  const setQ = (value: string) => {
    remembered = { ...remembered, q: value };
    setQState(value);
  };

  // The list: read again on every change of view or search, and on live events (debounced).
  const loading = useRef(0);
  const loadList = useCallback(
    async (append = false, cursor: string | null = null) => {
      const ticket = ++loading.current;
      const params = new URLSearchParams({ limit: '50' });
      if (view === 'triage') params.set('triage', 'true');
      else if (view === 'unread') params.set('unread', 'true');
      else params.set('view', view);
      if (q.trim()) params.set('q', q.trim());
      if (append && cursor) params.set('cursor', cursor);
      try {
        const page = await get<Page<ConversationSummary>>(`/api/conversations?${params}`);
        if (ticket !== loading.current) return;
        setListError('');
        setConversations((before) => (append ? [...before, ...page.items] : page.items));
        setNextCursor(page.nextCursor);
        setLoaded(true);
      } catch (error) {
        if (ticket === loading.current) setListError(describeError(error));
      }
    },
    [view, q],
  );
  useEffect(() => {
    const timer = setTimeout(() => void loadList(), q ? 250 : 0);
    return () => clearTimeout(timer);
  }, [loadList]);

  // What is new elsewhere: said once to screen readers, and on the desktop when the person turned that on.
  useEffect(() => {
    const before = previous.current;
    previous.current = conversations;
    if (before.length === 0) return;
    const counts = new Map(before.map((c) => [c.id, c]));
    const grown = conversations.filter((c) => c.unreadCount > (counts.get(c.id)?.unreadCount ?? 0) && (c.id !== conversationId || document.hidden));
    const urgent = conversations.filter((c) => c.attention?.urgent && !counts.get(c.id)?.attention?.urgent);
    for (const c of urgent) desktopNotify(`Urgent: ${conversationName(c)}`, c.lastMessage?.text ?? 'An urgent message after hours', c.id);
    for (const c of grown.filter((g) => !urgent.includes(g))) desktopNotify(`New message from ${conversationName(c)}`, c.lastMessage?.text ?? 'A new message', c.id);
    const elsewhere = grown.filter((c) => c.id !== conversationId);
    if (elsewhere.length === 1 && elsewhere[0]) announce(`New message from ${conversationName(elsewhere[0])}.`);
    else if (elsewhere.length > 1) announce(`New messages in ${elsewhere.length} conversations.`);
  }, [conversations]);

  // The tab's title: the page's, with the unread total in front, so that it shows from another tab too.
  const unreadTotal = conversations.reduce((sum, c) => sum + c.unreadCount, 0);
  const pageTitle = detailError ? 'Not found' : detail ? conversationName(detail) : view === 'triage' ? 'Triage' : 'Inbox';
  useEffect(() => {
    document.title = `${unreadTotal > 0 ? `(${unreadTotal}) ` : ''}${pageTitle} – Matterline`;
  }, [unreadTotal, pageTitle]);

  // The open conversation.
  const loadDetail = useCallback(async () => {
    if (!conversationId) return null;
    try {
      const found = await get<ConversationDetail>(`/api/conversations/${enc(conversationId)}`);
      setDetail(found);
      setDetailError(null);
      return found;
    } catch (error) {
      const missing = error instanceof ApiError && error.status === 404;
      setDetail(null);
      setDetailError({ missing, text: describeError(error) });
      return null;
    }
  }, [conversationId]);
  useEffect(() => {
    setDetail(null);
    setDetailError(null);
    setFiled(null);
    void loadDetail();
  }, [loadDetail]);

  const refreshAll = useCallback(() => {
    void loadDetail();
    void loadList();
  }, [loadDetail, loadList]);

  // Live updates: the stream says what changed; the record is read again (a reconnect replays nothing).
  const listTimer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const handlers = useRef({ loadList, loadDetail, conversationId });
  handlers.current = { loadList, loadDetail, conversationId };
  useEffect(() => {
    const events = new EventSource('/api/events');
    const scheduleList = () => {
      clearTimeout(listTimer.current);
      listTimer.current = setTimeout(() => void handlers.current.loadList(), 250);
    };
    const onEvent = (event: MessageEvent<string>) => {
      let data: { conversationId?: string };
      try {
        data = JSON.parse(event.data) as { conversationId?: string };
      } catch {
        return;
      }
      scheduleList();
      if (data.conversationId && data.conversationId === handlers.current.conversationId) {
        const type = event.type as LiveEventType;
        if (type === 'conversation.updated') void handlers.current.loadDetail();
        thread.current?.onLiveEvent(type);
      }
    };
    for (const type of ['message.created', 'message.processed', 'message.status', 'conversation.updated']) {
      events.addEventListener(type, onEvent as EventListener);
    }
    // The session ended (signed out elsewhere, disabled, reset, expired): nothing more arrives; sign in again.
    events.addEventListener('session.ended', () => {
      events.close();
      location.assign('/sign-in');
    });
    let wasOpen = false;
    events.addEventListener('open', () => {
      if (wasOpen) {
        scheduleList();
        thread.current?.refresh();
      }
      wasOpen = true;
      setLive('connected');
    });
    events.addEventListener('error', () => setLive('reconnecting'));
    return () => {
      events.close();
      clearTimeout(listTimer.current);
    };
  }, []);

  // Keyboard: j/k (or Alt+↓/↑) next and previous conversation, r the composer, / the search, ? the list of keys.
  const ids = useMemo(() => conversations.map((c) => c.id), [conversations]);
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      const typing = event.target instanceof HTMLElement && (event.target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(event.target.tagName));
      const step = (by: number) => {
        const at = conversationId ? ids.indexOf(conversationId) : -1;
        const next = ids[Math.min(ids.length - 1, Math.max(0, at + by))];
        if (next && next !== conversationId) navigate(`/inbox/${next}`);
        event.preventDefault();
      };
      if (event.altKey && !event.ctrlKey && !event.metaKey && (event.key === 'ArrowDown' || event.key === 'ArrowUp')) return step(event.key === 'ArrowDown' ? 1 : -1);
      if (typing || event.ctrlKey || event.metaKey || event.altKey || shortcutsDialog.current?.open) return;
      if (event.key === 'j') step(1);
      else if (event.key === 'k') step(-1);
      else if (event.key === 'r') {
        event.preventDefault();
        thread.current?.focusComposer();
      } else if (event.key === '/') {
        event.preventDefault();
        document.getElementById('conversation-search')?.focus();
      } else if (event.key === '?') {
        event.preventDefault();
        showShortcuts();
      }
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, [ids, conversationId]);

  const onRead = () => setConversations((list) => list.map((c) => (c.id === conversationId && c.unreadCount > 0 ? { ...c, unreadCount: 0 } : c)));

  /** Filed by triage: staff who are not on the matter no longer see the conversation. */
  const onFiled = async (matter: string) => {
    const found = await loadDetail();
    if (!found) {
      setDetailError(null);
      setFiled(matter);
    }
    void loadList();
  };

  return (
    <div class="inbox" data-open={conversationId ? 'true' : 'false'} data-live={live}>
      <ConversationList
        user={user}
        conversations={conversations}
        openId={conversationId}
        view={view}
        onView={setView}
        q={q}
        onQ={setQ}
        loaded={loaded}
        error={listError}
        hasMore={nextCursor !== null}
        onMore={() => void loadList(true, nextCursor)}
        onShortcuts={showShortcuts}
      />
      <section class="thread-pane" aria-labelledby="thread-title">
        {!conversationId ? (
          <div class="empty-thread">
            <h2 id="thread-title">No conversation open</h2>
            <p>Pick a conversation from the list. Press ? for the keyboard shortcuts.</p>
          </div>
        ) : filed ? (
          <div class="empty-thread">
            <h2 id="thread-title">Filed</h2>
            <p role="status">Filed under {filed}. From now on the matter’s team handles this conversation.</p>
            <p>
              <a href="/triage">Back to triage</a>
            </p>
          </div>
        ) : detailError ? (
          <div class="empty-thread not-found">
            <h2 id="thread-title">{detailError.missing ? 'Conversation not found' : 'This conversation cannot be shown'}</h2>
            <p>{detailError.missing ? 'It does not exist, or you do not have access to it.' : detailError.text}</p>
            <p>
              <a href="/">Back to the inbox</a>
            </p>
          </div>
        ) : detail ? (
          <Thread key={detail.id} handle={thread} user={user} detail={detail} onRead={onRead} onChanged={refreshAll} />
        ) : (
          <p class="loading">Loading…</p>
        )}
      </section>
      <aside class="matter-pane" aria-labelledby="matter-title" id="matter-pane" tabindex={-1}>
        {detail && !filed ? (
          <Sidebar user={user} detail={detail} onChanged={refreshAll} onFiled={(m) => void onFiled(m)} />
        ) : (
          <h2 id="matter-title" class="visually-hidden">
            Matter
          </h2>
        )}
      </aside>
      <ShortcutsDialog dialog={shortcutsDialog} />
    </div>
  );
}
