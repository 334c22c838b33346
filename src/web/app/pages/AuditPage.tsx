// The audit log for supervisors and admins: every read and change of the record, newest first, filtered by person,
// matter, action and days, each event in words; and the hash chain verified with one button.
import { useEffect, useState } from 'preact/hooks';
import { announce } from '../announce.js';
import { describeError, get, post } from '../api.js';
import { describeAction } from '../../../core/matter-file/describe-event.js';
import type { Person } from './ClientsPage.js';
import { ErrorLine } from '../ErrorLine.js';

interface AuditEvent {
  id: string;
  at: string;
  action: string;
  actorKind: string;
  actor: { id: string; name: string } | null;
  subjectType: string | null;
  subjectId: string | null;
  matter: { id: string; number: string } | null;
  details: Record<string, unknown>;
}
type Verdict = { ok: true; count: number } | { ok: false; count: number; brokenAtId: string; reason: string };

/** The details an auditor reads, as "key: value" pairs; nested values shortened, never a raw JSON blob. */
function detailWords(details: Record<string, unknown>): string {
  return Object.entries(details)
    .filter(([, value]) => value !== null && value !== undefined && value !== '')
    .map(([key, value]) => `${key}: ${typeof value === 'object' ? (Array.isArray(value) ? `${value.length} item(s)` : Object.entries(value as object).map(([k, v]) => `${k} ${typeof v === 'object' ? '…' : String(v)}`).join(', ')) : String(value)}`)
    .join(' · ');
}

export function AuditPage() {
  const [people, setPeople] = useState<Person[]>([]);
  const [matters, setMatters] = useState<{ id: string; number: string; title: string }[]>([]);
  const [filters, setFilters] = useState({ user: '', matter: '', action: '', from: '', to: '' });
  const [events, setEvents] = useState<AuditEvent[] | null>(null);
  const [cursor, setCursor] = useState<string | null>(null);
  const [error, setError] = useState('');
  const [verdict, setVerdict] = useState<Verdict | null>(null);
  const [verifying, setVerifying] = useState(false);

  const load = async (more = false) => {
    setError('');
    const query = new URLSearchParams({ limit: '50' });
    for (const [key, value] of Object.entries(filters)) if (value.trim()) query.set(key, value.trim());
    if (more && cursor) query.set('cursor', cursor);
    try {
      const page = await get<{ items: AuditEvent[]; nextCursor: string | null }>(`/api/audit?${query}`);
      setEvents(more && events ? [...events, ...page.items] : page.items);
      setCursor(page.nextCursor);
    } catch (caught) {
      setError(describeError(caught));
    }
  };
  useEffect(() => {
    document.title = 'Audit log – Matterline';
    void load();
    get<{ items: Person[] }>('/api/people').then((found) => setPeople(found.items), () => setPeople([]));
    get<{ items: { id: string; number: string; title: string }[] }>('/api/matters').then((found) => setMatters(found.items), () => setMatters([]));
  }, []);

  const verify = async () => {
    setVerifying(true);
    try {
      const found = await post<Verdict>('/api/audit/verify', {});
      setVerdict(found);
      announce(found.ok ? `The audit chain is intact: ${found.count} events checked.` : `The audit chain is broken at event ${found.brokenAtId}.`);
    } catch (caught) {
      setError(describeError(caught));
    } finally {
      setVerifying(false);
    }
  };
  const set = (key: keyof typeof filters) => (e: Event) => setFilters({ ...filters, [key]: (e.currentTarget as HTMLInputElement).value });

  return (
    <div class="audit-page">
      <h1>Audit log</h1>
      <section class="card" aria-labelledby="verify-title">
        <h2 id="verify-title">Integrity</h2>
        <p class="hint">Every event is chained to the one before by a SHA-256 hash; a database trigger refuses changes. Verifying reads the whole chain.</p>
        <button type="button" class="primary" disabled={verifying} onClick={() => void verify()}>
          {verifying ? 'Verifying…' : 'Verify the chain'}
        </button>
        <p role="status" class={verdict && !verdict.ok ? 'form-error' : 'saved'}>
          {verdict ? (verdict.ok ? `Intact: all ${verdict.count} events link up.` : `Broken at event ${verdict.brokenAtId}: ${verdict.reason} (${verdict.count} events checked before it).`) : ''}
        </p>
      </section>
      <form
        class="sv-filters card"
        aria-label="Filter the audit log"
        onSubmit={(e) => {
          e.preventDefault();
          void load();
        }}
      >
        <label>
          Person{' '}
          <select value={filters.user} onChange={set('user')}>
            <option value="">anyone</option>
            {people.map((p) => (
              <option key={p.id} value={p.id}>
                {p.name}
              </option>
            ))}
          </select>
        </label>
        <label>
          Matter{' '}
          <select value={filters.matter} onChange={set('matter')}>
            <option value="">any</option>
            {matters.map((m) => (
              <option key={m.id} value={m.id}>
                {m.number} {m.title}
              </option>
            ))}
          </select>
        </label>
        <label>
          Action <input value={filters.action} onInput={set('action')} placeholder="matter. or conversation.thread_read" />
        </label>
        <label>
          From <input type="date" value={filters.from} onInput={set('from')} />
        </label>
        <label>
          To <input type="date" value={filters.to} onInput={set('to')} />
        </label>
        <button type="submit" class="primary">
          Show
        </button>
      </form>
      <ErrorLine text={error} />
      {events === null ? (
        <p class="loading">Loading…</p>
      ) : events.length === 0 ? (
        <p>No events match.</p>
      ) : (
        <table tabIndex={0} id="audit-events">
          <thead>
            <tr>
              <th>When</th>
              <th>Who</th>
              <th>What</th>
              <th>Matter</th>
              <th>Details</th>
            </tr>
          </thead>
          <tbody>
            {events.map((event) => (
              <tr key={event.id}>
                <td>{new Date(event.at).toLocaleString(undefined, { timeZoneName: 'short' })}</td>
                <td>{event.actor?.name ?? (event.actorKind === 'system' ? 'Matterline' : event.actorKind)}</td>
                <td>
                  {describeAction(event.action)} <span class="hint">({event.action})</span>
                </td>
                <td>{event.matter ? <a href={`/matters/${event.matter.id}`}>{event.matter.number}</a> : ''}</td>
                <td class="timeline-text">{detailWords(event.details)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {cursor ? (
        <button type="button" class="secondary" onClick={() => void load(true)}>
          Older events
        </button>
      ) : null}
    </div>
  );
}
