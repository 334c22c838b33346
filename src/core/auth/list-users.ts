import type pg from 'pg';
import { may } from '../access/access-policy.js';
import type { Role, Viewer } from '../access/viewer.js';
import { AppError } from '../errors.js';
import { readTotpCredential } from './totp-credential.js';

export interface UserSummary {
  id: string;
  email: string;
  name: string;
  role: Role;
  disabled: boolean;
  locked: boolean;
  totpEnabled: boolean;
  createdAt: Date;
}

/** The admin's firm's users, never another firm's, and never a hash or a secret. */
export async function listUsers(pool: pg.Pool, admin: Viewer): Promise<UserSummary[]> {
  if (!may(admin, 'administersUsers')) throw new AppError('forbidden', 'only an admin can list users');
  const rows = await pool.query<{ id: string; email: string; name: string; role: Role; disabledAt: Date | null; lockedUntil: Date | null; totpSecret: string | null; createdAt: Date }>(
    `SELECT id, email, name, role, "disabledAt", "lockedUntil", "totpSecret", "createdAt" FROM "User"
      WHERE "firmId" = $1 ORDER BY email`,
    [admin.firmId],
  );
  return rows.rows.map((row) => ({
    id: row.id,
    email: row.email,
    name: row.name,
    role: row.role,
    disabled: row.disabledAt !== null,
    locked: row.lockedUntil !== null && row.lockedUntil > new Date(),
    totpEnabled: readTotpCredential(row.totpSecret)?.enabled ?? false,
    createdAt: row.createdAt,
  }));
}
