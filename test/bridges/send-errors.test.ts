import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BridgeContext } from '../../src/bridges/bridge.js';
import { TwilioBridge } from '../../src/bridges/twilio/twilio-bridge.js';
import { WhatsAppCloudBridge } from '../../src/bridges/whatsapp-cloud/whatsapp-cloud-bridge.js';
import type { BridgeEvent } from '../../src/core/bridge-events.js';
import { AppError } from '../../src/core/errors.js';
import { createLogger } from '../../src/logger.js';
import { freePort } from '../support/redis-server.js';
import type { FakeProvider, ProviderAnswer } from './support/fake-provider.js';
import { startFakeProvider } from './support/fake-provider.js';
import { createGuardedFetcher } from '../../src/net/guarded-fetch.js';
// The provider doubles listen on loopback, which the guard refuses unless allowed.
const loopbackFetcher = createGuardedFetcher(['127.0.0.1', '::1', 'localhost']);

// How each bridge turns a provider's answer into the send job's decision: a 4xx is a message that can never go
// (bad_request: marked failed), throttling and 5xx and network trouble are transient (retried later).

let provider: FakeProvider;
let answer: ProviderAnswer = { status: 200, json: {} };
beforeAll(async () => {
  provider = await startFakeProvider(() => answer);
});
afterAll(() => provider.stop());

const context = (config: Record<string, unknown>, events: BridgeEvent[] = []): BridgeContext => ({
  accountId: 'acc-1',
  config,
  logger: createLogger({ logLevel: 'silent' }),
  fetcher: loopbackFetcher,
  emit: async (event) => {
    events.push(event);
    return { kind: 'state' };
  },
});
const cloud = (base: string) =>
  new WhatsAppCloudBridge(context({ phoneNumberId: '123', accessToken: 't', appSecret: 's', verifyToken: 'v', graphBaseUrl: base }));
const twilio = (base: string) =>
  new TwilioBridge(context({ accountSid: `AC${'0'.repeat(32)}`, authToken: 't', phoneNumber: '+15550001111', apiBaseUrl: base }));

const outcome = async (send: () => Promise<{ providerMessageId: string }>) => {
  try {
    return { ok: (await send()).providerMessageId };
  } catch (error) {
    return { code: error instanceof AppError ? error.code : `not an AppError: ${String(error)}` };
  }
};

const metaError = (code: number, message = 'error') => ({ error: { message, type: 'OAuthException', code } });
const twilioError = (status: number, code: number) => ({ code, message: 'error', status });

describe.each([
  {
    name: 'WhatsApp Cloud',
    bridge: () => cloud(`${provider.url}/v21.0`),
    accepted: { status: 200, json: { messaging_product: 'whatsapp', messages: [{ id: 'wamid.ok' }] } },
    id: 'wamid.ok',
    refusals: [
      { status: 400, json: metaError(131026, 'Message Undeliverable') },
      { status: 400, json: metaError(131047, 'Re-engagement message') },
      { status: 401, json: metaError(190, 'Invalid OAuth access token') },
      { status: 404, json: 'not json' },
    ],
    throttled: [{ status: 429, json: metaError(130429) }, { status: 400, json: metaError(131056, 'pair rate limit') }, { status: 400, json: metaError(80007) }],
  },
  {
    name: 'Twilio',
    bridge: () => twilio(provider.url),
    accepted: { status: 201, json: { sid: 'SM123', status: 'queued' } },
    id: 'SM123',
    refusals: [
      { status: 400, json: twilioError(400, 21211) },
      { status: 400, json: twilioError(400, 21610) },
      { status: 401, json: twilioError(401, 20003) },
      { status: 404, json: 'not json' },
    ],
    throttled: [{ status: 429, json: twilioError(429, 20429) }],
  },
])('$name sends', (channel) => {
  const send = () => channel.bridge().send({ clientMessageId: 'm1', to: '+15550002222', text: 'hello' });

  it('return the provider’s id when accepted', async () => {
    answer = channel.accepted;
    expect(await outcome(send)).toEqual({ ok: channel.id });
  });

  it('fail permanently (bad_request) when the provider refuses the message', async () => {
    for (const refusal of channel.refusals) {
      answer = refusal;
      expect(await outcome(send), JSON.stringify(refusal)).toEqual({ code: 'bad_request' });
    }
  });

  it('are retried (rate_limited) when throttled', async () => {
    for (const throttled of channel.throttled) {
      answer = throttled;
      expect(await outcome(send), JSON.stringify(throttled)).toEqual({ code: 'rate_limited' });
    }
  });

  it('are retried (unavailable) on a 5xx or a timeout status', async () => {
    for (const status of [500, 502, 503, 408]) {
      answer = { status, json: {} };
      expect(await outcome(send), String(status)).toEqual({ code: 'unavailable' });
    }
  });

  it('fail for a person to check, not resend, when accepted without an id', async () => {
    answer = { status: channel.accepted.status, json: { weird: true } };
    expect(await outcome(send)).toEqual({ code: 'bad_request' });
  });

  it('refuse a message without text', async () => {
    expect(await outcome(() => channel.bridge().send({ clientMessageId: 'm1', to: '+15550002222' }))).toEqual({ code: 'bad_request' });
  });
});

describe('unreachable providers', () => {
  it('are transient for both bridges', async () => {
    const closed = `http://127.0.0.1:${await freePort()}`;
    const message = { clientMessageId: 'm1', to: '+15550002222', text: 'hello' };
    expect(await outcome(() => cloud(`${closed}/v21.0`).send(message))).toEqual({ code: 'unavailable' });
    expect(await outcome(() => twilio(closed).send(message))).toEqual({ code: 'unavailable' });
  });
});

describe('starting', () => {
  it('reports connected for a good config, and needs_attention naming the problem for a bad one', async () => {
    const events: BridgeEvent[] = [];
    await new WhatsAppCloudBridge(context({ phoneNumberId: '123', accessToken: 't', appSecret: 's', verifyToken: 'v' }, events)).start();
    expect(events).toEqual([{ kind: 'state', accountId: 'acc-1', state: 'connected' }]);

    const bad: BridgeEvent[] = [];
    const started = await outcome(async () => {
      await new TwilioBridge(context({ accountSid: 'nope', authToken: 't', phoneNumber: '+1555' }, bad)).start();
      return { providerMessageId: '' };
    });
    expect(started).toEqual({ code: 'bad_request' });
    expect(bad).toEqual([{ kind: 'state', accountId: 'acc-1', state: 'needs_attention', reason: expect.stringMatching(/accountSid/) }]);
  });

  it('says when the secrets are still sealed (the process lacks the key)', async () => {
    const events: BridgeEvent[] = [];
    const sealed = { phoneNumberId: '123', accessToken: { $sealed: 'v1:abcdef12:AAAA' }, appSecret: 's', verifyToken: 'v' };
    await expect(new WhatsAppCloudBridge(context(sealed, events)).start()).rejects.toThrow(/encrypted/);
    expect(events[0]).toMatchObject({ state: 'needs_attention', reason: expect.stringMatching(/encrypted/) });
  });
});
