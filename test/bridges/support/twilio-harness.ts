import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { statusCallbackUrl } from '../../../src/bridges/twilio/twilio-config.js';
import twilio from 'twilio';
import type { RunningMatterline } from '../../../src/runtime/start-matterline.js';
import { waitFor } from '../../support/matterline.js';
import type { ChannelHarness, InboundSample, ReceiptStatus } from './bridge-contract.js';
import type { FakeProvider, ProviderAnswer, ReceivedRequest } from './fake-provider.js';
import { startFakeProvider } from './fake-provider.js';

// Twilio as it runs: form posts signed with the auth token over the URL it calls, and a Messages API that checks
// Basic auth and the form as documented (twilio.com/docs/messaging/api/message-resource#create-a-message-resource).

const fixtures = path.resolve(import.meta.dirname, '../../fixtures');
export const readForm = (name: string): [string, string][] => [
  ...new URLSearchParams(readFileSync(path.join(fixtures, name), 'utf8').trim()),
];

export const accountSid = `AC${'7ef44158dbb01b972d64d7e5c851c8d7'}`;
export const authToken = 'test-twilio-auth-token';
/** A Webhooks Rule's SharedKey (Twilio Console › Webhooks), which signs with HMAC-SHA256 when the rule matches. */
export const sharedKey = { name: 'webhooks_sharedkey_0123456789abcdef', secret: 'test-webhooks-shared-key-secret' };

/** The form as Twilio's library takes it: a repeated name's values as an array. */
const paramsRecord = (params: readonly (readonly [string, string])[]): Record<string, string | string[]> => {
  const record: Record<string, string | string[]> = {};
  for (const [name, value] of params) {
    const had = record[name];
    record[name] = had === undefined ? value : [...(Array.isArray(had) ? had : [had]), value];
  }
  return record;
};

/** X-Twilio-Signature as Twilio's own library computes it (twilio.getExpectedTwilioSignature). */
export const twilioSdkSignature = (secret: string, url: string, params: readonly (readonly [string, string])[], algorithm: string = twilio.HMAC_SHA1) =>
  twilio.getExpectedTwilioSignature(secret, url, paramsRecord(params), algorithm);
export const firmNumber = '+13177933221';
const client = '+13177592786';

type Params = [string, string][];
export const formBody = (params: Params) => new URLSearchParams(params).toString();
const replace = (params: Params, changes: Record<string, string | undefined>): Params => {
  const kept = params.filter(([name]) => !(name in changes));
  return [...kept, ...Object.entries(changes).filter((e): e is [string, string] => e[1] !== undefined)];
};

export interface MessagesApiOptions {
  accountSid: string;
  authToken: string;
  from: string;
  statusCallback?: string;
  refuse?: (body: string) => boolean;
  /** The account sends through this Messaging Service: MessagingServiceSid in place of From. */
  messagingServiceSid?: string;
}

/** Twilio's POST /2010-04-01/Accounts/{AccountSid}/Messages.json. */
export function messagesApi(options: MessagesApiOptions): (request: ReceivedRequest) => ProviderAnswer {
  const error = (status: number, code: number, message: string) => ({
    status,
    json: { code, message, more_info: `https://www.twilio.com/docs/errors/${code}`, status },
  });
  return (request) => {
    if (request.method !== 'POST' || request.path !== `/2010-04-01/Accounts/${options.accountSid}/Messages.json`) {
      return error(404, 20404, `The requested resource ${request.path} was not found`);
    }
    const basic = `Basic ${Buffer.from(`${options.accountSid}:${options.authToken}`).toString('base64')}`;
    if (request.headers.authorization !== basic) return error(401, 20003, 'Authenticate');
    if (!/^application\/x-www-form-urlencoded\b/.test(request.headers['content-type'] ?? '')) {
      return error(400, 20001, 'expected a form');
    }
    const form = new URLSearchParams(request.body.toString('utf8'));
    const to = form.get('To');
    const body = form.get('Body');
    if (!to || !/^\+[1-9]\d{5,14}$/.test(to)) return error(400, 21211, `The 'To' number ${to} is not a valid phone number.`);
    if (options.messagingServiceSid) {
      if (form.get('MessagingServiceSid') !== options.messagingServiceSid) return error(400, 21703, 'The Messaging Service Sid is invalid');
    } else if (form.get('From') !== options.from) {
      return error(400, 21606, 'The From phone number is not a valid, SMS-capable number');
    }
    // Twilio takes a Body, MediaUrls, or both.
    if (!body && form.getAll('MediaUrl').length === 0) return error(400, 21602, 'Message body is required.');
    // The account's status URL, carrying the id of the message it is for (mid).
    const callback = form.get('StatusCallback');
    const callbackUrl = callback ? new URL(callback) : null;
    const mid = callbackUrl?.searchParams.get('mid');
    callbackUrl?.searchParams.delete('mid');
    if ((callbackUrl?.toString() ?? null) !== (options.statusCallback ?? null) || (callback !== null && !/^[0-9a-f-]{36}$/.test(mid ?? ''))) {
      return error(400, 21609, `unexpected StatusCallback ${callback}`);
    }
    if (body && options.refuse?.(body)) return error(400, 21610, 'Attempt to send to unsubscribed recipient');
    const sid = `SM${randomBytes(16).toString('hex')}`;
    return { status: 201, json: { sid, account_sid: options.accountSid, to, from: options.from, body, status: 'queued', num_segments: '1' } };
  };
}

