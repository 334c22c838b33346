import type pg from 'pg';
import { recordAudit } from '../audit/record-audit.js';
import { AppError } from '../errors.js';
import { withTransaction } from '../transaction.js';
import type { SignedInSession } from './auth-user.js';
import { checkTotpCode } from './check-totp-code.js';
import type { CreatedSession } from './create-session.js';
import { createSession } from './create-session.js';
import { revokeSession } from './revoke-sessions.js';
import { recordFailedSignIn } from './record-failed-sign-in.js';
import { lockedError } from './sign-in-with-password.js';
import { readTotpCredential, writeTotpCredential } from './totp-credential.js';

export interface VerifyTotpSignInOptions {
  pool: pg.Pool;
  /** The pending session the password opened. */
  pending: SignedInSession;
  code: string;
  ip?: string;
  userAgent?: string;
}

/**
 * Finishes a sign-in with TOTP: checks the code against the user's secret and replaces the pending session by a new
 * full one (a new cookie token, so a token seen before the second factor is worth nothing after it). Wrong codes
 * count towards the same lock as wrong passwords.
 */
export async function verifyTotpSignIn(options: VerifyTotpSignInOptions): Promise<CreatedSession> {
  const { pool, pending } = options;
  if (!pending.mfaPending) throw new AppError('conflict', 'this session is already signed in');
  const row = await pool.query<{ totpSecret: string | null; lockedUntil: Date | null }>(
    `SELECT "totpSecret", "lockedUntil" FROM "User" WHERE id = $1`,
    [pending.user.id],
  );
  const lockedUntil = row.rows[0]?.lockedUntil;
  if (lockedUntil && lockedUntil > new Date()) throw lockedError(lockedUntil);
  const credential = readTotpCredential(row.rows[0]?.totpSecret ?? null);
  if (!credential?.enabled) throw new AppError('conflict', 'two-factor sign-in is not on for this account');
  const step = await checkTotpCode(credential, options.code);
  if (step === null) {
    const failed = await recordFailedSignIn(pool, { userId: pending.user.id, firmId: pending.user.firmId, reason: 'wrong_totp_code', ip: options.ip });
    if (failed.lockedUntil) {
      await revokeSession(pool, pending.sessionId);
      throw lockedError(failed.lockedUntil);
    }
    throw new AppError('unauthenticated', 'that code is not right');
  }
  return withTransaction(pool, async (client) => {
    // Claims the step under the row lock: two requests racing with the same code cannot both win.
    const claimed = await client.query(
      `UPDATE "User" SET "totpSecret" = $2, "failedLogins" = 0, "lockedUntil" = NULL
        WHERE id = $1 AND "totpSecret" = $3`,
      [pending.user.id, writeTotpCredential({ ...credential, lastStep: step }), row.rows[0]?.totpSecret],
    );
    if (claimed.rowCount !== 1) throw new AppError('unauthenticated', 'that code was just used; wait for the next one');
    await revokeSession(client, pending.sessionId);
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
