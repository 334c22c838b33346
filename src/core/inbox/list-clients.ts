import type pg from 'pg';
import { visibleClientFilter } from '../access/access-policy.js';
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
}

/** The clients the viewer may know of (access-policy), by name. */
export async function listClients(pool: pg.Pool, viewer: Viewer): Promise<ClientSummary[]> {
  const visible = visibleClientFilter(viewer, 'cl', 1);
  const rows = await pool.query<ClientSummary>(
    `SELECT cl.id, cl.number, cl.name, cl.language, cl.email, cl.tags, cl."createdAt" FROM "Client" cl
      WHERE ${visible.sql} ORDER BY cl.name, cl.id`,
    visible.params,
  );
  return rows.rows;
}
