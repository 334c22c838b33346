import type pg from 'pg';
import type { SendTarget } from '../capture-outbound.js';
import { resolveTarget } from '../capture-outbound.js';
import type { ChannelKindName } from '../bridge-events.js';
import type { ConsentState } from '../consent/consent-machine.js';

export interface MatterContact {
  identityId: string;
  accountId: string;
  accountKind: ChannelKindName;
  address: string;
  language: string | null;
  consentState: ConsentState;
  blocked: boolean;
  revocationPending: boolean;
  /** The contact's direct conversation on its account, when there is one. */
  conversationId: string | null;
  conversationMatterId: string | null;
  lastInboundAt: Date | null;
}

export interface FindMatterContactOptions {
  clientId: string;
  matterId: string;
  /** Only contacts on this channel account. */
  accountId?: string | null;
}

/**
 * The contact through which the firm writes to a client about a matter: of the client's contacts on accounts still in
 * use, one that may receive messages first (consent is per contact: a client who said STOP on WhatsApp but YES by
 * SMS is reached by SMS), then the one whose conversation is filed under this matter, then the most recently active.
 * Null when the client has no contact at all. The row is locked FOR SHARE, so a STOP being recorded waits or wins.
 */
export async function findMatterContact(client: pg.ClientBase, options: FindMatterContactOptions): Promise<MatterContact | null> {
  const found = await client.query<MatterContact>(
    `SELECT i.id AS "identityId", i."accountId", a.kind AS "accountKind", i.address, i.language, i."consentState",
            i.blocked, i."revocationPendingMessageId" IS NOT NULL AS "revocationPending",
            c.id AS "conversationId", c."matterId" AS "conversationMatterId", c."lastInboundAt"
       FROM "ContactIdentity" i
       JOIN "ChannelAccount" a ON a.id = i."accountId" AND a."removedAt" IS NULL
       LEFT JOIN "Conversation" c ON c."accountId" = i."accountId" AND c."externalId" = i.address AND c.kind = 'direct'
      WHERE i."clientId" = $1 AND ($3::text IS NULL OR i."accountId" = $3)
      ORDER BY (i."consentState" = 'opted_in' AND NOT i.blocked AND i."revocationPendingMessageId" IS NULL) DESC,
               (c."matterId" IS NOT DISTINCT FROM $2) DESC,
               c."lastMessageAt" DESC NULLS LAST, i."createdAt"
      LIMIT 1
      FOR SHARE OF i`,
    [options.clientId, options.matterId, options.accountId ?? null],
  );
  return found.rows[0] ?? null;
}

/**
 * The conversation a message about the matter goes into, as a send target: the contact's own conversation (a reply
 * from the client lands in it, as every reply lands in its contact's conversation), created when there is none and
 * filed under the matter when it is filed under nothing yet. A conversation already filed under another matter of the
 * client stays where a person put it.
 */
export async function openMatterConversation(
  client: pg.ClientBase,
  contact: MatterContact,
  matter: { id: string; clientName: string },
): Promise<SendTarget> {
  const target = contact.conversationId
    ? await resolveTarget(client, { conversationId: contact.conversationId })
    : await resolveTarget(client, { accountId: contact.accountId, address: contact.address });
  await client.query(
    `UPDATE "Conversation" SET "matterId" = $2, "needsTriage" = false, title = COALESCE(title, $3)
      WHERE id = $1 AND "matterId" IS NULL`,
    [target.conversationId, matter.id, matter.clientName],
  );
  return target;
}
