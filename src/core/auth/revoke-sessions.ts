import type pg from 'pg';

/** Ends one session (sign-out, or a pending session replaced by a full one). */
export async function revokeSession(db: pg.Pool | pg.ClientBase, sessionId: string): Promise<void> {
  await db.query(`UPDATE "Session" SET "revokedAt" = now() WHERE id = $1 AND "revokedAt" IS NULL`, [sessionId]);
}

/** Ends every session of a user (disabled, password reset); returns how many were live. */
export async function revokeUserSessions(db: pg.Pool | pg.ClientBase, userId: string): Promise<number> {
  const result = await db.query(`UPDATE "Session" SET "revokedAt" = now() WHERE "userId" = $1 AND "revokedAt" IS NULL`, [userId]);
  return result.rowCount ?? 0;
}
