// Notices and surveys to clients: the admin chooses the audience (practice area, matter status, tag), writes the text
// in English and Spanish, and before anything is sent sees who would receive it and who is skipped, and why; then
// sends it and watches its progress; a survey's answers (1 to 5) are tallied. Supervisors follow them.
import { useEffect, useState } from 'preact/hooks';
import { announce } from '../announce.js';
import { describeError, enc, get, post } from '../api.js';
import { ErrorLine } from '../ErrorLine.js';
import type { User } from '../types.js';

interface Progress {
  total: number;
  pending: number;
  sent: number;
  skipped: number;
  failed: number;
  cancelled: number;
  delivered: number;
  read: number;
}
interface Notice {
  id: string;
  title: string;
  survey: boolean;
  state: string;
  createdAt: string;
  progress: Progress;
  skippedReasons: Record<string, number>;
}
interface Recipient {
  id: string;
  client: { id: string; name: string };
  matter: { number: string; title: string } | null;
  state: string;
  skippedReason: string | null;
}
interface Survey {
  sent: number;
  responses: number;
  counts: Record<'1' | '2' | '3' | '4' | '5', number>;
  average: number | null;
}

const skippedWords: Record<string, string> = {
  no_contact: 'no number to write to',
  consent_required: 'has not agreed to messages',
  opted_out: 'opted out',
  blocked: 'blocked by the firm',
  revocation_pending: 'may have asked to stop: a person must decide first',
};
const stateWords: Record<string, string> = { draft: 'Draft: not sent', sending: 'Sending', done: 'Sent', cancelled: 'Stopped' };
const list = (text: string) =>
  text
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean);

