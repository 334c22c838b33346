// A matter's hearings and appointments with their reminders to the client: schedule one, see what goes when (held to
// the client's daytime), move it, cancel it. Each reminder says in words why it will not go, when it will not.
import { useEffect, useState } from 'preact/hooks';
import { describeError, enc, get, patch, post } from '../api.js';
import { ErrorLine } from '../ErrorLine.js';
import { localInputValue } from '../format.js';
import { ReasonDialog, type ReasonRequest } from '../ReasonDialog.js';
import { actionRunner } from '../run-action.js';

interface Reminder {
  id: string;
  offsetMinutes: number;
  state: string;
  sendAt: string;
  skippedReason: string | null;
}
interface MatterEvent {
  id: string;
  title: string;
  location: string | null;
  startsAt: string;
  cancelled: boolean;
  reminders: Reminder[];
}

const offsets: [minutes: number, label: string][] = [
  [2880, '2 days before'],
  [1440, '1 day before'],
  [120, '2 hours before'],
];
const skipped: Record<string, string> = {
  past: 'its time had passed when it was scheduled',
  night: 'it would have fallen in the client’s night',
  no_contact: 'the client has no number to write to',
  consent_required: 'the client has not agreed to messages',
  opted_out: 'the client opted out',
  blocked: 'the contact is blocked',
  revocation_pending: 'the client may have asked to stop: a person must decide first',
  window_closed: 'the WhatsApp window is closed and no approved template fits',
};
const when = (at: string) => new Date(at).toLocaleString(undefined, { weekday: 'short', month: 'short', day: 'numeric', hour: 'numeric', minute: '2-digit', timeZoneName: 'short' });
const before = (minutes: number) => (minutes % 1440 === 0 ? `${minutes / 1440} day(s) before` : minutes % 60 === 0 ? `${minutes / 60} hour(s) before` : `${minutes} minutes before`);

function reminderWords(r: Reminder): string {
  switch (r.state) {
    case 'scheduled':
      return `${before(r.offsetMinutes)}: goes ${when(r.sendAt)}`;
    case 'sent':
      return `${before(r.offsetMinutes)}: sent ${when(r.sendAt)}`;
    case 'skipped':
      return `${before(r.offsetMinutes)}: will not go, because ${r.skippedReason ? (skipped[r.skippedReason] ?? r.skippedReason.replace(/_/g, ' ')) : 'it was skipped'}`;
    case 'cancelled':
      return `${before(r.offsetMinutes)}: cancelled`;
    default:
      return `${before(r.offsetMinutes)}: ${r.state}`;
  }
}

export function MatterReminders({ matterId }: { matterId: string }) {
  const [events, setEvents] = useState<MatterEvent[] | null>(null);
  const [error, setError] = useState('');
  const [form, setForm] = useState({ title: '', startsAt: localInputValue(new Date(Date.now() + 7 * 86_400_000)), location: '', offsets: [2880, 120] });
  const [moving, setMoving] = useState<{ id: string; startsAt: string } | null>(null);
  const [asking, setAsking] = useState<ReasonRequest | null>(null);
  const load = async () => setEvents((await get<{ items: MatterEvent[] }>(`/api/matters/${enc(matterId)}/events`)).items);
  const run = actionRunner(setError, load);
  useEffect(() => {
    load().catch((caught: unknown) => setError(describeError(caught)));
  }, [matterId]);

  const schedule = (event: Event) => {
    event.preventDefault();
    void run(async () => {
      await post(`/api/matters/${enc(matterId)}/events`, {
        title: form.title.trim(),
        startsAt: new Date(form.startsAt).toISOString(),
        ...(form.location.trim() ? { location: form.location.trim() } : {}),
        reminderOffsetsMinutes: form.offsets,
      });
      setForm({ ...form, title: '', location: '' });
    }, `${form.title.trim()} scheduled with its reminders.`);
  };
  const upcoming = (events ?? []).filter((e) => !e.cancelled);
  return (
    <section class="card" aria-labelledby="reminders-title">
      <h2 id="reminders-title">Hearings, appointments and reminders</h2>
      <ErrorLine text={error} />
      <ul class="matter-events">
        {events !== null && upcoming.length === 0 ? <li>Nothing scheduled.</li> : null}
        {upcoming.map((e) => (
          <li key={e.id}>
            <strong>{e.title}</strong> · {when(e.startsAt)}
            {e.location ? ` · ${e.location}` : ''}
            <ul class="reminders">
              {e.reminders.map((r) => (
                <li key={r.id} data-state={r.state}>
                  {reminderWords(r)}
                </li>
              ))}
            </ul>
            {moving?.id === e.id ? (
              <form
                class="inline-form"
                onSubmit={(ev) => {
                  ev.preventDefault();
                  void run(async () => {
                    await patch(`/api/matter-events/${enc(e.id)}`, { startsAt: new Date(moving.startsAt).toISOString() });
                    setMoving(null);
                  }, `${e.title} moved; its reminders follow it.`);
                }}
              >
                <label for={`move-${e.id}`}>New date and time</label>
                <input id={`move-${e.id}`} type="datetime-local" required value={moving.startsAt} onInput={(ev) => setMoving({ id: e.id, startsAt: ev.currentTarget.value })} />
                <button type="submit" class="primary">
                  Move
                </button>
                <button type="button" class="secondary" onClick={() => setMoving(null)}>
                  Keep as is
                </button>
              </form>
            ) : (
              <p class="actions">
                <button type="button" class="secondary" aria-label={`Move ${e.title}`} onClick={() => setMoving({ id: e.id, startsAt: localInputValue(new Date(e.startsAt)) })}>
                  Move
                </button>
                <button
                  type="button"
                  class="danger"
                  aria-label={`Cancel ${e.title}`}
                  onClick={() =>
                    setAsking({
                      title: `Cancel ${e.title}`,
                      label: 'Why is it cancelled? (its reminders will not go)',
                      action: 'Cancel it',
                      run: async (reason) => {
                        await post(`/api/matter-events/${enc(e.id)}/cancel`, { reason });
                        await load();
                      },
                    })
                  }
                >
                  Cancel
                </button>
              </p>
            )}
          </li>
        ))}
      </ul>
      <form class="schedule-event" aria-labelledby="schedule-title" onSubmit={schedule}>
        <h3 id="schedule-title">Schedule a hearing or appointment</h3>
        <label for="event-title">What</label>
        <input id="event-title" required maxLength={200} value={form.title} placeholder="Hearing at the county court" onInput={(e) => setForm({ ...form, title: e.currentTarget.value })} />
        <label for="event-starts">When</label>
        <input id="event-starts" type="datetime-local" required value={form.startsAt} onInput={(e) => setForm({ ...form, startsAt: e.currentTarget.value })} />
        <label for="event-location">Where (optional)</label>
        <input id="event-location" maxLength={300} value={form.location} onInput={(e) => setForm({ ...form, location: e.currentTarget.value })} />
        <fieldset>
          <legend>Remind the client</legend>
          {offsets.map(([minutes, label]) => (
            <label class="check" key={minutes}>
              <input
                type="checkbox"
                checked={form.offsets.includes(minutes)}
                onChange={(e) => setForm({ ...form, offsets: e.currentTarget.checked ? [...form.offsets, minutes] : form.offsets.filter((m) => m !== minutes) })}
              />{' '}
              {label}
            </label>
          ))}
        </fieldset>
        <button type="submit" class="primary">
          Schedule
        </button>
      </form>
      <ReasonDialog request={asking} onDone={() => setAsking(null)} />
    </section>
  );
}
