// Office hours: the firm's (or one channel account's own) weekly hours as opening and closing times per day, closures
// for holidays, and the time zone from the IANA list. The server's refusals are said as the form says them
// ("Friday's second hours: an interval must start before it ends"), never as a path like weekly.5.1.
import { useEffect, useState } from 'preact/hooks';
import { announce } from '../announce.js';
import { ApiError, api, describeError, enc, get, put } from '../api.js';
import { ErrorLine } from '../ErrorLine.js';
import { zones } from './FirmSettings.js';

type Interval = [string, string];
interface Closure {
  from: string;
  to?: string;
  label?: string;
}
interface Hours {
  timeZone: string;
  weekly: Record<string, Interval[]>;
  closures: Closure[];
}

/** HH:MM on the 24-hour clock, and 24:00 for "until midnight" (which a browser's time input cannot hold). */
const timePattern = '([01][0-9]|2[0-3]):[0-5][0-9]|24:00';

export const weekdayNames = ['', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];
const ordinals = ['first', 'second', 'third', 'fourth', 'fifth', 'sixth'];

/** The problems the API named by path, in the words of this form. */
export function hoursProblem(caught: unknown): string {
  if (!(caught instanceof ApiError)) return describeError(caught);
  const problems = caught.details.problems as { path: string; message: string }[] | undefined;
  if (!Array.isArray(problems) || problems.length === 0) return describeError(caught);
  return problems
    .map((problem) => {
      const parts = problem.path.replace(/^body\./, '').split('.');
      if (parts[0] === 'weekly' && parts[1]) {
        const day = weekdayNames[Number(parts[1])] ?? `Day ${parts[1]}`;
        const which = parts[2] !== undefined ? `${day}'s ${ordinals[Number(parts[2])] ?? `number ${Number(parts[2]) + 1}`} hours` : day;
        return `${which}: ${problem.message}`;
      }
      if (parts[0] === 'closures' && parts[1]) return `Closure ${Number(parts[1]) + 1}: ${problem.message}`;
      if (parts[0] === 'timeZone') return `Time zone: ${problem.message}`;
      return `${problem.path}: ${problem.message}`;
    })
    .join('; ');
}

