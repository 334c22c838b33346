import { describe, expect, it } from 'vitest';
import type { ChannelKindName } from '../../src/core/bridge-events.js';
import { freeTextAllowed, windowClosesAt } from '../../src/core/channel-rules/whatsapp-window.js';

const at = (iso: string) => new Date(iso);
const lastInbound = at('2026-03-10T15:00:00Z');

describe('the WhatsApp 24-hour customer-service window', () => {
  const cases: { kind: ChannelKindName; lastInboundAt: Date | null; now: string; allowed: boolean; why: string }[] = [
    { kind: 'whatsapp_cloud', lastInboundAt: lastInbound, now: '2026-03-10T15:00:00Z', allowed: true, why: 'the moment the client wrote' },
    { kind: 'whatsapp_cloud', lastInboundAt: lastInbound, now: '2026-03-11T14:59:59.999Z', allowed: true, why: 'the last millisecond inside' },
    { kind: 'whatsapp_cloud', lastInboundAt: lastInbound, now: '2026-03-11T15:00:00Z', allowed: false, why: 'exactly 24 hours later' },
    { kind: 'whatsapp_cloud', lastInboundAt: lastInbound, now: '2026-03-14T09:00:00Z', allowed: false, why: 'days later' },
    { kind: 'whatsapp_cloud', lastInboundAt: null, now: '2026-03-10T15:00:00Z', allowed: false, why: 'the client never wrote' },
    // A DST change in between does not matter: the window is 24 elapsed hours, not a calendar day.
    { kind: 'whatsapp_cloud', lastInboundAt: at('2026-03-07T20:00:00-05:00'), now: '2026-03-08T20:30:00-04:00', allowed: true, why: 'across the New York DST change (23.5 elapsed hours)' },
    { kind: 'twilio', lastInboundAt: null, now: '2026-03-10T15:00:00Z', allowed: true, why: 'SMS has no window' },
    { kind: 'baileys', lastInboundAt: lastInbound, now: '2027-01-01T00:00:00Z', allowed: true, why: 'a linked WhatsApp phone has no window' },
    { kind: 'simulator', lastInboundAt: null, now: '2026-03-10T15:00:00Z', allowed: true, why: 'the simulator has no window' },
    { kind: 'signal', lastInboundAt: null, now: '2026-03-10T15:00:00Z', allowed: true, why: 'Signal has no window' },
  ];

  it.each(cases)('$kind, $why: $allowed', ({ kind, lastInboundAt, now, allowed }) => {
    expect(freeTextAllowed({ kind, lastInboundAt, now: at(now) })).toBe(allowed);
  });

  it('says when an open window closes, and nothing for unwindowed channels or a window never opened', () => {
    expect(windowClosesAt({ kind: 'whatsapp_cloud', lastInboundAt: lastInbound })).toEqual(at('2026-03-11T15:00:00Z'));
    expect(windowClosesAt({ kind: 'whatsapp_cloud', lastInboundAt: null })).toBeNull();
    expect(windowClosesAt({ kind: 'twilio', lastInboundAt: lastInbound })).toBeNull();
  });
});
