import type pg from 'pg';
import { recordAudit } from '../audit/record-audit.js';
import { lockoutMs, maxFailedLogins } from './session-policy.js';

export interface RecordFailedSignInOptions {
  userId: string;
  firmId: string;
  reason: 'wrong_password' | 'wrong_totp_code';
  ip?: string;
}

/**
 * Counts one failed sign-in (a wrong password or a wrong TOTP code: both guess at the same account) in one atomic
 * UPDATE, and locks the account when the count reaches the limit. A lock that has run out starts the count afresh.
 * Returns the lock's end when this failure locked the account.
 */
export async function recordFailedSignIn(pool: pg.Pool, options: RecordFailedSignInOptions): Promise<{ lockedUntil: Date | null }> {
  const updated = await pool.query<{ failedLogins: number; lockedUntil: Date | null }>(
    `WITH next AS (
       SELECT id, CASE WHEN "lockedUntil" IS NOT NULL AND "lockedUntil" <= now() THEN 1 ELSE "failedLogins" + 1 END AS count
         FROM "User" WHERE id = $1 FOR UPDATE
     )
     UPDATE "User" u SET "failedLogins" = next.count,
            "lockedUntil" = CASE WHEN next.count >= $2 THEN now() + ($3::bigint * interval '1 millisecond') ELSE NULL END
       FROM next WHERE u.id = next.id
     RETURNING u."failedLogins", u."lockedUntil"`,
    [options.userId, maxFailedLogins, lockoutMs],
  );
  const row = updated.rows[0];
  const lockedUntil = row?.lockedUntil ?? null;
  await recordAudit(pool, {
    firmId: options.firmId,
    actorUserId: options.userId,
    actorKind: 'user',
    action: 'auth.login_failed',
    subjectType: 'user',
    subjectId: options.userId,
    details: { reason: options.reason, failedLogins: row?.failedLogins ?? null, ip: options.ip ?? null },
  });
  if (lockedUntil) {
    await recordAudit(pool, {
      firmId: options.firmId,
      actorKind: 'system',
      action: 'auth.account_locked',
      subjectType: 'user',
      subjectId: options.userId,
      details: { lockedUntil: lockedUntil.toISOString(), ip: options.ip ?? null },
    });
  }
  return { lockedUntil };
}
