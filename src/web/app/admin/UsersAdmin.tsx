// The firm's people: invite (a link to set a password, shown once, with a copy button), a new link for someone who
// has not set their password yet, a password reset, roles, disable and enable. Every change is audited by the API.
import { useEffect, useState } from 'preact/hooks';
import { announce } from '../announce.js';
import { describeError, enc, get, patch, post } from '../api.js';
import { actionRunner } from '../run-action.js';
import type { Role, User } from '../types.js';
import { ErrorLine } from '../ErrorLine.js';

interface UserSummary {
  id: string;
  email: string;
  name: string;
  role: Role;
  disabled: boolean;
  locked: boolean;
  totpEnabled: boolean;
  passwordSet: boolean;
}

const roles: { value: Role; label: string }[] = [
  { value: 'lawyer', label: 'Lawyer' },
  { value: 'staff', label: 'Staff' },
  { value: 'supervisor', label: 'Supervisor' },
  { value: 'admin', label: 'Admin' },
];

/** The link a person opens to set their password: the token in the fragment, which browsers never send to a server. */
export const setPasswordLink = (token: string) => `${location.origin}/set-password#token=${encodeURIComponent(token)}`;

export function CopyField({ id, label, value }: { id: string; label: string; value: string }) {
  const [copied, setCopied] = useState('');
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(value);
      setCopied('Copied.');
    } catch {
      setCopied('Select the text and copy it: the browser did not allow copying from here.');
    }
  };
  return (
    <div class="copy-field">
      <label for={id}>{label}</label>
      <div class="copy-row">
        <input id={id} readOnly value={value} onFocus={(e) => e.currentTarget.select()} />
        <button type="button" class="secondary" onClick={() => void copy()} aria-label={`Copy ${label}`}>
          Copy
        </button>
      </div>
      <span class="hint" role="status">
        {copied}
      </span>
    </div>
  );
}

