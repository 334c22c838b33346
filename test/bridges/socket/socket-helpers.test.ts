import pino from 'pino';
import { describe, expect, it } from 'vitest';
import type { BridgeEvent } from '../../../src/core/bridge-events.js';
import { bridgeFactories } from '../../../src/bridges/bridge-factories.js';
import type { BridgeContext } from '../../../src/bridges/bridge.js';
import { AccountStateReporter } from '../../../src/bridges/socket/account-state-reporter.js';
import { backoffDelayMs } from '../../../src/bridges/socket/backoff.js';
import { ChatQueue } from '../../../src/bridges/socket/chat-queue.js';
import { addressOf } from '../../../src/bridges/socket/whatsapp-address.js';
import { createGuardedFetcher } from '../../../src/net/guarded-fetch.js';
// The provider doubles listen on loopback, which the guard refuses unless allowed.
const loopbackFetcher = createGuardedFetcher(['127.0.0.1', '::1', 'localhost']);

const logger = pino({ level: 'silent' });
const contextWith = (events: BridgeEvent[]): BridgeContext => ({
  accountId: 'acct-1',
  config: {},
  logger,
  fetcher: loopbackFetcher,
  emit: async (event) => {
    events.push(event);
    return { kind: 'state' };
  },
});

describe('socket bridge helpers', () => {
  it.each([
    [0, 0, 500],
    [0, 0.999, 1000],
    [3, 0, 4000],
    [3, 0.999, 7996],
    [20, 0, 15_000],
    [20, 0.999, 29_985],
  ])('backs off attempt %i with jitter %f to %i ms (base 1 s, cap 30 s)', (attempt, random, expected) => {
    expect(backoffDelayMs(attempt, { baseMs: 1000, maxMs: 30_000, random: () => random })).toBe(expected);
  });

  it('runs one chat’s tasks in order while another chat runs alongside, and survives a failing task', async () => {
    const queue = new ChatQueue();
    const log: string[] = [];
    const task = (name: string, ms: number, fail = false) => async () => {
      log.push(`start ${name}`);
      await new Promise((resolve) => setTimeout(resolve, ms));
      log.push(`end ${name}`);
      if (fail) throw new Error(name);
    };
    const a1 = queue.run('a', task('a1', 30, true));
    const a2 = queue.run('a', task('a2', 1));
    const b1 = queue.run('b', task('b1', 5));
    await expect(a1).rejects.toThrow('a1');
    await Promise.all([a2, b1]);
    expect(log.indexOf('end a1')).toBeLessThan(log.indexOf('start a2'));
    expect(log.indexOf('end b1')).toBeLessThan(log.indexOf('end a1'));
    await queue.idle();
    expect(queue.busyChats).toBe(0);
  });

  it('reports a state once, and "connected but silent" after the configured quiet time, cleared by activity', async () => {
    const events: BridgeEvent[] = [];
    const reporter = new AccountStateReporter({ context: contextWith(events), logger, silentAfterMs: 40 });
    await reporter.report('connected');
    await reporter.report('connected');
    expect(events).toHaveLength(1);
    await new Promise((resolve) => setTimeout(resolve, 80));
    expect(events.at(-1)).toMatchObject({ state: 'connected', reason: expect.stringMatching(/silent/) });
    reporter.activity();
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect(events.at(-1)).toMatchObject({ state: 'connected' });
    expect(events.at(-1)).not.toHaveProperty('reason');
    reporter.stop();
  });

  it.each([
    [['15551230001@s.whatsapp.net', '2081@lid'], '+15551230001', ['2081@lid']],
    [['2081:3@lid', null], '2081@lid', []],
    [['15551230001:12@s.whatsapp.net'], '+15551230001', []],
    [['15551230001@c.us'], '+15551230001', []],
    [[null, undefined], null, null],
  ] as const)('names the person %j by %s', (jids, address, aliases) => {
    const found = addressOf([...jids]);
    expect(found ? found.address : null).toBe(address);
    if (aliases) expect(found?.aliases).toEqual(aliases);
  });

  it.each(['baileys', 'whatsapp_web'] as const)('a %s account in a process without a credential store needs attention, not keys in the clear', async (kind) => {
    const events: BridgeEvent[] = [];
    const bridge = bridgeFactories[kind]!(contextWith(events), { pool: undefined as never, simulatorReceiptMs: 0 });
    await expect(bridge.start()).rejects.toMatchObject({ code: 'unavailable' });
    expect(events).toEqual([expect.objectContaining({ kind: 'state', state: 'needs_attention', reason: expect.stringMatching(/MATTERLINE_SECRET_KEY/) })]);
    await bridge.stop();
  });
});
