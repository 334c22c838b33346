// The firm's channel accounts: each with its state in words ("Waiting for the first webhook", "Receiving", "Sends
// failing: …"), the QR code drawn for a linked phone, Meta's warnings and the provider's reports; test connection,
// edit (name and settings, secrets kept unless replaced), pause, resume, remove (with a reason). Adding one is a guided form per channel; once saved, the webhook URL and the verify
// token are shown with copy buttons and the steps to paste them in Meta's or Twilio's console.
import { useEffect, useRef, useState } from 'preact/hooks';
import { announce } from '../announce.js';
import { api, describeError, enc, get, post } from '../api.js';
import { ErrorLine } from '../ErrorLine.js';
import { dateTime } from '../format.js';
import { actionRunner } from '../run-action.js';
import { CopyField } from './UsersAdmin.js';
import { fieldsOf, randomToken, type Kind } from './account-fields.js';
import { EditAccount } from './EditAccount.js';
import { ReasonDialog, type ReasonRequest } from '../ReasonDialog.js';

interface Account {
  id: string;
  kind: Kind;
  name: string;
  address: string | null;
  state: string;
  stateReason: string | null;
  lastError: string | null;
  qrCode: string | null;
  lastEventAt: string | null;
  warnings?: { code: string; message: string }[];
  settings?: Record<string, unknown>;
  secretsSet?: string[];
}
interface Report {
  id: string;
  kind: string;
  detail: string;
  at: string;
}

const kindLabels: Record<Kind, string> = {
  'whatsapp-cloud': 'WhatsApp Business (Cloud API)',
  twilio: 'SMS and MMS (Twilio)',
  signal: 'Signal (signal-cli)',
  baileys: 'WhatsApp on a linked phone',
  'whatsapp-web': 'WhatsApp on a linked phone (WhatsApp Web)',
  simulator: 'Simulator (demo)',
};
const webhookKinds: Kind[] = ['whatsapp-cloud', 'twilio'];
const reportLabels: Record<string, string> = { provider_error: 'Provider error', unparsed: 'Kept unread', unrouted: 'For another number' };

/** The account's state in words a firm's admin acts on. */
export function accountStateWords(a: Account): string {
  if (a.state === 'paused') return 'Paused: messages are still captured; sends wait until it is resumed';
  if (a.lastError && (a.state === 'needs_attention' || a.state === 'disconnected')) return `Sends failing: ${a.lastError}`;
  if (webhookKinds.includes(a.kind)) {
    if (!a.lastEventAt) return 'Waiting for the first webhook: paste the URL below in the provider’s console';
    return `Receiving (last event ${dateTime(a.lastEventAt)})`;
  }
  const words: Record<string, string> = {
    linking: 'Waiting to be linked: scan the QR code with the firm’s phone',
    connecting: 'Connecting…',
    connected: 'Connected',
    disconnected: 'Offline: it reconnects on its own',
    logged_out: 'Logged out on the phone: remove it and link again',
    banned: 'Banned by the provider',
    rate_limited: 'Rate-limited by the provider for a while',
    needs_attention: 'Needs attention',
  };
  return words[a.state] ?? a.state;
}

function webhookUrl(a: { id: string; kind: Kind }): string {
  return `${location.origin}/webhooks/${a.kind === 'twilio' ? 'twilio' : 'whatsapp-cloud'}/${a.id}`;
}

function ConnectSteps({ account, verifyToken }: { account: { id: string; kind: Kind }; verifyToken?: string }) {
  if (account.kind === 'whatsapp-cloud') {
    return (
      <div class="connect-steps">
        <CopyField id={`webhook-${account.id}`} label="Webhook URL" value={webhookUrl(account)} />
        {verifyToken ? <CopyField id={`verify-${account.id}`} label="Verify token" value={verifyToken} /> : null}
        <ol>
          <li>In Meta for Developers, open your app › WhatsApp › Configuration.</li>
          <li>Under Webhook, choose Edit, paste the webhook URL and the verify token, then Verify and save.</li>
          <li>Under Webhook fields, subscribe to “messages”.</li>
          <li>Send the number a message from a phone: the state here turns to “Receiving”.</li>
        </ol>
      </div>
    );
  }
  if (account.kind === 'twilio') {
    return (
      <div class="connect-steps">
        <CopyField id={`webhook-${account.id}`} label="Webhook URL" value={webhookUrl(account)} />
        <ol>
          <li>In the Twilio Console, open Phone Numbers › Manage › Active numbers and choose the firm’s number.</li>
          <li>Under Messaging configuration, “A message comes in”: Webhook, paste the URL, HTTP POST, and save.</li>
          <li>Delivery receipts need nothing more: Matterline sends its status callback with every message.</li>
        </ol>
      </div>
    );
  }
  return null;
}

