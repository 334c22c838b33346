import type { Database } from '../../db/prisma.js';
import { AppError } from '../errors.js';
import { withTransaction } from '../transaction.js';
import type { ConsentState } from './consent-machine.js';
import { cancelPendingSends, recordConsentChange } from './record-consent-change.js';

/**
 * Blocks a contact (a lost or stolen phone, abuse) or unblocks it, with a reason: its messages are still captured,
 * nothing at all is sent to it while blocked, and both steps are consent events with their author.
 */
export async function setContactBlocked(options: {
  db: Database;
  identityId: string;
  blocked: boolean;
  reason: string;
  userId: string;
}): Promise<void> {
  if (!options.reason.trim()) throw new AppError('bad_request', 'reason: say why the contact is blocked or unblocked');
  await withTransaction(options.db.pool, async (client) => {
    const found = await client.query<{ consentState: ConsentState; blocked: boolean; kind: string }>(
      `SELECT i."consentState", i.blocked, a.kind FROM "ContactIdentity" i JOIN "ChannelAccount" a ON a.id = i."accountId"
        WHERE i.id = $1 FOR UPDATE OF i`,
      [options.identityId],
    );
    const contact = found.rows[0];
    if (!contact) throw new AppError('not_found', 'no such contact', { identityId: options.identityId });
    if (contact.blocked === options.blocked) return;
    await client.query(
      `UPDATE "ContactIdentity" SET blocked = $2, "blockedAt" = CASE WHEN $2 THEN now() ELSE NULL END,
              "blockedReason" = $3, "blockedById" = $4 WHERE id = $1`,
      [options.identityId, options.blocked, options.reason, options.userId],
    );
    if (options.blocked) await cancelPendingSends(client, options.identityId, 'the contact was blocked');
    await recordConsentChange(client, {
      identityId: options.identityId,
      from: contact.consentState,
      to: contact.consentState,
      source: options.blocked ? 'block' : 'unblock',
      channel: contact.kind,
      actorUserId: options.userId,
      note: options.reason,
    });
  });
}
