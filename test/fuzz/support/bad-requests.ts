import fc from 'fast-check';
import { multipartRoutes } from '../../../src/http/api/conversation-routes.js';
import { hubSignature } from '../../../src/bridges/whatsapp-cloud/hub-signature.js';
import { statusCallbackUrl } from '../../../src/bridges/twilio/twilio-config.js';
import { twilioSignature } from '../../../src/bridges/twilio/twilio-signature.js';
import type { RawRequest, Route, Session } from './fuzz-target.js';
import { fuzzTwilio, fuzzWhatsApp } from './fuzz-target.js';
import { whatsappTextPayload } from '../../support/whatsapp-cloud-webhook.js';

// Bad requests for every HTTP input, built by construction so that none of them is valid: a wrong type or a missing
// field where the schema requires one, a string past its limit, bytes that are not UTF-8 or not JSON, nesting deeper
// than anything storable, text PostgreSQL cannot hold, a signature that does not match, a session or CSRF token that
// is missing or wrong. Each says which answers are right for it; a 5xx is never right.

export interface BadRequest {
  /** What is wrong with it, for the failure report. */
  what: string;
  request: RawRequest;
  /** The statuses that are a correct answer. */
  accept: readonly number[] | 'client-error' | 'no-server-error';
}

export const accepts = (bad: BadRequest, status: number): boolean =>
  bad.accept === 'client-error'
    ? status >= 400 && status < 500
    : bad.accept === 'no-server-error'
      ? status > 0 && status < 500
      : bad.accept.includes(status);

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Path = (string | number)[];

const json = (value: unknown) => Buffer.from(JSON.stringify(value));
const jsonHeaders = { 'content-type': 'application/json' };

function setAt(root: Json, path: Path, value: Json | undefined): Json {
  const copy = structuredClone(root);
  let node = copy as Record<string | number, Json>;
  for (const key of path.slice(0, -1)) node = node[key] as Record<string | number, Json>;
  const last = path.at(-1)!;
  if (value === undefined) delete node[last];
  else node[last] = value;
  return copy;
}

// Values of the wrong kind for a field of a given kind.
const notString = fc.oneof(
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.string({ maxLength: 4 }), { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 4 }), fc.integer(), { maxKeys: 3 }),
) as fc.Arbitrary<Json>;
const notArray = fc.oneof(fc.integer(), fc.string({ maxLength: 8 }), fc.boolean(), fc.constant(null), fc.dictionary(fc.string({ maxLength: 4 }), fc.integer(), { maxKeys: 3 })) as fc.Arbitrary<Json>;
const notObject = fc.oneof(fc.integer(), fc.string({ maxLength: 8 }), fc.boolean(), fc.constant(null), fc.array(fc.integer(), { maxLength: 3 })) as fc.Arbitrary<Json>;
const tooLong = (max: number) => fc.integer({ min: max + 1, max: max + 5000 }).map((length) => 'x'.repeat(length));
const badString = (max: number) => fc.oneof(notString, fc.constant(''), tooLong(max));
const badTimestamp = fc.oneof(
  fc.string({ maxLength: 12 }).filter((value) => !/^\d{1,12}$/.test(value)),
  fc.integer({ max: -1 }),
  fc.double({ noNaN: true, noDefaultInfinity: true }).filter((value) => !Number.isInteger(value)),
  fc.integer({ min: 1, max: 1_000_000 }).map((n) => 999_999_999_999 + n),
  fc.boolean(),
  fc.constant(null),
) as fc.Arbitrary<Json>;
/** Nesting deeper than anything storable (the parsers refuse over 200), as arrays or objects. */
const deepValue = fc.tuple(fc.integer({ min: 201, max: 20_000 }), fc.boolean()).map(([depth, arrays]) => {
  const open = arrays ? '['.repeat(depth) : '{"a":'.repeat(depth);
  const close = arrays ? ']'.repeat(depth) : '}'.repeat(depth);
  return `${open}1${close}`;
});
/** Text PostgreSQL cannot store: a NUL, or a lone UTF-16 surrogate (as a JSON escape). */
const unstorableText = fc.constantFrom('a\u0000b', '\u0000', 'x\\ud800y', '\\udfff', 'ok \\ud83d');
/** Byte sequences that are not UTF-8. */
const invalidUtf8 = fc.constantFrom([0xc3, 0x28], [0xff], [0xed, 0xa0, 0x80], [0xf8, 0x88, 0x80, 0x80, 0x80], [0xc0, 0xaf], [0xe2, 0x82]);
const randomId = fc.stringMatching(/^[\w-]{1,40}$/);
/** What a path parameter might be: an id that exists nowhere, or an encoded oddity. */
const pathParam = fc.oneof(
  randomId,
  fc.string({ maxLength: 40 }).map((value) => encodeURIComponent(value) || 'x'),
  fc.constantFrom('..', '%2e%2e', 'null', 'undefined', '0', '-1', '%20', 'a'.repeat(300)),
);

/** A JSON body with `marker` replaced, at the byte level, by bytes that are not UTF-8. */
function withBytes(text: string, marker: string, bytes: readonly number[]): Buffer {
  const at = text.indexOf(marker);
  return Buffer.concat([Buffer.from(text.slice(0, at)), Buffer.from(bytes), Buffer.from(text.slice(at + marker.length))]);
}

