import { describe, expect, it } from 'vitest';
import { normalizeTwilioInbound, normalizeTwilioStatus } from '../../src/bridges/twilio/normalize-twilio.js';
import { normalizeWhatsAppCloud } from '../../src/bridges/whatsapp-cloud/normalize-whatsapp-cloud.js';
import { webhookPayloadSchema } from '../../src/bridges/whatsapp-cloud/whatsapp-cloud-payload.js';
import { asAccountId } from '../../src/core/ids.js';
import { envelope, moreMessages, statusFixtures } from './support/whatsapp-cloud-harness.js';
import { readForm } from './support/twilio-harness.js';

// The pure half of the adapters: platform payloads in, normalized events out. Table-driven over every shape.

const accountId = asAccountId('acc-1');
const normalize = (payload: unknown) =>
  normalizeWhatsAppCloud({
    accountId,
    accountFor: (id) => (id === '1122334455667' ? accountId : undefined),
    payload: webhookPayloadSchema.parse(payload),
    now: new Date('2026-12-04T12:00:00Z'),
  });
const one = (message: unknown) => {
  const result = normalize(envelope({ messages: [message] }));
  if (!result.ok) throw new Error(result.problem);
  expect(result.events).toHaveLength(1);
  return result.events[0]!;
};

describe('WhatsApp Cloud messages', () => {
  it.each([
    ['video', { messageKind: 'video', text: 'The damage to the car', media: [{ mimeType: 'video/mp4', providerMediaId: '1029384756', sha256: expect.stringMatching(/^[0-9a-f]{64}$/) }] }],
    ['audio', { messageKind: 'audio', media: [expect.objectContaining({ mimeType: 'audio/ogg; codecs=opus' })] }],
    ['sticker', { messageKind: 'sticker', media: [expect.objectContaining({ mimeType: 'image/webp' })] }],
    ['location', { messageKind: 'location', text: expect.stringContaining('(38.8929, -77.0163)') }],
    ['contacts', { messageKind: 'contacts', text: 'Jane Roe +1 555 010 0777' }],
    ['button_reply', { messageKind: 'interactive', text: 'Yes, that works', replyToProviderId: 'wamid.text' }],
    ['list_reply', { messageKind: 'interactive', text: 'Tuesday 10:00' }],
    ['button', { messageKind: 'interactive', text: 'Reschedule', replyToProviderId: 'wamid.template-sent' }],
    ['unsupported', { messageKind: 'unsupported' }],
    ['future_type', { messageKind: 'unsupported' }],
    ['reply', { messageKind: 'text', text: 'Yes, I have the documents', replyToProviderId: 'wamid.text' }],
  ])('%s', (name, expected) => {
    const event = one(moreMessages[name]);
    expect(event).toMatchObject({
      kind: 'message',
      accountId,
      direction: 'inbound',
      providerMessageId: moreMessages[name]!.id,
      chat: { externalId: '+972987654321', kind: 'direct' },
      contact: { address: '+972987654321', name: 'Test Name' },
      ...expected,
    });
    // What the adapter does not understand is still in the record.
    expect(event.kind === 'message' && event.raw).toMatchObject({ whatsappCloud: { message: moreMessages[name] } });
  });

  it.each([
    ['a text whose body is not a string', { type: 'text', text: { body: 5 } }],
    ['an image without an id', { type: 'image', image: { mime_type: 'image/png' } }],
    ['a location without coordinates', { type: 'location', location: { name: 'x' } }],
    ['a type with no part at all', { type: 'document' }],
  ])('keeps %s as unsupported instead of dropping it', (_name, shape) => {
    const event = one({ from: '1', id: 'wamid.x', timestamp: '1', ...shape });
    expect(event).toMatchObject({ messageKind: 'unsupported', raw: { whatsappCloud: { message: expect.objectContaining(shape) } } });
  });

  it('reads a withdrawn reaction (empty emoji) as a reaction without text', () => {
    const event = one({ from: '1', id: 'wamid.r', timestamp: '1', type: 'reaction', reaction: { message_id: 'wamid.t', emoji: '' } });
    expect(event).toMatchObject({ messageKind: 'reaction', relatesToProviderId: 'wamid.t' });
    expect(event.kind === 'message' && event.text).toBeUndefined();
  });

  it('keeps the others when one message of a payload is malformed, and reports that one with its raw JSON', () => {
    const broken = { ...moreMessages.reply, id: '' };
    const result = normalize(envelope({ messages: [broken, moreMessages.reply] }));
    if (!result.ok) throw new Error(result.problem);
    expect(result.events).toEqual([expect.objectContaining({ providerMessageId: moreMessages.reply!.id })]);
    expect(result.reports).toEqual([
      {
        accountId,
        kind: 'unparsed',
        detail: expect.stringMatching(/^a message Matterline could not read \(entry\[0\]\.changes\[0\]\.value\.messages\[0\]\.id: /),
        raw: { whatsappCloud: { metadata: expect.any(Object), message: broken } },
        at: new Date('2026-12-04T12:00:00Z'),
      },
    ]);
  });

  it('refuses the payload when its envelope is malformed: nothing in it could be placed', () => {
    const payload = envelope({ messages: [moreMessages.reply] }) as { entry: [{ changes: [{ value: { metadata: unknown } }] }] };
    payload.entry[0].changes[0].value.metadata = { display_phone_number: '1' };
    expect(normalize(payload)).toEqual({ ok: false, problem: expect.stringMatching(/^entry\[0\]\.changes\[0\]\.value\.metadata\.phone_number_id/) });
  });
});

describe('WhatsApp Cloud statuses', () => {
  it.each(['sent', 'delivered', 'read'] as const)('%s', (status) => {
    const fixture = statusFixtures[status].entry[0].changes[0].value.statuses![0] as { timestamp: string };
    expect(normalize(statusFixtures[status])).toMatchObject({
      ok: true,
      events: [{ kind: 'receipt', status, providerMessageId: 'wamid.xyzxyz', at: new Date(Number(fixture.timestamp) * 1000) }],
    });
    expect(normalize(statusFixtures[status])).not.toHaveProperty('events.0.error');
  });

  it('failed, with the reason and code', () => {
    const result = normalize(statusFixtures.failed);
    expect(result).toMatchObject({
      ok: true,
      events: [{ status: 'failed', error: "User's number is part of an experiment (code 130472): Failed to send message because this user's phone number is part of an experiment" }],
    });
  });

  it('skips statuses it cannot place in the record, saying why', () => {
    const result = normalize(envelope({ statuses: [{ id: 'wamid.1', status: 'deleted', timestamp: '1' }] }));
    expect(result).toEqual({ ok: true, events: [], reports: [], skipped: [{ reason: 'unknown_status', detail: 'deleted' }] });
  });
});

describe('Twilio', () => {
  const form = (name: string) => Object.fromEntries(readForm(name));

  it('an SMS', () => {
    const at = new Date('2026-03-10T15:00:00Z');
    expect(normalizeTwilioInbound(accountId, form('twilio_inbound_sms.form'), at)).toEqual({
      ok: true,
      event: {
        kind: 'message',
        accountId,
        providerMessageId: 'SMa741ddeb574e5dda5516c73417fcd28a',
        direction: 'inbound',
        chat: { externalId: '+13177592786', kind: 'direct' },
        contact: { address: '+13177592786' },
        messageKind: 'text',
        text: 'Hi there from Twilio',
        sentAt: at,
        raw: { twilio: form('twilio_inbound_sms.form') },
      },
    });
  });

  it.each([
    ['queued', null],
    ['accepted', null],
    ['sending', null],
    ['receiving', null],
    ['sent', { status: 'sent' }],
    ['delivered', { status: 'delivered' }],
    ['read', { status: 'read' }],
    ['failed', { status: 'failed', error: 'failed: error 30008: Unknown error' }],
    ['undelivered', { status: 'failed', error: 'undelivered: error 30008: Unknown error' }],
    ['canceled', { status: 'failed', error: 'canceled: error 30008: Unknown error' }],
    ['some-future-status', null],
  ])('status %s', (status, expected) => {
    const params = { ...form('twilio_status_callback_sent.form'), MessageStatus: status, ErrorCode: '30008', ErrorMessage: 'Unknown error' };
    const result = normalizeTwilioStatus(accountId, params, new Date());
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    if (expected === null) expect(result.event).toBeNull();
    else {
      expect(result.event).toMatchObject({ kind: 'receipt', providerMessageId: 'SM7ac25b8b7f04410093ff54e1fd2b4256', ...expected });
      if (!('error' in expected)) expect(result.event).not.toHaveProperty('error');
    }
  });
});
