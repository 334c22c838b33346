import { createHash, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BridgeContext } from '../../src/bridges/bridge.js';
import { fetchMedia } from '../../src/bridges/media/fetch-media.js';
import { TwilioBridge } from '../../src/bridges/twilio/twilio-bridge.js';
import { WhatsAppCloudBridge } from '../../src/bridges/whatsapp-cloud/whatsapp-cloud-bridge.js';
import { AppError } from '../../src/core/errors.js';
import { createLogger } from '../../src/logger.js';
import type { FakeProvider, ReceivedRequest } from './support/fake-provider.js';
import { startFakeProvider } from './support/fake-provider.js';
import { createGuardedFetcher } from '../../src/net/guarded-fetch.js';
// The provider doubles listen on loopback, which the guard refuses unless allowed.
const loopbackFetcher = createGuardedFetcher(['127.0.0.1', '::1', 'localhost']);

// Downloading received media from the provider, as the provider serves it: WhatsApp through a Graph API media
// object and a short-lived URL, both needing the token; Twilio from its Media URL with Basic auth.

const photo = randomBytes(70_000);
const photoSha = createHash('sha256').update(photo).digest();
const accountSid = `AC${'1'.repeat(32)}`;
let provider: FakeProvider;

beforeAll(async () => {
  provider = await startFakeProvider((request: ReceivedRequest) => {
    const bearer = request.headers.authorization === 'Bearer media-token';
    const basic = request.headers.authorization === `Basic ${Buffer.from(`${accountSid}:tok`).toString('base64')}`;
    const image = { status: 200, raw: { body: photo, contentType: 'image/jpeg; charset=binary' } };
    switch (request.path) {
      case '/v21.0/media-1':
        return bearer
          ? { status: 200, json: { messaging_product: 'whatsapp', id: 'media-1', url: `${provider.url}/lookaside/media-1`, mime_type: 'image/jpeg', sha256: photoSha.toString('hex'), file_size: photo.length } }
          : { status: 401, json: { error: { code: 190 } } };
      case '/v21.0/media-lying':
        return { status: 200, json: { url: `${provider.url}/lookaside/media-1`, sha256: randomBytes(32).toString('hex') } };
      case '/v21.0/media-expired':
        return { status: 404, json: { error: { message: 'Unsupported get request', code: 100 } } };
      case '/lookaside/media-1':
        return bearer ? image : { status: 401, json: {} };
      case `/2010-04-01/Accounts/${accountSid}/Messages/MM1/Media/ME1`:
        return basic ? image : { status: 401, json: {} };
      case '/big':
        return { status: 200, raw: { body: randomBytes(2048), contentType: 'application/pdf' } };
      default:
        return { status: 404, json: {} };
    }
  });
});
afterAll(() => provider.stop());

const context = (config: Record<string, unknown>): BridgeContext => ({
  accountId: 'acc-1',
  config,
  logger: createLogger({ logLevel: 'silent' }),
  fetcher: loopbackFetcher,
  emit: async () => ({ kind: 'state' }),
});
const codeOf = (promise: Promise<unknown>) =>
  promise.then(
    () => 'resolved',
    (error: unknown) => (error instanceof AppError ? error.code : String(error)),
  );

describe('WhatsApp Cloud media', () => {
  const bridge = () =>
    new WhatsAppCloudBridge(context({ phoneNumberId: '1', accessToken: 'media-token', appSecret: 's', verifyToken: 'v', graphBaseUrl: `${provider.url}/v21.0` }));

  it('downloads through the media object, checking the announced hash', async () => {
    const media = await bridge().downloadMedia('media-1');
    expect(media).toEqual({ data: photo, mimeType: 'image/jpeg', size: photo.length, sha256: photoSha.toString('hex') });
  });

  it('refuses bytes that do not match the announced hash, and reports expired media as permanent', async () => {
    expect(await codeOf(bridge().downloadMedia('media-lying'))).toBe('bad_request');
    expect(await codeOf(bridge().downloadMedia('media-expired'))).toBe('bad_request');
  });
});

describe('Twilio media', () => {
  const bridge = () => new TwilioBridge(context({ accountSid, authToken: 'tok', phoneNumber: '+15550001111', apiBaseUrl: provider.url }));

  it('downloads a Media URL of the account with Basic auth', async () => {
    const media = await bridge().downloadMedia(`${provider.url}/2010-04-01/Accounts/${accountSid}/Messages/MM1/Media/ME1`);
    expect(media.sha256).toBe(photoSha.toString('hex'));
    expect(media.mimeType).toBe('image/jpeg');
  });

  it('never sends the credentials to a URL outside the account', async () => {
    const before = provider.received.length;
    expect(await codeOf(bridge().downloadMedia(`${provider.url}/2010-04-01/Accounts/AC${'2'.repeat(32)}/Messages/MM1/Media/ME1`))).toBe('bad_request');
    expect(await codeOf(bridge().downloadMedia('https://evil.example/2010-04-01/Accounts/x'))).toBe('bad_request');
    expect(await codeOf(bridge().downloadMedia('cat.jpg'))).toBe('bad_request');
    expect(provider.received.length).toBe(before);
  });
});

describe('fetchMedia', () => {
  it('stops at the size limit', async () => {
    expect(await codeOf(fetchMedia({ fetcher: loopbackFetcher, url: `${provider.url}/big`, maxBytes: 1024 }))).toBe('payload_too_large');
    expect((await fetchMedia({ fetcher: loopbackFetcher, url: `${provider.url}/big`, maxBytes: 4096 })).size).toBe(2048);
  });
});
