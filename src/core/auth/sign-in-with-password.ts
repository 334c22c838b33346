import { hash, verify } from '@node-rs/argon2';
import type pg from 'pg';
import type { Role } from '../access/viewer.js';
import { recordAudit } from '../audit/record-audit.js';
import { AppError } from '../errors.js';
import type { AuthUser } from './auth-user.js';
import type { CreatedSession } from './create-session.js';
import { createSession } from './create-session.js';
import { readPasswordCredential } from './password-credential.js';
import { recordFailedSignIn } from './record-failed-sign-in.js';
import { readTotpCredential } from './totp-credential.js';

export interface SignInWithPasswordOptions {
  pool: pg.Pool;
  email: string;
  password: string;
  ip?: string;
  userAgent?: string;
}

export interface SignInResult {
  user: AuthUser;
  session: CreatedSession;
  /** The session can only finish signing in with a TOTP code (verify-totp-sign-in). */
  mfaRequired: boolean;
}

interface UserRow {
  id: string;
  firmId: string;
  email: string;
  name: string;
  role: Role;
  passwordHash: string | null;
  totpSecret: string | null;
  disabledAt: Date | null;
  lockedUntil: Date | null;
}

// An unknown email costs the same argon2 verification as a known one, so timing does not tell which emails exist.
let decoyHash: Promise<string> | undefined;
const decoy = () => (decoyHash ??= hash('matterline-decoy-password'));

const wrongCredentials = () => new AppError('unauthenticated', 'wrong email or password');

export const lockedError = (lockedUntil: Date) =>
  new AppError('rate_limited', 'too many failed sign-ins; try again later', {
    lockedUntil: lockedUntil.toISOString(),
    retryAfterSeconds: Math.max(1, Math.ceil((lockedUntil.getTime() - Date.now()) / 1000)),
  });

/**
 * Checks an email and password and opens a session. A locked account is refused before its password is looked at;
 * every failure counts towards the lock; a disabled account is refused only after a correct password, so the answer
 * tells a stranger nothing. With TOTP on, the session opened is a pending one.
 */
export async function signInWithPassword(options: SignInWithPasswordOptions): Promise<SignInResult> {
  const { pool } = options;
  const email = options.email.trim().toLowerCase();
  const found = await pool.query<UserRow>(
    `SELECT id, "firmId", email, name, role, "passwordHash", "totpSecret", "disabledAt", "lockedUntil"
       FROM "User" WHERE lower(email) = $1`,
    [email],
  );
  const user = found.rows[0];
  if (!user) {
    await verify(await decoy(), options.password).catch(() => false);
    await recordAudit(pool, {
      firmId: null,
      actorKind: 'user',
      action: 'auth.login_failed',
      details: { reason: 'unknown_email', email, ip: options.ip ?? null },
    });
    throw wrongCredentials();
  }
  if (user.lockedUntil && user.lockedUntil > new Date()) {
    await recordAudit(pool, {
      firmId: user.firmId,
      actorUserId: user.id,
      actorKind: 'user',
      action: 'auth.login_refused',
      subjectType: 'user',
      subjectId: user.id,
      details: { reason: 'locked', ip: options.ip ?? null },
    });
    throw lockedError(user.lockedUntil);
  }
  const credential = readPasswordCredential(user.passwordHash);
  const passwordOk =
    credential.kind === 'password'
      ? await verify(credential.hash, options.password).catch(() => false)
      : await verify(await decoy(), options.password).then(() => false, () => false);
  if (!passwordOk) {
    const { lockedUntil } = await recordFailedSignIn(pool, { userId: user.id, firmId: user.firmId, reason: 'wrong_password', ip: options.ip });
    throw lockedUntil ? lockedError(lockedUntil) : wrongCredentials();
  }
  if (user.disabledAt) {
    await recordAudit(pool, {
      firmId: user.firmId,
      actorUserId: user.id,
      actorKind: 'user',
      action: 'auth.login_refused',
      subjectType: 'user',
      subjectId: user.id,
      details: { reason: 'disabled', ip: options.ip ?? null },
    });
    throw new AppError('forbidden', 'this account is disabled');
  }
  await pool.query(`UPDATE "User" SET "failedLogins" = 0, "lockedUntil" = NULL WHERE id = $1`, [user.id]);
  const mfaRequired = readTotpCredential(user.totpSecret)?.enabled ?? false;
  const session = await createSession(pool, { userId: user.id, mfaPending: mfaRequired, ip: options.ip, userAgent: options.userAgent });
  await recordAudit(pool, {
    firmId: user.firmId,
    actorUserId: user.id,
    actorKind: 'user',
    action: mfaRequired ? 'auth.login_password_ok_mfa_pending' : 'auth.login',
    subjectType: 'session',
    subjectId: session.sessionId,
    details: { ip: options.ip ?? null, mfa: mfaRequired },
  });
  return { user: { id: user.id, email: user.email, name: user.name, role: user.role }, session, mfaRequired };
}
