import type pg from 'pg';
import { AppError } from '../errors.js';

export interface FirmRef {
  id: string;
  name: string;
  timeZone: string;
}

/** The firm an admin command names by its slug, or a not_found naming it. */
export async function firmBySlug(db: pg.Pool | pg.ClientBase, slug: string): Promise<FirmRef> {
  const found = await db.query<FirmRef>(`SELECT id, name, "timeZone" FROM "Firm" WHERE slug = $1`, [slug]);
  const firm = found.rows[0];
  if (!firm) throw new AppError('not_found', `no firm with the slug "${slug}"`, { slug });
  return firm;
}
