import { createHash, timingSafeEqual } from 'node:crypto';
import type { Request, RequestHandler } from 'express';
import type pg from 'pg';
import type { SignedInSession } from '../../core/auth/auth-user.js';
import { findSession } from '../../core/auth/find-session.js';
import { AppError } from '../../core/errors.js';
import { sessionTokenOf } from '../auth/session-cookie.js';

// No diagnostic endpoint is ever open (a messaging archive once leaked its customers' messages through an open
// heap-dump endpoint): /readyz, /metrics and the queue dashboard answer only an admin's session or, for scrapers, the
// bearer token of MATTERLINE_METRICS_TOKEN. Only /healthz, which says nothing but "alive", is open.

const digest = (value: string) => createHash('sha256').update(value).digest();

/** Compares digests, so neither the length nor the content of the token leaks through timing. */
const sameToken = (given: string, expected: string): boolean => timingSafeEqual(digest(given), digest(expected));

async function signedInAdmin(pool: pg.Pool, req: Request): Promise<SignedInSession | 'not_admin' | null> {
  const token = sessionTokenOf(req);
  const session = token ? await findSession(pool, token) : null;
  if (!session || session.mfaPending) return null;
  return session.user.role === 'admin' ? session : 'not_admin';
}

export interface DiagnosticsGuardOptions {
  pool: pg.Pool;
  /** MATTERLINE_METRICS_TOKEN; without it only admin sessions get in. */
  metricsToken: string | undefined;
  /** Accept the bearer token (metrics, readiness), or admin sessions only (the queue dashboard). */
  bearer: boolean;
}

/** 401 without credentials (with WWW-Authenticate), 403 for a signed-in person who is not an admin. */
export function diagnosticsGuard(options: DiagnosticsGuardOptions): RequestHandler {
  return async (req, res, next) => {
    const header = req.headers.authorization;
    if (header !== undefined) {
      const match = /^Bearer ([\x21-\x7e]{1,500})$/.exec(header);
      if (options.bearer && match && options.metricsToken && sameToken(match[1]!, options.metricsToken)) return next();
      res.setHeader('www-authenticate', 'Bearer realm="matterline"');
      return next(new AppError('unauthenticated', 'a valid bearer token or an admin session is needed'));
    }
    const admin = await signedInAdmin(options.pool, req);
    if (admin === 'not_admin') return next(new AppError('forbidden', 'diagnostics are for admins'));
    if (!admin) {
      if (options.bearer) res.setHeader('www-authenticate', 'Bearer realm="matterline"');
      return next(new AppError('unauthenticated', 'sign in as an admin (or use the metrics bearer token)'));
    }
    next();
  };
}
