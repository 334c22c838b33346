import type pg from 'pg';
import { intakeMatterFilter, may, visibleMatterFilter } from '../access/access-policy.js';
import { AppError } from '../errors.js';
import type { Viewer } from '../access/viewer.js';

export interface MatterSummary {
  id: string;
  number: string;
  title: string;
  clientId: string;
  clientName: string;
  practiceArea: string | null;
  status: string;
  billingType: string;
  openedAt: Date;
  members: { userId: string; name: string; role: string }[];
}

/**
 * The matters the viewer may see (access-policy), by number; optionally one client's. With `scope: 'intake'` (staff
 * and admins only), every matter of the firm that no wall keeps them from: the matters intake files into and manages.
 */
export async function listMatters(pool: pg.Pool, viewer: Viewer, filter: { clientId?: string; scope?: 'mine' | 'intake' } = {}): Promise<MatterSummary[]> {
  if (filter.scope === 'intake' && !may(viewer, 'managesIntake')) throw new AppError('forbidden', 'only staff and admins list the matters intake manages');
  const visible = filter.scope === 'intake' ? intakeMatterFilter(viewer, 'm', 1) : visibleMatterFilter(viewer, 'm', 1);
  const params = [...visible.params];
  let byClient = '';
  if (filter.clientId !== undefined) {
    params.push(filter.clientId);
    byClient = `AND m."clientId" = $${params.length}`;
  }
  const rows = await pool.query<MatterSummary>(
    `SELECT m.id, m.number, m.title, m."clientId", cl.name AS "clientName", m."practiceArea", m.status, m."billingType",
            m."openedAt",
            COALESCE((SELECT json_agg(json_build_object('userId', u.id, 'name', u.name, 'role', mm.role) ORDER BY u.name)
                        FROM "MatterMember" mm JOIN "User" u ON u.id = mm."userId" WHERE mm."matterId" = m.id), '[]') AS members
       FROM "Matter" m JOIN "Client" cl ON cl.id = m."clientId"
      WHERE ${visible.sql} ${byClient}
      ORDER BY m.number, m.id`,
    params,
  );
  return rows.rows;
}
