// Reviewing messaging time: entries by state (drafts, approved, written off, exported) with the timekeeper's name;
// a draft's hours, narrative and codes edited in place; approve and unapprove; write off with a reason and restore;
// split an entry by its activities; merge drafts of the same person, matter and day.
import { useEffect, useState } from 'preact/hooks';
import { announce } from '../announce.js';
import { describeError, enc, get, patch, post } from '../api.js';
import { ReasonDialog, type ReasonRequest } from '../ReasonDialog.js';
import { actionRunner } from '../run-action.js';
import { ErrorLine } from '../ErrorLine.js';

export interface Entry {
  id: string;
  date: string;
  hours: number;
  narrative: string;
  activityCode: string;
  taskCode: string | null;
  billable: boolean;
  state: 'draft' | 'approved' | 'written_off' | 'exported';
  writeOffReason: string | null;
  user: { id: string; name: string };
  matter: { id: string; number: string; title: string };
  activityCount: number;
}
interface Activity {
  id: string;
  kind: string;
  seconds: number;
  occurredAt: string;
  message: { direction: string; kind: string } | null;
}

const stateLabels: Record<Entry['state'], string> = { draft: 'Draft', approved: 'Approved', written_off: 'Written off', exported: 'Exported' };
const activityLabels: Record<string, string> = {
  message_sent: 'Message sent',
  message_read: 'Message read',
  document_opened: 'Document opened',
  document_sent: 'Document sent',
};
const hours = (value: number) => value.toFixed(1);