/** A JSON body with `marker` (a quoted string) replaced by raw JSON text. */
const withRaw = (text: string, marker: string, raw: string) => Buffer.from(text.replace(JSON.stringify(marker), raw));

// WhatsApp Cloud API.

export function whatsappPayload(message: { id: string; from: string; text: string }): Json {
  return whatsappTextPayload({ phoneNumberId: fuzzWhatsApp.phoneNumberId, waId: message.from, name: 'Fuzz Client', id: message.id, text: message.text, timestamp: '1763850000' });
}

const waSign = (body: Buffer, secret: string = fuzzWhatsApp.appSecret) => hubSignature(body, secret);
const waPath = (accountId: string = fuzzWhatsApp.accountId) => `/webhooks/whatsapp-cloud/${accountId}`;
export const signedWhatsApp = (body: Buffer): RawRequest => ({
  method: 'POST',
  path: waPath(),
  headers: { ...jsonHeaders, 'x-hub-signature-256': waSign(body) },
  body,
});

const valuePath: Path = ['entry', 0, 'changes', 0, 'value'];
const messagePath: Path = [...valuePath, 'messages', 0];
const waFields: { path: Path; bad: fc.Arbitrary<Json> }[] = [
  { path: ['object'], bad: badString(100) },
  { path: ['entry'], bad: fc.oneof(notArray, fc.constant<Json>([])) },
  { path: ['entry', 0], bad: notObject },
  { path: ['entry', 0, 'changes'], bad: notArray },
  { path: ['entry', 0, 'changes', 0, 'field'], bad: badString(100) },
  { path: valuePath, bad: notObject },
  { path: [...valuePath, 'messaging_product'], bad: fc.oneof(notString, fc.string().filter((value) => value !== 'whatsapp')) },
  { path: [...valuePath, 'metadata'], bad: notObject },
  { path: [...valuePath, 'metadata', 'phone_number_id'], bad: badString(64) },
  { path: [...valuePath, 'contacts'], bad: notArray },
  { path: [...valuePath, 'contacts', 0, 'wa_id'], bad: badString(256) },
  { path: [...valuePath, 'contacts', 0, 'profile'], bad: notObject },
  { path: [...valuePath, 'messages'], bad: notArray },
];
// A message is read on its own: one that does not parse is kept raw for the admin (AccountReport), not refused.
const waMessageFields: { path: Path; bad: fc.Arbitrary<Json> }[] = [
  { path: messagePath, bad: notObject },
  { path: [...messagePath, 'id'], bad: badString(512) },
  { path: [...messagePath, 'from'], bad: badString(256) },
  { path: [...messagePath, 'timestamp'], bad: badTimestamp },
  { path: [...messagePath, 'type'], bad: badString(64) },
  { path: [...messagePath, 'context'], bad: notObject },
];
const waRequired: Path[] = [
  ['object'],
  ['entry'],
  ['entry', 0, 'changes'],
  ['entry', 0, 'changes', 0, 'field'],
  valuePath,
  [...valuePath, 'messaging_product'],
  [...valuePath, 'metadata'],
  [...valuePath, 'metadata', 'phone_number_id'],
];
const waMessage = fc.record({ id: fc.stringMatching(/^wamid\.[A-Za-z0-9]{8,30}$/), from: fc.stringMatching(/^[1-9]\d{7,13}$/), text: fc.string({ maxLength: 200 }) });
const waMessageRequired: Path[] = [
  [...messagePath, 'id'],
  [...messagePath, 'from'],
  [...messagePath, 'timestamp'],
  [...messagePath, 'type'],
];

/**
 * Correctly signed payloads whose one message does not parse: 200 (Meta must not retry what can never parse), the
 * message kept raw as an account report, and no message stored.
 */
export const whatsappSignedUnreadableMessage: fc.Arbitrary<BadRequest> = fc.oneof(
  fc.tuple(waMessage, fc.constantFrom(...waMessageFields)).chain(([message, field]) =>
    field.bad.map((value) => ({
      what: `WhatsApp webhook, ${field.path.join('.')} = ${JSON.stringify(value)?.slice(0, 60)}`,
      request: signedWhatsApp(json(setAt(whatsappPayload(message), field.path, value))),
      accept: [200] as const,
    })),
  ),
  fc.tuple(waMessage, fc.constantFrom(...waMessageRequired)).map(([message, path]) => ({
    what: `WhatsApp webhook without ${path.join('.')}`,
    request: signedWhatsApp(json(setAt(whatsappPayload(message), path, undefined))),
    accept: [200] as const,
  })),
);


