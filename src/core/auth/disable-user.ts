import type pg from 'pg';
import { may } from '../access/access-policy.js';
import type { Viewer } from '../access/viewer.js';
import { recordAudit } from '../audit/record-audit.js';
import { AppError } from '../errors.js';
import { withTransaction } from '../transaction.js';
import { findFirmUserForUpdate } from './find-firm-user.js';
import { revokeUserSessions } from './revoke-sessions.js';

/** Disables a user of the admin's firm and ends their sessions in the same commit; they can no longer sign in. */
export async function disableUser(pool: pg.Pool, admin: Viewer, userId: string): Promise<{ revokedSessions: number }> {
  if (!may(admin, 'administersUsers')) throw new AppError('forbidden', 'only an admin can disable users');
  if (userId === admin.userId) throw new AppError('conflict', 'an admin cannot disable their own account');
  return withTransaction(pool, async (client) => {
    await findFirmUserForUpdate(client, admin, userId);
    await client.query(`UPDATE "User" SET "disabledAt" = COALESCE("disabledAt", now()) WHERE id = $1`, [userId]);
    const revokedSessions = await revokeUserSessions(client, userId);
    await recordAudit(client, {
      firmId: admin.firmId,
      actorUserId: admin.userId,
      actorKind: 'user',
      action: 'admin.user_disabled',
      subjectType: 'user',
      subjectId: userId,
      details: { revokedSessions },
    });
    return { revokedSessions };
  });
}
