// Clients and matters: everyone sees the clients and matters they may see; staff and admins create and edit them.
// A matter opens its own page (team, walls, close and reopen).
import { useEffect, useState } from 'preact/hooks';
import { announce } from '../announce.js';
import { describeError, enc, get, patch, post } from '../api.js';
import { canTriage } from '../session.js';
import type { User } from '../types.js';
import { ErrorLine } from '../ErrorLine.js';

export interface ClientRow {
  id: string;
  number: string;
  name: string;
  language: string | null;
  email: string | null;
  closedAt?: string | null;
}
export interface MatterRow {
  id: string;
  number: string;
  title: string;
  clientId: string;
  clientName: string;
  practiceArea: string | null;
  status: string;
  billingType: string;
  members: { userId: string; name: string; role: string }[];
}
export interface Person {
  id: string;
  name: string;
  role: string;
}

export const billingTypes = [
  ['hourly', 'Hourly'],
  ['flat_fee', 'Flat fee'],
  ['contingency', 'Contingency'],
  ['pro_bono', 'Pro bono'],
] as const;

/** A new client and its first matter, in one form: used here and from triage. */
export function NewClientAndMatter({ people, onCreated, idPrefix }: { people: Person[]; onCreated: (created: { clientId: string; matterId: string; label: string }) => void; idPrefix: string }) {
  const [form, setForm] = useState({ name: '', language: 'en', email: '', number: '', title: '', practiceArea: '', responsible: '' });
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  const set = (key: keyof typeof form) => (e: Event) => setForm({ ...form, [key]: (e.currentTarget as HTMLInputElement).value });
  const lawyers = people.filter((p) => p.role === 'lawyer' || p.role === 'staff');
  const submit = async (event: Event) => {
    event.preventDefault();
    setError('');
    setBusy(true);
    try {
      const client = await post<{ id: string }>('/api/clients', { name: form.name.trim(), language: form.language, ...(form.email.trim() ? { email: form.email.trim() } : {}) });
      const matter = await post<{ id: string; number: string }>('/api/matters', {
        clientId: client.id,
        number: form.number.trim(),
        title: form.title.trim(),
        ...(form.practiceArea.trim() ? { practiceArea: form.practiceArea.trim() } : {}),
        ...(form.responsible ? { members: [{ userId: form.responsible, role: 'responsible' }] } : {}),
      });
      onCreated({ clientId: client.id, matterId: matter.id, label: `${matter.number} · ${form.title.trim()}` });
      setForm({ name: '', language: 'en', email: '', number: '', title: '', practiceArea: '', responsible: '' });
    } catch (caught) {
      setError(describeError(caught));
    } finally {
      setBusy(false);
    }
  };
  const id = (name: string) => `${idPrefix}-${name}`;
  return (
    <form class="new-client-matter" aria-labelledby={id('title')} onSubmit={(e) => void submit(e)}>
      <h3 id={id('title')}>New client and matter</h3>
      <fieldset>
        <legend>Client</legend>
        <label for={id('client-name')}>Client name</label>
        <input id={id('client-name')} required maxLength={200} value={form.name} onInput={set('name')} />
        <label for={id('client-language')}>Language</label>
        <select id={id('client-language')} value={form.language} onChange={set('language')}>
          <option value="en">English</option>
          <option value="es">Spanish</option>
        </select>
        <label for={id('client-email')}>Email (optional)</label>
        <input id={id('client-email')} type="email" value={form.email} onInput={set('email')} />
      </fieldset>
      <fieldset>
        <legend>Matter</legend>
        <label for={id('matter-number')}>Matter number</label>
        <input id={id('matter-number')} required maxLength={50} value={form.number} onInput={set('number')} placeholder="M-0042" />
        <label for={id('matter-title')}>Matter title</label>
        <input id={id('matter-title')} required maxLength={300} value={form.title} onInput={set('title')} />
        <label for={id('matter-area')}>Practice area (optional)</label>
        <input id={id('matter-area')} maxLength={100} value={form.practiceArea} onInput={set('practiceArea')} />
        <label for={id('matter-responsible')}>Responsible lawyer</label>
        <select id={id('matter-responsible')} value={form.responsible} onChange={set('responsible')}>
          <option value="">Nobody yet</option>
          {lawyers.map((p) => (
            <option key={p.id} value={p.id}>
              {p.name}
            </option>
          ))}
        </select>
      </fieldset>
      <p class="form-error" role="alert">
        {error}
      </p>
      <button type="submit" class="primary" disabled={busy}>
        Create client and matter
      </button>
    </form>
  );
}