export function UsersAdmin({ me }: { me: User }) {
  const [users, setUsers] = useState<UserSummary[] | null>(null);
  const [error, setError] = useState('');
  const [notice, setNotice] = useState<{ text: string; link: string; expiresAt: string } | null>(null);
  const [invite, setInvite] = useState({ email: '', name: '', role: 'lawyer' as Role });
  const [inviteError, setInviteError] = useState('');

  const load = async () => {
    try {
      setUsers((await get<{ items: UserSummary[] }>('/api/admin/users')).items);
    } catch (caught) {
      setError(describeError(caught));
    }
  };
  useEffect(() => {
    void load();
  }, []);

  const act = actionRunner(setError, load);
  const newLink = async (u: UserSummary) => {
    const reset = !u.passwordSet ? 'A new invitation link' : 'A password reset';
    if (u.passwordSet && !window.confirm(`Reset ${u.name}'s password? Their password stops working and they are signed out everywhere.`)) return;
    await act(async () => {
      const token = await post<{ resetToken: string; expiresAt: string }>(`/api/admin/users/${enc(u.id)}/reset-password`, {});
      setNotice({ text: `${reset} for ${u.name}. Give them this link; it is shown only once.`, link: setPasswordLink(token.resetToken), expiresAt: token.expiresAt });
    }, `${reset} link made for ${u.name}.`);
  };
  const submitInvite = async (event: Event) => {
    event.preventDefault();
    setInviteError('');
    try {
      const invited = await post<{ user: { name: string }; resetToken: string; resetTokenExpiresAt: string }>('/api/admin/users', {
        email: invite.email.trim(),
        name: invite.name.trim(),
        role: invite.role,
      });
      setNotice({
        text: `${invited.user.name} invited. Give them this link to set their password; it is shown only once.`,
        link: setPasswordLink(invited.resetToken),
        expiresAt: invited.resetTokenExpiresAt,
      });
      setInvite({ email: '', name: '', role: 'lawyer' });
      announce(`${invited.user.name} invited.`);
      await load();
    } catch (caught) {
      setInviteError(describeError(caught));
    }
  };

  return (
    <div class="admin-body">
      <h2>Users</h2>
      <div role="status" class="notice-host">
        {notice ? (
          <div class="card notice">
            <p>{notice.text}</p>
            <CopyField id="set-password-link" label="Link to set the password" value={notice.link} />
            <p class="hint">It works once, until {new Date(notice.expiresAt).toLocaleString()}.</p>
          </div>
        ) : null}
      </div>
      <ErrorLine text={error} />
      {users === null ? (
        <p>Loading…</p>
      ) : (
        <table class="users">
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Email</th>
              <th scope="col">Role</th>
              <th scope="col">State</th>
              <th scope="col">
                <span class="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {users.map((u) => (
              <tr key={u.id}>
                <td>{u.name}</td>
                <td>{u.email}</td>
                <td>
                  {u.id === me.id ? (
                    roles.find((r) => r.value === u.role)?.label
                  ) : (
                    <select
                      aria-label={`Role of ${u.name}`}
                      value={u.role}
                      onChange={(e) => {
                        const role = e.currentTarget.value as Role;
                        void act(() => patch(`/api/admin/users/${enc(u.id)}`, { role }), `${u.name} is now ${role}.`);
                      }}
                    >
                      {roles.map((r) => (
                        <option key={r.value} value={r.value}>
                          {r.label}
                        </option>
                      ))}
                    </select>
                  )}
                </td>
                <td>
                  {[u.disabled ? 'Disabled' : 'Active', u.passwordSet ? null : 'has not set a password yet', u.locked ? 'sign-in paused' : null, u.totpEnabled ? 'two-factor on' : null]
                    .filter(Boolean)
                    .join(' · ')}
                </td>
                <td class="actions">
                  {u.id === me.id ? (
                    <a href="/account">Your account</a>
                  ) : (
                    <>
                      {u.disabled ? (
                        <button type="button" class="secondary" aria-label={`Enable ${u.name}`} onClick={() => void act(() => post(`/api/admin/users/${enc(u.id)}/enable`, {}), `${u.name} can sign in again.`)}>
                          Enable
                        </button>
                      ) : (
                        <button
                          type="button"
                          class="danger"
                          aria-label={`Disable ${u.name}`}
                          onClick={() => {
                            if (window.confirm(`Disable ${u.name}? They are signed out everywhere and cannot sign in until enabled again.`)) {
                              void act(() => post(`/api/admin/users/${enc(u.id)}/disable`, {}), `${u.name} disabled.`);
                            }
                          }}
                        >
                          Disable
                        </button>
                      )}
                      <button type="button" class="secondary" aria-label={u.passwordSet ? `Reset password for ${u.name}` : `New invitation link for ${u.name}`} onClick={() => void newLink(u)}>
                        {u.passwordSet ? 'Reset password' : 'New invitation link'}
                      </button>
                    </>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <form class="card side-form" aria-labelledby="invite-title" onSubmit={(e) => void submitInvite(e)}>
        <h3 id="invite-title">Invite a user</h3>
        <label for="invite-email">Email</label>
        <input id="invite-email" type="email" required value={invite.email} onInput={(e) => setInvite({ ...invite, email: e.currentTarget.value })} />
        <label for="invite-name">Name</label>
        <input id="invite-name" required value={invite.name} onInput={(e) => setInvite({ ...invite, name: e.currentTarget.value })} />
        <label for="invite-role">Role</label>
        <select id="invite-role" value={invite.role} onChange={(e) => setInvite({ ...invite, role: e.currentTarget.value as Role })}>
          {roles.map((r) => (
            <option key={r.value} value={r.value}>
              {r.label}
            </option>
          ))}
        </select>
        <p class="form-error" role="alert">
          {inviteError}
        </p>
        <button type="submit" class="primary">
          Invite
        </button>
      </form>
    </div>
  );
}
