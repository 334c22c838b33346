// The shared inbox's controls of the open conversation: who handles it (a colleague on the matter), done or
// reopen, and snooze until a time. Every change is audited by the API and shows live to colleagues.
import { useEffect, useState } from 'preact/hooks';
import { enc, get, post, put } from '../api.js';
import { dateTime, localInputValue } from '../format.js';
import { actionRunner } from '../run-action.js';
import type { ConversationDetail, Person, User } from '../types.js';
import { ErrorLine } from '../ErrorLine.js';

/** Snooze choices: later today, tomorrow at nine, next Monday at nine, or a time the person picks. */
function snoozeChoices(now = new Date()): { label: string; until: Date }[] {
  const at = (days: number, hour: number) => {
    const d = new Date(now);
    d.setDate(d.getDate() + days);
    d.setHours(hour, 0, 0, 0);
    return d;
  };
  const monday = (8 - now.getDay()) % 7 || 7;
  return [
    { label: 'For 3 hours', until: new Date(now.getTime() + 3 * 3_600_000) },
    { label: 'Until tomorrow 9:00', until: at(1, 9) },
    { label: 'Until Monday 9:00', until: at(monday, 9) },
  ];
}

export function WorkControls({ user, detail, onChanged }: { user: User; detail: ConversationDetail; onChanged: () => void }) {
  const [colleagues, setColleagues] = useState<(Person & { role: string })[] | null>(null);
  const [error, setError] = useState('');
  const [custom, setCustom] = useState(false);
  const [customAt, setCustomAt] = useState(localInputValue(new Date(Date.now() + 86_400_000)));
  const base = `/api/conversations/${enc(detail.id)}`;
  const snoozed = detail.snoozedUntil && new Date(detail.snoozedUntil) > new Date() ? detail.snoozedUntil : null;

  useEffect(() => {
    get<{ items: (Person & { role: string })[] }>(`${base}/assignees`).then(
      (found) => setColleagues(found.items),
      () => setColleagues([]),
    );
  }, [detail.id, detail.matter?.id]);

  const run = actionRunner(setError, onChanged);

  const assign = (userId: string) => {
    const chosen = colleagues?.find((c) => c.id === userId);
    void run(() => put(`${base}/assignee`, { userId: userId || null }), userId ? `Assigned to ${chosen?.id === user.id ? 'you' : (chosen?.name ?? 'a colleague')}.` : 'Unassigned.');
  };
  const snooze = (until: Date) => {
    setCustom(false);
    void run(() => post(`${base}/snooze`, { until: until.toISOString() }), `Snoozed until ${dateTime(until)}.`);
  };

  const assigneeListed = detail.assignee && !colleagues?.some((c) => c.id === detail.assignee?.id);
  return (
    <div class="work-controls" role="group" aria-label="Conversation">
      <label for="assignee">Assigned to</label>
      <select id="assignee" value={detail.assignee?.id ?? ''} onChange={(e) => assign(e.currentTarget.value)} disabled={colleagues === null}>
        <option value="">Nobody</option>
        {assigneeListed && detail.assignee ? <option value={detail.assignee.id}>{detail.assignee.name}</option> : null}
        {(colleagues ?? []).map((c) => (
          <option key={c.id} value={c.id}>
            {c.id === user.id ? `${c.name} (you)` : c.name}
          </option>
        ))}
      </select>
      {detail.status === 'done' || snoozed ? (
        <>
          <span class="work-state" role="status">
            {detail.status === 'done' ? 'Done' : `Snoozed until ${dateTime(snoozed)}`}
          </span>
          <button type="button" class="secondary" onClick={() => void run(() => post(`${base}/reopen`), 'Reopened.')}>
            Reopen
          </button>
        </>
      ) : (
        <>
          <button type="button" class="secondary" onClick={() => void run(() => post(`${base}/done`), 'Marked done.')}>
            Mark done
          </button>
          <label for="snooze" class="visually-hidden">
            Snooze
          </label>
          <select
            id="snooze"
            value=""
            onChange={(e) => {
              const value = e.currentTarget.value;
              e.currentTarget.value = '';
              if (value === 'custom') setCustom(true);
              else if (value) snooze(new Date(value));
            }}
          >
            <option value="">Snooze…</option>
            {snoozeChoices().map((choice) => (
              <option key={choice.label} value={choice.until.toISOString()}>
                {choice.label}
              </option>
            ))}
            <option value="custom">Until a time I pick…</option>
          </select>
        </>
      )}
      {custom ? (
        <form
          class="snooze-custom"
          onSubmit={(e) => {
            e.preventDefault();
            snooze(new Date(customAt));
          }}
        >
          <label for="snooze-until">Snooze until</label>
          <input id="snooze-until" type="datetime-local" value={customAt} onInput={(e) => setCustomAt(e.currentTarget.value)} required />
          <button type="submit" class="primary">
            Snooze
          </button>
          <button type="button" class="secondary" onClick={() => setCustom(false)}>
            Cancel
          </button>
        </form>
      ) : null}
      <ErrorLine text={error} />
    </div>
  );
}
