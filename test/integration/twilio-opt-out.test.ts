import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { statusCallbackUrl } from '../../src/bridges/twilio/twilio-config.js';
import { twilioSignature } from '../../src/bridges/twilio/twilio-signature.js';
import type { RunningMatterline } from '../../src/runtime/start-matterline.js';
import type { FakeProvider } from '../bridges/support/fake-provider.js';
import { startFakeProvider } from '../bridges/support/fake-provider.js';
import { messagesApi } from '../bridges/support/twilio-harness.js';
import { startTestMatterline, waitFor } from '../support/matterline.js';
import type { TestDatabase } from '../support/test-database.js';
import { createTestDatabase } from '../support/test-database.js';
import type { ApiClient } from './auth-test-client.js';
import { signedIn } from './auth-test-client.js';

// SMS through Twilio as Twilio behaves: a recipient who texted STOP to the carrier is refused with 21610 (recorded
// as an opt-out with that evidence); Twilio's Advanced Opt-Out answers STOP itself (no second confirmation from us);
// a body over 1,600 characters is refused when the lawyer sends it; a Messaging Service may send in place of From.
describe('Twilio opt-outs, limits and Messaging Services', () => {
  let database: TestDatabase;
  let app: RunningMatterline;
  let provider: FakeProvider;
  let serviceProvider: FakeProvider;
  let admin: ApiClient;
  const accountSid = `AC${'9'.repeat(32)}`;
  const authToken = 'opt-out-test-token';
  const firmNumber = '+15550108888';
  const serviceSid = `MG${'a'.repeat(32)}`;
  const publicUrl = (id: string) => `https://firm.example/webhooks/twilio/${id}`;
  const accounts: Record<string, string> = {};

  const sms = async (account: string, from: string, body: string, sid: string) => {
    const params: [string, string][] = [['MessageSid', sid], ['AccountSid', accountSid], ['From', from], ['To', firmNumber], ['Body', body], ['NumMedia', '0']];
    const response = await fetch(`${app.url}/webhooks/twilio/${account}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': twilioSignature(authToken, publicUrl(account), params) },
      body: new URLSearchParams(params).toString(),
    });
    expect(response.status).toBe(200);
    return app.db.prisma.message.findFirstOrThrow({ where: { providerMessageId: sid } });
  };
  const bodiesTo = (fake: FakeProvider, to: string) =>
    fake.received.map((r) => new URLSearchParams(r.request.body.toString('utf8'))).filter((form) => form.get('To') === to);
  const consentOf = async (address: string) => (await app.db.prisma.contactIdentity.findFirstOrThrow({ where: { address } })).consentState;

  beforeAll(async () => {
    database = await createTestDatabase();
    app = await startTestMatterline({ databaseUrl: database.url, queue: 'redis' });
    admin = await signedIn(app.url!, 'admin@demo.test');
    const refuse = (body: string) => body.startsWith('Refused by the carrier');
    provider = await startFakeProvider(messagesApi({ accountSid, authToken, from: firmNumber, statusCallback: statusCallbackUrl(publicUrl('sms')), refuse }));
    serviceProvider = await startFakeProvider(
      messagesApi({ accountSid, authToken, from: firmNumber, statusCallback: statusCallbackUrl(publicUrl('sms-service')), messagingServiceSid: serviceSid }),
    );
    const firm = await app.db.prisma.firm.findFirstOrThrow();
    for (const [id, fake, extra] of [['sms', provider, {}], ['sms-service', serviceProvider, { messagingServiceSid: serviceSid }]] as const) {
      await app.db.prisma.channelAccount.create({
        data: { id, firmId: firm.id, kind: 'twilio', name: id, config: { accountSid, authToken, phoneNumber: firmNumber, publicUrl: publicUrl(id), apiBaseUrl: fake.url, ...extra } },
      });
      accounts[id] = id;
    }
  });
  afterAll(async () => {
    await app?.stop();
    await provider?.stop();
    await serviceProvider?.stop();
    await database?.drop();
  });

  it('records a STOP, and leaves the confirmation to Twilio (which sends it and refuses any of ours)', async () => {
    const client = '+15550107001';
    await sms('sms', client, 'Hello, is this the law firm?', `SM${'1'.repeat(32)}`);
    await sms('sms', client, 'YES', `SM${'2'.repeat(32)}`);
    const yes = await waitFor(async () => ((await consentOf(client)) === 'opted_in' ? app.db.prisma.message.findFirst({ where: { providerMessageId: `SM${'2'.repeat(32)}` } }) : null), { what: 'the YES' });
    // Everything the YES set going (its confirmation) has reached Twilio before counting.
    await waitFor(
      async () => (await app.db.prisma.message.count({ where: { conversationId: yes.conversationId, direction: 'outbound', status: { in: ['queued', 'sending', 'scheduled'] } } })) === 0,
      { what: 'the confirmation of the YES to be sent' },
    );
    const before = bodiesTo(provider, client).length;
    const stop = await sms('sms', client, 'STOP', `SM${'3'.repeat(32)}`);
    await waitFor(async () => (await consentOf(client)) === 'opted_out', { what: 'the STOP' });
    const evidence = await app.db.prisma.consentEvent.findFirstOrThrow({ where: { messageId: stop.id } });
    expect(evidence).toMatchObject({ source: 'keyword', toState: 'opted_out', text: 'STOP' });
    // Give the worker time to send anything it would have sent: nothing more reaches Twilio for this number.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(bodiesTo(provider, client).length).toBe(before);
    // Nor is one recorded as waiting to go.
    expect(await app.db.prisma.message.count({ where: { conversationId: stop.conversationId, direction: 'outbound', capturedAt: { gt: stop.capturedAt } } })).toBe(0);
  });

  it('records an opt-out at the carrier (Twilio 21610) in the consent ledger with Twilio\'s answer, and sends nothing more', async () => {
    const client = '+15550107002';
    await sms('sms', client, 'Hi', `SM${'4'.repeat(32)}`);
    const yes = await sms('sms', client, 'YES', `SM${'5'.repeat(32)}`);
    await waitFor(async () => (await consentOf(client)) === 'opted_in', { what: 'the YES' });
    const sent = await admin.post<{ id: string }>(`/api/conversations/${yes.conversationId}/messages`, { text: 'Refused by the carrier: your hearing moved' });
    expect(sent.status).toBe(202);
    const failed = await waitFor(async () => {
      const row = await app.db.prisma.message.findUniqueOrThrow({ where: { id: sent.body.id } });
      return row.status === 'failed' ? row : null;
    }, { what: 'the refused send' });
    expect(failed.error).toMatch(/21610/);
    await waitFor(async () => (await consentOf(client)) === 'opted_out', { what: 'the carrier opt-out' });
    const evidence = await app.db.prisma.consentEvent.findFirstOrThrow({ where: { source: 'carrier' } });
    expect(evidence).toMatchObject({ toState: 'opted_out', fromState: 'opted_in', messageId: sent.body.id });
    expect(evidence.note).toMatch(/21610/);
    const again = await admin.post<{ error: string }>(`/api/conversations/${yes.conversationId}/messages`, { text: 'One more thing' });
    expect(again.status).toBe(409);
    expect(again.body.error).toBe('consent_required');
  });

  it('refuses a reply over 1,600 characters when it is sent, saying so', async () => {
    const client = '+15550107003';
    await sms('sms', client, 'Hi', `SM${'6'.repeat(32)}`);
    const yes = await sms('sms', client, 'YES', `SM${'7'.repeat(32)}`);
    await waitFor(async () => (await consentOf(client)) === 'opted_in', { what: 'the YES' });
    const long = await admin.post<{ error: string; message: string }>(`/api/conversations/${yes.conversationId}/messages`, { text: 'x'.repeat(1601) });
    expect(long.status).toBe(400);
    expect(long.body.message).toMatch(/at most 1,600 characters; this one has 1601/);
    expect((await admin.post(`/api/conversations/${yes.conversationId}/messages`, { text: 'y'.repeat(1600) })).status).toBe(202);
  });

  it('sends through a Messaging Service in place of the number', async () => {
    const client = '+15550107004';
    await sms('sms-service', client, 'Hi', `SM${'8'.repeat(32)}`);
    await sms('sms-service', client, 'YES', `SM${'9'.repeat(32)}`);
    const confirmation = await waitFor(async () => bodiesTo(serviceProvider, client).find((form) => form.get('MessagingServiceSid') === serviceSid) ?? null, {
      what: 'a send through the Messaging Service',
    });
    expect(confirmation.get('From')).toBeNull();
    const accepted = serviceProvider.received.filter((r) => new URLSearchParams(r.request.body.toString('utf8')).get('To') === client);
    expect(accepted.every((r) => r.answer.status === 201)).toBe(true);
  });
});
