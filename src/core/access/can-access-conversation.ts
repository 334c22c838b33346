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
