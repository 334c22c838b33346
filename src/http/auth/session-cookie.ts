import type { CookieOptions, Request, Response } from 'express';
import { sessionAbsoluteMs } from '../../core/auth/session-policy.js';

export const sessionCookieName = 'ml_session';

// httpOnly: page scripts never see the token. SameSite=Lax: other sites' forms and fetches do not carry it, the
// CSRF token covers the rest. Secure whenever the request came over TLS (directly, or via a trusted proxy).
const cookieOptions = (req: Request): CookieOptions => ({ httpOnly: true, sameSite: 'lax', secure: req.secure, path: '/' });

export function setSessionCookie(req: Request, res: Response, token: string): void {
  res.cookie(sessionCookieName, token, { ...cookieOptions(req), maxAge: sessionAbsoluteMs });
}

export function clearSessionCookie(req: Request, res: Response): void {
  res.clearCookie(sessionCookieName, cookieOptions(req));
}

/** The session token from the Cookie header, if any (no cookie-parser: this is the only cookie the API reads). */
export function sessionTokenOf(req: Request): string | undefined {
  const header = req.headers.cookie;
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const index = part.indexOf('=');
    if (index < 0 || part.slice(0, index).trim() !== sessionCookieName) continue;
    const value = part.slice(index + 1).trim();
    // Tokens are base64url; anything else is not ours and is ignored rather than decoded.
    return /^[A-Za-z0-9_-]{20,100}$/.test(value) ? value : undefined;
  }
  return undefined;
}
