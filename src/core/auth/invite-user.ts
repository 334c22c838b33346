import type pg from 'pg';
import { may } from '../access/access-policy.js';
import type { Role, Viewer } from '../access/viewer.js';
import { recordAudit } from '../audit/record-audit.js';
import { AppError } from '../errors.js';
import { newId } from '../new-id.js';
import { withTransaction } from '../transaction.js';
import type { AuthUser } from './auth-user.js';
import { issueResetToken } from './issue-reset-token.js';

export interface InviteUserOptions {
  pool: pg.Pool;
  admin: Viewer;
  email: string;
  name: string;
  role: Role;
}

export interface InvitedUser {
  user: AuthUser;
  /** Shown once: the invitee sets a password with it (POST /api/auth/password-reset). */
  resetToken: string;
  resetTokenExpiresAt: Date;
}

/** Creates a user in the admin's firm with no password and a one-time token to set one. */
export async function inviteUser(options: InviteUserOptions): Promise<InvitedUser> {
  if (!may(options.admin, 'administersUsers')) throw new AppError('forbidden', 'only an admin can invite users');
  const email = options.email.trim().toLowerCase();
  return withTransaction(options.pool, async (client) => {
    const id = newId();
    const inserted = await client.query(
      `INSERT INTO "User" (id, "firmId", email, name, role) VALUES ($1, $2, $3, $4, $5::"Role")
       ON CONFLICT (email) DO NOTHING`,
      [id, options.admin.firmId, email, options.name, options.role],
    );
    if (inserted.rowCount !== 1) throw new AppError('conflict', 'a user with this email already exists', { field: 'email' });
    const token = await issueResetToken(client, id);
    await recordAudit(client, {
      firmId: options.admin.firmId,
      actorUserId: options.admin.userId,
      actorKind: 'user',
      action: 'admin.user_invited',
      subjectType: 'user',
      subjectId: id,
      details: { email, role: options.role },
    });
    return {
      user: { id, email, name: options.name, role: options.role },
      resetToken: token.resetToken,
      resetTokenExpiresAt: token.expiresAt,
    };
  });
}
