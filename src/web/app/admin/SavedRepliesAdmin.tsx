// Saved replies: texts lawyers and staff insert into a reply and edit before sending ("Saved replies…" in the
// composer), in English and Spanish. Added, edited and removed here; each change audited by the server.
import { useEffect, useState } from 'preact/hooks';
import { announce } from '../announce.js';
import { api, describeError, enc, get, post, put } from '../api.js';
import { ErrorLine } from '../ErrorLine.js';

interface Reply {
  id?: string;
  name: string;
  language: string;
  body: string;
}

function ReplyForm({ reply, onChanged }: { reply: Reply; onChanged: () => Promise<void> }) {
  const [form, setForm] = useState(reply);
  const [error, setError] = useState('');
  const [status, setStatus] = useState('');
  const [confirming, setConfirming] = useState(false);
  const key = reply.id ? `reply-${reply.id}` : 'reply-new';
  const save = async (event: Event) => {
    event.preventDefault();
    setError('');
    setStatus('');
    const input = { name: form.name.trim(), language: form.language, body: form.body };
    try {
      if (reply.id) {
        await put(`/api/admin/canned-replies/${enc(reply.id)}`, input);
        setStatus('Saved.');
      } else {
        await post('/api/admin/canned-replies', input);
        announce('Saved reply added.');
        setForm({ name: '', language: form.language, body: '' });
        await onChanged();
      }
    } catch (caught) {
      setError(describeError(caught));
    }
  };
  const remove = async () => {
    setError('');
    try {
      await api('DELETE', `/api/admin/canned-replies/${enc(reply.id!)}`);
      announce(`Saved reply ${reply.name} removed.`);
      await onChanged();
    } catch (caught) {
      setError(describeError(caught));
    }
  };
  return (
    <form class="card saved-reply" aria-label={reply.id ? `Saved reply ${reply.name} (${reply.language === 'es' ? 'Spanish' : 'English'})` : 'New saved reply'} onSubmit={(e) => void save(e)}>
      <label for={`${key}-name`}>Name</label>
      <input id={`${key}-name`} required maxLength={100} value={form.name} onInput={(e) => setForm({ ...form, name: e.currentTarget.value })} />
      <label for={`${key}-language`}>Language</label>
      <select id={`${key}-language`} value={form.language} onChange={(e) => setForm({ ...form, language: e.currentTarget.value })}>
        <option value="en">English</option>
        <option value="es">Spanish</option>
      </select>
      <label for={`${key}-body`}>Text</label>
      <textarea id={`${key}-body`} rows={3} maxLength={4096} required value={form.body} onInput={(e) => setForm({ ...form, body: e.currentTarget.value })} />
      <ErrorLine text={error} />
      <div class="actions">
        <button type="submit" class="primary">
          {reply.id ? 'Save' : 'Add saved reply'}
        </button>
        {reply.id && !confirming ? (
          <button type="button" class="danger" onClick={() => setConfirming(true)}>
            Remove {reply.name}
          </button>
        ) : null}
        {reply.id && confirming ? (
          <>
            <button type="button" class="danger" onClick={() => void remove()}>
              Yes, remove {reply.name}
            </button>
            <button type="button" class="secondary" onClick={() => setConfirming(false)}>
              Keep it
            </button>
          </>
        ) : null}
        <span class="hint" role="status">
          {status}
        </span>
      </div>
    </form>
  );
}

export function SavedRepliesAdmin() {
  const [replies, setReplies] = useState<Reply[] | null>(null);
  const [error, setError] = useState('');
  const load = async () => setReplies((await get<{ items: Reply[] }>('/api/canned-replies')).items);
  useEffect(() => {
    load().catch((caught: unknown) => setError(describeError(caught)));
  }, []);
  if (!replies) return error ? <ErrorLine text={error} /> : <p>Loading…</p>;
  return (
    <div class="admin-body">
      <h2>Saved replies</h2>
      <p class="hint">Texts lawyers and staff insert into a reply and edit before sending (“Saved replies…” in the composer).</p>
      {replies.length === 0 ? <p>No saved replies yet.</p> : null}
      <ul class="card-list">
        {replies.map((reply) => (
          <li key={reply.id}>
            <ReplyForm reply={reply} onChanged={load} />
          </li>
        ))}
      </ul>
      <h3>Add a saved reply</h3>
      <ReplyForm reply={{ name: '', language: 'en', body: '' }} onChanged={load} />
    </div>
  );
}
