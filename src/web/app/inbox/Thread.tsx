// One conversation: its header (who, matter, assignee, done, snooze), what is urgent, the thread (paged, newest at
// the bottom, internal notes among the messages) and the composer.
import type { RefObject } from 'preact';
import { useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks';
import { announce } from '../announce.js';
import { describeError, enc, get, post } from '../api.js';
import { conversationName } from '../format.js';
import type { ConversationDetail, Message, Note, Notification, Page, User } from '../types.js';
import { Composer, type ComposerHandle } from './Composer.js';
import { ConsentBadge } from './ConversationList.js';
import type { LiveEventType } from './InboxPage.js';
import { MessageItem, NoteItem } from './MessageItem.js';
import { WorkControls } from './WorkControls.js';

const pageSize = 30;

const accountStates: Record<string, string> = {
  linking: 'is waiting to be linked (the admin scans its QR code)',
  connecting: 'is connecting',
  disconnected: 'is offline; it reconnects on its own',
  logged_out: 'was logged out on the phone: the admin must link it again',
  banned: 'was banned by the provider: the admin must act',
  rate_limited: 'is rate-limited by the provider for a while',
  paused: 'is paused by the firm\'s admin',
  needs_attention: 'needs the admin\'s attention',
};

/** Why replies wait, in words, while the conversation's channel account is not connected. */
function accountWaiting(account: { name: string; state: string }): string {
  return `The ${account.name} account ${accountStates[account.state] ?? `is ${account.state}`}. Replies are kept and wait until it is connected again.`;
}

export interface ThreadHandle {
  onLiveEvent(type: LiveEventType): void;
  refresh(): void;
  focusComposer(): void;
}

interface Props {
  user: User;
  detail: ConversationDetail;
  handle: RefObject<ThreadHandle | null>;
  onRead: () => void;
  onChanged: () => void;
}

export function Thread({ user, detail, handle, onRead, onChanged }: Props) {
  const [messages, setMessages] = useState<Map<string, Message>>(new Map());
  const [notes, setNotes] = useState<Note[]>([]);
  const [olderCursor, setOlderCursor] = useState<string | null>(null);
  const [error, setError] = useState('');
  const [urgent, setUrgent] = useState<Notification[]>([]);
  const [firmZone, setFirmZone] = useState<string | undefined>(undefined);
  const scroller = useRef<HTMLDivElement>(null);
  const composer = useRef<ComposerHandle>(null);
  const stickToBottom = useRef(true);
  const keepFromBottom = useRef<number | null>(null);
  const name = conversationName(detail);
  const base = `/api/conversations/${enc(detail.id)}`;

  const nearBottom = () => {
    const s = scroller.current;
    return !s || s.scrollHeight - s.scrollTop - s.clientHeight < 80;
  };

  async function refresh(how: { toBottom?: boolean } = {}): Promise<Message[]> {
    stickToBottom.current = Boolean(how.toBottom) || nearBottom();
    try {
      const [page, noteList] = await Promise.all([get<Page<Message>>(`${base}/messages?limit=${pageSize}`), get<{ items: Note[] }>(`${base}/notes`)]);
      let fresh: Message[] = [];
      setMessages((held) => {
        fresh = page.items.filter((m) => !held.has(m.id));
        // More new messages than a page: what we hold no longer joins up with the newest page, so start again.
        const restart = held.size === 0 || (fresh.length === page.items.length && page.nextCursor !== null);
        const next = new Map(restart ? [] : held);
        if (restart) setOlderCursor(page.nextCursor);
        for (const m of page.items) next.set(m.id, m);
        return next;
      });
      setNotes(noteList.items);
      setError('');
      return fresh;
    } catch (caught) {
      setError(describeError(caught));
      return [];
    }
  }

  async function loadOlder() {
    if (!olderCursor || !scroller.current) return;
    keepFromBottom.current = scroller.current.scrollHeight - scroller.current.scrollTop;
    try {
      const page = await get<Page<Message>>(`${base}/messages?limit=${pageSize}&cursor=${enc(olderCursor)}`);
      setMessages((held) => {
        const next = new Map(held);
        for (const m of page.items) next.set(m.id, m);
        return next;
      });
      setOlderCursor(page.nextCursor);
    } catch (caught) {
      setError(describeError(caught));
    }
  }

  async function drawAttention() {
    try {
      const flagged = await get<Notification[]>('/api/notifications?unread=true');
      setUrgent(flagged.filter((n) => n.kind === 'urgent_after_hours' && n.conversationId === detail.id));
    } catch {
      // The flag is also on the conversation list; the thread works without it.
    }
  }

  async function acknowledge(id: string) {
    try {
      await post(`/api/notifications/${enc(id)}/acknowledge`, {});
      announce('Acknowledged.');
      onChanged();
      await drawAttention();
    } catch (caught) {
      setError(describeError(caught));
    }
  }

  async function markRead() {
    try {
      await post(`${base}/read`);
      onRead();
    } catch {
      // Not marking read is harmless: the count stays until the next visit.
    }
  }

  // First load: the newest page at the bottom, the gates, the flags; then read.
  useEffect(() => {
    void (async () => {
      await Promise.all([refresh({ toBottom: true }), drawAttention()]);
      if (detail.unreadCount > 0) await markRead();
    })();
  }, []);

  // After each draw: keep a reader at the newest message, or keep the message that was at the top where it was.
  useLayoutEffect(() => {
    const s = scroller.current;
    if (!s) return;
    if (keepFromBottom.current !== null) {
      s.scrollTop = s.scrollHeight - keepFromBottom.current;
      keepFromBottom.current = null;
    } else if (stickToBottom.current) {
      s.scrollTop = s.scrollHeight;
    }
  }, [messages, notes]);

  // A reader at the newest message stays there when the view gets smaller (the composer or a banner drawn, a
  // phone's keyboard), judged from the sizes alone.
  useEffect(() => {
    const s = scroller.current;
    if (!s) return;
    let lastHeight = s.clientHeight;
    const observer = new ResizeObserver(() => {
      const shrink = Math.max(0, lastHeight - s.clientHeight);
      lastHeight = s.clientHeight;
      if (s.scrollHeight - s.scrollTop - s.clientHeight - shrink < 80) s.scrollTop = s.scrollHeight;
    });
    observer.observe(s);
    return () => observer.disconnect();
  }, []);

  // Live events for this conversation, a few at a time.
  const pending = useRef({ created: false, processed: false, timer: undefined as ReturnType<typeof setTimeout> | undefined });
  handle.current = {
    onLiveEvent(type) {
      const p = pending.current;
      if (type === 'message.created') p.created = true;
      if (type === 'message.processed') p.processed = true;
      clearTimeout(p.timer);
      p.timer = setTimeout(async () => {
        const created = p.created;
        const processed = p.processed;
        p.created = false;
        p.processed = false;
        const fresh = await refresh();
        const inbound = fresh.filter((m) => m.direction === 'inbound');
        const last = inbound[inbound.length - 1];
        if (last) {
          announce(`New message from ${name}: ${last.text ?? 'an attachment'}`);
          if (document.visibilityState === 'visible') await markRead();
        }
        // A client's message can move consent (YES, STOP), the WhatsApp window and the flags once processed.
        if (created || processed || type === 'conversation.updated') {
          composer.current?.refresh();
          void drawAttention();
        }
        if (processed) onChanged();
      }, 120);
    },
    refresh: () => void refresh(),
    focusComposer: () => composer.current?.focus(),
  };
  useEffect(() => () => clearTimeout(pending.current.timer), []);

  const items = [
    ...[...messages.values()].map((m) => ({ at: m.capturedAt, id: m.id, message: m })),
    ...notes.map((n) => ({ at: n.createdAt, id: n.id, note: n })),
  ].sort((a, b) => a.at.localeCompare(b.at) || a.id.localeCompare(b.id));

  return (
    <>
      <header class="thread-header">
        <a href="/" class="back-link">
          ‹ Conversations
        </a>
        <div class="thread-heading">
          <h2 id="thread-title">{name}</h2>
          <p class="thread-subtitle">
            {detail.contact?.address && detail.contact.address !== name ? detail.contact.address : detail.account.name}
            {detail.matter ? ` · ${detail.matter.number} ${detail.matter.title}` : ' · Needs triage'}
            {' · '}
            <ConsentBadge state={detail.contact?.blocked ? 'blocked' : detail.contact?.consentState} />
            {detail.contact?.revocationPending ? (
              <>
                {' '}
                <a class="badge urgent" href="#composer-title">
                  Asked to stop? Confirm or dismiss
                </a>
              </>
            ) : null}
          </p>
        </div>
        <a href="#matter-pane" class="matter-link">
          Matter details
        </a>
      </header>
      <WorkControls user={user} detail={detail} onChanged={onChanged} />
      {detail.account.state !== 'connected' ? (
        <p class="account-waiting" role="status">
          {accountWaiting(detail.account)}
        </p>
      ) : null}
      <div class="attention">
        {urgent.map((n) => (
          <div class="urgent-banner" role="alert" data-id={n.id} key={n.id}>
            <strong>Urgent, after hours: </strong>
            {n.text ? `“${n.text}”` : 'the client marked a message urgent.'}{' '}
            <button type="button" class="secondary" onClick={() => void acknowledge(n.id)}>
              Acknowledge
            </button>
          </div>
        ))}
      </div>
      <p class="form-error" role="alert">
        {error}
      </p>
      <div class="thread-scroll" ref={scroller} tabindex={0} role="log" aria-label={`Messages with ${name}`}>
        {olderCursor ? (
          <button type="button" class="secondary older" onClick={() => void loadOlder()}>
            Load earlier messages
          </button>
        ) : null}
        <ol class="messages" id="messages" aria-label="Messages">
          {items.length === 0 ? <li class="no-messages">No messages yet.</li> : null}
          {items.map((item) =>
            'message' in item && item.message ? (
              <MessageItem
                key={item.id}
                user={user}
                message={item.message}
                contactName={name}
                firmZone={firmZone}
                onChanged={() => void refresh()}
                onError={setError}
                onComposer={() => composer.current?.focus()}
              />
            ) : 'note' in item && item.note ? (
              <NoteItem key={item.id} note={item.note} />
            ) : null,
          )}
        </ol>
      </div>
      <div class="composer-host">
        <Composer
          handle={composer}
          conversationId={detail.id}
          contactName={name}
          onSent={() => void refresh({ toBottom: true })}
          onConsentChanged={onChanged}
          onZone={setFirmZone}
          gatesKey={JSON.stringify([detail.contact, detail.matter?.id])}
        />
      </div>
    </>
  );
}
