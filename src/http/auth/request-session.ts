import type { Request } from 'express';
import type { SignedInSession } from '../../core/auth/auth-user.js';
import { viewerOf } from '../../core/auth/auth-user.js';
import type { Viewer } from '../../core/access/viewer.js';
import { AppError } from '../../core/errors.js';

// The session found for a request, kept beside it (not on it): no declaration merging into express's types.
const sessions = new WeakMap<Request, SignedInSession>();

export const attachSession = (req: Request, session: SignedInSession): void => {
  sessions.set(req, session);
};

/** The request's session, pending or not, or undefined. */
export const sessionOf = (req: Request): SignedInSession | undefined => sessions.get(req);

/** A fully signed-in session, or 401. A session still owing its TOTP code is not signed in. */
export function requireSession(req: Request): SignedInSession {
  const session = sessions.get(req);
  if (!session) throw new AppError('unauthenticated', 'sign in first');
  if (session.mfaPending) throw new AppError('unauthenticated', 'finish signing in with your authenticator code', { mfaRequired: true });
  return session;
}

export const requireViewer = (req: Request): Viewer => viewerOf(requireSession(req));
