// A person's saved searches on the supervision page: run one (its filters fill the form), save the current search
// under a name, delete one. Each person's own; a saved search shows only what its owner may see when it runs.
import { useEffect, useState } from 'preact/hooks';
import { api, describeError, enc, get, post } from '../api.js';
import { actionRunner } from '../run-action.js';

export interface SearchQuery {
  q: string;
  matter: string;
  direction: string;
  from: string;
  to: string;
  /** 'exclude' leaves out messages marked privileged; '' keeps them. */
  privileged: string;
}

interface Saved {
  id: string;
  name: string;
  query: Partial<SearchQuery>;
}

export function SavedSearches({ query, canSave, onRun, setError }: { query: SearchQuery; canSave: boolean; onRun: (query: SearchQuery) => void; setError: (text: string) => void }) {
  const [saved, setSaved] = useState<Saved[]>([]);
  const [name, setName] = useState('');
  const load = async () => setSaved((await get<{ items: Saved[] }>('/api/searches')).items);
  const run = actionRunner(setError, load);
  useEffect(() => {
    load().catch((caught: unknown) => setError(describeError(caught)));
  }, []);

  return (
    <div class="saved-searches">
      {saved.length > 0 ? (
        <>
          <h3 id="saved-title">Saved searches</h3>
          <ul aria-labelledby="saved-title">
            {saved.map((s) => (
              <li key={s.id}>
                <button type="button" class="link-button" onClick={() => onRun({ q: '', matter: '', direction: '', from: '', to: '', privileged: '', ...s.query })}>
                  {s.name}
                </button>{' '}
                <span class="hint">“{s.query.q}”</span>{' '}
                <button type="button" class="link-button danger" aria-label={`Delete saved search ${s.name}`} onClick={() => void run(() => api('DELETE', `/api/searches/${enc(s.id)}`), `Saved search ${s.name} deleted`)}>
                  Delete
                </button>
              </li>
            ))}
          </ul>
        </>
      ) : null}
      {canSave ? (
        <form
          class="inline-form"
          onSubmit={(e) => {
            e.preventDefault();
            const filters = Object.fromEntries(Object.entries(query).filter(([, value]) => value));
            void run(() => post('/api/searches', { name: name.trim(), query: filters }).then(() => setName('')), `Search saved as ${name.trim()}`);
          }}
        >
          <label>
            Save this search as <input name="saved-name" required maxLength={80} value={name} onInput={(e) => setName(e.currentTarget.value)} />
          </label>{' '}
          <button type="submit" class="secondary">
            Save search
          </button>
        </form>
      ) : null}
    </div>
  );
}