/** Valid payloads whose signature is missing or wrong: 401, and nothing stored. */
export const whatsappBadSignature: fc.Arbitrary<BadRequest> = fc
  .tuple(
    waMessage,
    fc.oneof(
      fc.constant({ kind: 'missing' as const }),
      fc.stringMatching(/^[0-9a-f]{64}$/).map((hex) => ({ kind: 'random hex' as const, header: `sha256=${hex}` })),
      fc.string({ minLength: 1, maxLength: 40 }).map((secret) => ({ kind: 'another secret' as const, secret })),
      fc.constantFrom('sha1=', 'SHA256:', 'sha256 ', 'sha256=sha256=', '').map((prefix) => ({ kind: 'wrong prefix' as const, prefix })),
      fc.integer({ min: 1, max: 63 }).map((length) => ({ kind: 'truncated' as const, length })),
      fc.constant({ kind: 'body changed after signing' as const }),
      fc.string({ maxLength: 100 }).filter((value) => /^[\t\x20-\x7e]*$/.test(value)).map((header) => ({ kind: 'garbage' as const, header })),
    ),
  )
  .map(([message, signature]) => {
    const body = json(whatsappPayload(message));
    const right = waSign(body);
    const header =
      signature.kind === 'missing'
        ? undefined
        : signature.kind === 'random hex' || signature.kind === 'garbage'
          ? signature.header
          : signature.kind === 'another secret'
            ? waSign(body, signature.secret === fuzzWhatsApp.appSecret ? `${signature.secret}!` : signature.secret)
            : signature.kind === 'wrong prefix'
              ? `${signature.prefix}${right.slice(7)}`
              : signature.kind === 'truncated'
                ? right.slice(0, 7 + signature.length)
                : right;
    const sent = signature.kind === 'body changed after signing' ? Buffer.concat([body, Buffer.from(' ')]) : body;
    return {
      what: `WhatsApp webhook, signature ${signature.kind}`,
      request: { method: 'POST', path: waPath(), headers: { ...jsonHeaders, ...(header === undefined ? {} : { 'x-hub-signature-256': header }) }, body: sent },
      accept: [401],
    };
  });

/** Correctly signed payloads that are malformed: a 4xx (400, or 413 past the size limit), nothing stored. */
export const whatsappSignedMalformed: fc.Arbitrary<BadRequest> = fc.oneof(
  fc.tuple(waMessage, fc.constantFrom(...waFields)).chain(([message, field]) =>
    field.bad.map((value) => ({
      what: `WhatsApp webhook, ${field.path.join('.')} = ${JSON.stringify(value)?.slice(0, 60)}`,
      request: signedWhatsApp(json(setAt(whatsappPayload(message), field.path, value))),
      accept: [400] as const,
    })),
  ),
  fc.tuple(waMessage, fc.constantFrom(...waRequired)).map(([message, path]) => ({
    what: `WhatsApp webhook without ${path.join('.')}`,
    request: signedWhatsApp(json(setAt(whatsappPayload(message), path, undefined))),
    accept: [400] as const,
  })),
  fc.tuple(waMessage, invalidUtf8).map(([message, bytes]) => ({
    what: `WhatsApp webhook with invalid UTF-8 ${bytes.join(',')}`,
    request: signedWhatsApp(withBytes(JSON.stringify(whatsappPayload({ ...message, text: 'MARK' })), 'MARK', bytes)),
    accept: [400] as const,
  })),
  fc.tuple(waMessage, deepValue).map(([message, deep]) => ({
    what: `WhatsApp webhook nesting ${deep.length / 2} characters deep`,
    request: signedWhatsApp(withRaw(JSON.stringify(setAt(whatsappPayload(message), [...messagePath, 'extra'], 'DEEP')), 'DEEP', deep)),
    accept: [400] as const,
  })),
  fc.tuple(waMessage, unstorableText).map(([message, text]) => ({
    what: `WhatsApp webhook with unstorable text ${JSON.stringify(text)}`,
    request: signedWhatsApp(withRaw(JSON.stringify(whatsappPayload({ ...message, text: 'TEXT' })), 'TEXT', `"${text.replace('\u0000', '\\u0000')}"`)),
    accept: [400] as const,
  })),
  fc.oneof(
    fc.uint8Array({ minLength: 1, maxLength: 3000 }).map((bytes) => Buffer.from(bytes)),
    fc.jsonValue({ maxDepth: 3 }).map((value) => json(value)),
    fc.constantFrom('', '{', '[]', 'null', '{"object":', 'object=whatsapp_business_account').map((text) => Buffer.from(text)),
  ).map((body) => ({ what: `WhatsApp webhook body ${body.toString('utf8').slice(0, 40)}`, request: signedWhatsApp(body), accept: [400] as const })),
  // Rare on purpose: a few megabyte bodies make the point without making the run slow.
  {
    weight: 1,
    arbitrary: fc.integer({ min: 1024 * 1024 + 1, max: 2 * 1024 * 1024 }).map((size) => ({
      what: `WhatsApp webhook of ${size} bytes`,
      request: signedWhatsApp(json(whatsappPayload({ id: 'wamid.big', from: '15550001111', text: 'x'.repeat(size) }))),
      accept: [413] as const,
    })),
  },
  fc.tuple(waMessage, fc.constantFrom('gzip', 'deflate', 'br', 'x-unknown')).map(([message, encoding]) => {
    const request = signedWhatsApp(json(whatsappPayload(message)));
    return {
      what: `WhatsApp webhook said to be ${encoding} that is not`,
      request: { ...request, headers: { ...request.headers, 'content-encoding': encoding } },
      accept: [400, 415] as const,
    };
  }),
  fc.tuple(waMessage, fc.oneof(randomId.filter((id) => id !== fuzzWhatsApp.accountId), fc.constant('demo'), fc.constant(fuzzTwilio.accountId))).map(([message, accountId]) => {
    const body = json(whatsappPayload(message));
    return {
      what: `WhatsApp webhook for account ${accountId}`,
      request: { method: 'POST', path: waPath(accountId), headers: { ...jsonHeaders, 'x-hub-signature-256': waSign(body) }, body },
      accept: [404] as const,
    };
  }),
  fc
    .record({ mode: fc.oneof(fc.constant('subscribe'), fc.string()), token: fc.string({ maxLength: 50 }), challenge: fc.string({ maxLength: 300 }) })
    .map(({ mode, token, challenge }) => ({
      what: 'WhatsApp subscription handshake with a wrong token or challenge',
      request: {
        method: 'GET',
        path: `${waPath()}?${new URLSearchParams({ 'hub.mode': mode, 'hub.verify_token': token === fuzzWhatsApp.verifyToken ? `${token}x` : token, 'hub.challenge': challenge })}`,
      },
      accept: [400, 403] as const,
    })),
);

