import type pg from 'pg';
import { recordAudit } from '../audit/record-audit.js';
import { AppError } from '../errors.js';
import { withTransaction } from '../transaction.js';
import { intakeMatterFilter, may, visibleMatterFilter } from './access-policy.js';
import type { Viewer } from './viewer.js';

// Who works a matter (its members) and who must never see it (its ethical walls). Both decide access, so both live
// here with the access policy. Members are managed by intake (staff and admins); walls by compliance (supervisors and
// admins). Every change is audited in the same transaction.

export interface MatterMemberView {
  userId: string;
  name: string;
  role: string;
  memberRole: 'responsible' | 'member';
  /** A wall keeps this member out all the same (a wall always wins). */
  walled: boolean;
}

export interface EthicalWallView {
  id: string;
  userId: string;
  name: string;
  reason: string;
  createdBy: string | null;
  createdAt: Date;
}

const mayManageWalls = (viewer: Viewer) => viewer.role === 'admin' || viewer.role === 'supervisor';

/**
 * The matter, locked for a change, when the viewer may see it (a lawyer: her matters; supervisors and admins: the
 * firm's; staff: what intake may file into), and no wall keeps them from it; 404 otherwise, as for no matter at all.
 */
async function lockMatter(client: pg.ClientBase, viewer: Viewer, matterId: string): Promise<{ id: string; number: string }> {
  const visible = visibleMatterFilter(viewer, 'm', 2);
  const intake = intakeMatterFilter(viewer, 'm', 2 + visible.params.length);
  const found = await client.query<{ id: string; number: string }>(
    `SELECT m.id, m.number FROM "Matter" m WHERE m.id = $1 AND (${visible.sql} OR ${intake.sql}) FOR NO KEY UPDATE`,
    [matterId, ...visible.params, ...intake.params],
  );
  const matter = found.rows[0];
  if (!matter) throw new AppError('not_found', 'no such matter', { matterId });
  return matter;
}

async function firmUser(client: pg.ClientBase, viewer: Viewer, userId: string): Promise<{ id: string; name: string }> {
  const found = await client.query<{ id: string; name: string }>(`SELECT id, name FROM "User" WHERE id = $1 AND "firmId" = $2`, [userId, viewer.firmId]);
  const user = found.rows[0];
  if (!user) throw new AppError('bad_request', 'no such user in this firm', { field: 'userId' });
  return user;
}

export async function listMatterTeam(pool: pg.Pool, viewer: Viewer, matterId: string): Promise<{ members: MatterMemberView[]; walls: EthicalWallView[] }> {
  return withTransaction(pool, async (client) => {
    await lockMatter(client, viewer, matterId);
    const members = await client.query<MatterMemberView>(
      `SELECT u.id AS "userId", u.name, u.role::text AS role, mm.role AS "memberRole",
              EXISTS (SELECT 1 FROM "EthicalWall" ew WHERE ew."matterId" = mm."matterId" AND ew."userId" = u.id) AS walled
         FROM "MatterMember" mm JOIN "User" u ON u.id = mm."userId"
        WHERE mm."matterId" = $1 ORDER BY mm.role = 'responsible' DESC, u.name, u.id`,
      [matterId],
    );
    // Who is walled off is itself sensitive: shown to those who manage walls.
    const walls = mayManageWalls(viewer)
      ? await client.query<EthicalWallView>(
          `SELECT ew.id, ew."userId", u.name, ew.reason, cu.name AS "createdBy", ew."createdAt"
             FROM "EthicalWall" ew JOIN "User" u ON u.id = ew."userId" LEFT JOIN "User" cu ON cu.id = ew."createdById"
            WHERE ew."matterId" = $1 ORDER BY ew."createdAt", ew.id`,
          [matterId],
        )
      : { rows: [] as EthicalWallView[] };
    return { members: members.rows, walls: walls.rows };
  });
}

