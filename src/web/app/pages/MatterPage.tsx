// One matter: its details (staff and admins edit, close and reopen it), its team (staff and admins add and remove
// people) and its ethical walls (supervisors and admins put them up and take them down, with the reason).
import { useEffect, useState } from 'preact/hooks';
import { announce } from '../announce.js';
import { api, ApiError, describeError, enc, get, patch, post } from '../api.js';
import { actionRunner } from '../run-action.js';
import { ReasonDialog, type ReasonRequest } from '../ReasonDialog.js';
import { canTriage } from '../session.js';
import type { User } from '../types.js';
import { billingTypes, type MatterRow, type Person } from './ClientsPage.js';
import { MatterReminders } from './MatterReminders.js';
import { MatterPrivilege } from './MatterProduction.js';
import { ErrorLine } from '../ErrorLine.js';

interface Member {
  userId: string;
  name: string;
  role: string;
  memberRole: 'responsible' | 'member';
  walled: boolean;
}
interface Wall {
  id: string;
  userId: string;
  name: string;
  reason: string;
  createdBy: string | null;
  createdAt: string;
}

export function MatterPage({ user, matterId }: { user: User; matterId: string }) {
  const [matter, setMatter] = useState<MatterRow | null>(null);
  const [missing, setMissing] = useState(false);
  const [members, setMembers] = useState<Member[]>([]);
  const [walls, setWalls] = useState<Wall[]>([]);
  const [people, setPeople] = useState<Person[]>([]);
  const [error, setError] = useState('');
  const [details, setDetails] = useState({ title: '', practiceArea: '', billingType: 'hourly' });
  const [adding, setAdding] = useState({ userId: '', role: 'member' });
  const [walling, setWalling] = useState({ userId: '', reason: '' });
  const [asking, setAsking] = useState<ReasonRequest | null>(null);
  const intake = canTriage(user);
  const managesWalls = user.role === 'admin' || user.role === 'supervisor';

  const load = async () => {
    try {
      const [all, team] = await Promise.all([get<{ items: MatterRow[] }>(intake ? '/api/matters?scope=intake' : '/api/matters'), get<{ items: Member[] }>(`/api/matters/${enc(matterId)}/members`)]);
      const found = all.items.find((m) => m.id === matterId) ?? null;
      setMatter(found);
      setMissing(!found);
      if (found) setDetails({ title: found.title, practiceArea: found.practiceArea ?? '', billingType: found.billingType });
      setMembers(team.items);
      if (managesWalls) setWalls((await get<{ items: Wall[] }>(`/api/matters/${enc(matterId)}/walls`)).items);
    } catch (caught) {
      if (caught instanceof ApiError && caught.status === 404) setMissing(true);
      else setError(describeError(caught));
    }
  };
  useEffect(() => {
    void load();
    get<{ items: Person[] }>('/api/people').then((found) => setPeople(found.items), () => setPeople([]));
  }, [matterId]);
  useEffect(() => {
    document.title = `${matter ? `${matter.number} ${matter.title}` : 'Matter'} – Matterline`;
  }, [matter]);

  const run = actionRunner(setError, load);

  if (missing) {
    return (
      <div class="matter-page">
        <h1>Matter not found</h1>
        <p>It does not exist, or you do not have access to it.</p>
        <p>
          <a href="/clients">Back to clients and matters</a>
        </p>
      </div>
    );
  }
  if (!matter) return <p class="loading">Loading…</p>;
  const closed = matter.status === 'closed';
  const candidates = people.filter((p) => !members.some((m) => m.userId === p.id));

  return (
    <div class="matter-page">
      <p>
        <a href="/clients">‹ Clients and matters</a>
      </p>
      <h1>
        {matter.number} · {matter.title}
      </h1>
      <p>
        Client: {matter.clientName} · <span class={`badge${closed ? '' : ' consent-opted_in'}`}>{closed ? 'Closed' : 'Open'}</span>
      </p>
      <ErrorLine text={error} />
      {intake ? (
        <section class="card" aria-labelledby="details-title">
          <h2 id="details-title">Details</h2>
          <form
            onSubmit={(e) => {
              e.preventDefault();
              void run(() => patch(`/api/matters/${enc(matterId)}`, { title: details.title.trim(), practiceArea: details.practiceArea.trim() || null, billingType: details.billingType }), 'Matter saved.');
            }}
          >
            <label for="matter-title-edit">Title</label>
            <input id="matter-title-edit" required value={details.title} onInput={(e) => setDetails({ ...details, title: e.currentTarget.value })} />
            <label for="matter-area-edit">Practice area</label>
            <input id="matter-area-edit" value={details.practiceArea} onInput={(e) => setDetails({ ...details, practiceArea: e.currentTarget.value })} />
            <label for="matter-billing-edit">Billing</label>
            <select id="matter-billing-edit" value={details.billingType} onChange={(e) => setDetails({ ...details, billingType: e.currentTarget.value })}>
              {billingTypes.map(([value, label]) => (
                <option key={value} value={value}>
                  {label}
                </option>
              ))}
            </select>
            <div class="actions">
              <button type="submit" class="primary">
                Save
              </button>
              <button
                type="button"
                class={closed ? 'secondary' : 'danger'}
                onClick={() => {
                  if (closed || window.confirm(`Close ${matter.number}? Its record is kept; retention counts from today.`)) {
                    void run(() => patch(`/api/matters/${enc(matterId)}`, { status: closed ? 'open' : 'closed' }), closed ? 'Matter reopened.' : 'Matter closed.');
                  }
                }}
              >
                {closed ? 'Reopen matter' : 'Close matter'}
              </button>
            </div>
          </form>
        </section>
      ) : null}
      <MatterReminders matterId={matterId} />
      <MatterPrivilege matterId={matterId} canMark={user.role === 'lawyer' || user.role === 'supervisor'} />
      <section class="card" aria-labelledby="team-title">
        <h2 id="team-title">Team</h2>
        <ul class="team">
          {members.length === 0 ? <li>Nobody yet.</li> : null}
          {members.map((m) => (
            <li key={m.userId}>
              {m.name} <span class="hint">({m.memberRole === 'responsible' ? 'responsible' : 'member'}, {m.role})</span>
              {m.walled ? <span class="badge warning">walled off: sees nothing of this matter</span> : null}{' '}
              {intake ? (
                <button type="button" class="link-button danger" aria-label={`Remove ${m.name} from the team`} onClick={() => void run(() => api('DELETE', `/api/matters/${enc(matterId)}/members/${enc(m.userId)}`), `${m.name} removed from the team.`)}>
                  Remove
                </button>
              ) : null}
            </li>
          ))}
        </ul>
        {intake ? (
          <form
            class="inline-form"
            onSubmit={(e) => {
              e.preventDefault();
              const person = people.find((p) => p.id === adding.userId);
              void run(() => post(`/api/matters/${enc(matterId)}/members`, adding), `${person?.name ?? 'Colleague'} added to the team.`);
            }}
          >
            <label for="add-member">Add to the team</label>
            <select id="add-member" required value={adding.userId} onChange={(e) => setAdding({ ...adding, userId: e.currentTarget.value })}>
              <option value="">Pick a colleague</option>
              {candidates.map((p) => (
                <option key={p.id} value={p.id}>
                  {p.name} ({p.role})
                </option>
              ))}
            </select>
            <label for="add-member-role">As</label>
            <select id="add-member-role" value={adding.role} onChange={(e) => setAdding({ ...adding, role: e.currentTarget.value })}>
              <option value="member">Member</option>
              <option value="responsible">Responsible lawyer</option>
            </select>
            <button type="submit" class="primary">
              Add
            </button>
          </form>
        ) : null}
      </section>
      {managesWalls ? (
        <section class="card" aria-labelledby="walls-title">
          <h2 id="walls-title">Ethical walls</h2>
          <p class="hint">A person walled off a matter sees nothing of it (conversations, search, files), whatever their role.</p>
          <ul class="walls">
            {walls.length === 0 ? <li>No walls.</li> : null}
            {walls.map((w) => (
              <li key={w.id}>
                <strong>{w.name}</strong>: {w.reason} <span class="hint">(by {w.createdBy ?? 'someone'}, {new Date(w.createdAt).toLocaleDateString()})</span>{' '}
                <button
                  type="button"
                  class="link-button"
                  aria-label={`Take down the wall for ${w.name}`}
                  onClick={() =>
                    setAsking({
                      title: `Take down the wall for ${w.name}`,
                      label: 'Why does the wall come down? (kept in the audit log)',
                      action: 'Take down',
                      run: async (reason) => {
                        await api('DELETE', `/api/matters/${enc(matterId)}/walls/${enc(w.id)}`, { reason });
                        announce('Wall taken down.');
                        await load();
                      },
                    })
                  }
                >
                  Take down
                </button>
              </li>
            ))}
          </ul>
          <form
            class="inline-form"
            onSubmit={(e) => {
              e.preventDefault();
              void run(async () => {
                await post(`/api/matters/${enc(matterId)}/walls`, { userId: walling.userId, reason: walling.reason.trim() });
                setWalling({ userId: '', reason: '' });
              }, 'Wall put up.');
            }}
          >
            <label for="wall-user">Wall off</label>
            <select id="wall-user" required value={walling.userId} onChange={(e) => setWalling({ ...walling, userId: e.currentTarget.value })}>
              <option value="">Pick a person</option>
              {people
                .filter((p) => p.id !== user.id && !walls.some((w) => w.userId === p.id))
                .map((p) => (
                  <option key={p.id} value={p.id}>
                    {p.name} ({p.role})
                  </option>
                ))}
            </select>
            <label for="wall-reason">Reason for the wall</label>
            <input id="wall-reason" required minLength={3} maxLength={1000} value={walling.reason} onInput={(e) => setWalling({ ...walling, reason: e.currentTarget.value })} />
            <button type="submit" class="danger">
              Put up wall
            </button>
          </form>
        </section>
      ) : null}
      <ReasonDialog request={asking} onDone={() => setAsking(null)} />
    </div>
  );
}