// Twilio.

const twilioSms = (sid: string, from: string, body: string): [string, string][] => [
  ['ToCountry', 'US'],
  ['SmsMessageSid', sid],
  ['NumMedia', '0'],
  ['SmsSid', sid],
  ['SmsStatus', 'received'],
  ['Body', body],
  ['To', fuzzTwilio.phoneNumber],
  ['NumSegments', '1'],
  ['MessageSid', sid],
  ['AccountSid', fuzzTwilio.accountSid],
  ['From', from],
  ['ApiVersion', '2010-04-01'],
];
const twilioStatus = (sid: string): [string, string][] => [
  ['MessageStatus', 'delivered'],
  ['ApiVersion', '2010-04-01'],
  ['SmsSid', sid],
  ['MessageSid', sid],
  ['AccountSid', fuzzTwilio.accountSid],
  ['To', '+13177592786'],
  ['From', fuzzTwilio.phoneNumber],
];
const formBody = (params: [string, string][]) => Buffer.from(new URLSearchParams(params).toString());
const twilioRequest = (route: 'inbound' | 'status', params: [string, string][], signature: string | null, body: Buffer = formBody(params), contentType = 'application/x-www-form-urlencoded'): RawRequest => ({
  method: 'POST',
  path: `/webhooks/twilio/${fuzzTwilio.accountId}${route === 'status' ? '/status' : ''}`,
  headers: { 'content-type': contentType, ...(signature === null ? {} : { 'x-twilio-signature': signature }) },
  body,
});
export const signedTwilio = (route: 'inbound' | 'status', params: [string, string][], body?: Buffer, contentType?: string): RawRequest =>
  twilioRequest(route, params, twilioSignature(fuzzTwilio.authToken, route === 'status' ? statusCallbackUrl(fuzzTwilio.publicUrl) : fuzzTwilio.publicUrl, params), body, contentType);
export const validSms = (sid: string, from: string, body: string) => twilioSms(sid, from, body);

const twilioSid = fc.stringMatching(/^SM[0-9a-f]{32}$/);
const e164 = fc.stringMatching(/^\+1[2-9]\d{9}$/);
const replace = (params: [string, string][], name: string, value: string | undefined): [string, string][] => [
  ...params.filter(([key]) => key !== name),
  ...(value === undefined ? [] : ([[name, value]] as [string, string][])),
];
const badSid = fc.oneof(fc.constant(''), fc.string({ maxLength: 70 }).filter((value) => !/^[A-Za-z0-9]{2,64}$/.test(value)), fc.stringMatching(/^[A-Za-z0-9]{65,80}$/));

/** Valid forms without the right signature: 401. */
export const twilioBadSignature: fc.Arbitrary<BadRequest> = fc
  .tuple(
    twilioSid,
    e164,
    fc.constantFrom('inbound' as const, 'status' as const),
    fc.oneof(
      fc.constant({ kind: 'missing' as const }),
      fc.stringMatching(/^[A-Za-z0-9+/]{27}=$/).map((signature) => ({ kind: 'random' as const, signature })),
      fc.string({ minLength: 1, maxLength: 30 }).map((token) => ({ kind: 'another token' as const, token })),
      fc.constant({ kind: 'the URL this server sees' as const }),
      fc.string({ maxLength: 60 }).filter((value) => /^[\t\x20-\x7e]*$/.test(value)).map((signature) => ({ kind: 'garbage' as const, signature })),
    ),
  )
  .map(([sid, from, route, signature]) => {
    const params = route === 'inbound' ? twilioSms(sid, from, 'Hello from a phone') : twilioStatus(sid);
    const url = route === 'status' ? statusCallbackUrl(fuzzTwilio.publicUrl) : fuzzTwilio.publicUrl;
    const header =
      signature.kind === 'missing'
        ? null
        : signature.kind === 'random' || signature.kind === 'garbage'
          ? signature.signature
          : signature.kind === 'another token'
            ? twilioSignature(signature.token === fuzzTwilio.authToken ? `${signature.token}!` : signature.token, url, params)
            : twilioSignature(fuzzTwilio.authToken, `http://127.0.0.1/webhooks/twilio/${fuzzTwilio.accountId}`, params);
    return { what: `Twilio ${route} webhook, signature ${signature.kind}`, request: twilioRequest(route, params, header), accept: [401] as const };
  });

