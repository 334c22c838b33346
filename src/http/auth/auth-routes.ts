import { Router } from 'express';
import type { Request } from 'express';
import type pg from 'pg';
import { publicUser } from '../../core/auth/auth-user.js';
import { redeemResetToken } from '../../core/auth/redeem-reset-token.js';
import { revokeSession } from '../../core/auth/revoke-sessions.js';
import { signInWithPassword } from '../../core/auth/sign-in-with-password.js';
import { recordAudit } from '../../core/audit/record-audit.js';
import { AppError } from '../../core/errors.js';
import { loginSchema, passwordResetSchema } from '../api/api-schemas.js';
import { parseBody } from '../api/parse-input.js';
import { requireSession, sessionOf } from './request-session.js';
import { clearSessionCookie, setSessionCookie } from './session-cookie.js';
import { signInLimiter } from './sign-in-limiter.js';

export interface AuthRoutesOptions {
  pool: pg.Pool;
  /** Failed sign-in, TOTP and reset attempts allowed per IP address in 15 minutes. */
  failedAttemptsPerIp?: number;
}

export const clientOf = (req: Request) => ({ ip: req.ip, userAgent: req.get('user-agent') });

/** Sign-in, the session, sign-out, and setting a password with an invitation or reset token. */
export function authRoutes(options: AuthRoutesOptions): Router {
  const { pool } = options;
  const router = Router();
  const limiter = signInLimiter({ limit: options.failedAttemptsPerIp });

  router.post('/api/auth/login', limiter, async (req, res) => {
    const input = parseBody(req, loginSchema);
    const result = await signInWithPassword({ pool, email: input.email, password: input.password, ...clientOf(req) });
    // A browser signing in again drops the session it had: one cookie, one live session.
    const previous = sessionOf(req);
    if (previous) await revokeSession(pool, previous.sessionId);
    setSessionCookie(req, res, result.session.token);
    if (result.mfaRequired) {
      res.json({ mfaRequired: true, csrfToken: result.session.csrfToken });
      return;
    }
    res.json({ user: publicUser(result.user), csrfToken: result.session.csrfToken });
  });

  router.get('/api/auth/session', (req, res) => {
    const session = requireSession(req);
    res.json({ user: publicUser(session.user), csrfToken: session.csrfToken });
  });

  router.post('/api/auth/logout', async (req, res) => {
    // A pending (password-only) session may sign out too.
    const session = sessionOf(req);
    if (!session) throw new AppError('unauthenticated', 'sign in first');
    await revokeSession(pool, session.sessionId);
    await recordAudit(pool, {
      firmId: session.user.firmId,
      actorUserId: session.user.id,
      actorKind: 'user',
      action: 'auth.logout',
      subjectType: 'session',
      subjectId: session.sessionId,
      details: { ip: req.ip ?? null },
    });
    clearSessionCookie(req, res);
    res.status(204).end();
  });

  router.post('/api/auth/password-reset', limiter, async (req, res) => {
    const input = parseBody(req, passwordResetSchema);
    await redeemResetToken({ pool, token: input.token, password: input.password, ip: req.ip });
    res.status(204).end();
  });

  return router;
}
