// The firm's settings in words: its time zone (from the IANA list), the language for clients whose language is
// unknown, the office contact the HELP reply gives, out-of-hours sends, consent requests, the on-call lawyer, the
// reply time the firm promises, and how long a closed matter's record is kept.
import { useEffect, useState } from 'preact/hooks';
import { announce } from '../announce.js';
import { describeError, get, patch } from '../api.js';
import { ErrorLine } from '../ErrorLine.js';
import type { Person } from '../pages/ClientsPage.js';

interface Settings {
  timeZone: string;
  defaultLanguage: string;
  helpContact: string;
  outOfHoursSends: 'send_now' | 'hold';
  consentRequestMode: 'automatic' | 'manual';
  onCallUserId: string | null;
  promisedReplyMinutes: number;
  retentionDays: number | null;
  insecureChannels: string[];
  sensitiveDataPolicy: 'warn' | 'forbid';
}

/** Channels a firm may count as insecure besides SMS, which always is. */
const channelChoices: [string, string][] = [
  ['whatsapp_cloud', 'WhatsApp Business (Cloud API)'],
  ['baileys', 'WhatsApp, linked phone'],
  ['whatsapp_web', 'WhatsApp Web'],
  ['signal', 'Signal'],
  ['simulator', 'The simulator'],
];

/** The IANA time zones this browser knows, and UTC. */
export const zones = (): string[] => [...Intl.supportedValuesOf('timeZone'), 'UTC'];