function ProviderReports({ accountId }: { accountId: string }) {
  const [reports, setReports] = useState<Report[] | null>(null);
  const [error, setError] = useState('');
  return (
    <details
      class="provider-reports"
      onToggle={(e) => {
        if (!e.currentTarget.open) return;
        get<Report[]>(`/api/admin/accounts/${enc(accountId)}/reports`).then(setReports, (caught: unknown) => setError(describeError(caught)));
      }}
    >
      <summary>Provider reports</summary>
      <div class="reports">
        <ErrorLine text={error} />
        {reports === null ? null : reports.length === 0 ? (
          <p>Nothing reported.</p>
        ) : (
          <ol>
            {reports.map((r) => (
              <li key={r.id} data-kind={r.kind}>
                <time dateTime={r.at}>{dateTime(r.at)}</time> <strong>{reportLabels[r.kind] ?? r.kind}</strong>: {r.detail}
              </li>
            ))}
          </ol>
        )}
      </div>
    </details>
  );
}

function AddAccount({ onAdded }: { onAdded: (added: { id: string; kind: Kind; verifyToken?: string }) => void }) {
  const [kind, setKind] = useState<Kind>('whatsapp-cloud');
  const [name, setName] = useState('');
  const [values, setValues] = useState<Record<string, string>>({});
  const [verifyToken, setVerifyToken] = useState(randomToken);
  const [error, setError] = useState('');
  const submit = async (event: Event) => {
    event.preventDefault();
    setError('');
    const config: Record<string, unknown> = {};
    for (const field of fieldsOf[kind]) {
      const value = (values[field.key] ?? '').trim();
      if (value) config[field.key] = value;
    }
    if (kind === 'whatsapp-cloud') config.verifyToken = verifyToken;
    try {
      const added = await post<{ id: string }>('/api/admin/accounts', { kind, name: name.trim(), config });
      announce(`${name.trim()} added.`);
      onAdded({ id: added.id, kind, ...(kind === 'whatsapp-cloud' ? { verifyToken } : {}) });
      setName('');
      setValues({});
      setVerifyToken(randomToken());
    } catch (caught) {
      setError(describeError(caught).replace(/body\.config\./g, '').replace(/body\./g, ''));
    }
  };
  return (
    <form class="card side-form add-account" aria-labelledby="add-account-title" onSubmit={(e) => void submit(e)}>
      <h3 id="add-account-title">Add an account</h3>
      <label for="account-kind">Channel</label>
      <select id="account-kind" value={kind} onChange={(e) => setKind(e.currentTarget.value as Kind)}>
        {(Object.keys(kindLabels) as Kind[]).map((k) => (
          <option key={k} value={k}>
            {kindLabels[k]}
          </option>
        ))}
      </select>
      <label for="account-name">Name</label>
      <input id="account-name" required maxLength={120} value={name} placeholder="Front desk WhatsApp" onInput={(e) => setName(e.currentTarget.value)} />
      {fieldsOf[kind].map((field) => (
        <div key={`${kind}-${field.key}`}>
          <label for={`account-${field.key}`}>{field.label}</label>
          <input
            id={`account-${field.key}`}
            type={(field.secret ? 'password' : 'text') as 'text'}
            autocomplete="off"
            required={!field.optional}
            {...(field.pattern ? { pattern: field.pattern } : {})}
            aria-describedby={field.hint ? `account-${field.key}-hint` : undefined}
            value={values[field.key] ?? ''}
            onInput={(e) => setValues({ ...values, [field.key]: e.currentTarget.value })}
          />
          {field.hint ? (
            <p class="hint" id={`account-${field.key}-hint`}>
              {field.hint}
            </p>
          ) : null}
        </div>
      ))}
      {kind === 'whatsapp-cloud' ? <p class="hint">A verify token is made for you; it is shown with the webhook URL once the account is saved.</p> : null}
      {kind === 'baileys' || kind === 'whatsapp-web' ? <p class="hint">Nothing to fill in: once saved, a QR code appears here to scan with the firm’s phone.</p> : null}
      <ErrorLine text={error} />
      <button type="submit" class="primary">
        Add account
      </button>
    </form>
  );
}

