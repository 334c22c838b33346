import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PostData, ServerContacts, ServerMessage, ServerStatusPayload } from 'whatsapp-api-js/types';
import { hubSignature } from '../../src/bridges/whatsapp-cloud/hub-signature.js';
import type { RunningMatterline } from '../../src/runtime/start-matterline.js';
import type { FakeProvider, ProviderAnswer, ReceivedRequest } from '../bridges/support/fake-provider.js';
import { startFakeProvider } from '../bridges/support/fake-provider.js';
import { startTestMatterline, waitFor } from '../support/matterline.js';
import type { TestDatabase } from '../support/test-database.js';
import { createTestDatabase } from '../support/test-database.js';
import { whatsappWebhook } from '../support/whatsapp-cloud-webhook.js';
import type { ApiClient } from './auth-test-client.js';
import { signedIn } from './auth-test-client.js';

// The Cloud API webhook as Meta sends it now (issue 14, item 5). The payloads are typed by whatsapp-api-js' own
// declarations of Meta's webhook (`satisfies PostData`), so a field Meta documents differently fails to compile:
// senders with a WhatsApp username (no phone number, only a business-scoped user id), group messages, errors in the
// webhook and in a message, a message that does not parse beside good ones, and events for another number of the app.

const own = { phoneNumberId: '1099887766', display: '15550009999', appSecret: 'app-secret-one' };
const sibling = { phoneNumberId: '2099887766', display: '15550008888' };

type Value = PostData['entry'][number]['changes'][number]['value'];

const payload = (phoneNumberId: string, value: Omit<Value, 'messaging_product' | 'metadata'> & Record<string, unknown>): PostData =>
  whatsappWebhook(phoneNumberId, value) as PostData;

const wamid = (name: string) => `wamid.${name}-${randomBytes(4).toString('hex')}`;
const now = () => String(Math.floor(Date.now() / 1000));

function textFrom(sender: { from?: string; from_user_id: string }, body: string, extra: Partial<ServerMessage> = {}): ServerMessage {
  return { ...sender, id: wamid('in'), timestamp: now(), type: 'text', text: { body }, ...extra } as ServerMessage;
}

/** Meta's Graph API for sends, strict about who a message is addressed to: `to` (a number) or `recipient` (a BSUID). */
function graph(request: ReceivedRequest): ProviderAnswer {
  if (request.method !== 'POST' || !request.path.endsWith('/messages')) return { status: 404, json: { error: { message: 'unknown path', code: 803 } } };
  const body = JSON.parse(request.body.toString('utf8')) as { to?: string; recipient?: string };
  if (body.to === undefined && body.recipient === undefined) return { status: 400, json: { error: { message: '(#100) to or recipient is required', code: 100 } } };
  if (body.to !== undefined && !/^\d{6,15}$/.test(body.to)) return { status: 400, json: { error: { message: '(#100) Invalid parameter to', code: 100 } } };
  if (body.recipient !== undefined && !/^[A-Z]{2}\.(ENT\.)?[A-Za-z0-9]+$/.test(body.recipient)) return { status: 400, json: { error: { message: '(#100) Invalid recipient', code: 100 } } };
  const input = body.to ?? body.recipient!;
  return { status: 200, json: { messaging_product: 'whatsapp', contacts: [{ input, ...(body.to ? { wa_id: body.to } : { user_id: body.recipient }) }], messages: [{ id: wamid('out') }] } };
}

