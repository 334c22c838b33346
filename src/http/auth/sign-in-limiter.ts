import type { RequestHandler } from 'express';
import { rateLimit } from 'express-rate-limit';
import { AppError } from '../../core/errors.js';

export interface SignInLimiterOptions {
  windowMs?: number;
  /** Failed attempts allowed per IP address within the window. */
  limit?: number;
}

/**
 * Per-IP limit on the endpoints that guess at credentials (password, TOTP code, reset token), a first line in memory
 * before the throttle kept in PostgreSQL (core/auth/sign-in-throttle.ts). Only failures count: a whole office behind one NAT address signing in at nine
 * is not an attack, thirty wrong passwords from one address are. The count lives in this process: with several
 * server processes each allows this many, which still bounds a guesser; the PostgreSQL throttle holds across machines.
 */
export function signInLimiter(options: SignInLimiterOptions = {}): RequestHandler {
  return rateLimit({
    windowMs: options.windowMs ?? 15 * 60_000,
    limit: options.limit ?? 30,
    skipSuccessfulRequests: true,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    // Which X-Forwarded-For to believe is MATTERLINE_TRUST_PROXY's decision (none by default): a header sent to a server
    // without a trusted proxy is ignored on purpose, not a misconfiguration to warn about.
    validate: { xForwardedForHeader: false },
    handler: (_req, _res, next, limiter) => {
      next(
        new AppError('rate_limited', 'too many failed attempts from this address; try again later', {
          retryAfterSeconds: Math.ceil(limiter.windowMs / 1000),
        }),
      );
    },
  });
}