export async function addMatterMember(pool: pg.Pool, viewer: Viewer, matterId: string, userId: string, memberRole: 'responsible' | 'member'): Promise<void> {
  if (!may(viewer, 'managesIntake')) throw new AppError('forbidden', 'only staff and admins change a matter\'s team');
  await withTransaction(pool, async (client) => {
    await lockMatter(client, viewer, matterId);
    const user = await firmUser(client, viewer, userId);
    const inserted = await client.query(
      `INSERT INTO "MatterMember" ("matterId", "userId", role) VALUES ($1, $2, $3)
       ON CONFLICT ("matterId", "userId") DO UPDATE SET role = EXCLUDED.role WHERE "MatterMember".role IS DISTINCT FROM EXCLUDED.role`,
      [matterId, userId, memberRole],
    );
    if ((inserted.rowCount ?? 0) === 0) return;
    await audit(client, viewer, matterId, 'matter.member_added', { userId, name: user.name, memberRole });
  });
}

export async function removeMatterMember(pool: pg.Pool, viewer: Viewer, matterId: string, userId: string): Promise<void> {
  if (!may(viewer, 'managesIntake')) throw new AppError('forbidden', 'only staff and admins change a matter\'s team');
  await withTransaction(pool, async (client) => {
    await lockMatter(client, viewer, matterId);
    const removed = await client.query(`DELETE FROM "MatterMember" WHERE "matterId" = $1 AND "userId" = $2`, [matterId, userId]);
    if ((removed.rowCount ?? 0) === 0) throw new AppError('not_found', 'this person is not on the matter', { userId });
    await audit(client, viewer, matterId, 'matter.member_removed', { userId });
  });
}

export async function addEthicalWall(pool: pg.Pool, viewer: Viewer, matterId: string, userId: string, reason: string): Promise<{ id: string }> {
  if (!mayManageWalls(viewer)) throw new AppError('forbidden', 'only supervisors and admins put up ethical walls');
  if (userId === viewer.userId) throw new AppError('bad_request', 'one cannot wall oneself off: ask another supervisor or admin', { field: 'userId' });
  return withTransaction(pool, async (client) => {
    await lockMatter(client, viewer, matterId);
    const user = await firmUser(client, viewer, userId);
    const existing = await client.query(`SELECT 1 FROM "EthicalWall" WHERE "matterId" = $1 AND "userId" = $2`, [matterId, userId]);
    if ((existing.rowCount ?? 0) > 0) throw new AppError('conflict', `${user.name} is already walled off this matter`, { field: 'userId' });
    const inserted = await client.query<{ id: string }>(
      `INSERT INTO "EthicalWall" (id, "matterId", "userId", reason, "createdById") VALUES (gen_random_uuid()::text, $1, $2, $3, $4) RETURNING id`,
      [matterId, userId, reason, viewer.userId],
    );
    await audit(client, viewer, matterId, 'matter.wall_added', { userId, name: user.name, reason });
    return { id: inserted.rows[0]!.id };
  });
}

export async function removeEthicalWall(pool: pg.Pool, viewer: Viewer, matterId: string, wallId: string, reason: string): Promise<void> {
  if (!mayManageWalls(viewer)) throw new AppError('forbidden', 'only supervisors and admins take down ethical walls');
  await withTransaction(pool, async (client) => {
    await lockMatter(client, viewer, matterId);
    const removed = await client.query<{ userId: string }>(`DELETE FROM "EthicalWall" WHERE id = $1 AND "matterId" = $2 RETURNING "userId"`, [wallId, matterId]);
    const wall = removed.rows[0];
    if (!wall) throw new AppError('not_found', 'no such wall on this matter', { wallId });
    await audit(client, viewer, matterId, 'matter.wall_removed', { userId: wall.userId, reason });
  });
}

async function audit(client: pg.ClientBase, viewer: Viewer, matterId: string, action: string, details: Record<string, unknown>) {
  await recordAudit(client, { firmId: viewer.firmId, actorUserId: viewer.userId, actorKind: 'user', action, subjectType: 'matter', subjectId: matterId, details });
}