describe('WhatsApp Cloud webhooks as Meta sends them now', () => {
  let database: TestDatabase;
  let app: RunningMatterline;
  let provider: FakeProvider;
  let admin: ApiClient;
  let accountId: string;
  let siblingId: string;

  const post = async (body: PostData | Record<string, unknown>, account = accountId) => {
    const raw = JSON.stringify(body);
    const response = await fetch(`${app.url}/webhooks/whatsapp-cloud/${account}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-hub-signature-256': hubSignature(raw, own.appSecret) },
      body: raw,
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };
  const processed = (messageId: string) =>
    waitFor(async () => (await app.db.pool.query(`SELECT 1 FROM "ProcessedJob" WHERE "jobId" = $1`, [`inbound-${messageId}`])).rowCount === 1, { what: 'processing' });
  const stored = (providerMessageId: string) =>
    app.db.prisma.message.findFirstOrThrow({ where: { providerMessageId }, include: { identity: true, conversation: true } });

  beforeAll(async () => {
    database = await createTestDatabase();
    app = await startTestMatterline({ databaseUrl: database.url, queue: 'redis' });
    provider = await startFakeProvider(graph);
    admin = await signedIn(app.url!, 'admin@demo.test');
    const add = async (name: string, phoneNumberId: string, version: string) => {
      const created = await admin.post<{ id: string }>('/api/admin/accounts', {
        kind: 'whatsapp-cloud',
        name,
        config: { phoneNumberId, accessToken: 'token', appSecret: own.appSecret, verifyToken: 'verify', graphBaseUrl: `${provider.url}/${version}` },
      });
      expect(created.status).toBe(201);
      return created.body.id;
    };
    accountId = await add('WhatsApp main', own.phoneNumberId, 'v21.0');
    siblingId = await add('WhatsApp second number', sibling.phoneNumberId, 'v25.0');
  }, 120_000);

  afterAll(async () => {
    await provider?.stop();
    await app?.stop();
    await database?.drop();
  });

  it('captures a client who uses a WhatsApp username (no phone number) and answers them by their user id', async () => {
    const userId = `US.${randomBytes(8).toString('hex').replace(/[a-f]/g, '7')}`;
    const contact = { profile: { name: 'Dana Roe', username: '@dana.roe' }, user_id: userId } satisfies ServerContacts;
    const message = textFrom({ from_user_id: userId }, 'Hello, I need help with my lease');
    const answer = await post(payload(own.phoneNumberId, { contacts: [contact], messages: [message] }));
    expect(answer).toEqual({ status: 200, body: { recorded: 1, unmatched: 0, reported: 0 } });

    const row = await stored(message.id);
    expect(row).toMatchObject({ direction: 'inbound', text: 'Hello, I need help with my lease' });
    expect(row.identity).toMatchObject({ address: userId, displayName: 'Dana Roe' });
    // The consent request goes to the user id, as Meta's send API takes it: `recipient`, and no phone number.
    const sent = await waitFor(async () => provider.received.find((r) => r.request.body.toString('utf8').includes(userId)) ?? null, { what: 'the consent request' });
    expect(sent.answer.status).toBe(200);
    const body = JSON.parse(sent.request.body.toString('utf8')) as Record<string, unknown>;
    expect(body).toMatchObject({ messaging_product: 'whatsapp', recipient: userId, type: 'text' });
    expect(body).not.toHaveProperty('to');
  });

  it('files a sender under the phone number when Meta shares it, and finds them again by the user id alone', async () => {
    const phone = `1555${String(Date.now()).slice(-7)}`;
    const userId = `US.${randomBytes(8).toString('hex').replace(/[a-f]/g, '3')}`;
    const first = textFrom({ from: phone, from_user_id: userId }, 'first, with my number');
    const contacts = [{ profile: { name: 'Eli Poe' }, wa_id: phone, user_id: userId }] satisfies ServerContacts[];
    expect((await post(payload(own.phoneNumberId, { contacts, messages: [first] }))).status).toBe(200);
    const firstRow = await stored(first.id);
    expect(firstRow.identity).toMatchObject({ address: `+${phone}`, aliases: [userId] });

    // Later the same person's number is withheld (they adopted a username): the same contact, the same conversation.
    const later = textFrom({ from_user_id: userId }, 'later, by username only');
    expect((await post(payload(own.phoneNumberId, { contacts: [{ profile: { name: 'Eli Poe', username: '@eli' }, user_id: userId }], messages: [later] }))).status).toBe(200);
    const laterRow = await stored(later.id);
    expect(laterRow.identityId).toBe(firstRow.identityId);
    expect(laterRow.conversationId).toBe(firstRow.conversationId);
  });

  it('files a group message in the group’s conversation and never asks a member for consent on their own', async () => {
    const phone = `1555${String(Date.now() + 1).slice(-7)}`;
    const groupId = `Y2FwaV9ncm91cDo${randomBytes(6).toString('hex')}`;
    const message = textFrom({ from: phone, from_user_id: `US.${randomBytes(6).toString('hex').replace(/[a-f]/g, '5')}` }, 'in the family group', { group_id: groupId });
    expect((await post(payload(own.phoneNumberId, { contacts: [{ profile: { name: 'Gus' }, wa_id: phone, user_id: 'US.1' }], messages: [message] }))).status).toBe(200);
    const row = await stored(message.id);
    expect(row.conversation).toMatchObject({ kind: 'group', externalId: `group:${groupId}` });
    expect(row.identity).toMatchObject({ address: `+${phone}` });
    await processed(row.id);
    const outbound = await app.db.prisma.message.count({ where: { identityId: row.identityId!, direction: 'outbound' } });
    expect(outbound).toBe(0);
    expect(provider.received.some((r) => r.request.body.toString('utf8').includes(phone))).toBe(false);
  });

  it('keeps every good message of a payload when one does not parse, and keeps that one raw for the admin', async () => {
    const phone = `1555${String(Date.now() + 2).slice(-7)}`;
    const good = [textFrom({ from: phone, from_user_id: 'US.100' }, 'one'), textFrom({ from: phone, from_user_id: 'US.100' }, 'three')];
    const broken = { id: wamid('broken'), from: phone, timestamp: 'yesterday', type: 'text', text: { body: 'two' } };
    const body = payload(own.phoneNumberId, { contacts: [{ wa_id: phone, user_id: 'US.100' }], messages: [good[0]!, broken as unknown as ServerMessage, good[1]!] });
    const answer = await post(body);
    expect(answer).toEqual({ status: 200, body: { recorded: 2, unmatched: 0, reported: 1 } });
    expect((await stored(good[0]!.id)).text).toBe('one');
    expect((await stored(good[1]!.id)).text).toBe('three');
    expect(await app.db.prisma.message.count({ where: { providerMessageId: broken.id } })).toBe(0);

    const reports = await admin.get<{ kind: string; detail: string; raw: { whatsappCloud: { message: unknown } } }[]>(`/api/admin/accounts/${accountId}/reports`);
    expect(reports.status).toBe(200);
    const report = reports.body.find((r) => JSON.stringify(r.raw).includes(broken.id));
    expect(report).toMatchObject({ kind: 'unparsed', detail: expect.stringContaining('messages[1].timestamp'), raw: { whatsappCloud: { message: broken } } });
    // Meta delivers the same payload again: nothing is stored twice.
    expect((await post(body)).status).toBe(200);
    const again = await admin.get<unknown[]>(`/api/admin/accounts/${accountId}/reports`);
    expect(again.body.filter((r) => JSON.stringify(r).includes(broken.id))).toHaveLength(1);
  });

  it('records the errors Meta reports in the webhook and in a message where the admin sees them', async () => {
    const phone = `1555${String(Date.now() + 3).slice(-7)}`;
    const unsupported = {
      from: phone,
      from_user_id: 'US.200',
      id: wamid('unsupported'),
      timestamp: now(),
      type: 'unsupported',
      unsupported: { type: 'poll' },
      errors: [{ code: 131051, title: 'Message type unknown', message: 'Message type unknown', error_data: { details: 'Message type is currently not supported.' } }],
    } satisfies ServerMessage;
    const webhookError = { code: 131000, title: 'Something went wrong', message: 'Something went wrong', error_data: { details: 'Unknown error while receiving' } };
    const answer = await post(payload(own.phoneNumberId, { contacts: [{ wa_id: phone, user_id: 'US.200' }], messages: [unsupported], errors: [webhookError] }));
    expect(answer.status).toBe(200);
    // The message is in the record, kept raw, and what Meta said about it is shown to the admin.
    expect((await stored(unsupported.id)).kind).toBe('unsupported');
    const reports = await admin.get<{ kind: string; detail: string }[]>(`/api/admin/accounts/${accountId}/reports`);
    expect(reports.body).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ kind: 'provider_error', detail: `message ${unsupported.id}: Message type unknown (code 131051): Message type is currently not supported.` }),
        expect.objectContaining({ kind: 'provider_error', detail: 'Meta reported: Something went wrong (code 131000): Unknown error while receiving' }),
      ]),
    );
  });

  it('hands events for another number of the same app to the account that owns it, and keeps those of unknown numbers', async () => {
    const phone = `1555${String(Date.now() + 4).slice(-7)}`;
    const forSibling = textFrom({ from: phone, from_user_id: 'US.300' }, 'to the second number');
    expect((await post(payload(sibling.phoneNumberId, { contacts: [{ wa_id: phone, user_id: 'US.300' }], messages: [forSibling] }))).body).toMatchObject({ recorded: 1, reported: 0 });
    expect((await stored(forSibling.id)).accountId).toBe(siblingId);

    const forNobody = textFrom({ from: phone, from_user_id: 'US.300' }, 'to a number nobody here has');
    expect((await post(payload('3099887766', { contacts: [{ wa_id: phone, user_id: 'US.300' }], messages: [forNobody] }))).body).toMatchObject({ recorded: 0, reported: 1 });
    expect(await app.db.prisma.message.count({ where: { providerMessageId: forNobody.id } })).toBe(0);
    const reports = await admin.get<{ kind: string; detail: string; raw: unknown }[]>(`/api/admin/accounts/${accountId}/reports`);
    expect(reports.body.find((r) => JSON.stringify(r.raw).includes(forNobody.id))).toMatchObject({ kind: 'unrouted', detail: expect.stringContaining('3099887766') });
  });

  it('settles a send by the id Matterline sent with it, when the status arrives before the send’s answer was recorded', async () => {
    const phone = `1555${String(Date.now() + 5).slice(-7)}`;
    const firm = await app.db.prisma.firm.findFirstOrThrow();
    const identity = await app.db.prisma.contactIdentity.create({ data: { firmId: firm.id, accountId, address: `+${phone}`, consentState: 'opted_in' } });
    const conversation = await app.db.prisma.conversation.create({ data: { firmId: firm.id, accountId, externalId: `+${phone}`, kind: 'direct', identityId: identity.id } });
    // The process stopped while Meta was answering: the send's outcome is unknown and no provider id was recorded.
    const message = await app.db.prisma.message.create({
      data: {
        firmId: firm.id,
        accountId,
        conversationId: conversation.id,
        identityId: identity.id,
        direction: 'outbound',
        text: 'Your hearing is on Monday',
        status: 'failed',
        failedAt: new Date(),
        error: 'send_outcome_unknown: the process stopped while the provider was sending; check before resending',
      },
    });
    const status = {
      id: wamid('settled'),
      status: 'delivered',
      timestamp: now(),
      recipient_id: phone,
      recipient_user_id: 'US.400',
      biz_opaque_callback_data: message.id,
      conversation: { id: 'c1', origin: { type: 'service' } },
      pricing: { pricing_model: 'PMP', type: 'free_customer_service', category: 'service' },
    } satisfies ServerStatusPayload;
    expect((await post(payload(own.phoneNumberId, { statuses: [status] }))).body).toMatchObject({ recorded: 1, unmatched: 0 });
    const settled = await app.db.prisma.message.findUniqueOrThrow({ where: { id: message.id } });
    expect(settled).toMatchObject({ status: 'delivered', providerMessageId: status.id, error: null });
  });

  it('warns on the account page before the configured Graph API version expires', async () => {
    const main = await admin.get<{ warnings: { code: string; message: string }[] }>(`/api/admin/accounts/${accountId}`);
    // v21.0 (in this account's Graph URL) is retired by Meta on 2027-01-21.
    expect(main.body.warnings).toEqual([{ code: 'graph_api_version_expiring', message: expect.stringContaining('retired by Meta on 2027-01-21') }]);
    const second = await admin.get<{ warnings: unknown[] }>(`/api/admin/accounts/${siblingId}`);
    expect(second.body.warnings).toEqual([]);
  });
});
