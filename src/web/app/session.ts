// The signed-in person, as GET /api/auth/session told it, and what their role opens.
import { setCsrfToken } from './api.js';
import type { User } from './types.js';

let user: User | null = null;

export const currentUser = (): User | null => user;

export function setSession(signedIn: User | null, token = ''): void {
  user = signedIn;
  setCsrfToken(signedIn ? token : '');
}

/** Staff and admins file conversations under matters. */
export const canTriage = (u: User): boolean => u.role === 'staff' || u.role === 'admin';
/** Supervisors and admins may block a contact. */
export const canBlock = (u: User): boolean => u.role === 'supervisor' || u.role === 'admin';

export interface Section {
  href: string;
  label: string;
  /** Whether the address belongs to the section (for aria-current). */
  matches: (path: string) => boolean;
}

/** The sections of the app a role may open, in the top bar's order; a section one may not use is not shown. */
export function sectionsFor(u: User): Section[] {
  const sections: (Section | false)[] = [
    { href: '/', label: 'Inbox', matches: (p) => p === '/' || p.startsWith('/inbox') || p.startsWith('/conversations/') },
    canTriage(u) && { href: '/triage', label: 'Triage', matches: (p) => p === '/triage' },
    { href: '/clients', label: 'Clients', matches: (p) => p.startsWith('/clients') || p.startsWith('/matters/') },
    { href: '/time', label: 'Time', matches: (p) => p.startsWith('/time') },
    (u.role === 'supervisor' || u.role === 'admin') && { href: '/supervision', label: 'Supervision', matches: (p) => p.startsWith('/supervision') },
    (u.role === 'supervisor' || u.role === 'admin') && { href: '/notices', label: 'Notices', matches: (p) => p.startsWith('/notices') },
    (u.role === 'supervisor' || u.role === 'admin') && { href: '/audit', label: 'Audit log', matches: (p) => p.startsWith('/audit') },
    u.role === 'admin' && { href: '/admin', label: 'Admin', matches: (p) => p.startsWith('/admin') },
  ];
  return sections.filter((s): s is Section => s !== false);
}
