import { mayReceive } from '../consent/consent-machine.js';
import type { ConsentState } from '../consent/consent-machine.js';
import type { SendGate } from '../capture-outbound.js';
import { AppError } from '../errors.js';

/**
 * The consent part of the send gate (invariant 4), for the inbox's sends until core's request-send (consent, hours
 * and channel rules together) takes over. Reads the identity under FOR SHARE inside the capture transaction, so a
 * STOP being recorded at the same moment is either seen here or waits for this send's decision.
 */
export const consentSendGate: SendGate = async (client, target, purpose) => {
  const found = await client.query<{ consentState: ConsentState; blocked: boolean; revocationPendingMessageId: string | null }>(
    `SELECT "consentState", blocked, "revocationPendingMessageId" FROM "ContactIdentity" WHERE id = $1 FOR SHARE`,
    [target.identityId],
  );
  const identity = found.rows[0];
  if (!identity) throw new AppError('not_found', 'the conversation has no contact to send to');
  const permission = mayReceive({
    state: identity.consentState,
    blocked: identity.blocked,
    revocationPending: identity.revocationPendingMessageId !== null,
    purpose,
  });
  if (!permission.ok) {
    throw new AppError('consent_required', `this contact cannot receive messages now (${permission.reason})`, {
      reason: permission.reason,
      consentState: permission.state,
    });
  }
};