/** Correctly signed forms that are malformed, and bodies that are not forms: a 4xx, nothing stored. */
export const twilioSignedMalformed: fc.Arbitrary<BadRequest> = fc.oneof(
  fc.tuple(twilioSid, e164, fc.constantFrom('MessageSid', 'From')).map(([sid, from, name]) => ({
    what: `Twilio SMS without ${name}`,
    request: signedTwilio('inbound', replace(twilioSms(sid, from, 'hi'), name, undefined)),
    accept: [400] as const,
  })),
  fc.tuple(e164, badSid).map(([from, sid]) => ({ what: `Twilio SMS with MessageSid ${JSON.stringify(sid).slice(0, 40)}`, request: signedTwilio('inbound', replace(twilioSms('SMx', from, 'hi'), 'MessageSid', sid)), accept: [400] as const })),
  fc.tuple(twilioSid, fc.oneof(fc.constant(''), tooLong(256))).map(([sid, from]) => ({ what: `Twilio SMS from a ${from.length}-character sender`, request: signedTwilio('inbound', replace(twilioSms(sid, '+1', 'hi'), 'From', from)), accept: [400] as const })),
  fc
    .tuple(twilioSid, e164, fc.oneof(fc.string({ maxLength: 4 }).filter((value) => !/^(10|\d)$/.test(value)), fc.constantFrom('1', '2', '10')))
    .map(([sid, from, numMedia]) => ({ what: `Twilio SMS with NumMedia ${JSON.stringify(numMedia)} and no media URLs`, request: signedTwilio('inbound', replace(twilioSms(sid, from, 'hi'), 'NumMedia', numMedia)), accept: [400] as const })),
  fc
    .tuple(
      twilioSid,
      e164,
      fc.constantFrom(
        { name: 'Body', value: 'x'.repeat(100_001), problem: 'too long' },
        { name: 'Body', value: 'nul \u0000 here', problem: 'holding a NUL' },
        { name: 'ProfileName', value: 'p'.repeat(1001), problem: 'too long' },
        { name: 'ProfileName', value: '\u0000', problem: 'holding a NUL' },
        { name: 'To', value: 't'.repeat(257), problem: 'too long' },
        { name: 'To', value: '', problem: 'empty' },
        { name: 'FromCity', value: 'a\u0000b', problem: 'holding a NUL' },
      ),
    )
    .map(([sid, from, field]) => ({
      what: `Twilio SMS with ${field.name} ${field.problem}`,
      request: signedTwilio('inbound', replace(twilioSms(sid, from, 'hi'), field.name, field.value)),
      accept: [400] as const,
    })),
  fc.tuple(twilioSid, fc.constantFrom('MessageStatus', 'MessageSid'), fc.integer({ min: 0, max: 1 })).map(([sid, name, variant]) => ({
    what: `Twilio status callback with ${name} ${variant === 0 ? 'missing' : 'too long'}`,
    request: signedTwilio('status', replace(twilioStatus(sid), name, variant === 0 ? undefined : 'x'.repeat(name === 'MessageStatus' ? 65 : 70))),
    accept: [400] as const,
  })),
  fc.tuple(twilioSid, e164, invalidUtf8, fc.constantFrom('inbound' as const, 'status' as const)).map(([sid, from, bytes, route]) => {
    const params = route === 'inbound' ? twilioSms(sid, from, 'MARK') : replace(twilioStatus(sid), 'ErrorMessage', 'MARK');
    return { what: `Twilio ${route} webhook with invalid UTF-8`, request: signedTwilio(route, params, withBytes(formBody(params).toString(), 'MARK', bytes)), accept: [400] as const };
  }),
  fc.tuple(twilioSid, e164, fc.constantFrom('%', '%E0%A4%A', '%FF', '%ED%A0%80', '%C0%AF', '%2')).map(([sid, from, escape]) => {
    const params = twilioSms(sid, from, 'MARK');
    return { what: `Twilio SMS with the escape ${escape}`, request: signedTwilio('inbound', params, Buffer.from(formBody(params).toString().replace('MARK', escape))), accept: [400] as const };
  }),
  fc.tuple(twilioSid, e164, fc.constantFrom('application/json', 'text/plain', 'multipart/form-data; boundary=x', '')).map(([sid, from, contentType]) => {
    const params = twilioSms(sid, from, 'hi');
    return { what: `Twilio SMS as ${contentType || 'no content type'}`, request: signedTwilio('inbound', params, formBody(params), contentType), accept: [400, 415] as const };
  }),
  fc.tuple(twilioSid, e164, fc.constantFrom('gzip', 'deflate', 'br', 'x-unknown')).map(([sid, from, encoding]) => {
    const request = signedTwilio('inbound', twilioSms(sid, from, 'hi'));
    return {
      what: `Twilio SMS said to be ${encoding} that is not`,
      request: { ...request, headers: { ...request.headers, 'content-encoding': encoding } },
      accept: [400, 415] as const,
    };
  }),
  fc.oneof(fc.constant(Buffer.alloc(0)), fc.integer({ min: 256 * 1024 + 1, max: 600 * 1024 }).map((size) => Buffer.from(`Body=${'y'.repeat(size)}`))).map((body) => ({
    what: `Twilio SMS body of ${body.length} bytes`,
    request: signedTwilio('inbound', [], body),
    accept: body.length === 0 ? ([400] as const) : ([413] as const),
  })),
);

