// The matter sidebar: who the client is, which matter, the contact's consent and its history, blocking (supervisors
// and admins) and triage into a client's matter (staff and admins).
import { useEffect, useState } from 'preact/hooks';
import { announce } from '../announce.js';
import { describeError, enc, get, post } from '../api.js';
import { consentLabel, dateTime } from '../format.js';
import { canBlock, canTriage } from '../session.js';
import type { ConversationDetail, User } from '../types.js';
import { ConsentBadge } from './ConversationList.js';
import { NewClientAndMatter, type Person } from '../pages/ClientsPage.js';

const sourceLabels: Record<string, string> = {
  keyword: 'client keyword',
  free_text: 'client message',
  sensitive_data: 'agreed to sensitive data over this channel',
  firm: 'by the firm',
  import: 'imported',
  system: 'automatic',
  block: 'by the firm',
  unblock: 'by the firm',
};

interface ConsentEvent {
  at: string;
  from: string;
  to: string;
  source: string;
  text: string | null;
  note: string | null;
}

interface Props {
  user: User;
  detail: ConversationDetail;
  onChanged: () => void;
  onFiled: (matter: string) => void;
}

export function Sidebar({ user, detail, onChanged, onFiled }: Props) {
  const contact = detail.contact;
  return (
    <>
      <h2 id="matter-title">Matter</h2>
      <dl class="facts">
        <dt>Client</dt>
        <dd>{detail.client?.name ?? 'Not yet known'}</dd>
        <dt>Matter</dt>
        <dd>
          {detail.matter ? (
            <a href={`/matters/${detail.matter.id}`}>
              {detail.matter.number} · {detail.matter.title} ({detail.matter.status})
            </a>
          ) : (
            'None: needs triage'
          )}
        </dd>
        <dt>Contact</dt>
        <dd>{contact ? `${contact.displayName ?? ''} ${contact.address}`.trim() : 'A group'}</dd>
        <dt>Channel</dt>
        <dd>
          {detail.account.name} ({detail.account.kind})
        </dd>
        <dt>Consent</dt>
        <dd>
          <ConsentBadge state={contact?.blocked ? 'blocked' : contact?.consentState} />
        </dd>
      </dl>
      {detail.flags.privilegeRisk || detail.flags.routingNeedsConfirmation ? (
        <ul class="flags" aria-label="Flags">
          {detail.flags.privilegeRisk ? <li class="badge warning">Privilege risk: someone other than the client is in this group</li> : null}
          {detail.flags.routingNeedsConfirmation ? <li class="badge warning">Matter picked automatically: confirm it</li> : null}
        </ul>
      ) : null}
      {contact ? <ConsentHistory conversationId={detail.id} key={`${detail.id}-${contact.consentState}-${contact.blocked}`} /> : null}
      {contact && canBlock(user) ? <BlockForm detail={detail} onChanged={onChanged} /> : null}
      {canTriage(user) ? <TriageForm detail={detail} onFiled={onFiled} /> : null}
    </>
  );
}

function ConsentHistory({ conversationId }: { conversationId: string }) {
  const [events, setEvents] = useState<ConsentEvent[] | null>(null);
  const [error, setError] = useState('');
  useEffect(() => {
    get<{ events: ConsentEvent[] }>(`/api/conversations/${enc(conversationId)}/consent`).then(
      (found) => setEvents([...found.events].reverse()),
      (caught: unknown) => setError(describeError(caught)),
    );
  }, [conversationId]);
  return (
    <section aria-labelledby="consent-history-title">
      <h3 id="consent-history-title">Consent history</h3>
      <ol class="consent-history" aria-label="Consent history">
        {error ? <li>{error}</li> : events === null ? <li>Loading…</li> : events.length === 0 ? <li>No changes recorded.</li> : null}
        {(events ?? []).map((event, index) => (
          <li key={index}>
            <time dateTime={event.at}>{dateTime(event.at)}</time>{' '}
            <strong>
              {event.source === 'block' ? 'Blocked' : event.source === 'unblock' ? 'Unblocked' : `${consentLabel(event.from)} → ${consentLabel(event.to)}`}
            </strong>{' '}
            ({sourceLabels[event.source] ?? event.source})
            {event.text ? <q>{event.text}</q> : null}
            {event.note ? <span class="note">{event.note}</span> : null}
          </li>
        ))}
      </ol>
    </section>
  );
}