export function FirmSettings() {
  const [settings, setSettings] = useState<Settings | null>(null);
  const [people, setPeople] = useState<Person[]>([]);
  const [error, setError] = useState('');
  const [saved, setSaved] = useState('');
  const [keepForever, setKeepForever] = useState(false);
  const [years, setYears] = useState('7');
  useEffect(() => {
    get<Settings>('/api/admin/settings').then(
      (found) => {
        setSettings(found);
        setKeepForever(found.retentionDays === null);
        setYears(found.retentionDays === null ? '7' : String(Math.round((found.retentionDays / 365.25) * 10) / 10));
      },
      (caught: unknown) => setError(describeError(caught)),
    );
    get<{ items: Person[] }>('/api/people').then((found) => setPeople(found.items), () => setPeople([]));
  }, []);
  if (!settings) return error ? <ErrorLine text={error} /> : <p>Loading…</p>;
  const set = <K extends keyof Settings>(key: K, value: Settings[K]) => setSettings({ ...settings, [key]: value });

  const save = async (event: Event) => {
    event.preventDefault();
    setError('');
    setSaved('');
    const yearsValue = Number(years);
    if (!keepForever && !(yearsValue > 0 && yearsValue <= 100)) {
      setError('Keep closed matters for between 0.1 and 100 years, or choose to keep them for ever.');
      return;
    }
    try {
      const after = await patch<Settings>('/api/admin/settings', {
        timeZone: settings.timeZone,
        defaultLanguage: settings.defaultLanguage,
        helpContact: settings.helpContact.trim(),
        outOfHoursSends: settings.outOfHoursSends,
        consentRequestMode: settings.consentRequestMode,
        onCallUserId: settings.onCallUserId || null,
        promisedReplyMinutes: settings.promisedReplyMinutes,
        retentionDays: keepForever ? null : Math.round(yearsValue * 365.25),
        insecureChannels: settings.insecureChannels,
        sensitiveDataPolicy: settings.sensitiveDataPolicy,
      });
      setSettings(after);
      setSaved('Saved.');
      announce('Firm settings saved.');
    } catch (caught) {
      setError(describeError(caught));
    }
  };

  return (
    <form class="card firm-settings" aria-labelledby="firm-settings-title" onSubmit={(e) => void save(e)}>
      <h2 id="firm-settings-title">Firm settings</h2>
      <label for="firm-zone">Time zone</label>
      <select id="firm-zone" value={settings.timeZone} onChange={(e) => set('timeZone', e.currentTarget.value)}>
        {zones().map((zone) => (
          <option key={zone} value={zone}>
            {zone.replace(/_/g, ' ')}
          </option>
        ))}
      </select>
      <p class="hint">Working days of time entries, the matter file and its transcript are in this zone. Office hours have their own (Business hours).</p>
      <label for="firm-language">Language for clients whose language is not known</label>
      <select id="firm-language" value={settings.defaultLanguage} onChange={(e) => set('defaultLanguage', e.currentTarget.value)}>
        <option value="en">English</option>
        <option value="es">Spanish</option>
      </select>
      <label for="firm-help">Office contact given in the HELP reply</label>
      <input id="firm-help" maxLength={200} required value={settings.helpContact} onInput={(e) => set('helpContact', e.currentTarget.value)} placeholder="+1 555 0100 or reception@firm.example" />
      <label for="firm-out-of-hours">A lawyer's message while the office is closed</label>
      <select id="firm-out-of-hours" value={settings.outOfHoursSends} onChange={(e) => set('outOfHoursSends', e.currentTarget.value as Settings['outOfHoursSends'])}>
        <option value="send_now">Sends at once (the lawyer may hold it)</option>
        <option value="hold">Is held until the office opens (the lawyer may send it now)</option>
      </select>
      <label for="firm-consent">Asking a new contact for consent</label>
      <select id="firm-consent" value={settings.consentRequestMode} onChange={(e) => set('consentRequestMode', e.currentTarget.value as Settings['consentRequestMode'])}>
        <option value="automatic">Automatically, at most once a day</option>
        <option value="manual">Only when a person sends the request</option>
      </select>
      <label for="firm-on-call">Told of URGENT messages out of hours</label>
      <select id="firm-on-call" value={settings.onCallUserId ?? ''} onChange={(e) => set('onCallUserId', e.currentTarget.value || null)}>
        <option value="">The conversation's lawyers</option>
        {people.map((p) => (
          <option key={p.id} value={p.id}>
            {p.name}
          </option>
        ))}
      </select>
      <label for="firm-promise">Reply time promised to clients (minutes)</label>
      <input id="firm-promise" type="number" min={1} max={10080} required value={settings.promisedReplyMinutes} onInput={(e) => set('promisedReplyMinutes', Number(e.currentTarget.value))} />
      <fieldset id="firm-sensitive">
        <legend>Card numbers, SSNs, passport and bank numbers, identity documents</legend>
        <p class="hint">Before such data goes over SMS (never secure) or a channel ticked here, the lawyer is warned and shown the secure alternatives.</p>
        {channelChoices.map(([kind, label]) => (
          <label class="check" key={kind}>
            <input
              type="checkbox"
              checked={settings.insecureChannels.includes(kind)}
              onChange={(e) =>
                set('insecureChannels', e.currentTarget.checked ? [...settings.insecureChannels, kind] : settings.insecureChannels.filter((k) => k !== kind))
              }
            />{' '}
            Count {label} as insecure
          </label>
        ))}
        <label for="firm-sensitive-policy">When a lawyer sends such data over an insecure channel</label>
        <select id="firm-sensitive-policy" value={settings.sensitiveDataPolicy} onChange={(e) => set('sensitiveDataPolicy', e.currentTarget.value as Settings['sensitiveDataPolicy'])}>
          <option value="warn">Warn; allow it once the client agreed (kept as evidence)</option>
          <option value="forbid">Refuse it</option>
        </select>
      </fieldset>
      <fieldset>
        <legend>Keeping a closed matter's messages</legend>
        <label class="check">
          <input type="checkbox" checked={keepForever} onChange={(e) => setKeepForever(e.currentTarget.checked)} /> Keep them for ever
        </label>
        {keepForever ? null : (
          <>
            <label for="firm-retention">Years after the matter is closed</label>
            <input id="firm-retention" inputMode="decimal" value={years} onInput={(e) => setYears(e.currentTarget.value)} />
            <p class="hint">Then they are purged with every copy, unless a legal hold keeps them. Every change of this is audited.</p>
          </>
        )}
      </fieldset>
      <ErrorLine text={error} />
      <div class="actions">
        <button type="submit" class="primary">
          Save settings
        </button>
        <span class="saved" role="status">
          {saved}
        </span>
      </div>
    </form>
  );
}
