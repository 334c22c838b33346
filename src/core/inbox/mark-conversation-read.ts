import type pg from 'pg';
import { canAccessConversation } from '../access/can-access-conversation.js';
import type { Viewer } from '../access/viewer.js';
import { AppError } from '../errors.js';
import { recordActivity } from '../time/record-activity.js';

/**
 * Marks the conversation read up to its newest captured message (not "now": a message committing at this instant
 * with an earlier capture time would otherwise count as read unseen). Never moves the mark backwards.
 */
export async function markConversationRead(pool: pg.Pool, viewer: Viewer, conversationId: string): Promise<{ lastReadAt: Date }> {
  if (!(await canAccessConversation(pool, viewer, conversationId))) {
    throw new AppError('not_found', 'no such conversation', { conversationId });
  }
  // Reading is billable time (core/time); recorded before the mark moves, so a failure here leaves the messages unread.
  await recordActivity({ pool, viewer, conversationId, evidence: { kind: 'read' } });
  const result = await pool.query<{ lastReadAt: Date }>(
    `INSERT INTO "ConversationRead" ("userId", "conversationId", "lastReadAt")
     VALUES ($1, $2, COALESCE((SELECT max("capturedAt") FROM "Message" WHERE "conversationId" = $2), now()))
     ON CONFLICT ("userId", "conversationId")
       DO UPDATE SET "lastReadAt" = GREATEST("ConversationRead"."lastReadAt", EXCLUDED."lastReadAt")
     RETURNING "lastReadAt"`,
    [viewer.userId, conversationId],
  );
  return { lastReadAt: result.rows[0]!.lastReadAt };
}