// The simulator.

const simulatorPath = (accountId = 'demo') => `/api/simulator/${accountId}/inbound`;
const simulatorBase = { from: '+15550123456', text: 'Hello', id: 'sim-fuzz', name: 'Fuzz', sentAt: '2026-11-18T15:00:00Z' };
const simulatorFields: { field: string; bad: fc.Arbitrary<Json> }[] = [
  { field: 'from', bad: fc.oneof(notString, fc.string({ maxLength: 20 }).filter((value) => !/^\+[1-9][0-9]{5,14}$/.test(value))) },
  { field: 'text', bad: fc.oneof(notString, tooLong(4096)) },
  { field: 'id', bad: badString(256) },
  { field: 'name', bad: badString(200) },
  { field: 'sentAt', bad: fc.oneof(notString, fc.string({ maxLength: 30 }), fc.constantFrom('2026-13-01T00:00:00Z', 'yesterday', '2026-11-18')) },
  { field: 'backfilled', bad: fc.oneof(fc.integer(), fc.string({ maxLength: 5 }), fc.constant(null)) },
  {
    field: 'media',
    bad: fc.oneof(
      notArray,
      fc.constant(Array.from({ length: 11 }, () => ({ data: 'aGk=', mimeType: 'image/jpeg' }))),
      // A URL is never fetched for the simulator: media comes inline, as base64.
      fc.constantFrom<Json>(
        [{ url: 'http://169.254.169.254/latest/meta-data/', mimeType: 'image/jpeg' }],
        [{ data: 'not base64!', mimeType: 'image/jpeg' }],
        [{ data: 'aGk=', mimeType: 'jpeg' }],
        [{ data: 'aGk=', mimeType: 'image/jpeg', extra: 1 }],
        [{}],
        [null],
      ),
    ),
  },
  { field: 'unexpected', bad: fc.jsonValue({ maxDepth: 2 }) as fc.Arbitrary<Json> },
];

/** Bodies the simulator must refuse: wrong types, limits, unknown keys, text PostgreSQL cannot store. */
export const simulatorMalformed: fc.Arbitrary<BadRequest> = fc.oneof(
  fc.constantFrom(...simulatorFields).chain(({ field, bad }) =>
    bad.map((value) => ({
      what: `simulator, ${field} = ${JSON.stringify(value)?.slice(0, 60)}`,
      request: { method: 'POST', path: simulatorPath(), headers: jsonHeaders, body: json({ ...simulatorBase, id: `sim-bad-${field}`, [field]: value }) },
      accept: [400] as const,
    })),
  ),
  fc.constantFrom('from', 'text').map((field) => {
    const body: Record<string, unknown> = { ...simulatorBase, id: `sim-missing-${field}` };
    delete body[field];
    return { what: `simulator without ${field}`, request: { method: 'POST', path: simulatorPath(), headers: jsonHeaders, body: json(body) }, accept: [400] as const };
  }),
  fc.tuple(unstorableText, fc.constantFrom('text', 'name')).map(([text, field]) => ({
    what: `simulator ${field} ${JSON.stringify(text)} (unstorable)`,
    request: {
      method: 'POST',
      path: simulatorPath(),
      headers: jsonHeaders,
      body: withRaw(JSON.stringify({ ...simulatorBase, id: `sim-unstorable-${field}`, [field]: 'TEXT' }), 'TEXT', `"${text.replace('\u0000', '\\u0000')}"`),
    },
    accept: [400] as const,
  })),
  fc.oneof(randomId.filter((id) => id !== 'demo'), fc.constant(fuzzWhatsApp.accountId)).map((accountId) => ({
    what: `simulator account ${accountId}`,
    request: { method: 'POST', path: simulatorPath(accountId), headers: jsonHeaders, body: json({ ...simulatorBase, id: 'sim-unknown-account' }) },
    accept: [404] as const,
  })),
  fc.tuple(fc.constantFrom(...[`/api/simulator/demo/phones/`, `/api/simulator/nobody/phones/`]), fc.string({ maxLength: 30 }).filter((address) => !/^\+[1-9][0-9]{5,14}$/.test(address))).map(([prefix, address]) => ({
    what: `simulator phone ${JSON.stringify(address)}`,
    request: { method: 'GET', path: `${prefix}${encodeURIComponent(address) || 'x'}` },
    accept: [400, 404] as const,
  })),
);