function BlockForm({ detail, onChanged }: { detail: ConversationDetail; onChanged: () => void }) {
  const blocked = detail.contact?.blocked ?? false;
  const [reason, setReason] = useState('');
  const [error, setError] = useState('');
  const submit = async (event: Event) => {
    event.preventDefault();
    setError('');
    try {
      await post(`/api/conversations/${enc(detail.id)}/${blocked ? 'unblock' : 'block'}`, { reason });
      setReason('');
      announce(blocked ? 'Contact unblocked.' : 'Contact blocked.');
      onChanged();
    } catch (caught) {
      setError(describeError(caught));
    }
  };
  return (
    <form class="side-form" aria-labelledby="block-title" onSubmit={(e) => void submit(e)}>
      <h3 id="block-title">{blocked ? 'Unblock this contact' : 'Block this contact'}</h3>
      <label for="block-reason">Reason (kept in the audit log)</label>
      <input id="block-reason" name="reason" required minLength={3} maxLength={1000} value={reason} onInput={(e) => setReason(e.currentTarget.value)} />
      <p class="form-error" role="alert">
        {error}
      </p>
      <button type="submit" class={blocked ? 'secondary' : 'danger'}>
        {blocked ? 'Unblock' : 'Block'}
      </button>
    </form>
  );
}

interface IntakeMatter {
  id: string;
  number: string;
  title: string;
  clientId: string;
  clientName: string;
}

function TriageForm({ detail, onFiled }: { detail: ConversationDetail; onFiled: (matter: string) => void }) {
  const [creating, setCreating] = useState(false);
  const [people, setPeople] = useState<Person[]>([]);
  const [matters, setMatters] = useState<IntakeMatter[] | null>(null);
  const [chosen, setChosen] = useState(detail.matter?.id ?? '');
  const [error, setError] = useState('');
  useEffect(() => {
    get<{ items: IntakeMatter[] }>('/api/intake/matters').then(
      (found) => setMatters(found.items),
      (caught: unknown) => setError(describeError(caught)),
    );
    get<{ items: Person[] }>('/api/people').then((found) => setPeople(found.items), () => setPeople([]));
  }, []);
  /** Filed under a client and matter made here from an unknown number: one form, then filed. */
  const fileUnderNew = async (created: { clientId: string; matterId: string; label: string }) => {
    try {
      await post(`/api/conversations/${enc(detail.id)}/assign`, { clientId: created.clientId, matterId: created.matterId });
      announce(`New client and matter created; conversation filed under ${created.label}.`);
      onFiled(created.label);
    } catch (caught) {
      setError(`The client and matter were created, but filing failed: ${describeError(caught)}`);
    }
  };
  if (creating) {
    return (
      <div class="side-form">
        <NewClientAndMatter idPrefix="triage" people={people} onCreated={(created) => void fileUnderNew(created)} />
        <p class="form-error" role="alert">
          {error}
        </p>
        <button type="button" class="secondary" onClick={() => setCreating(false)}>
          Back to the existing matters
        </button>
      </div>
    );
  }
  const groups = new Map<string, { name: string; matters: IntakeMatter[] }>();
  for (const m of matters ?? []) {
    const group = groups.get(m.clientId) ?? { name: m.clientName, matters: [] };
    group.matters.push(m);
    groups.set(m.clientId, group);
  }
  const submit = async (event: Event) => {
    event.preventDefault();
    setError('');
    const matter = matters?.find((m) => m.id === chosen);
    if (!matter) {
      setError('Pick the matter to file this conversation under.');
      return;
    }
    try {
      await post(`/api/conversations/${enc(detail.id)}/assign`, { clientId: matter.clientId, matterId: matter.id });
      const label = `${matter.number} · ${matter.title}`;
      announce(`Conversation filed under ${label}.`);
      onFiled(label);
    } catch (caught) {
      setError(describeError(caught));
    }
  };
  return (
    <form class="side-form" aria-labelledby="triage-title" onSubmit={(e) => void submit(e)}>
      <h3 id="triage-title">{detail.matter ? 'File under another matter' : 'Triage: file under a matter'}</h3>
      <label for="triage-matter">Client and matter</label>
      <select id="triage-matter" required disabled={!matters || matters.length === 0} value={chosen} onChange={(e) => setChosen(e.currentTarget.value)}>
        <option value="">{matters === null ? 'Loading matters…' : matters.length === 0 ? 'No open matters' : 'Pick a matter'}</option>
        {[...groups.entries()].map(([clientId, group]) => (
          <optgroup key={clientId} label={group.name}>
            {group.matters.map((m) => (
              <option key={m.id} value={m.id}>
                {m.number} · {m.title}
              </option>
            ))}
          </optgroup>
        ))}
      </select>
      <p class="hint">The contact becomes the client’s if it is nobody’s yet.</p>
      <p class="form-error" role="alert">
        {error}
      </p>
      <button type="submit" class="primary">
        {detail.matter ? 'Move to this matter' : 'File under this matter'}
      </button>
      {detail.matter ? null : (
        <p>
          <button type="button" class="link-button" onClick={() => setCreating(true)}>
            A new client? Create the client and matter
          </button>
        </p>
      )}
    </form>
  );
}
