import type pg from 'pg';
import { may } from '../access/access-policy.js';
import type { Role, Viewer } from '../access/viewer.js';
import { AppError } from '../errors.js';
import { recordAudit } from '../audit/record-audit.js';
import type { TimekeeperClassification } from '../time/timekeeper-classification.js';
import { timekeeperClassificationOf } from '../time/timekeeper-classification.js';
import { withTransaction } from '../transaction.js';
import { readTotpCredential } from './totp-credential.js';

export interface UserSummary {
  id: string;
  email: string;
  name: string;
  role: Role;
  disabled: boolean;
  locked: boolean;
  totpEnabled: boolean;
  /** False while the person has not yet set a password from their invitation or reset link. */
  passwordSet: boolean;
  /** LEDES: the firm's timekeeper id, and the classification in force (the user's own, or the role's). */
  timekeeperId: string | null;
  classification: TimekeeperClassification;
  classificationSet: boolean;
  createdAt: Date;
}

/** The admin's firm's users, never another firm's, and never a hash or a secret. */
export async function listUsers(pool: pg.Pool, admin: Viewer): Promise<UserSummary[]> {
  if (!may(admin, 'administersUsers')) throw new AppError('forbidden', 'only an admin can list users');
  const rows = await pool.query<UserRow>(
    `SELECT id, email, name, role, "disabledAt", "lockedUntil", "totpSecret", "createdAt", "timekeeperId", classification, ("passwordHash" IS NOT NULL AND "passwordHash" NOT LIKE 'reset:%') AS "passwordSet" FROM "User"
      WHERE "firmId" = $1 ORDER BY email`,
    [admin.firmId],
  );
  return rows.rows.map(summaryOf);
}

interface UserRow {
  id: string;
  email: string;
  name: string;
  role: Role;
  disabledAt: Date | null;
  lockedUntil: Date | null;
  totpSecret: string | null;
  createdAt: Date;
  timekeeperId: string | null;
  classification: string | null;
  passwordSet: boolean;
}

function summaryOf(row: UserRow): UserSummary {
  return {
    id: row.id,
    email: row.email,
    name: row.name,
    role: row.role,
    disabled: row.disabledAt !== null,
    locked: row.lockedUntil !== null && row.lockedUntil > new Date(),
    totpEnabled: readTotpCredential(row.totpSecret)?.enabled ?? false,
    passwordSet: row.passwordSet,
    timekeeperId: row.timekeeperId,
    classification: timekeeperClassificationOf(row),
    classificationSet: row.classification !== null,
    createdAt: row.createdAt,
  };
}

/**
 * A user's billing identity, by the firm's admin: the LEDES timekeeper classification (null: the role's) and the
 * timekeeper id its billing system knows. Audited with the values before and after.
 */
export async function setUserBilling(
  pool: pg.Pool,
  admin: Viewer,
  userId: string,
  change: { classification?: TimekeeperClassification | null; timekeeperId?: string | null; role?: Role },
): Promise<UserSummary> {
  if (!may(admin, 'administersUsers')) throw new AppError('forbidden', 'only an admin can change users');
  if (change.role !== undefined && userId === admin.userId) {
    throw new AppError('conflict', 'an admin cannot change their own role (another admin can)', { field: 'role' });
  }
  return withTransaction(pool, async (client) => {
    // One statement at a time per firm for role changes, so two admins cannot demote each other at once.
    if (change.role !== undefined) await client.query(`SELECT id FROM "Firm" WHERE id = $1 FOR UPDATE`, [admin.firmId]);
    const found = await client.query<UserRow>(
      `SELECT id, email, name, role, "disabledAt", "lockedUntil", "totpSecret", "createdAt", "timekeeperId", classification, ("passwordHash" IS NOT NULL AND "passwordHash" NOT LIKE 'reset:%') AS "passwordSet"
         FROM "User" WHERE id = $1 AND "firmId" = $2 FOR UPDATE`,
      [userId, admin.firmId],
    );
    const before = found.rows[0];
    if (!before) throw new AppError('not_found', 'no such user', { userId });
    if (change.role !== undefined && before.role === 'admin' && change.role !== 'admin') {
      const admins = await client.query(`SELECT 1 FROM "User" WHERE "firmId" = $1 AND role = 'admin' AND "disabledAt" IS NULL AND id <> $2`, [admin.firmId, userId]);
      if (admins.rowCount === 0) throw new AppError('conflict', 'the firm needs at least one admin', { field: 'role' });
    }
    const updated = await client.query<UserRow>(
      `UPDATE "User" SET classification = CASE WHEN $2 THEN $3 ELSE classification END,
                         "timekeeperId" = CASE WHEN $4 THEN $5 ELSE "timekeeperId" END,
                         role = COALESCE($6::"Role", role)
        WHERE id = $1
        RETURNING id, email, name, role, "disabledAt", "lockedUntil", "totpSecret", "createdAt", "timekeeperId", classification, ("passwordHash" IS NOT NULL AND "passwordHash" NOT LIKE 'reset:%') AS "passwordSet"`,
      [userId, change.classification !== undefined, change.classification ?? null, change.timekeeperId !== undefined, change.timekeeperId ?? null, change.role ?? null],
    );
    if (change.role !== undefined && change.role !== before.role) {
      await recordAudit(client, {
        firmId: admin.firmId,
        actorUserId: admin.userId,
        actorKind: 'user',
        action: 'admin.user_role_changed',
        subjectType: 'user',
        subjectId: userId,
        details: { from: before.role, to: change.role },
      });
    }
    await recordAudit(client, {
      firmId: admin.firmId,
      actorUserId: admin.userId,
      actorKind: 'user',
      action: 'user.billing_changed',
      subjectType: 'user',
      subjectId: userId,
      details: {
        from: { classification: before.classification, timekeeperId: before.timekeeperId },
        to: { classification: updated.rows[0]!.classification, timekeeperId: updated.rows[0]!.timekeeperId },
      },
    });
    return summaryOf(updated.rows[0]!);
  });
}
