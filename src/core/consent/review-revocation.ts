import type { Database } from '../../db/prisma.js';
import { AppError } from '../errors.js';
import { withTransaction } from '../transaction.js';
import type { ConsentState } from './consent-machine.js';
import { cancelPendingSends, recordConsentChange } from './record-consent-change.js';

/**
 * A person's decision on a message that read as "stop messaging me": confirm (the contact is opted out, pending sends
 * are cancelled) or dismiss (sends may go again). Either way the decision is a consent event with its author.
 */
export async function reviewRevocation(options: {
  db: Database;
  identityId: string;
  decision: 'confirm' | 'dismiss';
  userId: string;
  note?: string;
}): Promise<{ state: ConsentState }> {
  return withTransaction(options.db.pool, async (client) => {
    const found = await client.query<{ consentState: ConsentState; revocationPendingMessageId: string | null; kind: string }>(
      `SELECT i."consentState", i."revocationPendingMessageId", a.kind
         FROM "ContactIdentity" i JOIN "ChannelAccount" a ON a.id = i."accountId" WHERE i.id = $1 FOR UPDATE OF i`,
      [options.identityId],
    );
    const contact = found.rows[0];
    if (!contact) throw new AppError('not_found', 'no such contact', { identityId: options.identityId });
    if (!contact.revocationPendingMessageId) throw new AppError('conflict', 'there is no revocation waiting for review');
    const to: ConsentState = options.decision === 'confirm' ? 'opted_out' : contact.consentState;
    if (options.decision === 'confirm') await cancelPendingSends(client, options.identityId, 'the client asked us to stop (confirmed)');
    await client.query(`UPDATE "ContactIdentity" SET "revocationPendingMessageId" = NULL WHERE id = $1`, [options.identityId]);
    await recordConsentChange(client, {
      identityId: options.identityId,
      from: contact.consentState,
      to,
      source: 'firm',
      channel: contact.kind,
      messageId: contact.revocationPendingMessageId,
      actorUserId: options.userId,
      note: options.note ?? (options.decision === 'confirm' ? 'Revocation confirmed by a person.' : 'Not a revocation: dismissed by a person.'),
    });
    return { state: to };
  });
}