export function AccountsAdmin() {
  const [accounts, setAccounts] = useState<Account[] | null>(null);
  const [error, setError] = useState('');
  const [justAdded, setJustAdded] = useState<{ id: string; kind: Kind; verifyToken?: string } | null>(null);
  const [tests, setTests] = useState<Record<string, { ok: boolean; message: string }>>({});
  const [editing, setEditing] = useState<string | null>(null);
  const [asking, setAsking] = useState<ReasonRequest | null>(null);
  const loaded = useRef(0);
  const load = async () => {
    try {
      setAccounts(await get<Account[]>('/api/admin/accounts'));
      loaded.current += 1;
      document.querySelector('.accounts')?.setAttribute('data-loads', String(loaded.current));
    } catch (caught) {
      setError(describeError(caught));
    }
  };
  useEffect(() => {
    void load();
    // A QR code changes every few seconds while linking, and states move: keep the list current while it is open.
    const timer = setInterval(() => void load(), 5000);
    return () => clearInterval(timer);
  }, []);
  const act = actionRunner(setError, load);

  return (
    <div class="admin-body">
      <h2>Channel accounts</h2>
      <ErrorLine text={error} />
      {justAdded && webhookKinds.includes(justAdded.kind) ? (
        <section class="card notice" aria-labelledby="connect-title">
          <h3 id="connect-title">Connect it</h3>
          <p>The account is saved. Give the provider this address so that messages reach Matterline:</p>
          <ConnectSteps account={justAdded} {...(justAdded.verifyToken ? { verifyToken: justAdded.verifyToken } : {})} />
          <p class="hint">The verify token is shown only now; it is kept encrypted.</p>
        </section>
      ) : null}
      <div class="accounts">
        {accounts === null ? (
          <p>Loading…</p>
        ) : accounts.length === 0 ? (
          <p>No accounts yet. Add the firm’s first number below.</p>
        ) : (
          <ul class="card-list">
            {accounts.map((a) => (
              <li key={a.id} class="card account" data-id={a.id} data-state={a.state}>
                <h3>{a.name}</h3>
                {editing === a.id ? (
                  <EditAccount
                    account={a}
                    onCancel={() => setEditing(null)}
                    onSaved={(newVerifyToken) => {
                      setEditing(null);
                      announce('Changes saved.');
                      if (newVerifyToken) setJustAdded({ id: a.id, kind: a.kind, verifyToken: newVerifyToken });
                      void load();
                    }}
                  />
                ) : null}
                {(a.warnings ?? []).length > 0 ? (
                  <ul class="warnings" role="alert">
                    {(a.warnings ?? []).map((w) => (
                      <li key={w.code} data-code={w.code}>
                        {w.message}
                      </li>
                    ))}
                  </ul>
                ) : null}
                <dl class="facts">
                  <dt>Channel</dt>
                  <dd>{kindLabels[a.kind] ?? a.kind}</dd>
                  <dt>Number</dt>
                  <dd>{a.address ?? '—'}</dd>
                  <dt>State</dt>
                  <dd>
                    <span class={`badge state-${a.state}`}>{accountStateWords(a)}</span>
                    {a.stateReason ? ` (${a.stateReason})` : ''}
                  </dd>
                  {a.lastError ? (
                    <>
                      <dt>Last error</dt>
                      <dd>{a.lastError}</dd>
                    </>
                  ) : null}
                </dl>
                {a.qrCode ? (
                  <figure class="qr">
                    <img src={`/api/admin/accounts/${enc(a.id)}/qr.svg?v=${enc(a.qrCode.slice(-12))}`} alt={`QR code to link ${a.name}`} width={220} height={220} />
                    <figcaption>On the firm’s phone: WhatsApp › Settings › Linked devices › Link a device, then scan this code.</figcaption>
                  </figure>
                ) : null}
                {webhookKinds.includes(a.kind) ? (
                  <details class="connect">
                    <summary>Webhook URL and steps</summary>
                    <ConnectSteps account={a} />
                  </details>
                ) : null}
                {tests[a.id] ? (
                  <p role="status" class={tests[a.id]!.ok ? 'saved' : 'form-error'}>
                    {tests[a.id]!.message}
                  </p>
                ) : null}
                <div class="actions">
                  {webhookKinds.includes(a.kind) ? (
                    <button
                      type="button"
                      class="secondary"
                      aria-label={`Test connection of ${a.name}`}
                      onClick={() =>
                        void post<{ ok: boolean; message: string }>(`/api/admin/accounts/${enc(a.id)}/test`, {}).then(
                          (result) => {
                            setTests({ ...tests, [a.id]: result });
                            announce(result.message);
                          },
                          (caught: unknown) => setError(describeError(caught)),
                        )
                      }
                    >
                      Test connection
                    </button>
                  ) : null}
                  {a.state === 'paused' ? (
                    <button type="button" class="secondary" aria-label={`Resume ${a.name}`} onClick={() => void act(() => post(`/api/admin/accounts/${enc(a.id)}/resume`, {}), `${a.name} resumed.`)}>
                      Resume
                    </button>
                  ) : (
                    <button type="button" class="secondary" aria-label={`Pause ${a.name}`} onClick={() => void act(() => post(`/api/admin/accounts/${enc(a.id)}/pause`, {}), `${a.name} paused.`)}>
                      Pause
                    </button>
                  )}
                  <button type="button" class="secondary" aria-label={`Edit ${a.name}`} aria-expanded={editing === a.id} onClick={() => setEditing(editing === a.id ? null : a.id)}>
                    Edit
                  </button>
                  <button
                    type="button"
                    class="danger"
                    aria-label={`Remove ${a.name}`}
                    onClick={() =>
                      setAsking({
                        title: `Remove ${a.name}`,
                        label: 'Its messages stay in the record; nothing more is received or sent through it. Why is it removed?',
                        action: 'Remove account',
                        run: async (reason) => {
                          await api('DELETE', `/api/admin/accounts/${enc(a.id)}`, { reason });
                          announce(`${a.name} removed.`);
                          await load();
                        },
                      })
                    }
                  >
                    Remove
                  </button>
                </div>
                <ProviderReports accountId={a.id} />
              </li>
            ))}
          </ul>
        )}
      </div>
      <ReasonDialog request={asking} onDone={() => setAsking(null)} />
      <AddAccount
        onAdded={(added) => {
          setJustAdded(added);
          void load();
        }}
      />
    </div>
  );
}
