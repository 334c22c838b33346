import type pg from 'pg';
import { intakeMatterFilter, may, visibleConversationFilter } from '../access/access-policy.js';
import type { Viewer } from '../access/viewer.js';
import { recordAudit } from '../audit/record-audit.js';
import { AppError } from '../errors.js';
import { withTransaction } from '../transaction.js';

export interface AssignConversationOptions {
  pool: pg.Pool;
  viewer: Viewer;
  conversationId: string;
  clientId: string;
  matterId: string;
}

export interface AssignedConversation {
  conversationId: string;
  matterId: string;
  clientId: string;
  previousMatterId: string | null;
}

/**
 * Files a conversation under a client's matter (triage): the conversation must be one the viewer sees, the matter
 * one of the viewer's firm that no wall keeps them from, and it must be the client's. The contact becomes the
 * client's when it was nobody's yet; a contact already linked to another client is a conflict for a person to
 * resolve, never silently moved.
 */
export async function assignConversation(options: AssignConversationOptions): Promise<AssignedConversation> {
  const { viewer } = options;
  if (!may(viewer, 'managesIntake')) throw new AppError('forbidden', 'only staff and admins file conversations under matters');
  return withTransaction(options.pool, async (client) => {
    const visible = visibleConversationFilter(viewer, 'c', 2);
    const conversation = await client.query<{ id: string; matterId: string | null; identityId: string | null }>(
      `SELECT c.id, c."matterId", c."identityId" FROM "Conversation" c WHERE c.id = $1 AND ${visible.sql} FOR UPDATE OF c`,
      [options.conversationId, ...visible.params],
    );
    const found = conversation.rows[0];
    if (!found) throw new AppError('not_found', 'no such conversation', { conversationId: options.conversationId });

    // A legal hold holds the conversations filed under it: moving one out would take it from the hold's protection.
    if (found.matterId !== null && found.matterId !== options.matterId) {
      const held = await client.query<{ number: string; legalHoldReason: string | null }>(
        `SELECT number, "legalHoldReason" FROM "Matter" WHERE id = $1 AND "legalHold" FOR SHARE`,
        [found.matterId],
      );
      const hold = held.rows[0];
      if (hold) {
        throw new AppError(
          'conflict',
          `the conversation is filed under matter ${hold.number}, which is on legal hold${hold.legalHoldReason ? ` (${hold.legalHoldReason})` : ''}: it cannot be refiled until a supervisor lifts the hold`,
          { matterId: found.matterId, matterNumber: hold.number, legalHold: true },
        );
      }
    }

    const open = intakeMatterFilter(viewer, 'm', 2);
    const matter = await client.query<{ clientId: string }>(
      `SELECT m."clientId" FROM "Matter" m WHERE m.id = $1 AND ${open.sql}`,
      [options.matterId, ...open.params],
    );
    const matterRow = matter.rows[0];
    if (!matterRow) throw new AppError('not_found', 'no such matter', { matterId: options.matterId });
    if (matterRow.clientId !== options.clientId) {
      throw new AppError('bad_request', 'the matter is not one of this client\'s', { field: 'matterId' });
    }

    if (found.identityId) {
      const identity = await client.query<{ clientId: string | null }>(
        `SELECT "clientId" FROM "ContactIdentity" WHERE id = $1 FOR UPDATE`,
        [found.identityId],
      );
      const current = identity.rows[0]?.clientId ?? null;
      if (current !== null && current !== options.clientId) {
        throw new AppError('conflict', 'this contact belongs to another client', { identityId: found.identityId });
      }
      if (current === null) {
        await client.query(`UPDATE "ContactIdentity" SET "clientId" = $2 WHERE id = $1`, [found.identityId, options.clientId]);
      }
    }
    await client.query(
      `UPDATE "Conversation" SET "matterId" = $2, "needsTriage" = false, "routingNeedsConfirmation" = false WHERE id = $1`,
      [found.id, options.matterId],
    );
    await recordAudit(client, {
      firmId: viewer.firmId,
      actorUserId: viewer.userId,
      actorKind: 'user',
      action: 'conversation.assigned',
      subjectType: 'conversation',
      subjectId: found.id,
      details: { matterId: options.matterId, clientId: options.clientId, previousMatterId: found.matterId },
    });
    return { conversationId: found.id, matterId: options.matterId, clientId: options.clientId, previousMatterId: found.matterId };
  });
}
