// The admin area: its heading, its sections as tabs, and the section asked for. Every section is a component of the
// app: accounts, firm settings, office hours, templates, saved replies and users.
import { useEffect } from 'preact/hooks';
import { AccountsAdmin } from './admin/AccountsAdmin.js';
import { FirmSettings } from './admin/FirmSettings.js';
import { HoursAdmin } from './admin/HoursAdmin.js';
import { SavedRepliesAdmin } from './admin/SavedRepliesAdmin.js';
import { TemplatesAdmin } from './admin/TemplatesAdmin.js';
import { UsersAdmin } from './admin/UsersAdmin.js';
import type { User } from './types.js';

/** The admin area's sections, in order. */
export const adminSections = [
  ['accounts', 'Accounts'],
  ['settings', 'Firm settings'],
  ['hours', 'Business hours'],
  ['templates', 'Templates'],
  ['replies', 'Saved replies'],
  ['users', 'Users'],
] as const;

function Section({ id, user }: { id: string; user: User }) {
  switch (id) {
    case 'users':
      return <UsersAdmin me={user} />;
    case 'settings':
      return <FirmSettings />;
    case 'hours':
      return <HoursAdmin />;
    case 'templates':
      return <TemplatesAdmin />;
    case 'replies':
      return <SavedRepliesAdmin />;
    default:
      return <AccountsAdmin />;
  }
}

export function AdminPage({ user, section }: { user: User; section: string }) {
  const known = adminSections.find(([id]) => id === section);
  const current = known ? known[0] : 'accounts';
  useEffect(() => {
    document.title = `Admin: ${known?.[1] ?? 'Accounts'} – Matterline`;
  }, [current]);
  return (
    <div class="admin">
      <h1>Admin</h1>
      <nav aria-label="Admin sections" class="tabs">
        <ul>
          {adminSections.map(([id, label]) => (
            <li key={id}>
              <a href={`/admin/${id}`} aria-current={id === current ? 'page' : undefined}>
                {label}
              </a>
            </li>
          ))}
        </ul>
      </nav>
      {user.role !== 'admin' ? <p role="alert">The admin area is for the firm’s admins.</p> : <Section key={current} id={current} user={user} />}
    </div>
  );
}
