import { describe, expect, expectTypeOf, it } from 'vitest';
import type { ConsentKeyword } from '../../src/core/consent/classify-keyword.js';
import {
  mayReceive,
  messagePurposes,
  nextConsentState,
  type ConsentState,
  type ConsentTransition,
  type MessagePurpose,
  type SendPermission,
} from '../../src/core/consent/consent-machine.js';
import type {
  ConsentState as SchemaConsentState,
  MessagePurpose as SchemaMessagePurpose,
} from '../../src/generated/prisma/enums.js';

describe('consent types', () => {
  it('match the enums of the schema', () => {
    expectTypeOf<ConsentState>().toEqualTypeOf<SchemaConsentState>();
    expectTypeOf<MessagePurpose>().toEqualTypeOf<SchemaMessagePurpose>();
  });
});

const transitions: [ConsentState, ConsentKeyword | null, ConsentTransition][] = [
  ['unknown', 'opt_out', { state: 'opted_out', changed: true, reply: 'opted_out' }],
  ['requested', 'opt_out', { state: 'opted_out', changed: true, reply: 'opted_out' }],
  ['opted_in', 'opt_out', { state: 'opted_out', changed: true, reply: 'opted_out' }],
  // A repeated STOP changes nothing and is not confirmed again.
  ['opted_out', 'opt_out', { state: 'opted_out', changed: false, reply: null }],
  ['requested', 'opt_in', { state: 'opted_in', changed: true, reply: 'consent_confirmed' }],
  ['opted_out', 'opt_in', { state: 'opted_in', changed: true, reply: 'consent_confirmed' }],
  ['opted_in', 'opt_in', { state: 'opted_in', changed: false, reply: null }],
  // Nothing was asked yet: a bare YES is not consent.
  ['unknown', 'opt_in', { state: 'unknown', changed: false, reply: null }],
  ['unknown', 'help', { state: 'unknown', changed: false, reply: 'help' }],
  ['opted_in', 'help', { state: 'opted_in', changed: false, reply: 'help' }],
  ['opted_out', 'help', { state: 'opted_out', changed: false, reply: 'help' }],
  ['requested', null, { state: 'requested', changed: false, reply: null }],
  ['opted_in', null, { state: 'opted_in', changed: false, reply: null }],
];

describe('nextConsentState', () => {
  it.each(transitions)('%s + %s', (state, keyword, expected) => {
    expect(nextConsentState({ state, keyword })).toEqual(expected);
  });
});

interface GateCase {
  state: ConsentState;
  purpose: MessagePurpose;
  blocked?: boolean;
  revocationPending?: boolean;
  expected: SendPermission;
}

const ok: SendPermission = { ok: true };

const gateCases: GateCase[] = [
  { state: 'opted_in', purpose: 'conversation', expected: ok },
  { state: 'opted_in', purpose: 'after_hours', expected: ok },
  { state: 'opted_in', purpose: 'reminder', expected: ok },
  { state: 'opted_in', purpose: 'consent_request', expected: ok },
  { state: 'unknown', purpose: 'consent_request', expected: ok },
  { state: 'requested', purpose: 'consent_request', expected: ok },
  { state: 'unknown', purpose: 'conversation', expected: { ok: false, reason: 'consent_required', state: 'unknown' } },
  { state: 'unknown', purpose: 'after_hours', expected: { ok: false, reason: 'consent_required', state: 'unknown' } },
  { state: 'requested', purpose: 'help', expected: { ok: false, reason: 'consent_required', state: 'requested' } },
  { state: 'requested', purpose: 'notice', expected: { ok: false, reason: 'consent_required', state: 'requested' } },
  // The opted-out confirmation, and nothing else, to an opted-out contact.
  { state: 'opted_out', purpose: 'opted_out', expected: ok },
  { state: 'opted_out', purpose: 'consent_request', expected: { ok: false, reason: 'opted_out', state: 'opted_out' } },
  { state: 'opted_out', purpose: 'help', expected: { ok: false, reason: 'opted_out', state: 'opted_out' } },
  { state: 'opted_out', purpose: 'after_hours', expected: { ok: false, reason: 'opted_out', state: 'opted_out' } },
  {
    state: 'opted_out',
    purpose: 'conversation',
    revocationPending: true,
    expected: { ok: false, reason: 'opted_out', state: 'opted_out' },
  },
  // Blocked: nothing at all, whatever the state.
  { state: 'opted_in', purpose: 'conversation', blocked: true, expected: { ok: false, reason: 'blocked', state: 'opted_in' } },
  { state: 'unknown', purpose: 'consent_request', blocked: true, expected: { ok: false, reason: 'blocked', state: 'unknown' } },
  { state: 'opted_out', purpose: 'opted_out', blocked: true, expected: { ok: false, reason: 'blocked', state: 'opted_out' } },
  // A pending free-text revocation holds every send.
  {
    state: 'opted_in',
    purpose: 'conversation',
    revocationPending: true,
    expected: { ok: false, reason: 'revocation_pending', state: 'opted_in' },
  },
  {
    state: 'opted_in',
    purpose: 'after_hours',
    revocationPending: true,
    expected: { ok: false, reason: 'revocation_pending', state: 'opted_in' },
  },
  {
    state: 'requested',
    purpose: 'consent_request',
    revocationPending: true,
    expected: { ok: false, reason: 'revocation_pending', state: 'requested' },
  },
  {
    state: 'opted_out',
    purpose: 'opted_out',
    revocationPending: true,
    expected: { ok: false, reason: 'revocation_pending', state: 'opted_out' },
  },
];

describe('mayReceive', () => {
  it.each(gateCases)('$state / $purpose (blocked: $blocked, pending: $revocationPending)', (gate) => {
    const { expected, blocked = false, revocationPending = false, state, purpose } = gate;
    expect(mayReceive({ state, purpose, blocked, revocationPending })).toEqual(expected);
  });

  it.each(messagePurposes)('sends %s to no one who is not opted in, except the consent request', (purpose) => {
    for (const state of ['unknown', 'requested'] as const) {
      expect(mayReceive({ state, purpose, blocked: false, revocationPending: false }).ok).toBe(purpose === 'consent_request');
    }
    expect(mayReceive({ state: 'opted_out', purpose, blocked: false, revocationPending: false }).ok).toBe(
      purpose === 'opted_out',
    );
    expect(mayReceive({ state: 'opted_in', purpose, blocked: true, revocationPending: false }).ok).toBe(false);
  });
});
