import type pg from 'pg';
import { resetCredential } from './password-credential.js';
import { newSecretToken, tokenDigest } from './secret-token.js';
import { resetTokenMs } from './session-policy.js';

/**
 * Replaces a user's password by a one-time reset token (the old password stops working at once) and returns the
 * token; the record keeps only its digest, so this is the only time anyone sees it.
 */
export async function issueResetToken(client: pg.ClientBase, userId: string): Promise<{ resetToken: string; expiresAt: Date }> {
  const resetToken = newSecretToken();
  const expiresAt = new Date(Date.now() + resetTokenMs);
  await client.query(`UPDATE "User" SET "passwordHash" = $2, "failedLogins" = 0, "lockedUntil" = NULL WHERE id = $1`, [
    userId,
    resetCredential(tokenDigest(resetToken), expiresAt),
  ]);
  return { resetToken, expiresAt };
}
