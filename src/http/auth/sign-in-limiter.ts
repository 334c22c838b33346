import type { RequestHandler } from 'express';
import { rateLimit } from 'express-rate-limit';
import { AppError } from '../../core/errors.js';

/**
 * Per-IP limit on the endpoints that guess at credentials (password, TOTP code, reset token), on top of the
 * per-account lock kept in PostgreSQL. The count lives in this process: with several server processes each allows
 * this many, which still bounds a guesser; the per-account lock is the one that holds across machines.
 */
export function signInLimiter(options: { windowMs?: number; limit?: number } = {}): RequestHandler {
  return rateLimit({
    windowMs: options.windowMs ?? 60_000,
    limit: options.limit ?? 30,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    handler: (_req, _res, next, limiter) => {
      next(new AppError('rate_limited', 'too many sign-in attempts from this address; wait a minute', { retryAfterSeconds: Math.ceil(limiter.windowMs / 1000) }));
    },
  });
}