/** Bodies no JSON route may accept: not JSON, not UTF-8, not JSON's media type, too large, nested too deep. */
export const unparseableJson: fc.Arbitrary<{ what: string; headers: Record<string, string>; body: Buffer; accept: readonly number[] }> = fc.oneof(
  fc.constantFrom('{', '{"a":', '[1,', 'nul', "{'a':1}", '{"a":1}}', '\u0000').map((text) => ({ what: `invalid JSON ${JSON.stringify(text)}`, headers: jsonHeaders, body: Buffer.from(text), accept: [400] })),
  invalidUtf8.map((bytes) => ({ what: `invalid UTF-8 ${bytes.join(',')}`, headers: jsonHeaders, body: withBytes('{"text":"MARK"}', 'MARK', bytes), accept: [400] })),
  fc.constantFrom('text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/xml', 'jsonx').map((type) => ({
    what: `a body as ${type}`,
    headers: { 'content-type': type },
    body: Buffer.from('{"text":"hi"}'),
    accept: [415],
  })),
  {
    weight: 1,
    arbitrary: fc
      .integer({ min: 256 * 1024 + 1, max: 600 * 1024 })
      .map((size) => ({ what: `a body of ${size} bytes`, headers: jsonHeaders, body: json({ text: 'z'.repeat(size) }), accept: [413] })),
  },
  fc.constantFrom('gzip', 'deflate', 'br', 'compress', 'x-unknown').map((encoding) => ({
    what: `a body said to be ${encoding} that is not`,
    headers: { ...jsonHeaders, 'content-encoding': encoding },
    body: Buffer.from('{"text":"hi"}'),
    accept: [400, 415],
  })),
);

/** The simulator, with bodies that are not JSON at all. */
export const simulatorUnparseable: fc.Arbitrary<BadRequest> = unparseableJson.map((bad) => ({
  what: `simulator, ${bad.what}`,
  request: { method: 'POST', path: simulatorPath(), headers: bad.headers, body: bad.body },
  // The simulator takes inline media, so its body limit is a file's (test/integration/simulator-bad-input.test.ts
  // sends one past it): a body too large for the API is, for it, a text too long.
  accept: bad.accept.includes(413) ? [400, 413] : bad.accept,
}));

// The JSON API.

const isPublic = (route: Route) =>
  route.path.startsWith('/api/simulator/') || route.path === '/api/openapi.json' || route.path === '/api/auth/login' || route.path === '/api/auth/password-reset';
const stateChanging = (route: Route) => route.method !== 'GET';
const isMultipartRoute = (route: Route) => route.method === 'POST' && multipartRoutes.some((pattern) => pattern.test(route.path.replace(/:\w+/g, 'x')));
const fillParams = (path: string, values: string[]) => {
  let index = 0;
  return path.replace(/:(\w+)/g, () => values[index++ % values.length] ?? 'x');
};
const hasParams = (route: Route) => route.path.includes(':');
const anyBody = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }).map((value) => json(value)),
  fc.dictionary(fc.constantFrom('text', 'name', 'email', 'password', 'clientId', 'matterId', 'reason', 'role', 'body', 'kind', 'code'), notString, { minKeys: 1, maxKeys: 4 }).map((value) => json(value)),
);
const garbageCookie = fc.oneof(fc.constant(undefined), fc.stringMatching(/^[A-Za-z0-9_-]{0,60}$/).map((token) => `ml_session=${token}`));

/** Every signed-in route, without a session (or with a forged cookie): a 4xx (401 as a rule), nothing stored. */
export function withoutSession(routes: Route[]): fc.Arbitrary<BadRequest> {
  const guarded = routes.filter((route) => route.path.startsWith('/api/') && !isPublic(route));
  return fc.tuple(fc.constantFrom(...guarded), fc.array(pathParam, { minLength: 1, maxLength: 3 }), anyBody, garbageCookie).map(([route, params, body, cookie]) => ({
    what: `${route.method} ${route.path} without a session`,
    request: {
      method: route.method,
      path: fillParams(route.path, params),
      headers: { ...jsonHeaders, ...(cookie ? { cookie } : {}) },
      ...(route.method === 'GET' ? {} : { body }),
    },
    accept: 'client-error' as const,
  }));
}

/** Sign-in and password reset with malformed bodies or unknown people: 4xx. */
export const publicAuth: fc.Arbitrary<BadRequest> = fc.oneof(
  fc.tuple(fc.constantFrom('/api/auth/login', '/api/auth/password-reset'), anyBody).map(([path, body]) => ({ what: `POST ${path} with a malformed body`, request: { method: 'POST', path, headers: jsonHeaders, body }, accept: 'client-error' as const })),
  fc.tuple(fc.emailAddress(), fc.string({ minLength: 1, maxLength: 40 })).map(([email, password]) => ({
    what: 'sign-in of nobody',
    request: { method: 'POST', path: '/api/auth/login', headers: jsonHeaders, body: json({ email: `fuzz.${email}`.slice(0, 300), password }) },
    accept: [401, 429] as const,
  })),
  unparseableJson.map((bad) => ({ what: `sign-in, ${bad.what}`, request: { method: 'POST', path: '/api/auth/login', headers: bad.headers, body: bad.body }, accept: bad.accept })),
);

/**
 * Signed in, every state-changing route: without the CSRF token or with a wrong one (403); with it, bodies no route
 * can parse (400/413/415), and, on routes naming a record, ids that name nothing (a 4xx).
 */
