import type { Role, Viewer } from '../access/viewer.js';

/** The user as the API shows them to themselves. */
export interface AuthUser {
  id: string;
  email: string;
  name: string;
  role: Role;
}

/** A signed-in session: who, in which firm, and the CSRF token its state-changing requests must carry. */
export interface SignedInSession {
  sessionId: string;
  csrfToken: string;
  mfaPending: boolean;
  user: AuthUser & { firmId: string };
}

export const viewerOf = (session: SignedInSession): Viewer => ({
  userId: session.user.id,
  firmId: session.user.firmId,
  role: session.user.role,
});

export const publicUser = (user: AuthUser): AuthUser => ({ id: user.id, email: user.email, name: user.name, role: user.role });
