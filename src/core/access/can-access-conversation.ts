import type pg from 'pg';
import { visibleConversationFilter } from './access-policy.js';
import type { Viewer } from './viewer.js';

/**
 * True when the viewer may see this conversation. A conversation that does not exist and one the viewer may not see
 * give the same answer, so callers answer 404 for both and never confirm what a wall hides.
 */
export async function canAccessConversation(db: pg.Pool | pg.ClientBase, viewer: Viewer, conversationId: string): Promise<boolean> {
  const filter = visibleConversationFilter(viewer, 'c', 2);
  const found = await db.query(`SELECT 1 FROM "Conversation" c WHERE c.id = $1 AND ${filter.sql}`, [conversationId, ...filter.params]);
  return (found.rowCount ?? 0) > 0;
}

/** Of these conversations, the ones the viewer may see: one query for many (live updates check events in batches). */
export async function visibleConversationIds(
  db: pg.Pool | pg.ClientBase,
  viewer: Viewer,
  conversationIds: readonly string[],
): Promise<Set<string>> {
  if (conversationIds.length === 0) return new Set();
  const filter = visibleConversationFilter(viewer, 'c', 2);
  const found = await db.query<{ id: string }>(`SELECT c.id FROM "Conversation" c WHERE c.id = ANY($1::text[]) AND ${filter.sql}`, [
    conversationIds,
    ...filter.params,
  ]);
  return new Set(found.rows.map((row) => row.id));
}
