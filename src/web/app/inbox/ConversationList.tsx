// The list pane: search, the views a person works by, and each conversation with its newest message, its time, its
// unread count and what must not stay quiet (urgent, asked to stop, blocked, opted out).
import { conversationName, consentLabel, shortTime } from '../format.js';
import { canTriage } from '../session.js';
import type { ConversationSummary, User } from '../types.js';
import { DesktopNotificationsToggle } from './desktop-notifications.js';

export type View = 'open' | 'mine' | 'unassigned' | 'unread' | 'waiting' | 'done' | 'triage';

const views: { value: View; label: string }[] = [
  { value: 'open', label: 'Open' },
  { value: 'mine', label: 'Mine' },
  { value: 'unassigned', label: 'Unassigned' },
  { value: 'unread', label: 'Unread' },
  { value: 'waiting', label: 'Waiting on us' },
  { value: 'done', label: 'Done' },
];

const kindLabels: Record<string, string> = {
  image: 'Photo',
  video: 'Video',
  audio: 'Voice message',
  document: 'Document',
  sticker: 'Sticker',
  location: 'Location',
  contacts: 'Contact',
  template: 'Template',
  unsupported: 'Message',
};

/** The newest message in a line: "You: …" for the firm's, the text, else what it is ("Document", "2 files"). */
function preview(m: NonNullable<ConversationSummary['lastMessage']>): string {
  const what = m.text ?? (m.files > 1 ? `${m.files} files` : (kindLabels[m.kind] ?? 'Message'));
  return m.direction === 'outbound' ? `You: ${what}` : what;
}

export function ConsentBadge({ state }: { state: string | null | undefined }) {
  return <span class={`badge consent consent-${state ?? 'none'}`}>{consentLabel(state)}</span>;
}

interface Props {
  user: User;
  conversations: ConversationSummary[];
  openId: string | null;
  view: View;
  onView: (view: View) => void;
  q: string;
  onQ: (q: string) => void;
  loaded: boolean;
  error: string;
  hasMore: boolean;
  onMore: () => void;
  onShortcuts: () => void;
}

export function ConversationList(props: Props) {
  const { conversations, openId, view } = props;
  const all = canTriage(props.user) ? [...views, { value: 'triage' as const, label: 'Needs triage' }] : views;
  const searching = props.q.trim() !== '';
  const empty = searching
    ? `Nothing found for “${props.q.trim()}”.`
    : view === 'triage'
      ? 'Nothing waits for triage.'
      : view === 'done'
        ? 'Nothing marked done.'
        : view === 'open'
          ? 'No open conversations.'
          : 'No conversations here.';
  return (
    <section class="list-pane" aria-labelledby="list-title">
      <div class="list-heading">
        <h1 id="list-title">{view === 'triage' ? 'Triage' : 'Inbox'}</h1>
        <button type="button" class="link-button shortcuts-link" onClick={props.onShortcuts} aria-keyshortcuts="?">
          Keyboard shortcuts
        </button>
      </div>
      <form role="search" class="search" onSubmit={(e) => e.preventDefault()}>
        <label for="conversation-search" class="visually-hidden">
          Search conversations
        </label>
        <input
          id="conversation-search"
          type="search"
          placeholder="Search: name, number, matter, words"
          value={props.q}
          maxLength={200}
          onInput={(e) => props.onQ(e.currentTarget.value)}
          aria-keyshortcuts="/"
        />
      </form>
      <div class="filters" role="group" aria-label="Show">
        {all.map((v) => (
          <button type="button" key={v.value} aria-pressed={view === v.value} data-filter={v.value} onClick={() => props.onView(v.value)}>
            {v.label}
          </button>
        ))}
      </div>
      <p class="list-status" role="status">
        {props.error || (props.loaded && conversations.length === 0 ? empty : '')}
      </p>
      <ul class="conversation-list" id="conversation-list" aria-labelledby="list-title">
        {conversations.map((c) => {
          const unread = c.unreadCount > 0;
          const current = c.id === openId;
          return (
            <li key={c.id} class={`conversation${unread ? ' unread' : ''}${current ? ' current' : ''}`} data-id={c.id}>
              <a href={`/inbox/${c.id}`} aria-current={current ? 'page' : undefined}>
                <span class="conversation-name">{conversationName(c)}</span>
                <span class="conversation-time">{shortTime(c.lastMessageAt)}</span>
                {c.lastMessage ? <span class="conversation-preview">{preview(c.lastMessage)}</span> : null}
                <span class="conversation-meta">
                  {c.matter ? <span class="matter-number">{c.matter.number}</span> : <span class="badge triage">Needs triage</span>}
                  {c.attention?.urgent ? <span class="badge urgent">Urgent</span> : null}
                  {c.attention?.revocationPending ? <span class="badge urgent">Asked to stop?</span> : null}
                  {c.attention?.blocked ? <span class="badge consent consent-opted_out">Blocked</span> : <ConsentBadge state={c.contact.consentState} />}
                  {c.privilegeRisk ? <span class="badge warning">Privilege risk</span> : null}
                  {c.status === 'done' ? <span class="badge done">Done</span> : null}
                  {c.snoozedUntil && new Date(c.snoozedUntil) > new Date() ? <span class="badge">Snoozed</span> : null}
                  {c.assignee ? <span class="assignee">{c.assignee.id === props.user.id ? 'You' : c.assignee.name}</span> : null}
                </span>
                {unread ? (
                  <span class="unread-count">
                    <span aria-hidden="true">{c.unreadCount}</span>
                    <span class="visually-hidden">{c.unreadCount} unread</span>
                  </span>
                ) : null}
              </a>
            </li>
          );
        })}
      </ul>
      {props.hasMore ? (
        <button type="button" class="secondary" onClick={props.onMore}>
          Load more conversations
        </button>
      ) : null}
      <DesktopNotificationsToggle />
    </section>
  );
}
