import type pg from 'pg';
import type { Viewer } from '../access/viewer.js';
import { AppError } from '../errors.js';

// A person's saved searches: a name and the filters GET /api/search takes. Each person sees and removes only their
// own; running one is an ordinary search, so it shows only what its owner may see at that moment.

export const maxSavedSearches = 50;

export interface SavedSearch {
  id: string;
  name: string;
  query: Record<string, string>;
  createdAt: Date;
}

export async function listSavedSearches(pool: pg.Pool, viewer: Viewer): Promise<SavedSearch[]> {
  const found = await pool.query<SavedSearch>(
    `SELECT id, name, query, "createdAt" FROM "SavedSearch" WHERE "userId" = $1 ORDER BY lower(name), id`,
    [viewer.userId],
  );
  return found.rows;
}

export async function saveSearch(pool: pg.Pool, viewer: Viewer, input: { name: string; query: Record<string, string> }): Promise<SavedSearch> {
  // One statement: the count limit and the unique name are checked where the row is written.
  const saved = await pool.query<SavedSearch>(
    `WITH mine AS (SELECT count(*)::int AS n, bool_or(lower(name) = lower($2)) AS taken FROM "SavedSearch" WHERE "userId" = $1)
     INSERT INTO "SavedSearch" (id, "userId", name, query)
     SELECT gen_random_uuid()::text, $1, $2, $3::jsonb FROM mine WHERE n < $4 AND NOT coalesce(taken, false)
     ON CONFLICT ("userId", name) DO NOTHING
     RETURNING id, name, query, "createdAt"`,
    [viewer.userId, input.name, JSON.stringify(input.query), maxSavedSearches],
  );
  const row = saved.rows[0];
  if (row) return row;
  const mine = await listSavedSearches(pool, viewer);
  if (mine.some((search) => search.name.toLowerCase() === input.name.toLowerCase())) {
    throw new AppError('conflict', `you already have a saved search named "${input.name}"; choose another name or delete that one`, { name: input.name });
  }
  throw new AppError('conflict', `you have ${maxSavedSearches} saved searches, the most one person keeps; delete one first`, { limit: maxSavedSearches });
}

export async function deleteSavedSearch(pool: pg.Pool, viewer: Viewer, id: string): Promise<void> {
  const deleted = await pool.query(`DELETE FROM "SavedSearch" WHERE id = $1 AND "userId" = $2`, [id, viewer.userId]);
  if (deleted.rowCount === 0) throw new AppError('not_found', 'no such saved search', { id });
}
