import { hash } from '@node-rs/argon2';
import type pg from 'pg';
import { recordAudit } from '../audit/record-audit.js';
import { AppError } from '../errors.js';
import { withTransaction } from '../transaction.js';
import { readPasswordCredential } from './password-credential.js';
import { tokenDigest } from './secret-token.js';

export interface RedeemResetTokenOptions {
  pool: pg.Pool;
  token: string;
  password: string;
  ip?: string;
}

/**
 * Sets a new password with a one-time token from an invitation or a reset. The token works once and only until it
 * expires; a disabled user's token does nothing. Unknown, used and expired tokens get the same answer.
 */
export async function redeemResetToken(options: RedeemResetTokenOptions): Promise<void> {
  const digest = tokenDigest(options.token);
  const passwordHash = await hash(options.password);
  await withTransaction(options.pool, async (client) => {
    // The digest is hex, so it is safe inside a LIKE pattern.
    const found = await client.query<{ id: string; firmId: string; passwordHash: string }>(
      `SELECT id, "firmId", "passwordHash" FROM "User"
        WHERE "passwordHash" LIKE 'reset:' || $1 || ':%' AND "disabledAt" IS NULL FOR UPDATE`,
      [digest],
    );
    const user = found.rows[0];
    const credential = readPasswordCredential(user?.passwordHash ?? null);
    if (!user || credential.kind !== 'reset' || credential.tokenDigest !== digest || credential.expiresAt <= new Date()) throw new AppError('bad_request', 'this link is not valid any more; ask an admin for a new one');
    await client.query(`UPDATE "User" SET "passwordHash" = $2, "failedLogins" = 0, "lockedUntil" = NULL WHERE id = $1`, [user.id, passwordHash]);
    await recordAudit(client, {
      firmId: user.firmId,
      actorUserId: user.id,
      actorKind: 'user',
      action: 'auth.password_set',
      subjectType: 'user',
      subjectId: user.id,
      details: { ip: options.ip ?? null },
    });
  });
}
