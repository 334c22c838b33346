import type pg from 'pg';
import type { Role } from '../access/viewer.js';
import type { SignedInSession } from './auth-user.js';
import { tokenDigest } from './secret-token.js';
import { sessionIdleMs, sessionTouchMs } from './session-policy.js';

interface SessionRow {
  id: string;
  csrfToken: string;
  mfaPending: boolean;
  lastSeenAt: Date;
  userId: string;
  email: string;
  name: string;
  role: Role;
  firmId: string;
}

/**
 * The live session a cookie token names, or null: unknown, revoked, past its absolute expiry, idle too long, or of a
 * disabled user. Refreshes lastSeenAt (at most once a minute) so the idle clock restarts.
 */
export async function findSession(db: pg.Pool, token: string): Promise<SignedInSession | null> {
  const found = await db.query<SessionRow>(
    `SELECT s.id, s."csrfToken", s."mfaPending", s."lastSeenAt", u.id AS "userId", u.email, u.name, u.role, u."firmId"
       FROM "Session" s JOIN "User" u ON u.id = s."userId"
      WHERE s.id = $1 AND s."revokedAt" IS NULL AND s."expiresAt" > now()
        AND s."lastSeenAt" > now() - ($2::bigint * interval '1 millisecond')
        AND u."disabledAt" IS NULL`,
    [tokenDigest(token), sessionIdleMs],
  );
  const row = found.rows[0];
  if (!row) return null;
  if (Date.now() - row.lastSeenAt.getTime() > sessionTouchMs) {
    await db.query(`UPDATE "Session" SET "lastSeenAt" = now() WHERE id = $1`, [row.id]);
  }
  return {
    sessionId: row.id,
    csrfToken: row.csrfToken,
    mfaPending: row.mfaPending,
    user: { id: row.userId, email: row.email, name: row.name, role: row.role, firmId: row.firmId },
  };
}

/**
 * Which of these sessions are still live (by the same rules as findSession, without touching lastSeenAt): one query
 * for every open live stream of a process, so a sign-out, a disabled user, a password reset or an expiry in any
 * process ends the streams of every other within one check.
 */
export async function liveSessionIds(db: pg.Pool, sessionIds: readonly string[]): Promise<Set<string>> {
  if (sessionIds.length === 0) return new Set();
  const found = await db.query<{ id: string }>(
    `SELECT s.id FROM "Session" s JOIN "User" u ON u.id = s."userId"
      WHERE s.id = ANY($1::text[]) AND s."revokedAt" IS NULL AND s."expiresAt" > now()
        AND s."lastSeenAt" > now() - ($2::bigint * interval '1 millisecond') AND u."disabledAt" IS NULL`,
    [sessionIds, sessionIdleMs],
  );
  return new Set(found.rows.map((row) => row.id));
}