export function TimeEntries({ showTimekeeper, onChanged }: { showTimekeeper: boolean; onChanged: () => void }) {
  const [state, setState] = useState<Entry['state'] | ''>('draft');
  const [entries, setEntries] = useState<Entry[] | null>(null);
  const [error, setError] = useState('');
  const [editing, setEditing] = useState<string | null>(null);
  const [draft, setDraft] = useState({ hours: '', narrative: '', taskCode: '', activityCode: '' });
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [splitting, setSplitting] = useState<{ entry: Entry; activities: Activity[]; chosen: Set<string> } | null>(null);
  const [asking, setAsking] = useState<ReasonRequest | null>(null);

  const load = async (which = state) => {
    const query = new URLSearchParams({ limit: '200' });
    if (which) query.set('state', which);
    setEntries((await get<{ items: Entry[] }>(`/api/time/entries?${query}`)).items);
    setSelected(new Set());
  };
  const reload = async () => {
    await load();
    onChanged();
  };
  const run = actionRunner(setError, reload);
  useEffect(() => {
    load().catch((caught: unknown) => setError(describeError(caught)));
  }, [state]);

  const startEdit = (entry: Entry) => {
    setEditing(entry.id);
    setDraft({ hours: hours(entry.hours), narrative: entry.narrative, taskCode: entry.taskCode ?? '', activityCode: entry.activityCode });
  };
  const saveEdit = (event: Event, entry: Entry) => {
    event.preventDefault();
    const value = Number(draft.hours);
    void run(async () => {
      await patch(`/api/time/entries/${enc(entry.id)}`, {
        hours: Number.isFinite(value) ? value : draft.hours,
        narrative: draft.narrative,
        taskCode: draft.taskCode.trim() ? draft.taskCode.trim().toUpperCase() : null,
        activityCode: draft.activityCode.trim().toUpperCase(),
      });
      setEditing(null);
    }, 'Entry saved.');
  };
  const writeOff = (entry: Entry) =>
    setAsking({
      title: `Write off ${hours(entry.hours)} h on ${entry.matter.number}`,
      label: 'Why is this time not billed? (kept with the entry)',
      action: 'Write off',
      run: async (reason) => {
        await post(`/api/time/entries/${enc(entry.id)}/write-off`, { reason });
        announce('Written off');
        await reload();
      },
    });
  const openSplit = async (entry: Entry) => {
    try {
      const detail = await get<{ activities: Activity[] }>(`/api/time/entries/${enc(entry.id)}`);
      setSplitting({ entry, activities: detail.activities, chosen: new Set() });
    } catch (caught) {
      setError(describeError(caught));
    }
  };
  const chosenEntries = (entries ?? []).filter((e) => selected.has(e.id));

  return (
    <div class="time-entries">
      <div class="filters" role="group" aria-label="Show entries">
        {(['draft', 'approved', 'written_off', 'exported', ''] as const).map((value) => (
          <button type="button" key={value || 'all'} aria-pressed={state === value} onClick={() => setState(value)}>
            {value ? stateLabels[value] : 'All'}
          </button>
        ))}
      </div>
      <ErrorLine text={error} />
      <div id="drafts">
        {entries === null ? (
          <p class="loading">Loading…</p>
        ) : entries.length === 0 ? (
          <p class="hint">{state === 'draft' ? 'No drafts waiting for review.' : 'No entries here.'}</p>
        ) : (
          <table tabIndex={0}>
            <thead>
              <tr>
                {state === 'draft' ? (
                  <th>
                    <span class="visually-hidden">Select for merging</span>
                  </th>
                ) : null}
                <th>Day</th>
                {showTimekeeper ? <th>Timekeeper</th> : null}
                <th>Matter</th>
                <th class="number">Hours</th>
                <th>Narrative</th>
                <th>State</th>
                <th>
                  <span class="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {entries.map((entry) => (
                <tr key={entry.id}>
                  {state === 'draft' ? (
                    <td>
                      <input
                        type="checkbox"
                        aria-label={`Select ${hours(entry.hours)} h on ${entry.date} for merging`}
                        checked={selected.has(entry.id)}
                        onChange={(e) => {
                          const next = new Set(selected);
                          if (e.currentTarget.checked) next.add(entry.id);
                          else next.delete(entry.id);
                          setSelected(next);
                        }}
                      />
                    </td>
                  ) : null}
                  <td>{entry.date}</td>
                  {showTimekeeper ? <td>{entry.user.name}</td> : null}
                  <td>
                    {entry.matter.number} {entry.matter.title}
                  </td>
                  <td class="number">{hours(entry.hours)}</td>
                  <td>
                    {editing === entry.id ? (
                      <form class="entry-edit" onSubmit={(e) => saveEdit(e, entry)}>
                        <label for={`hours-${entry.id}`}>Hours</label>
                        <input id={`hours-${entry.id}`} inputMode="decimal" required value={draft.hours} onInput={(e) => setDraft({ ...draft, hours: e.currentTarget.value })} />
                        <label for={`narrative-${entry.id}`}>Narrative</label>
                        <textarea id={`narrative-${entry.id}`} rows={2} required maxLength={1000} value={draft.narrative} onInput={(e) => setDraft({ ...draft, narrative: e.currentTarget.value })} />
                        <label for={`task-${entry.id}`}>Task code (UTBMS, optional)</label>
                        <input id={`task-${entry.id}`} value={draft.taskCode} placeholder="L120" onInput={(e) => setDraft({ ...draft, taskCode: e.currentTarget.value })} />
                        <label for={`activity-${entry.id}`}>Activity code</label>
                        <input id={`activity-${entry.id}`} required value={draft.activityCode} onInput={(e) => setDraft({ ...draft, activityCode: e.currentTarget.value })} />
                        <div class="actions">
                          <button type="submit" class="primary">
                            Save
                          </button>
                          <button type="button" class="secondary" onClick={() => setEditing(null)}>
                            Cancel
                          </button>
                        </div>
                      </form>
                    ) : (
                      <>
                        {entry.billable ? entry.narrative : `${entry.narrative} (not billable)`}
                        <span class="hint">
                          {' '}
                          · {entry.activityCode}
                          {entry.taskCode ? ` / ${entry.taskCode}` : ''}
                        </span>
                      </>
                    )}
                  </td>
                  <td>
                    {stateLabels[entry.state]}
                    {entry.writeOffReason ? <span class="hint"> ({entry.writeOffReason})</span> : null}
                  </td>
                  <td class="actions">
                    {entry.state === 'draft' ? (
                      <>
                        <button type="button" class="secondary" onClick={() => void run(() => post(`/api/time/entries/${enc(entry.id)}/approve`, {}), 'Approved')}>
                          Approve
                        </button>
                        <button type="button" class="secondary" aria-label={`Edit ${hours(entry.hours)} h on ${entry.date}`} onClick={() => startEdit(entry)}>
                          Edit
                        </button>
                        {entry.activityCount > 1 ? (
                          <button type="button" class="secondary" aria-label={`Split ${hours(entry.hours)} h on ${entry.date}`} onClick={() => void openSplit(entry)}>
                            Split
                          </button>
                        ) : null}
                        <button type="button" class="danger" onClick={() => writeOff(entry)}>
                          Write off
                        </button>
                      </>
                    ) : entry.state === 'approved' ? (
                      <button type="button" class="secondary" onClick={() => void run(() => post(`/api/time/entries/${enc(entry.id)}/unapprove`, {}), 'Back to draft')}>
                        Unapprove
                      </button>
                    ) : entry.state === 'written_off' ? (
                      <button type="button" class="secondary" onClick={() => void run(() => post(`/api/time/entries/${enc(entry.id)}/restore`, {}), 'Restored as a draft')}>
                        Restore
                      </button>
                    ) : null}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </div>
      {state === 'draft' && chosenEntries.length >= 2 ? (
        <p>
          <button type="button" class="primary" onClick={() => void run(() => post('/api/time/entries/merge', { entryIds: chosenEntries.map((e) => e.id) }), 'Merged')}>
            Merge {chosenEntries.length} entries
          </button>{' '}
          <span class="hint">Entries of the same person, matter and day merge into one.</span>
        </p>
      ) : null}
      {splitting ? (
        <section class="card split" aria-labelledby="split-title">
          <h3 id="split-title">
            Split {hours(splitting.entry.hours)} h on {splitting.entry.matter.number}, {splitting.entry.date}
          </h3>
          <p class="hint">Tick the activities that go to a new entry; the rest stay in this one.</p>
          <ul>
            {splitting.activities.map((activity) => (
              <li key={activity.id}>
                <label class="check">
                  <input
                    type="checkbox"
                    checked={splitting.chosen.has(activity.id)}
                    onChange={(e) => {
                      const chosen = new Set(splitting.chosen);
                      if (e.currentTarget.checked) chosen.add(activity.id);
                      else chosen.delete(activity.id);
                      setSplitting({ ...splitting, chosen });
                    }}
                  />{' '}
                  {activityLabels[activity.kind] ?? activity.kind}, {new Date(activity.occurredAt).toLocaleTimeString()} ({Math.round(activity.seconds / 6) / 10} min)
                </label>
              </li>
            ))}
          </ul>
          <div class="actions">
            <button
              type="button"
              class="primary"
              disabled={splitting.chosen.size === 0 || splitting.chosen.size === splitting.activities.length}
              onClick={() =>
                void run(async () => {
                  await post(`/api/time/entries/${enc(splitting.entry.id)}/split`, { activityIds: [...splitting.chosen] });
                  setSplitting(null);
                }, 'Split into two entries')
              }
            >
              Split off the ticked activities
            </button>
            <button type="button" class="secondary" onClick={() => setSplitting(null)}>
              Cancel
            </button>
          </div>
        </section>
      ) : null}
      <ReasonDialog request={asking} onDone={() => setAsking(null)} />
    </div>
  );
}
