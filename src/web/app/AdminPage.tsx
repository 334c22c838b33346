// The admin area (accounts, hours, templates, users): still the first round's plain-JavaScript pages, drawn inside
// the app's shell. The back office issue rebuilds them as components.
import { useEffect, useRef } from 'preact/hooks';
import { showAdmin } from '../static/js/admin.js';
import { leavePage } from '../static/js/nav.js';
import type { User } from './types.js';

export function AdminPage({ user, section }: { user: User; section: string }) {
  const host = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (host.current) showAdmin(host.current, user, section);
    return () => leavePage();
  }, [user, section]);
  return <div ref={host} class="legacy-page" />;
}
