// Editing a channel account in place: its name and settings, each field labelled and checked as when it was added.
// Secrets are never shown back: left empty, the stored one is kept; typed, it replaces it. A WhatsApp Cloud account
// can get a new verify token, shown once with the steps to paste it in Meta's console again.
import { useState } from 'preact/hooks';
import { describeError, enc, patch } from '../api.js';
import { ErrorLine } from '../ErrorLine.js';
import { fieldsOf, randomToken, type Kind } from './account-fields.js';

export interface EditableAccount {
  id: string;
  kind: Kind;
  name: string;
  settings?: Record<string, unknown>;
  secretsSet?: string[];
}

export function EditAccount({ account, onSaved, onCancel }: { account: EditableAccount; onSaved: (newVerifyToken?: string) => void; onCancel: () => void }) {
  const fields = fieldsOf[account.kind];
  const stored = account.settings ?? {};
  const [name, setName] = useState(account.name);
  const [values, setValues] = useState<Record<string, string>>(() =>
    Object.fromEntries(fields.filter((f) => !f.secret).map((f) => [f.key, typeof stored[f.key] === 'string' ? (stored[f.key] as string) : ''])),
  );
  const [newVerifyToken, setNewVerifyToken] = useState(false);
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  const id = (key: string) => `edit-${account.id}-${key}`;

  const submit = async (event: Event) => {
    event.preventDefault();
    setError('');
    // Only what changed is sent: a secret left empty is kept, an optional field emptied is removed.
    const config: Record<string, unknown> = {};
    for (const field of fields) {
      const value = (values[field.key] ?? '').trim();
      if (field.secret) {
        if (value) config[field.key] = value;
      } else if (value !== (typeof stored[field.key] === 'string' ? stored[field.key] : '')) {
        config[field.key] = value || null;
      }
    }
    const token = newVerifyToken ? randomToken() : undefined;
    if (token) config.verifyToken = token;
    setBusy(true);
    try {
      await patch(`/api/admin/accounts/${enc(account.id)}`, { name: name.trim(), ...(Object.keys(config).length > 0 ? { config } : {}) });
      onSaved(token);
    } catch (caught) {
      setError(describeError(caught).replace(/body\.config\./g, '').replace(/body\./g, ''));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form class="edit-account" aria-label={`Edit ${account.name}`} onSubmit={(e) => void submit(e)}>
      <label for={id('name')}>Name</label>
      <input id={id('name')} required maxLength={120} value={name} onInput={(e) => setName(e.currentTarget.value)} />
      {fields.map((field) => (
        <div key={field.key}>
          <label for={id(field.key)}>{field.label}</label>
          <input
            id={id(field.key)}
            type={(field.secret ? 'password' : 'text') as 'text'}
            autocomplete="off"
            required={!field.optional && !field.secret}
            {...(field.pattern ? { pattern: field.pattern } : {})}
            {...(field.secret ? { placeholder: account.secretsSet?.includes(field.key) ? 'Kept as it is; type a new one to replace it' : 'Not set' } : {})}
            aria-describedby={field.hint ? id(`${field.key}-hint`) : undefined}
            value={values[field.key] ?? ''}
            onInput={(e) => setValues({ ...values, [field.key]: e.currentTarget.value })}
          />
          {field.hint ? (
            <p class="hint" id={id(`${field.key}-hint`)}>
              {field.hint}
            </p>
          ) : null}
        </div>
      ))}
      {account.kind === 'whatsapp-cloud' ? (
        <label class="check">
          <input type="checkbox" checked={newVerifyToken} onChange={(e) => setNewVerifyToken(e.currentTarget.checked)} /> Make a new verify token (it must then be
          pasted in Meta’s console again)
        </label>
      ) : null}
      <ErrorLine text={error} />
      <div class="actions">
        <button type="submit" class="primary" disabled={busy}>
          Save changes
        </button>
        <button type="button" class="secondary" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}
