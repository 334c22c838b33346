import { timingSafeEqual } from 'node:crypto';
import type { RequestHandler } from 'express';
import type pg from 'pg';
import { findSession } from '../../core/auth/find-session.js';
import { AppError } from '../../core/errors.js';
import { attachSession } from './request-session.js';
import { sessionTokenOf } from './session-cookie.js';

const stateChanging = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * State-changing /api requests that carry no CSRF token: sign-in and password setting happen before there is a
 * session to hold a token, and the simulator plays a client's phone, not a signed-in user.
 */
export const csrfExempt = (path: string): boolean =>
  path === '/api/auth/login' || path === '/api/auth/password-reset' || path.startsWith('/api/simulator/');

const sameToken = (given: string, expected: string): boolean => {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
};

/**
 * For every /api request: finds the session the cookie names (if any) and, for POST/PUT/PATCH/DELETE, demands the
 * session's CSRF token in x-csrf-token. No session on a state-changing request is a 401 (there is nothing to
 * forge); a session with a missing or wrong token is a 403 csrf_failed.
 */
export function sessionMiddleware(pool: pg.Pool): RequestHandler {
  return async (req, _res, next) => {
    if (!req.path.startsWith('/api/') || req.path.startsWith('/api/simulator/')) return next();
    const token = sessionTokenOf(req);
    const session = token ? await findSession(pool, token) : null;
    if (session) attachSession(req, session);
    if (!stateChanging.has(req.method) || csrfExempt(req.path)) return next();
    if (!session) return next(new AppError('unauthenticated', 'sign in first'));
    const given = req.headers['x-csrf-token'];
    if (typeof given !== 'string' || !sameToken(given, session.csrfToken)) {
      return next(new AppError('csrf_failed', 'this request needs the x-csrf-token header from GET /api/auth/session'));
    }
    next();
  };
}
