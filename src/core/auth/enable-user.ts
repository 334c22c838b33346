import type pg from 'pg';
import { may } from '../access/access-policy.js';
import type { Viewer } from '../access/viewer.js';
import { recordAudit } from '../audit/record-audit.js';
import { AppError } from '../errors.js';
import { withTransaction } from '../transaction.js';
import { findFirmUserForUpdate } from './find-firm-user.js';

/** Lets a disabled user of the admin's firm sign in again (with their password as it was; sessions stay ended). */
export async function enableUser(pool: pg.Pool, admin: Viewer, userId: string): Promise<{ enabled: true }> {
  if (!may(admin, 'administersUsers')) throw new AppError('forbidden', 'only an admin can enable users');
  return withTransaction(pool, async (client) => {
    await findFirmUserForUpdate(client, admin, userId);
    const changed = await client.query(`UPDATE "User" SET "disabledAt" = NULL WHERE id = $1 AND "disabledAt" IS NOT NULL`, [userId]);
    if ((changed.rowCount ?? 0) > 0) {
      await recordAudit(client, {
        firmId: admin.firmId,
        actorUserId: admin.userId,
        actorKind: 'user',
        action: 'admin.user_enabled',
        subjectType: 'user',
        subjectId: userId,
      });
    }
    return { enabled: true };
  });
}
