import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { hubSignature } from '../../../src/bridges/whatsapp-cloud/hub-signature.js';
import type { RunningMatterline } from '../../../src/runtime/start-matterline.js';
import type { ChannelHarness, ExpectedMessage, InboundSample, ReceiptStatus } from './bridge-contract.js';
import type { FakeProvider, ProviderAnswer, ReceivedRequest } from './fake-provider.js';
import { startFakeProvider } from './fake-provider.js';
import { waitFor } from '../../support/matterline.js';

// The WhatsApp Cloud API as Meta runs it: webhooks signed with the app secret, and a Graph API that checks the
// bearer token and the message body as documented (developers.facebook.com/docs/whatsapp/cloud-api/reference/messages).

const fixtures = path.resolve(import.meta.dirname, '../../fixtures');
type Envelope = { entry: [{ changes: [{ value: Record<string, unknown> & { messages?: unknown[]; statuses?: unknown[] } }] }] };
const read = <T>(name: string) => JSON.parse(readFileSync(path.join(fixtures, name), 'utf8')) as T;
export const inboundFixtures = read<Record<'text' | 'image' | 'document' | 'reaction', Envelope>>('whatsapp_cloud_inbound_messages.json');
export const statusFixtures = read<Record<'sent' | 'delivered' | 'read' | 'failed', Envelope>>('whatsapp_cloud_statuses.json');
export const moreMessages = read<Record<string, Record<string, unknown>>>('whatsapp_cloud_more_messages.json');

export const phoneNumberId = '1122334455667';
export const accessToken = 'EAAG-test-access-token';
export const appSecret = 'test-app-secret';
export const verifyToken = 'test-verify-token';
const client = { waId: '972987654321', address: '+972987654321', name: 'Test Name' };

export const sign = (body: Buffer | string, secret = appSecret) => hubSignature(body, secret);

/** A webhook payload carrying these messages and statuses, in the envelope of the published samples. */
export function envelope(parts: { messages?: unknown[]; statuses?: unknown[] }): Record<string, unknown> {
  const base = structuredClone(inboundFixtures.text) as unknown as Envelope;
  const value = base.entry[0].changes[0].value;
  delete value.messages;
  if (parts.messages) value.messages = parts.messages;
  if (parts.statuses) value.statuses = parts.statuses;
  return base as unknown as Record<string, unknown>;
}

/** The sample's one message with a provider id of its own (the published samples share one id). */
const fixtureMessage = (name: keyof typeof inboundFixtures, id: string) => {
  const message = structuredClone(inboundFixtures[name].entry[0].changes[0].value.messages![0]) as Record<string, unknown>;
  return { ...message, id };
};

const sendSchema = z
  .object({
    messaging_product: z.literal('whatsapp'),
    recipient_type: z.literal('individual').optional(),
    to: z.string().regex(/^\d{6,15}$/),
    type: z.enum(['text', 'template', 'document']),
    text: z.object({ body: z.string().min(1).max(4096), preview_url: z.boolean().optional() }).strict().optional(),
    template: z.object({ name: z.string(), language: z.object({ code: z.string() }), components: z.array(z.unknown()).optional() }).optional(),
    document: z.object({ link: z.string().optional(), id: z.string().optional(), filename: z.string().optional(), caption: z.string().optional() }).optional(),
    biz_opaque_callback_data: z.string().max(512).optional(),
  })
  .strict()
  .refine((body) => body[body.type] !== undefined, 'the object named by type is required');

export interface GraphApiOptions {
  phoneNumberId: string;
  accessToken: string;
  /** Texts answered with a permanent error (Meta's 131026 "message undeliverable"). */
  refuse?: (text: string | undefined) => boolean;
}

/** Meta's Graph API /{phone-number-id}/messages, strict as the documentation. */
export function graphApi(options: GraphApiOptions): (request: ReceivedRequest) => ProviderAnswer {
  let next = 0;
  const error = (status: number, message: string, code: number) => ({ status, json: { error: { message, type: 'OAuthException', code, fbtrace_id: 'Afake' } } });
  return (request) => {
    if (request.method !== 'POST' || request.path !== `/v21.0/${options.phoneNumberId}/messages`) return error(404, `unknown path ${request.path}`, 803);
    if (request.headers.authorization !== `Bearer ${options.accessToken}`) return error(401, 'Invalid OAuth access token.', 190);
    if (!/^application\/json\b/.test(request.headers['content-type'] ?? '')) return error(400, 'expected JSON', 100);
    const parsed = sendSchema.safeParse(JSON.parse(request.body.toString('utf8')));
    if (!parsed.success) return error(400, `(#100) Invalid parameter: ${parsed.error.issues[0]?.message}`, 100);
    if (options.refuse?.(parsed.data.text?.body)) return error(400, 'Message Undeliverable.', 131026);
    const id = `wamid.out-${++next}-${randomBytes(4).toString('hex')}`;
    return {
      status: 200,
      json: { messaging_product: 'whatsapp', contacts: [{ input: parsed.data.to, wa_id: parsed.data.to }], messages: [{ id }] },
    };
  };
}