/** A client's details edited in place (staff and admins): name, number, language, email; audited by the server. */
function EditClient({ client, onDone }: { client: ClientRow; onDone: (saved: boolean) => void }) {
  const [form, setForm] = useState({ name: client.name, number: client.number, language: client.language ?? '', email: client.email ?? '' });
  const [error, setError] = useState('');
  const id = (name: string) => `edit-client-${client.id}-${name}`;
  const set = (key: keyof typeof form) => (e: Event) => setForm({ ...form, [key]: (e.currentTarget as HTMLInputElement).value });
  const submit = async (event: Event) => {
    event.preventDefault();
    setError('');
    try {
      await patch(`/api/clients/${enc(client.id)}`, { name: form.name.trim(), number: form.number.trim(), language: form.language || null, email: form.email.trim() || null });
      announce(`${form.name.trim()} saved.`);
      onDone(true);
    } catch (caught) {
      setError(describeError(caught));
    }
  };
  return (
    <form class="edit-client" aria-label={`Edit ${client.name}`} onSubmit={(e) => void submit(e)}>
      <label for={id('name')}>Client name</label>
      <input id={id('name')} required maxLength={200} value={form.name} onInput={set('name')} />
      <label for={id('number')}>Client number</label>
      <input id={id('number')} required maxLength={20} value={form.number} onInput={set('number')} />
      <label for={id('language')}>Language</label>
      <select id={id('language')} value={form.language} onChange={set('language')}>
        <option value="">The firm's default</option>
        <option value="en">English</option>
        <option value="es">Spanish</option>
      </select>
      <label for={id('email')}>Email (optional)</label>
      <input id={id('email')} type="email" value={form.email} onInput={set('email')} />
      <ErrorLine text={error} />
      <div class="actions">
        <button type="submit" class="primary">
          Save client
        </button>
        <button type="button" class="secondary" onClick={() => onDone(false)}>
          Cancel
        </button>
      </div>
    </form>
  );
}

