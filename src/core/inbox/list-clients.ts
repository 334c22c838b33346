import type pg from 'pg';
import { intakeMatterFilter, may, visibleClientFilter } from '../access/access-policy.js';
import { AppError } from '../errors.js';
import type { Viewer } from '../access/viewer.js';

export interface ClientSummary {
  id: string;
  /** The firm's own client number (LEDES CLIENT_ID). */
  number: string;
  name: string;
  language: string | null;
  email: string | null;
  tags: string[];
  createdAt: Date;
  /** When the firm closed the client (null: a current client). */
  closedAt: Date | null;
}

/**
 * The clients the viewer may know of (access-policy), by name. With `scope: 'intake'` (staff and admins only): every
 * client of the firm except those whose every matter a wall keeps the viewer from.
 */
export async function listClients(pool: pg.Pool, viewer: Viewer, options: { scope?: 'mine' | 'intake' } = {}): Promise<ClientSummary[]> {
  if (options.scope === 'intake' && !may(viewer, 'managesIntake')) throw new AppError('forbidden', 'only staff and admins list the clients intake manages');
  const intake = intakeMatterFilter(viewer, 'im', 2);
  const visible =
    options.scope === 'intake'
      ? {
          sql: `(cl."firmId" = $1 AND (NOT EXISTS (SELECT 1 FROM "Matter" am WHERE am."clientId" = cl.id)
                  OR EXISTS (SELECT 1 FROM "Matter" im WHERE im."clientId" = cl.id AND ${intake.sql})))`,
          params: [viewer.firmId, ...intake.params],
        }
      : visibleClientFilter(viewer, 'cl', 1);
  const rows = await pool.query<ClientSummary>(
    `SELECT cl.id, cl.number, cl.name, cl.language, cl.email, cl.tags, cl."createdAt", cl."closedAt" FROM "Client" cl
      WHERE ${visible.sql} ORDER BY cl.name, cl.id`,
    visible.params,
  );
  return rows.rows;
}
