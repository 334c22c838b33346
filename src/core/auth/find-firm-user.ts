import type pg from 'pg';
import type { Viewer } from '../access/viewer.js';
import { AppError } from '../errors.js';

/** A user of the viewer's own firm, locked for update; another firm's user is as unknown as a missing one (404). */
export async function findFirmUserForUpdate(client: pg.ClientBase, viewer: Viewer, userId: string): Promise<{ id: string; email: string }> {
  const found = await client.query<{ id: string; email: string }>(
    `SELECT id, email FROM "User" WHERE id = $1 AND "firmId" = $2 FOR UPDATE`,
    [userId, viewer.firmId],
  );
  const user = found.rows[0];
  if (!user) throw new AppError('not_found', 'no such user', { userId });
  return user;
}
