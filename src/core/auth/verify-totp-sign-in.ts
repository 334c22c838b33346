import type pg from 'pg';
import { recordAudit } from '../audit/record-audit.js';
import type { Keyring } from '../crypto/secret-box.js';
import { AppError } from '../errors.js';
import { withTransaction } from '../transaction.js';
import type { SignedInSession } from './auth-user.js';
import { checkTotpCode } from './check-totp-code.js';
import type { CreatedSession } from './create-session.js';
import { createSession } from './create-session.js';
import { revokeSession } from './revoke-sessions.js';
import { clearThrottle, recordThrottledFailure, throttledError, throttledUntil, totpThrottleKeys } from './sign-in-throttle.js';
import { readTotpCredential, writeTotpCredential } from './totp-credential.js';

export interface VerifyTotpSignInOptions {
  pool: pg.Pool;
  /** The pending session the password opened. */
  pending: SignedInSession;
  code: string;
  /** Opens the sealed TOTP secret. */
  keyring: Keyring;
  ip?: string;
  userAgent?: string;
}

/**
 * Finishes a sign-in with TOTP: checks the code against the user's secret and replaces the pending session by a new
 * full one (a new cookie token, so a token seen before the second factor is worth nothing after it). Wrong codes
 * are throttled per user and client address like wrong passwords (sign-in-throttle.ts).
 */
export async function verifyTotpSignIn(options: VerifyTotpSignInOptions): Promise<CreatedSession> {
  const { pool, pending } = options;
  if (!pending.mfaPending) throw new AppError('conflict', 'this session is already signed in');
  const keys = totpThrottleKeys(pending.user.id, options.ip);
  const waitUntil = await throttledUntil(pool, keys);
  if (waitUntil) throw throttledError(waitUntil);
  const row = await pool.query<{ totpSecret: string | null }>(`SELECT "totpSecret" FROM "User" WHERE id = $1`, [pending.user.id]);
  const key = { keyring: options.keyring, userId: pending.user.id };
  const credential = readTotpCredential(row.rows[0]?.totpSecret ?? null, key);
  if (!credential?.enabled) throw new AppError('conflict', 'two-factor sign-in is not on for this account');
  const step = await checkTotpCode(credential, options.code);
  if (step === null) {
    await recordThrottledFailure(pool, keys);
    await recordAudit(pool, {
      firmId: pending.user.firmId,
      actorUserId: pending.user.id,
      actorKind: 'user',
      action: 'auth.login_failed',
      subjectType: 'user',
      subjectId: pending.user.id,
      details: { reason: 'wrong_totp_code', ip: options.ip ?? null },
    });
    throw new AppError('unauthenticated', 'that code is not right');
  }
  return withTransaction(pool, async (client) => {
    // Claims the step under the row lock: two requests racing with the same code cannot both win.
    const claimed = await client.query(
      `UPDATE "User" SET "totpSecret" = $2 WHERE id = $1 AND "totpSecret" = $3`,
      [pending.user.id, writeTotpCredential({ ...credential, lastStep: step }, key), row.rows[0]?.totpSecret],
    );
    if (claimed.rowCount !== 1) throw new AppError('unauthenticated', 'that code was just used; wait for the next one');
    await revokeSession(client, pending.sessionId);
    await clearThrottle(client, keys[0]!);
    const session = await createSession(client, { userId: pending.user.id, mfaPending: false, ip: options.ip, userAgent: options.userAgent });
    await recordAudit(client, {
      firmId: pending.user.firmId,
      actorUserId: pending.user.id,
      actorKind: 'user',
      action: 'auth.login',
      subjectType: 'session',
      subjectId: session.sessionId,
      details: { ip: options.ip ?? null, mfa: true },
    });
    return session;
  });
}
