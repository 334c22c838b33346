import type pg from 'pg';
import { may } from '../access/access-policy.js';
import type { Viewer } from '../access/viewer.js';
import { recordAudit } from '../audit/record-audit.js';
import { AppError } from '../errors.js';
import { withTransaction } from '../transaction.js';
import { findFirmUserForUpdate } from './find-firm-user.js';
import { issueResetToken } from './issue-reset-token.js';
import { revokeUserSessions } from './revoke-sessions.js';

/**
 * An admin resets a user's password: the old one stops working, every session of the user ends, and a one-time
 * token (returned once) lets the user set a new one.
 */
export async function resetUserPassword(pool: pg.Pool, admin: Viewer, userId: string): Promise<{ resetToken: string; expiresAt: Date }> {
  if (!may(admin, 'administersUsers')) throw new AppError('forbidden', 'only an admin can reset passwords');
  return withTransaction(pool, async (client) => {
    await findFirmUserForUpdate(client, admin, userId);
    const token = await issueResetToken(client, userId);
    const revokedSessions = await revokeUserSessions(client, userId);
    await recordAudit(client, {
      firmId: admin.firmId,
      actorUserId: admin.userId,
      actorKind: 'user',
      action: 'admin.password_reset',
      subjectType: 'user',
      subjectId: userId,
      details: { revokedSessions, expiresAt: token.expiresAt.toISOString() },
    });
    return token;
  });
}