export function HoursAdmin() {
  const [accounts, setAccounts] = useState<{ id: string; name: string }[]>([]);
  const [whose, setWhose] = useState('');
  const [hours, setHours] = useState<Hours | null>(null);
  const [note, setNote] = useState('');
  const [error, setError] = useState('');
  const [saved, setSaved] = useState('');
  const [reload, setReload] = useState(0);

  useEffect(() => {
    get<{ id: string; name: string }[]>('/api/admin/accounts').then(setAccounts, () => setAccounts([]));
  }, []);
  useEffect(() => {
    setHours(null);
    setSaved('');
    setError('');
    get<Hours>(`/api/admin/business-hours${whose ? `?accountId=${enc(whose)}` : ''}`).then(
      (found) => {
        setHours({ timeZone: found.timeZone, weekly: found.weekly ?? {}, closures: found.closures ?? [] });
        setNote('');
      },
      (caught: unknown) => {
        if (caught instanceof ApiError && caught.status === 404) {
          setNote(whose ? 'This account answers by the firm’s hours. Saving here gives it hours of its own.' : 'No office hours are set: the office counts as always open.');
          setHours({ timeZone: Intl.DateTimeFormat().resolvedOptions().timeZone, weekly: {}, closures: [] });
        } else setError(describeError(caught));
      },
    );
  }, [whose, reload]);

  if (!hours) return error ? <ErrorLine text={error} /> : <p>Loading…</p>;
  // An account's hours shown without the "answers by the firm's hours" note are its own.
  const own = whose !== '' && note === '';
  const setDay = (day: string, intervals: Interval[]) => {
    const weekly = { ...hours.weekly };
    if (intervals.length > 0) weekly[day] = intervals;
    else delete weekly[day];
    setHours({ ...hours, weekly });
  };
  const setClosure = (index: number, change: Partial<Closure>) => setHours({ ...hours, closures: hours.closures.map((c, i) => (i === index ? { ...c, ...change } : c)) });

  const save = async (event: Event) => {
    event.preventDefault();
    setError('');
    setSaved('');
    const closures = hours.closures.map((c) => ({ from: c.from, ...(c.to ? { to: c.to } : {}), ...(c.label?.trim() ? { label: c.label.trim() } : {}) }));
    try {
      await put(`/api/admin/business-hours${whose ? `?accountId=${enc(whose)}` : ''}`, { timeZone: hours.timeZone, weekly: hours.weekly, closures });
      setNote('');
      setSaved('Saved.');
      announce('Business hours saved.');
    } catch (caught) {
      setError(hoursProblem(caught));
    }
  };

  return (
    <form class="card hours-form" aria-labelledby="hours-title" onSubmit={(e) => void save(e)}>
      <h2 id="hours-title">Business hours</h2>
      {accounts.length > 0 ? (
        <>
          <label for="hours-whose">Hours of</label>
          <select id="hours-whose" value={whose} onChange={(e) => setWhose(e.currentTarget.value)}>
            <option value="">The firm (every account without hours of its own)</option>
            {accounts.map((a) => (
              <option key={a.id} value={a.id}>
                {a.name}
              </option>
            ))}
          </select>
        </>
      ) : null}
      {note ? <p role="status">{note}</p> : null}
      <label for="hours-zone">Time zone</label>
      <select id="hours-zone" value={hours.timeZone} onChange={(e) => setHours({ ...hours, timeZone: e.currentTarget.value })}>
        {zones().map((zone) => (
          <option key={zone} value={zone}>
            {zone.replace(/_/g, ' ')}
          </option>
        ))}
      </select>
      <fieldset class="week">
        <legend>Weekly hours</legend>
        <p class="hint">Times on the 24-hour clock, like 09:00 and 17:30; 24:00 for midnight. A day without hours is closed all day. Add a second set of hours for a lunch break.</p>
        {weekdayNames.slice(1).map((name, index) => {
          const day = String(index + 1);
          const intervals = hours.weekly[day] ?? [];
          return (
            <div class="day" key={day} role="group" aria-label={name}>
              <span class="day-name">{name}</span>
              {intervals.length === 0 ? <span class="hint">Closed</span> : null}
              {intervals.map(([start, end], n) => {
                const ordinal = ordinals[n] ?? String(n + 1);
                const which = intervals.length > 1 ? `${name} (${ordinal} hours)` : name;
                const change = (at: 0 | 1, value: string) => setDay(day, intervals.map((iv, i) => (i === n ? ((at === 0 ? [value, iv[1]] : [iv[0], value]) as Interval) : iv)));
                return (
                  <span class="interval" key={n}>
                    <input class="time" inputMode="numeric" pattern={timePattern} title="A time like 09:00 (24:00 for midnight)" aria-label={`${which} opens`} required value={start} onInput={(e) => change(0, e.currentTarget.value.trim())} />
                    –
                    <input class="time" inputMode="numeric" pattern={timePattern} title="A time like 17:30 (24:00 for midnight)" aria-label={`${which} closes`} required value={end} onInput={(e) => change(1, e.currentTarget.value.trim())} />
                    <button type="button" class="link-button danger" aria-label={intervals.length > 1 ? `Remove ${name}'s ${ordinal} hours` : `Remove ${name}'s hours`} onClick={() => setDay(day, intervals.filter((_, i) => i !== n))}>
                      Remove
                    </button>
                  </span>
                );
              })}
              <button type="button" class="link-button" aria-label={`Add hours on ${name}`} onClick={() => setDay(day, [...intervals, intervals.length === 0 ? ['09:00', '17:00'] : ['14:00', '18:00']])}>
                Add hours
              </button>
            </div>
          );
        })}
      </fieldset>
      <fieldset class="closures">
        <legend>Closures (holidays)</legend>
        {hours.closures.length === 0 ? <p class="hint">No closures.</p> : null}
        {hours.closures.map((c, index) => (
          <div class="closure" key={index} role="group" aria-label={`Closure ${index + 1}`}>
            <label>
              From <input type="date" required value={c.from} onInput={(e) => setClosure(index, { from: e.currentTarget.value })} />
            </label>
            <label>
              To (optional) <input type="date" value={c.to ?? ''} onInput={(e) => setClosure(index, { to: e.currentTarget.value || undefined })} />
            </label>
            <label>
              What <input maxLength={100} value={c.label ?? ''} placeholder="Christmas" onInput={(e) => setClosure(index, { label: e.currentTarget.value })} />
            </label>
            <button type="button" class="link-button danger" aria-label={`Remove closure ${index + 1}`} onClick={() => setHours({ ...hours, closures: hours.closures.filter((_, i) => i !== index) })}>
              Remove
            </button>
          </div>
        ))}
        <button type="button" class="secondary" onClick={() => setHours({ ...hours, closures: [...hours.closures, { from: '' }] })}>
          Add a closure
        </button>
      </fieldset>
      <ErrorLine text={error} />
      {saved ? (
        <p role="status" class="saved">
          {saved}
        </p>
      ) : null}
      <div class="actions">
        <button type="submit" class="primary">
          Save hours
        </button>
        {own ? (
          <button
            type="button"
            class="secondary"
            onClick={() =>
              void api('DELETE', `/api/admin/business-hours?accountId=${enc(whose)}`).then(
                () => {
                  announce('This account uses the firm’s hours again.');
                  setReload(reload + 1);
                },
                (caught: unknown) => setError(describeError(caught)),
              )
            }
          >
            Use the firm’s hours for this account
          </button>
        ) : null}
      </div>
    </form>
  );
}