export function withSession(routes: Route[], sessions: Session[]): fc.Arbitrary<BadRequest> {
  const changing = routes.filter((route) => route.path.startsWith('/api/') && !isPublic(route) && stateChanging(route));
  const withIds = changing.filter(hasParams);
  const session = fc.constantFrom(...sessions);
  return fc.oneof(
    fc.tuple(fc.constantFrom(...changing), session, fc.array(pathParam, { minLength: 1, maxLength: 3 }), fc.option(fc.stringMatching(/^[A-Za-z0-9_-]{1,64}$/), { nil: undefined }), anyBody).map(
      ([route, who, params, token, body]) => ({
        what: `${route.method} ${route.path} signed in, CSRF token ${token === undefined ? 'missing' : 'wrong'}`,
        request: {
          method: route.method,
          path: fillParams(route.path, params),
          headers: { ...jsonHeaders, cookie: who.cookie, ...(token === undefined || token === who.csrfToken ? {} : { 'x-csrf-token': token }) },
          body,
        },
        accept: [403] as const,
      }),
    ),
    fc.tuple(fc.constantFrom(...changing), session, fc.array(pathParam, { minLength: 1, maxLength: 3 }), unparseableJson).map(([route, who, params, bad]) => ({
      what: `${route.method} ${route.path} signed in, ${bad.what}`,
      request: { method: route.method, path: fillParams(route.path, params), headers: { ...bad.headers, cookie: who.cookie, 'x-csrf-token': who.csrfToken }, body: bad.body },
      // A route that takes files reads multipart itself: a malformed one, or a bad id, is a 400 there.
      accept: isMultipartRoute(route) && /^multipart\//.test(bad.headers['content-type'] ?? '') ? [400, 404] : [...bad.accept, 404],
    })),
    fc.tuple(fc.constantFrom(...withIds), session, fc.array(randomId, { minLength: 1, maxLength: 3 }), anyBody).map(([route, who, params, body]) => ({
      what: `${route.method} ${route.path} signed in, for a record that does not exist`,
      request: { method: route.method, path: fillParams(route.path, params), headers: { ...jsonHeaders, cookie: who.cookie, 'x-csrf-token': who.csrfToken }, body },
      accept: 'client-error' as const,
    })),
  );
}

// Query values: any string, and the ones that passed a pattern once and then failed in PostgreSQL (a NUL, a lone
// surrogate, year 0000, a day that does not exist, a year past 9999).
const queryValue = fc.oneof(
  fc.string({ maxLength: 300 }),
  fc.constantFrom('\u0000x', 'ab\u0000', '\ud800x', '0000-01-01', '0001-01-01', '2026-02-30', '9999-12-31', '10000-01-01', '0000-01-01T00:00:00Z', '2026-13-01', '2026-01-01T25:00:00Z'),
);

/** Signed in, every read with odd parameters and odd query strings: never a 5xx (a read may answer 200). */
export function readsWithSession(routes: Route[], sessions: Session[]): fc.Arbitrary<BadRequest> {
  // The event stream never ends by design; it is not a read to fuzz with a waiting client.
  const reads = routes.filter((route) => route.path.startsWith('/api/') && route.method === 'GET' && route.path !== '/api/events' && !route.path.startsWith('/api/simulator/'));
  const query = fc.array(fc.tuple(fc.oneof(fc.constantFrom('q', 'limit', 'cursor', 'from', 'to', 'matter', 'lawyer', 'client', 'channel', 'format', 'state', 'q[]', 'limit[a]'), fc.stringMatching(/^[a-z]{1,8}$/)), queryValue), { maxLength: 5 });
  return fc.tuple(fc.constantFrom(...reads), fc.constantFrom(...sessions), fc.array(pathParam, { minLength: 1, maxLength: 3 }), query).map(([route, who, params, pairs]) => ({
    what: `GET ${route.path} signed in with odd parameters`,
    request: { method: 'GET', path: `${fillParams(route.path, params)}${pairs.length ? `?${new URLSearchParams(pairs)}` : ''}`, headers: { cookie: who.cookie } },
    accept: 'no-server-error' as const,
  }));
}

/** Oddities of HTTP itself: malformed escapes in the path, unknown methods, odd paths. */
export function protocolOddities(routes: Route[], session: Session): fc.Arbitrary<BadRequest> {
  const withParams = routes.filter(hasParams);
  return fc.oneof(
    fc.tuple(fc.constantFrom(...withParams), fc.constantFrom('%', '%E0%A4%A', '%FF', '%C0%AF', '%ED%A0%80', '%%', '%zz', '%00')).map(([route, escape]) => ({
      what: `${route.method} ${route.path} with ${escape} for a parameter`,
      request: {
        method: route.method,
        path: fillParams(route.path, [escape]),
        headers: { ...jsonHeaders, cookie: session.cookie, 'x-csrf-token': session.csrfToken },
        ...(route.method === 'GET' ? {} : { body: Buffer.from('{}') }),
      },
      accept: 'client-error' as const,
    })),
    fc.tuple(fc.constantFrom('OPTIONS', 'TRACE', 'PROPFIND', 'PURGE', 'PATCH', 'PUT', 'DELETE'), fc.constantFrom(...routes)).map(([method, route]) => ({
      what: `${method} ${route.path}`,
      request: { method, path: fillParams(route.path, ['x']), headers: { cookie: session.cookie } },
      accept: 'no-server-error' as const,
    })),
    fc.string({ maxLength: 200 }).map((tail) => ({
      what: 'an odd path',
      request: { method: 'GET', path: `/${encodeURIComponent(tail).replace(/%2F/g, '/')}` },
      accept: 'no-server-error' as const,
    })),
  );
}
