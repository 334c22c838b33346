import { Router } from 'express';
import type pg from 'pg';
import { publicUser } from '../../core/auth/auth-user.js';
import { enableTotp } from '../../core/auth/enable-totp.js';
import { disableTotp, totpStatus } from '../../core/auth/disable-totp.js';
import { pendingTotpUri, setUpTotp } from '../../core/auth/set-up-totp.js';
import QRCode from 'qrcode';
import { verifyTotpSignIn } from '../../core/auth/verify-totp-sign-in.js';
import type { Keyring } from '../../core/crypto/secret-box.js';
import { AppError } from '../../core/errors.js';
import { emptyBodySchema, totpCodeSchema } from '../api/api-schemas.js';
import { parseBody } from '../api/parse-input.js';
import { clientOf } from './auth-routes.js';
import { requireSession, sessionOf } from './request-session.js';
import { setSessionCookie } from './session-cookie.js';
import { signInLimiter } from './sign-in-limiter.js';

export interface TotpRoutesOptions {
  pool: pg.Pool;
  /** Seals and opens the TOTP secrets kept in the record. */
  keyring: Keyring;
  issuer?: string;
  failedAttemptsPerIp?: number;
}

/** Optional second factor: set up, turn on, and the code step of signing in. */
export function totpRoutes(options: TotpRoutesOptions): Router {
  const { pool } = options;
  const router = Router();

  router.post('/api/auth/totp/setup', async (req, res) => {
    parseBody(req, emptyBodySchema);
    const setup = await setUpTotp(pool, options.keyring, requireSession(req), options.issuer);
    res.json(setup);
  });

  // The person's own page: whether it is on, the QR code of a secret set up and not yet confirmed, turning it off.
  router.get('/api/auth/totp', async (req, res) => {
    res.setHeader('cache-control', 'no-store');
    res.json(await totpStatus(pool, options.keyring, requireSession(req)));
  });

  router.get('/api/auth/totp/qr.svg', async (req, res) => {
    const session = requireSession(req);
    const uri = await pendingTotpUri(pool, options.keyring, session, options.issuer);
    // A second factor's secret: never cached, never framed, nothing in it runs.
    res.setHeader('cache-control', 'no-store');
    res.setHeader('content-security-policy', "default-src 'none'");
    res.type('image/svg+xml').send(await QRCode.toString(uri, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 }));
  });

  router.post('/api/auth/totp/disable', async (req, res) => {
    const { code } = parseBody(req, totpCodeSchema);
    await disableTotp(pool, options.keyring, requireSession(req), code);
    res.json({ totpEnabled: false });
  });

  router.post('/api/auth/totp/enable', async (req, res) => {
    const { code } = parseBody(req, totpCodeSchema);
    await enableTotp(pool, options.keyring, requireSession(req), code);
    res.json({ totpEnabled: true });
  });

  router.post('/api/auth/totp/verify', signInLimiter({ limit: options.failedAttemptsPerIp }), async (req, res) => {
    const { code } = parseBody(req, totpCodeSchema);
    const pending = sessionOf(req);
    if (!pending) throw new AppError('unauthenticated', 'sign in with your password first');
    const session = await verifyTotpSignIn({ pool, pending, code, keyring: options.keyring, ...clientOf(req) });
    setSessionCookie(req, res, session.token);
    res.json({ user: publicUser(pending.user), csrfToken: session.csrfToken });
  });

  return router;
}