export function whatsappCloudHarness(): ChannelHarness & { app(): RunningMatterline; provider(): FakeProvider; post(body: Buffer | string, headers?: Record<string, string>, accountId?: string): Promise<Response> } {
  let app: RunningMatterline;
  let provider: FakeProvider;
  const accountId = `wa-cloud-${randomBytes(3).toString('hex')}`;

  const post = (body: Buffer | string, headers: Record<string, string> = {}, target = accountId) =>
    fetch(`${app.url}/webhooks/whatsapp-cloud/${target}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
  const postSigned = (payload: unknown, target = accountId) => {
    const body = typeof payload === 'string' || Buffer.isBuffer(payload) ? payload : JSON.stringify(payload);
    return post(body, { 'x-hub-signature-256': sign(body) }, target);
  };

  const sample = (name: string, message: Record<string, unknown>, expected: Omit<ExpectedMessage, 'providerMessageId' | 'contact' | 'sentAt'>): InboundSample => ({
    name,
    deliver: () => postSigned(envelope({ messages: [message] })),
    expected: {
      providerMessageId: String(message.id),
      contact: { address: client.address, name: client.name },
      sentAt: new Date(Number(message.timestamp) * 1000),
      ...expected,
    },
  });
  const hex = (b64: string) => Buffer.from(b64, 'base64').toString('hex');
  const more = (name: string) => moreMessages[name]!;

  const samples: InboundSample[] = [
    sample('a text (published sample)', fixtureMessage('text', 'wamid.text'), { kind: 'text', text: 'Body Text' }),
    sample('an image (published sample)', fixtureMessage('image', 'wamid.image'), {
      kind: 'image',
      text: null,
      attachments: [{ mimeType: 'image/jpeg', providerMediaId: '65463453' }],
    }),
    sample('a document with a caption (published sample)', fixtureMessage('document', 'wamid.document'), {
      kind: 'document',
      text: 'caption',
      attachments: [{ mimeType: 'application/pdf', providerMediaId: '1234567890987654321', fileName: 'filename.pdf' }],
    }),
    sample(
      'a reaction (published sample)',
      { ...fixtureMessage('reaction', 'wamid.reaction'), reaction: { message_id: 'wamid.text', emoji: '\u{1F62E}' } },
      { kind: 'reaction', text: '\u{1F62E}', relatesToProviderId: 'wamid.text' },
    ),
    sample('a video', more('video'), {
      kind: 'video',
      text: 'The damage to the car',
      attachments: [{ mimeType: 'video/mp4', providerMediaId: '1029384756', sha256: hex('DKsclhdAT68rJOIh4YnKWUWBPhTT92Y0WwnKE7vij/w=') }],
    }),
    sample('a voice note', more('audio'), {
      kind: 'audio',
      text: null,
      attachments: [{ mimeType: 'audio/ogg; codecs=opus', providerMediaId: '5647382910', sha256: hex('btiRnOIEkKXjrYYwpPq2lHUper0H23ORjdXzb8+usRs=') }],
    }),
    sample('a sticker', more('sticker'), {
      kind: 'sticker',
      text: null,
      attachments: [{ mimeType: 'image/webp', providerMediaId: '9182736450', sha256: hex('V8SxOkxzNecvFmngUG6ZII3x2gUMEl2meLI+u1W/TGE=') }],
    }),
    sample('a location', more('location'), {
      kind: 'location',
      text: 'E. Barrett Prettyman Courthouse, 333 Constitution Ave NW, Washington, DC (38.8929, -77.0163)',
    }),
    sample('a shared contact', more('contacts'), { kind: 'contacts', text: 'Jane Roe +1 555 010 0777' }),
    sample('a reply button tap', more('button_reply'), { kind: 'interactive', text: 'Yes, that works', replyToProviderId: 'wamid.text' }),
    sample('a list choice', more('list_reply'), { kind: 'interactive', text: 'Tuesday 10:00' }),
    sample('a template quick-reply button', more('button'), { kind: 'interactive', text: 'Reschedule' }),
    sample('an unsupported message (kept, not dropped)', more('unsupported'), { kind: 'unsupported', text: null }),
    sample('a type WhatsApp adds later (kept raw)', more('future_type'), { kind: 'unsupported', text: null }),
    sample('a quoted reply', more('reply'), { kind: 'text', text: 'Yes, I have the documents', replyToProviderId: 'wamid.text' }),
  ];

  const status = (providerMessageId: string, name: ReceiptStatus) => {
    const fixture = structuredClone(statusFixtures[name].entry[0].changes[0].value.statuses![0]) as Record<string, unknown>;
    return { ...fixture, id: providerMessageId, timestamp: String(Math.floor(Date.now() / 1000)), recipient_id: client.waId };
  };

  const textMessage = (id: string, body: unknown = 'hello') => ({ from: client.waId, id, timestamp: '1697043223', type: 'text', text: { body } });
  const malformed = (name: string, payload: unknown, status?: number) => ({ name, send: () => postSigned(payload), status });
  const withValue = (change: (value: Record<string, unknown>) => void) => {
    const payload = envelope({ messages: [textMessage(`wamid.bad-${randomBytes(3).toString('hex')}`)] }) as unknown as Envelope;
    change(payload.entry[0].changes[0].value);
    return payload;
  };
  let nesting: unknown = 'deep';
  for (let i = 0; i < 300; i++) nesting = [nesting];

  return {
    name: 'WhatsApp Cloud API',
    contact: client.address,
    samples,
    app: () => app,
    provider: () => provider,
    post,
    accountId: () => accountId,
    async start(running) {
      app = running;
      provider = await startFakeProvider(graphApi({ phoneNumberId, accessToken, refuse: (text) => text === 'Refuse this [131026]' }));
      const firm = await app.db.prisma.firm.findFirstOrThrow();
      await app.db.prisma.channelAccount.create({
        data: {
          id: accountId,
          firmId: firm.id,
          kind: 'whatsapp_cloud',
          name: 'WhatsApp Business',
          config: { phoneNumberId, accessToken, appSecret, verifyToken, graphBaseUrl: `${provider.url}/v21.0` },
        },
      });
    },
    async stop() {
      await provider?.stop();
    },
    async awaitSend(text) {
      const found = await waitFor(
        async () => provider.received.find((r) => r.request.body.toString('utf8').includes(JSON.stringify(text))) ?? null,
        { what: `the Graph API to receive "${text}"` },
      );
      if (found.answer.status !== 200) throw new Error(`the Graph API refused the send: ${JSON.stringify(found.answer.json)}`);
      const body = JSON.parse(found.request.body.toString('utf8')) as { to: string; text: { body: string } };
      if (body.to !== client.waId || body.text.body !== text) throw new Error(`unexpected send ${JSON.stringify(body)}`);
      return { providerMessageId: (found.answer.json as { messages: [{ id: string }] }).messages[0].id };
    },
    refusedText: 'Refuse this [131026]',
    deliverReceipt: (providerMessageId, name) => postSigned(envelope({ statuses: [status(providerMessageId, name)] })),
    failedReason: /User's number is part of an experiment \(code 130472\)/,
    webhook: {
      unsigned: () => post(JSON.stringify(envelope({ messages: [textMessage('wamid.unsigned')] }))),
      wrongSignature: () => {
        const body = JSON.stringify(envelope({ messages: [textMessage('wamid.wrong-signature')] }));
        return post(body, { 'x-hub-signature-256': sign(body, 'not-the-app-secret') });
      },
      unknownAccount: () => postSigned(envelope({ messages: [textMessage('wamid.unknown-account')] }), 'no-such-account'),
      malformed: [
        {
          name: 'the simulator account (another channel): 404',
          send: () => postSigned(envelope({ messages: [textMessage('wamid.simulator')] }), 'demo'),
          status: 404,
        },
        malformed('broken JSON', '{"object": "whatsapp_business_account", "entry": ['),
        { name: 'invalid UTF-8', send: () => postSigned(Buffer.from([0x7b, 0x22, 0xc3, 0x28, 0x22, 0x7d])) },
        malformed('an empty body', ''),
        malformed('a JSON array', '[1,2,3]'),
        malformed('JSON null', 'null'),
        malformed('no entry', { object: 'whatsapp_business_account' }),
        malformed('entry as an object', { object: 'whatsapp_business_account', entry: { id: '1' } }),
        malformed('changes missing', { object: 'whatsapp_business_account', entry: [{ id: '1' }] }),
        malformed('a messages value that is null', withValue((v) => Object.assign(v, { metadata: undefined }))),
        malformed('messages as an object', withValue((v) => Object.assign(v, { messages: { id: 'x' } }))),
        malformed('a NUL character in the text', envelope({ messages: [textMessage('wamid.nul', 'a\u0000b')] })),
        malformed('an unpaired surrogate', '{"object":"whatsapp_business_account","entry":[{"changes":[{"field":"messages","value":{"messaging_product":"whatsapp","metadata":{"phone_number_id":"1122334455667"},"messages":[{"from":"972987654321","id":"wamid.surrogate","timestamp":"1","type":"text","text":{"body":"\\ud800"}}]}}]}]}'),
        malformed('nesting 300 deep in an unknown field', envelope({ messages: [{ ...textMessage('wamid.deep'), extra: nesting }] })),
        malformed('a 2 MB body', JSON.stringify({ ...envelope({ messages: [textMessage('wamid.big', 'x'.repeat(2 * 1024 * 1024))] }) }), 413),
      ],
      fuzz: [
        ...['{}', '42', '"text"', 'true', '{"object":5}', '{"object":"whatsapp_business_account","entry":[]}'].map((body) => malformed(body, body)),
        malformed('an object that is not WhatsApp', { object: 'page', entry: [{ id: '1', changes: [] }] }),
        malformed('a change of another field', { object: 'whatsapp_business_account', entry: [{ id: '1', changes: [{ field: 'account_update', value: null }] }] }),
        malformed('an entry with no changes', { object: 'whatsapp_business_account', entry: [{ id: '1', changes: [] }] }),
        malformed('a change for another phone number', withValue((v) => Object.assign(v, { metadata: { phone_number_id: '999' } }))),
        malformed('a text whose body is a number', envelope({ messages: [textMessage(`wamid.fz-${randomBytes(3).toString('hex')}`, 5)] })),
        malformed('an image without a media id', envelope({ messages: [{ ...textMessage(`wamid.fz-${randomBytes(3).toString('hex')}`), type: 'image', image: {} }] })),
        malformed('a reaction to a message never seen', envelope({ messages: [{ ...textMessage(`wamid.fz-${randomBytes(3).toString('hex')}`), type: 'reaction', reaction: { message_id: 'wamid.never', emoji: '' } }] })),
        malformed('timestamp 0 and one far in the future', envelope({ messages: [{ ...textMessage(`wamid.fz-${randomBytes(3).toString('hex')}`), timestamp: '0' }, { ...textMessage(`wamid.fz-${randomBytes(3).toString('hex')}`), timestamp: 999999999999 }] })),
        malformed('a sender that is not a number', envelope({ messages: [{ ...textMessage(`wamid.fz-${randomBytes(3).toString('hex')}`), from: 'bsuid.AbC' }] })),
        malformed('contacts that do not name the sender', withValue((v) => Object.assign(v, { contacts: [{ wa_id: '1' }, { profile: {} }] }))),
        malformed('a status WhatsApp may add later', envelope({ statuses: [{ id: 'wamid.unknown', status: 'played', timestamp: '1' }] })),
        malformed('a failed status without errors, for an unknown message', envelope({ statuses: [{ id: 'wamid.unknown', status: 'failed', timestamp: '1' }] })),
        malformed('fifty statuses for unknown messages', envelope({ statuses: Array.from({ length: 50 }, (_, i) => ({ id: `wamid.unknown-${i}`, status: 'delivered', timestamp: '1' })) })),
        malformed('a 500 kB text', envelope({ messages: [textMessage(`wamid.fz-${randomBytes(3).toString('hex')}`, 'é'.repeat(250_000))] })),
        malformed('emoji and right-to-left text everywhere', envelope({ messages: [textMessage(`wamid.fz-${randomBytes(3).toString('hex')}`, '\u{1F9D1}\u200D\u2696\uFE0F مرحبا שלום')] })),
        { name: 'random bytes', send: () => postSigned(randomBytes(512)) },
      ],
    },
  };
}
