// The admin area: its heading and sections drawn by the app. Accounts, firm settings and users are components; office
// hours, templates and saved replies are still the first round's plain-JavaScript forms, drawn into the section.
import { useEffect, useRef } from 'preact/hooks';
import { adminSections, drawAdminSection } from '../static/js/admin.js';
import { AccountsAdmin } from './admin/AccountsAdmin.js';
import { FirmSettings } from './admin/FirmSettings.js';
import { UsersAdmin } from './admin/UsersAdmin.js';
import type { User } from './types.js';

/** The sections drawn as components; the others are still the first round's forms. */
const components = new Set(['accounts', 'users', 'settings']);

export function AdminPage({ user, section }: { user: User; section: string }) {
  const known = adminSections.find(([id]) => id === section);
  const current = known ? known[0] : 'accounts';
  const host = useRef<HTMLDivElement>(null);
  useEffect(() => {
    document.title = `Admin: ${known?.[1] ?? 'Accounts'} – Matterline`;
    if (user.role === 'admin' && !components.has(current) && host.current) drawAdminSection(host.current, current);
  }, [user, current]);
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
      {user.role !== 'admin' ? (
        <p role="alert">The admin area is for the firm’s admins.</p>
      ) : current === 'users' ? (
        <UsersAdmin me={user} />
      ) : current === 'settings' ? (
        <FirmSettings />
      ) : current === 'accounts' ? (
        <AccountsAdmin />
      ) : (
        <div class="admin-body" ref={host} key={current} />
      )}
    </div>
  );
}
