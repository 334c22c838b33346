import type pg from 'pg';
import { visibleMatterFilter } from './access-policy.js';
import type { Viewer } from './viewer.js';

/** True when the viewer may see this matter; a missing and a hidden matter look the same (callers answer 404). */
export async function canAccessMatter(db: pg.Pool | pg.ClientBase, viewer: Viewer, matterId: string): Promise<boolean> {
  const filter = visibleMatterFilter(viewer, 'm', 2);
  const found = await db.query(`SELECT 1 FROM "Matter" m WHERE m.id = $1 AND ${filter.sql}`, [matterId, ...filter.params]);
  return (found.rowCount ?? 0) > 0;
}