export interface TwilioHarness extends ChannelHarness {
  app(): RunningMatterline;
  provider(): FakeProvider;
  publicUrl(): string;
  /** Posts a form to a webhook route, signed over `signedUrl` (pass null to leave the signature off). */
  post(
    route: string,
    params: Params,
    signedUrl: string | null,
    options?: { token?: string; contentType?: string; raw?: Buffer | string; settings?: string; algorithm?: string },
  ): Promise<Response>;
}

export function twilioHarness(): TwilioHarness {
  let app: RunningMatterline;
  let provider: FakeProvider;
  const accountId = `twilio-${randomBytes(3).toString('hex')}`;
  // As entered in the Twilio Console: the address the firm's proxy publishes, not what this server sees.
  const publicUrl = `https://matterline.example-firm.com/webhooks/twilio/${accountId}`;

  const post: TwilioHarness['post'] = (route, params, signedUrl, options = {}) =>
    fetch(`${app.url}${route}`, {
      method: 'POST',
      headers: {
        'content-type': options.contentType ?? 'application/x-www-form-urlencoded',
        ...(signedUrl ? { 'x-twilio-signature': twilioSdkSignature(options.token ?? authToken, signedUrl, params, options.algorithm) } : {}),
        ...(options.settings !== undefined ? { [twilio.SIGNATURE_SETTINGS_HEADER.toLowerCase()]: options.settings } : {}),
      },
      body: options.raw ?? formBody(params),
    });
  const inbound = (params: Params) => post(`/webhooks/twilio/${accountId}`, params, publicUrl);
  const status = (params: Params) => post(`/webhooks/twilio/${accountId}/status`, params, statusCallbackUrl(publicUrl));

  const sms = readForm('twilio_inbound_sms.form');
  const mms = readForm('twilio_inbound_mms.form');
  const mediaSid = `MM${randomBytes(16).toString('hex')}`;
  const mediaUrl = (n: number) => `https://api.twilio.com/2010-04-01/Accounts/${accountSid}/Messages/${mediaSid}/Media/ME${String(n).padStart(32, '0')}`;
  const photo = replace(sms, {
    MessageSid: mediaSid,
    SmsMessageSid: mediaSid,
    SmsSid: mediaSid,
    Body: 'Photos of the lease, pages 1 and 2',
    NumMedia: '2',
    MediaUrl0: mediaUrl(0),
    MediaContentType0: 'image/jpeg',
    MediaUrl1: mediaUrl(1),
    MediaContentType1: 'application/pdf',
  });
  const whatsappSid = `SM${randomBytes(16).toString('hex')}`;
  const viaWhatsApp = replace(sms, {
    MessageSid: whatsappSid,
    SmsMessageSid: whatsappSid,
    SmsSid: whatsappSid,
    From: `whatsapp:${client}`,
    To: `whatsapp:${firmNumber}`,
    ProfileName: 'Pat Client',
    WaId: client.slice(1),
    Body: 'Sent through Twilio WhatsApp',
  });
  const get = (params: Params, name: string) => params.find(([key]) => key === name)?.[1] ?? '';

  const samples: InboundSample[] = [
    {
      name: 'an SMS (published sample)',
      deliver: () => inbound(sms),
      expected: { providerMessageId: get(sms, 'MessageSid'), kind: 'text', text: 'Hi there from Twilio', contact: { address: client } },
    },
    {
      name: 'an MMS without content types (published sample), media URLs kept',
      deliver: () => inbound(mms),
      expected: {
        providerMessageId: get(mms, 'MessageSid'),
        kind: 'document',
        text: 'Msg',
        contact: { address: '+14133881111' },
        attachments: [
          { mimeType: 'application/octet-stream', sourceUrl: 'cat.jpg' },
          { mimeType: 'application/octet-stream', sourceUrl: 'dog.jpg' },
        ],
      },
    },
    {
      name: 'an MMS with a photo and a PDF',
      deliver: () => inbound(photo),
      expected: {
        providerMessageId: mediaSid,
        kind: 'image',
        text: 'Photos of the lease, pages 1 and 2',
        contact: { address: client },
        attachments: [
          { mimeType: 'image/jpeg', sourceUrl: mediaUrl(0) },
          { mimeType: 'application/pdf', sourceUrl: mediaUrl(1) },
        ],
      },
    },
    {
      name: 'a WhatsApp message through Twilio, with the sender’s profile name',
      deliver: () => inbound(viaWhatsApp),
      expected: {
        providerMessageId: whatsappSid,
        kind: 'text',
        text: 'Sent through Twilio WhatsApp',
        contact: { address: `whatsapp:${client}`, name: 'Pat Client' },
      },
    },
  ];

  const statusForm = (sid: string, name: ReceiptStatus | string): Params => {
    const twilioStatus = name === 'failed' ? 'undelivered' : name;
    return replace(readForm('twilio_status_callback_sent.form'), {
      MessageSid: sid,
      SmsSid: sid,
      MessageStatus: twilioStatus,
      SmsStatus: twilioStatus,
      ...(name === 'failed' ? { ErrorCode: '30006' } : {}),
    });
  };
  const signedInbound = (name: string, params: Params, status?: number) => ({ name, send: () => inbound(params), status });
  const newSid = () => `SM${randomBytes(16).toString('hex')}`;
  const fresh = (changes: Record<string, string | undefined>) => {
    const sid = newSid();
    return replace(sms, { MessageSid: sid, SmsSid: sid, SmsMessageSid: sid, ...changes });
  };

  return {
    name: 'Twilio SMS/MMS',
    contact: client,
    samples,
    app: () => app,
    provider: () => provider,
    publicUrl: () => publicUrl,
    post,
    accountId: () => accountId,
    async start(running) {
      app = running;
      provider = await startFakeProvider(
        messagesApi({
          accountSid,
          authToken,
          from: firmNumber,
          statusCallback: statusCallbackUrl(publicUrl),
          refuse: (body) => body === 'Refuse this [21610]',
        }),
      );
      const firm = await app.db.prisma.firm.findFirstOrThrow();
      await app.db.prisma.channelAccount.create({
        data: {
          id: accountId,
          firmId: firm.id,
          kind: 'twilio',
          name: 'Office SMS',
          config: { accountSid, authToken, phoneNumber: firmNumber, publicUrl, apiBaseUrl: provider.url, webhookSharedKey: sharedKey.secret, webhookSharedKeyName: sharedKey.name },
        },
      });
    },
    async stop() {
      await provider?.stop();
    },
    async awaitSend(text) {
      const found = await waitFor(
        async () => provider.received.find((r) => new URLSearchParams(r.request.body.toString('utf8')).get('Body') === text) ?? null,
        { what: `Twilio to receive "${text}"` },
      );
      if (found.answer.status !== 201) throw new Error(`Twilio refused the send: ${JSON.stringify(found.answer.json)}`);
      const form = new URLSearchParams(found.request.body.toString('utf8'));
      if (form.get('To') !== client) throw new Error(`sent to ${form.get('To')}`);
      return { providerMessageId: (found.answer.json as { sid: string }).sid };
    },
    refusedText: 'Refuse this [21610]',
    deliverReceipt: (sid, name) => status(statusForm(sid, name)),
    failedReason: /undelivered: error 30006/,
    webhook: {
      unsigned: () => post(`/webhooks/twilio/${accountId}`, fresh({}), null),
      wrongSignature: () => post(`/webhooks/twilio/${accountId}`, fresh({}), publicUrl, { token: 'not-the-auth-token' }),
      unknownAccount: () => post('/webhooks/twilio/no-such-account', fresh({}), 'https://x.example/webhooks/twilio/no-such-account'),
      malformed: [
        { name: 'a post to the simulator account (another channel): 404', send: () => post('/webhooks/twilio/demo', fresh({}), publicUrl), status: 404 },
        {
          name: 'a signature over the URL this server sees, when Twilio is configured to call the public one: 401',
          send: () => post(`/webhooks/twilio/${accountId}`, fresh({}), `${app.url}/webhooks/twilio/${accountId}`),
          status: 401,
        },
        {
          name: 'an inbound message signed for the status URL: 401',
          send: () => post(`/webhooks/twilio/${accountId}`, fresh({}), statusCallbackUrl(publicUrl)),
          status: 401,
        },
        { name: 'a JSON body: 415', send: () => post(`/webhooks/twilio/${accountId}`, [], publicUrl, { contentType: 'application/json', raw: '{"Body":"x"}' }), status: 415 },
        { name: 'an empty body', send: () => post(`/webhooks/twilio/${accountId}`, [], publicUrl) },
        { name: 'invalid UTF-8', send: () => post(`/webhooks/twilio/${accountId}`, [], publicUrl, { raw: Buffer.from([0x42, 0x6f, 0x64, 0x79, 0x3d, 0xc3, 0x28]) }) },
        { name: 'a malformed percent-escape (Latin-1 é)', send: () => post(`/webhooks/twilio/${accountId}`, [['Body', 'caf\uFFFD']], publicUrl, { raw: 'Body=caf%E9' }) },
        signedInbound('no MessageSid', fresh({ MessageSid: undefined })),
        signedInbound('no From', fresh({ From: undefined })),
        signedInbound('a MessageSid with spaces', fresh({ MessageSid: 'SM 1' })),
        signedInbound('NumMedia=2 with one MediaUrl', fresh({ NumMedia: '2', MediaUrl0: 'https://x.example/0' })),
        signedInbound('NumMedia=11', fresh({ NumMedia: '11' })),
        signedInbound('NumMedia=-1', fresh({ NumMedia: '-1' })),
        signedInbound('a NUL in the body', fresh({ Body: 'a\u0000b' })),
        signedInbound('a body over 100,000 characters', fresh({ Body: 'x'.repeat(100_001) })),
        { name: 'a status callback without MessageStatus', send: () => status(replace(statusForm(newSid(), 'delivered'), { MessageStatus: undefined })) },
        { name: 'a status callback without MessageSid', send: () => status(replace(statusForm(newSid(), 'delivered'), { MessageSid: undefined })) },
        signedInbound('a 300 kB body: 413', fresh({ Body: 'x'.repeat(300_000) }), 413),
      ],
      fuzz: [
        signedInbound('emoji and right-to-left text', fresh({ Body: '\u{1F9D1}\u200D\u2696\uFE0F مرحبا שלום' })),
        signedInbound('parameters Twilio may add later', fresh({ FutureParam: 'x', AddOns: '{"status":"successful"}' })),
        signedInbound('a parameter sent twice', [...fresh({}), ['Body', 'second body']]),
        signedInbound('NumMedia=0 with a stray MediaUrl0', fresh({ NumMedia: '0', MediaUrl0: 'https://x.example/0' })),
        signedInbound('an empty Body', fresh({ Body: '' })),
        signedInbound('a media content type that is not one', fresh({ NumMedia: '1', MediaUrl0: 'https://x.example/0', MediaContentType0: '<script>' })),
        { name: 'a status Twilio sends before sent (accepted)', send: () => status(statusForm(newSid(), 'accepted')) },
        { name: 'a status callback for a message never sent', send: () => status(statusForm(newSid(), 'delivered')) },
        { name: 'a status not known yet', send: () => status(statusForm(newSid(), 'teleported')) },
        { name: 'random bytes', send: () => post(`/webhooks/twilio/${accountId}`, [], publicUrl, { raw: randomBytes(300) }) },
      ],
    },
  };
}
