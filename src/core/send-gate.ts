import type pg from 'pg';
import type { OutboundPurpose, SendGate, SendTarget } from './capture-outbound.js';
import type { ConsentState } from './consent/consent-machine.js';
import { mayReceive } from './consent/consent-machine.js';
import type { ChannelKindName } from './bridge-events.js';
import { freeTextAllowed } from './channel-rules/whatsapp-window.js';
import { AppError } from './errors.js';

interface ContactConsent {
  consentState: ConsentState;
  blocked: boolean;
  revocationPendingMessageId: string | null;
}

/** The contact's consent as the gate sees it. FOR SHARE: a STOP being recorded (FOR UPDATE) finishes first, or waits. */
export async function loadContactConsent(client: pg.ClientBase, identityId: string): Promise<ContactConsent> {
  const found = await client.query<ContactConsent>(
    `SELECT "consentState", blocked, "revocationPendingMessageId" FROM "ContactIdentity" WHERE id = $1 FOR SHARE`,
    [identityId],
  );
  const contact = found.rows[0];
  if (!contact) throw new AppError('not_found', 'no such contact', { identityId });
  return contact;
}

const explain: Record<string, string> = {
  consent_required: 'this client has not agreed to be messaged here; send the consent request first',
  opted_out: 'this client opted out (STOP); nothing may be sent until they opt in again',
  blocked: 'this contact is blocked by the firm; nothing is sent to it',
  revocation_pending: 'this client may have asked us to stop; a person must confirm or dismiss that before anything is sent',
};

/**
 * Invariant 4: nothing leaves without consent. Refuses with `consent_required` (HTTP 409) and the contact's state;
 * the consent request itself is the one message that may go to a contact who has not opted in.
 */
export const consentGate: SendGate = async (client: pg.ClientBase, target: SendTarget, purpose: OutboundPurpose) => {
  const contact = await loadContactConsent(client, target.identityId);
  const permission = mayReceive({
    state: contact.consentState,
    blocked: contact.blocked,
    revocationPending: contact.revocationPendingMessageId !== null,
    purpose,
  });
  if (!permission.ok) {
    throw new AppError('consent_required', explain[permission.reason] ?? 'this contact may not be messaged', {
      state: contact.blocked ? 'blocked' : contact.consentState,
      reason: permission.reason,
    });
  }
};

/**
 * The WhatsApp Business 24-hour customer-service window: outside it free text is refused (`window_closed`) and the
 * lawyer must pick an approved template. Other channels have no window.
 */
export const windowGate: SendGate = async (client, target, purpose) => {
  const found = await client.query<{ kind: ChannelKindName; lastInboundAt: Date | null }>(
    `SELECT a.kind, c."lastInboundAt" FROM "Conversation" c JOIN "ChannelAccount" a ON a.id = c."accountId" WHERE c.id = $1`,
    [target.conversationId],
  );
  const row = found.rows[0];
  if (row && !freeTextAllowed({ kind: row.kind, lastInboundAt: row.lastInboundAt, now: new Date() })) {
    throw new AppError('window_closed', 'the WhatsApp 24-hour window is closed: only an approved template can be sent now', {
      purpose,
      lastInboundAt: row.lastInboundAt?.toISOString() ?? null,
    });
  }
};

/** Every rule a lawyer's message must pass before it is recorded: consent first, then the channel's window. */
export const sendGate: SendGate = async (client, target, purpose) => {
  await consentGate(client, target, purpose);
  await windowGate(client, target, purpose);
};
