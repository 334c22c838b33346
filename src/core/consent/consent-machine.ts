import type { ConsentKeyword } from './classify-keyword.js';

/** A contact identity's consent; the same values as the ConsentState enum of the schema. */
export const consentStates = ['unknown', 'requested', 'opted_in', 'opted_out'] as const;
export type ConsentState = (typeof consentStates)[number];

/** Why the firm sends a message; the same values as the MessagePurpose enum of the schema. */
export const messagePurposes = [
  'conversation',
  'consent_request',
  'consent_confirmed',
  'opted_out',
  'help',
  'after_hours',
  'back_open',
  'reminder',
  'notice',
] as const;
export type MessagePurpose = (typeof messagePurposes)[number];

export interface NextConsentStateOptions {
  state: ConsentState;
  /** The keyword the inbound message was (classifyConsentKeyword), or null for any other message. */
  keyword: ConsentKeyword | null;
}

export interface ConsentTransition {
  state: ConsentState;
  /** Whether to record a ConsentEvent. */
  changed: boolean;
  /** The automatic reply this keyword calls for, still subject to mayReceive (a blocked contact gets nothing). */
  reply: 'consent_confirmed' | 'opted_out' | 'help' | null;
}

/**
 * The consent state after an inbound message. Sending the consent request (unknown -> requested) is recorded by
 * the sender, not here: it is an outbound fact.
 *
 * - An opt-out keyword opts out from any state. The opted-out confirmation is asked for only when the state
 *   changes, so a contact who repeats STOP gets exactly one confirmation, as carriers require, and nothing more.
 * - An opt-in keyword opts in from requested or opted_out: in both cases the contact has just been told what they
 *   agree to (the consent request, or the opted-out confirmation that says how to resume). From unknown it changes
 *   nothing: a bare "yes" before the firm asked anything is not evidence of consent to be messaged here, and the
 *   usual first-contact flow sends the consent request, whose answer is.
 * - HELP changes nothing and asks for the help text.
 */
export function nextConsentState({ state, keyword }: NextConsentStateOptions): ConsentTransition {
  switch (keyword) {
    case 'opt_out':
      return state === 'opted_out'
        ? { state, changed: false, reply: null }
        : { state: 'opted_out', changed: true, reply: 'opted_out' };
    case 'opt_in':
      return state === 'requested' || state === 'opted_out'
        ? { state: 'opted_in', changed: true, reply: 'consent_confirmed' }
        : { state, changed: false, reply: null };
    case 'help':
      return { state, changed: false, reply: 'help' };
    case null:
      return { state, changed: false, reply: null };
  }
}

export interface MayReceiveOptions {
  state: ConsentState;
  /** The firm blocked this identity (ContactIdentity.blocked). */
  blocked: boolean;
  /** A free-text revocation awaits a person's decision (ContactIdentity.revocationPendingMessageId is set). */
  revocationPending: boolean;
  purpose: MessagePurpose;
}

export type SendRefusalReason = 'consent_required' | 'blocked' | 'opted_out' | 'revocation_pending';

export type SendPermission = { ok: true } | { ok: false; reason: SendRefusalReason; state: ConsentState };

/**
 * Whether a message with this purpose may go to the contact now: the one gate every outbound message passes.
 *
 * In order: a blocked identity gets nothing, not even automatic replies. An opted-out one gets nothing but the
 * opted-out confirmation (sent once: nextConsentState asks for it only on the change to opted_out). A pending
 * free-text revocation holds everything, that confirmation included, until a person decides; whoever records a
 * STOP keyword clears the pending flag, since the keyword settles the question. Then only an opted-in contact may
 * receive messages, the consent request being the one exception (for unknown and requested; to an opted-in
 * contact it is allowed like any other message).
 */
export function mayReceive({ state, blocked, revocationPending, purpose }: MayReceiveOptions): SendPermission {
  if (blocked) return { ok: false, reason: 'blocked', state };
  if (state === 'opted_out' && purpose !== 'opted_out') return { ok: false, reason: 'opted_out', state };
  if (revocationPending) return { ok: false, reason: 'revocation_pending', state };
  // Opted out and still here: the purpose is the opted-out confirmation.
  if (state === 'opted_out') return { ok: true };
  if (state === 'opted_in') return { ok: true };
  if (purpose === 'consent_request') return { ok: true };
  return { ok: false, reason: 'consent_required', state };
}