export function ClientsPage({ user }: { user: User }) {
  const [clients, setClients] = useState<ClientRow[] | null>(null);
  const [matters, setMatters] = useState<MatterRow[]>([]);
  const [people, setPeople] = useState<Person[]>([]);
  const [error, setError] = useState('');
  const [filter, setFilter] = useState('');
  const [newMatterFor, setNewMatterFor] = useState<string | null>(null);
  const [matterForm, setMatterForm] = useState({ number: '', title: '' });
  const [matterError, setMatterError] = useState('');
  const [editing, setEditing] = useState<string | null>(null);
  const [showClosed, setShowClosed] = useState(false);
  const [clientErrors, setClientErrors] = useState<Record<string, string>>({});
  const intake = canTriage(user);
  const load = async () => {
    const [c, m] = await Promise.all([get<{ items: ClientRow[] }>(intake ? '/api/clients?scope=intake' : '/api/clients'), get<{ items: MatterRow[] }>(intake ? '/api/matters?scope=intake' : '/api/matters')]);
    setClients(c.items);
    setMatters(m.items);
  };
  useEffect(() => {
    document.title = 'Clients and matters – Matterline';
    load().catch((caught: unknown) => setError(describeError(caught)));
    get<{ items: Person[] }>('/api/people').then((found) => setPeople(found.items), () => setPeople([]));
  }, []);
  const fold = (text: string) => text.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();
  const closedCount = (clients ?? []).filter((c) => c.closedAt).length;
  const shown = (clients ?? []).filter((c) => showClosed || !c.closedAt).filter((c) => !filter.trim() || fold(`${c.name} ${c.number} ${matters.filter((m) => m.clientId === c.id).map((m) => `${m.number} ${m.title}`).join(' ')}`).includes(fold(filter.trim())));

  const addMatter = async (event: Event, clientId: string) => {
    event.preventDefault();
    setMatterError('');
    try {
      await post('/api/matters', { clientId, number: matterForm.number.trim(), title: matterForm.title.trim() });
      announce(`Matter ${matterForm.number.trim()} created.`);
      setNewMatterFor(null);
      setMatterForm({ number: '', title: '' });
      await load();
    } catch (caught) {
      setMatterError(describeError(caught));
    }
  };

  const setClosed = async (c: ClientRow, closed: boolean) => {
    setClientErrors({ ...clientErrors, [c.id]: '' });
    try {
      await patch(`/api/clients/${enc(c.id)}`, { closed });
      announce(`${c.name} ${closed ? 'closed' : 'reopened'}.`);
      await load();
    } catch (caught) {
      setClientErrors({ ...clientErrors, [c.id]: describeError(caught) });
    }
  };

  return (
    <div class="clients-page">
      <h1>Clients and matters</h1>
      <ErrorLine text={error} />
      <form role="search" class="search" onSubmit={(e) => e.preventDefault()}>
        <label for="client-filter">Find a client or matter</label>
        <input id="client-filter" type="search" value={filter} onInput={(e) => setFilter(e.currentTarget.value)} placeholder="Name, client number, matter number or title" />
        {closedCount > 0 ? (
          <label class="check">
            <input type="checkbox" checked={showClosed} onChange={(e) => setShowClosed(e.currentTarget.checked)} /> Show closed clients ({closedCount})
          </label>
        ) : null}
      </form>
      {clients === null ? (
        <p>Loading…</p>
      ) : (
        <ul class="client-list">
          {shown.length === 0 ? <li>No clients found.</li> : null}
          {shown.map((c) => (
            <li key={c.id} class="card" data-client={c.number}>
              <h2>
                {c.name} <span class="hint">{c.number}</span> {c.closedAt ? <span class="badge">Closed client</span> : null}
              </h2>
              {editing === c.id ? (
                <EditClient
                  client={c}
                  onDone={(saved) => {
                    setEditing(null);
                    if (saved) load().catch((caught: unknown) => setError(describeError(caught)));
                  }}
                />
              ) : null}
              <ul class="matter-links">
                {matters
                  .filter((m) => m.clientId === c.id)
                  .map((m) => (
                    <li key={m.id}>
                      <a href={`/matters/${m.id}`}>
                        {m.number} · {m.title}
                      </a>{' '}
                      <span class={`badge${m.status === 'closed' ? '' : ' consent-opted_in'}`}>{m.status === 'closed' ? 'Closed' : 'Open'}</span>{' '}
                      <span class="hint">{m.members.map((x) => x.name).join(', ') || 'no team yet'}</span>
                    </li>
                  ))}
              </ul>
              <ErrorLine text={clientErrors[c.id] ?? ''} />
              {intake ? (
                c.closedAt ? (
                  <button type="button" class="secondary" aria-label={`Reopen client ${c.name}`} onClick={() => void setClosed(c, false)}>
                    Reopen client
                  </button>
                ) : newMatterFor === c.id ? (
                  <form class="inline-form" onSubmit={(e) => void addMatter(e, c.id)}>
                    <label for={`new-matter-number-${c.id}`}>Matter number</label>
                    <input id={`new-matter-number-${c.id}`} required value={matterForm.number} onInput={(e) => setMatterForm({ ...matterForm, number: e.currentTarget.value })} />
                    <label for={`new-matter-title-${c.id}`}>Matter title</label>
                    <input id={`new-matter-title-${c.id}`} required value={matterForm.title} onInput={(e) => setMatterForm({ ...matterForm, title: e.currentTarget.value })} />
                    <p class="form-error" role="alert">
                      {matterError}
                    </p>
                    <button type="submit" class="primary">
                      Create matter
                    </button>{' '}
                    <button type="button" class="secondary" onClick={() => setNewMatterFor(null)}>
                      Cancel
                    </button>
                  </form>
                ) : (
                  <div class="actions">
                    <button type="button" class="secondary" aria-label={`New matter for ${c.name}`} onClick={() => setNewMatterFor(c.id)}>
                      New matter
                    </button>
                    <button type="button" class="secondary" aria-label={`Edit client ${c.name}`} aria-expanded={editing === c.id} onClick={() => setEditing(editing === c.id ? null : c.id)}>
                      Edit client
                    </button>
                    <button type="button" class="secondary" aria-label={`Close client ${c.name}`} onClick={() => void setClosed(c, true)}>
                      Close client
                    </button>
                  </div>
                )
              ) : null}
            </li>
          ))}
        </ul>
      )}
      {intake ? (
        <section class="card">
          <NewClientAndMatter
            idPrefix="clients"
            people={people}
            onCreated={(created) => {
              announce(`Client and matter ${created.label} created.`);
              void load();
            }}
          />
        </section>
      ) : null}
    </div>
  );
}