export function NoticesPage({ user }: { user: User }) {
  const admin = user.role === 'admin';
  const [notices, setNotices] = useState<Notice[] | null>(null);
  const [open, setOpen] = useState<Notice | null>(null);
  const [recipients, setRecipients] = useState<Recipient[]>([]);
  const [survey, setSurvey] = useState<Survey | null>(null);
  const [error, setError] = useState('');
  const [form, setForm] = useState({ title: '', en: '', es: '', practiceAreas: '', tags: '', statuses: ['open'] as string[], survey: false });

  const loadList = async () => setNotices((await get<{ items: Notice[] }>('/api/notices')).items);
  const openNotice = async (id: string) => {
    const [notice, people] = await Promise.all([get<Notice>(`/api/notices/${enc(id)}`), get<{ items: Recipient[] }>(`/api/notices/${enc(id)}/recipients`)]);
    setOpen(notice);
    setRecipients(people.items);
    setSurvey(notice.survey ? await get<Survey>(`/api/notices/${enc(id)}/survey`) : null);
  };
  const fail = (caught: unknown) => setError(describeError(caught));
  useEffect(() => {
    document.title = 'Notices – Matterline';
    loadList().catch(fail);
  }, []);
  // While a notice goes out, its progress is read again every few seconds.
  useEffect(() => {
    if (open?.state !== 'sending') return;
    const timer = setInterval(() => void openNotice(open.id).catch(fail), 2000);
    return () => clearInterval(timer);
  }, [open?.id, open?.state]);

  const create = async (event: Event) => {
    event.preventDefault();
    setError('');
    try {
      const created = await post<{ id: string }>('/api/notices', {
        title: form.title.trim(),
        bodies: { en: form.en, ...(form.es.trim() ? { es: form.es } : {}) },
        criteria: { practiceAreas: list(form.practiceAreas), matterStatuses: form.statuses, tags: list(form.tags) },
        survey: form.survey,
      });
      announce('Notice drafted: check who receives it before sending.');
      await Promise.all([loadList(), openNotice(created.id)]);
      // The preview is what to read next: the person is taken to it.
      requestAnimationFrame(() => document.getElementById('notice-title')?.focus());
    } catch (caught) {
      fail(caught);
    }
  };
  const run = async (action: () => Promise<unknown>, said: string) => {
    setError('');
    try {
      await action();
      announce(said);
      if (open) await openNotice(open.id);
      await loadList();
    } catch (caught) {
      fail(caught);
    }
  };

  const reach = recipients.filter((r) => r.state !== 'skipped');
  const skipped = recipients.filter((r) => r.state === 'skipped');
  return (
    <div class="notices-page">
      <h1>Notices to clients</h1>
      <ErrorLine text={error} />
      <section class="card" aria-labelledby="notices-title">
        <h2 id="notices-title">Notices</h2>
        {notices === null ? (
          <p>Loading…</p>
        ) : notices.length === 0 ? (
          <p>No notices yet.</p>
        ) : (
          <ul class="notice-list">
            {notices.map((n) => (
              <li key={n.id}>
                <button type="button" class="link-button" onClick={() => void openNotice(n.id).catch(fail)}>
                  {n.title}
                </button>{' '}
                <span class="hint">
                  {stateWords[n.state] ?? n.state} · {n.progress.sent} sent, {n.progress.skipped} skipped{n.survey ? ' · survey' : ''}
                </span>
              </li>
            ))}
          </ul>
        )}
      </section>
      {open ? (
        <section class="card notice-detail" aria-labelledby="notice-title">
          <h2 id="notice-title" tabindex={-1}>
            {open.title}
          </h2>
          <p role="status">
            {stateWords[open.state] ?? open.state}: {open.state === 'draft' ? `it would reach ${reach.length} client(s); ${skipped.length} skipped` : `${open.progress.sent} of ${open.progress.total} sent, ${open.progress.delivered} delivered, ${open.progress.read} read, ${open.progress.skipped} skipped, ${open.progress.failed} failed`}
          </p>
          <h3>Receives it</h3>
          <ul id="notice-reach">
            {reach.length === 0 ? <li>Nobody.</li> : null}
            {reach.map((r) => (
              <li key={r.id}>
                {r.client.name}
                {r.matter ? ` (${r.matter.number})` : ''}
                {open.state !== 'draft' ? <span class="hint"> · {r.state}</span> : null}
              </li>
            ))}
          </ul>
          <h3>Skipped, and why</h3>
          <ul id="notice-skipped">
            {skipped.length === 0 ? <li>Nobody is skipped.</li> : null}
            {skipped.map((r) => (
              <li key={r.id}>
                {r.client.name}
                {r.matter ? ` (${r.matter.number})` : ''}: {r.skippedReason ? (skippedWords[r.skippedReason] ?? r.skippedReason.replace(/_/g, ' ')) : 'skipped'}
              </li>
            ))}
          </ul>
          {survey ? (
            <p class="survey-tally">
              Survey: {survey.responses} answer(s) from {survey.sent} sent{survey.average !== null ? `, average ${survey.average.toFixed(1)} of 5` : ''} ·{' '}
              {(['1', '2', '3', '4', '5'] as const).map((k) => `${k}: ${survey.counts[k]}`).join(', ')}
            </p>
          ) : null}
          {admin && open.state === 'draft' ? (
            <div class="actions">
              <button
                type="button"
                class="primary"
                disabled={reach.length === 0}
                onClick={() => {
                  if (window.confirm(`Send "${open.title}" to ${reach.length} client(s)?`)) void run(() => post(`/api/notices/${enc(open.id)}/send`, {}), 'Sending.');
                }}
              >
                Send to {reach.length} client(s)
              </button>
            </div>
          ) : null}
          {admin && open.state === 'sending' ? (
            <button type="button" class="danger" onClick={() => void run(() => post(`/api/notices/${enc(open.id)}/cancel`, {}), 'Stopped.')}>
              Stop sending
            </button>
          ) : null}
        </section>
      ) : null}
      {admin ? (
        <form class="card new-notice" aria-labelledby="new-notice-title" onSubmit={(e) => void create(e)}>
          <h2 id="new-notice-title">New notice</h2>
          <label for="notice-title-input">Title (for the firm; clients do not see it)</label>
          <input id="notice-title-input" required maxLength={200} value={form.title} onInput={(e) => setForm({ ...form, title: e.currentTarget.value })} />
          <label for="notice-en">Text in English</label>
          <textarea id="notice-en" required rows={3} maxLength={1000} value={form.en} onInput={(e) => setForm({ ...form, en: e.currentTarget.value })} aria-describedby="notice-vars" />
          <label for="notice-es">Text in Spanish (optional; Spanish-speaking clients get English without it)</label>
          <textarea id="notice-es" rows={3} maxLength={1000} value={form.es} onInput={(e) => setForm({ ...form, es: e.currentTarget.value })} aria-describedby="notice-vars" />
          <p class="hint" id="notice-vars">
            {'{firm}'} and {'{client_name}'} are filled in for each client.
          </p>
          <fieldset>
            <legend>Who receives it (clients with a matter matching all the lists given)</legend>
            <label for="notice-areas">Practice areas (comma between them)</label>
            <input id="notice-areas" value={form.practiceAreas} placeholder="consumer, housing" onInput={(e) => setForm({ ...form, practiceAreas: e.currentTarget.value })} />
            <label for="notice-tags">Tags (comma between them)</label>
            <input id="notice-tags" value={form.tags} onInput={(e) => setForm({ ...form, tags: e.currentTarget.value })} />
            <p class="hint">Matter status</p>
            {(['open', 'pending', 'closed'] as const).map((status) => (
              <label class="check" key={status}>
                <input
                  type="checkbox"
                  checked={form.statuses.includes(status)}
                  onChange={(e) => setForm({ ...form, statuses: e.currentTarget.checked ? [...form.statuses, status] : form.statuses.filter((s) => s !== status) })}
                />{' '}
                {status}
              </label>
            ))}
          </fieldset>
          <label class="check">
            <input type="checkbox" checked={form.survey} onChange={(e) => setForm({ ...form, survey: e.currentTarget.checked })} /> A survey: replies 1 to 5 are tallied
          </label>
          <button type="submit" class="primary">
            Draft and preview who receives it
          </button>
        </form>
      ) : null}
    </div>
  );
}
