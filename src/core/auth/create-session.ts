import type pg from 'pg';
import { mfaPendingMs, sessionAbsoluteMs } from './session-policy.js';
import { newSecretToken, tokenDigest } from './secret-token.js';

export interface CreateSessionOptions {
  userId: string;
  /** Password checked, TOTP code still owed: the session can do nothing but finish signing in. */
  mfaPending: boolean;
  userAgent?: string;
  ip?: string;
}

export interface CreatedSession {
  /** Goes in the cookie and nowhere else; the record keeps its SHA-256. */
  token: string;
  sessionId: string;
  csrfToken: string;
  expiresAt: Date;
}

/** A server-side session row; the caller sets the cookie. */
export async function createSession(db: pg.Pool | pg.ClientBase, options: CreateSessionOptions): Promise<CreatedSession> {
  const token = newSecretToken();
  const sessionId = tokenDigest(token);
  const csrfToken = newSecretToken();
  const expiresAt = new Date(Date.now() + (options.mfaPending ? mfaPendingMs : sessionAbsoluteMs));
  await db.query(
    `INSERT INTO "Session" (id, "userId", "csrfToken", "expiresAt", "userAgent", ip, "mfaPending")
     VALUES ($1, $2, $3, $4, $5, $6, $7)`,
    [sessionId, options.userId, csrfToken, expiresAt, options.userAgent?.slice(0, 500) ?? null, options.ip ?? null, options.mfaPending],
  );
  return { token, sessionId, csrfToken, expiresAt };
}
