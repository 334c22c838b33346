import { hash, verify } from '@node-rs/argon2';
import type pg from 'pg';
import type { Role } from '../access/viewer.js';
import { recordAudit } from '../audit/record-audit.js';
import { AppError } from '../errors.js';
import type { AuthUser } from './auth-user.js';
import type { CreatedSession } from './create-session.js';
import { createSession } from './create-session.js';
import { readPasswordCredential } from './password-credential.js';
import { clearThrottle, passwordThrottleKeys, recordThrottledFailure, throttledError, throttledUntil } from './sign-in-throttle.js';
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
}

// An unknown email costs the same argon2 verification as a known one (a dummy hash made with the same parameters),
// so timing does not tell which emails exist.
let decoyHash: Promise<string> | undefined;
const decoy = () => (decoyHash ??= hash('matterline-decoy-password'));

const wrongCredentials = () => new AppError('unauthenticated', 'wrong email or password');

/**
 * Checks an email and password and opens a session. An attempt from an address that has failed too often for this
 * email (or too often at all) waits first (sign-in-throttle.ts); an unknown email and a wrong password get the same
 * answer after the same work, and count the same; a disabled account is refused only after a correct password, so
 * the answer tells a stranger nothing. No failure ever locks the account itself. With TOTP on, the session opened is
 * a pending one.
 */
export async function signInWithPassword(options: SignInWithPasswordOptions): Promise<SignInResult> {
  const { pool } = options;
  const email = options.email.trim().toLowerCase();
  const keys = passwordThrottleKeys(email, options.ip);
  const waitUntil = await throttledUntil(pool, keys);
  const found = await pool.query<UserRow>(
    `SELECT id, "firmId", email, name, role, "passwordHash", "totpSecret", "disabledAt" FROM "User" WHERE lower(email) = $1`,
    [email],
  );
  const user = found.rows[0];
  if (waitUntil) {
    await recordAudit(pool, {
      firmId: user?.firmId ?? null,
      ...(user ? { actorUserId: user.id, subjectType: 'user', subjectId: user.id } : {}),
      actorKind: 'user',
      action: 'auth.login_throttled',
      details: { ip: options.ip ?? null, retryAt: waitUntil.toISOString(), ...(user ? {} : { email }) },
    });
    throw throttledError(waitUntil);
  }
  const credential = readPasswordCredential(user?.passwordHash ?? null);
  const passwordOk =
    user && credential.kind === 'password'
      ? await verify(credential.hash, options.password).catch(() => false)
      : await verify(await decoy(), options.password).then(() => false, () => false);
  if (!user || !passwordOk) {
    await recordThrottledFailure(pool, keys);
    await recordAudit(pool, {
      firmId: user?.firmId ?? null,
      ...(user ? { actorUserId: user.id, subjectType: 'user', subjectId: user.id } : {}),
      actorKind: 'user',
      action: 'auth.login_failed',
      details: { reason: user ? 'wrong_password' : 'unknown_email', ip: options.ip ?? null, ...(user ? {} : { email }) },
    });
    throw wrongCredentials();
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
  await clearThrottle(pool, keys[0]!);
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
