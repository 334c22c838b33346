import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningMatterline } from '../../src/runtime/start-matterline.js';
import { startTestMatterline } from '../support/matterline.js';
import type { TestDatabase } from '../support/test-database.js';
import { createTestDatabase } from '../support/test-database.js';
import type { ApiClient } from './auth-test-client.js';
import { signedIn } from './auth-test-client.js';

interface Refusal {
  error: string;
  message: string;
  details: {
    reason: string;
    channel: string;
    policy: string;
    findings: { kind: string; label: string }[];
    alternatives: { channel: string; accountName: string; address: string; conversationId: string | null }[];
  };
}

// A lawyer about to text a client a card number, a bank account or a passport scan over a channel the firm counts as
// insecure is warned first; the firm can forbid it; a client's informed agreement is kept as evidence.
describe('sensitive data over an insecure channel', () => {
  let database: TestDatabase;
  let app: RunningMatterline;
  let admin: ApiClient;
  let lawyer: ApiClient;
  let conversationId: string;
  let identityId: string;

  const send = (body: Record<string, unknown>) =>
    lawyer.request<Refusal & { id: string }>('POST', `/api/conversations/${conversationId}/messages`, { body: { idempotencyKey: `s-${randomBytes(4).toString('hex')}`, ...body } });
  const messages = async () => (await app.db.pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM "Message" WHERE "conversationId" = $1`, [conversationId])).rows[0]!.n;
  const settings = (patch: Record<string, unknown>) => admin.request('PATCH', '/api/admin/settings', { body: patch });

  beforeAll(async () => {
    database = await createTestDatabase();
    app = await startTestMatterline({ databaseUrl: database.url, queue: 'redis' });
    [admin, lawyer] = await Promise.all([signedIn(app.url!, 'admin@demo.test'), signedIn(app.url!, 'lawyer@demo.test')]);
    // Alice (opted in on the demo account, M-0001) also writes to the firm's WhatsApp Business number.
    const alice = await app.db.prisma.contactIdentity.findFirstOrThrow({ where: { address: '+15550100001', accountId: 'demo' } });
    identityId = alice.id;
    conversationId = (await app.db.prisma.conversation.findFirstOrThrow({ where: { identityId: alice.id } })).id;
    const account = await app.db.prisma.channelAccount.create({
      data: { firmId: alice.firmId, kind: 'whatsapp_cloud', name: 'WhatsApp Business', state: 'connected', config: {} },
    });
    await app.db.prisma.contactIdentity.create({
      data: { firmId: alice.firmId, accountId: account.id, address: '+15550100001', clientId: alice.clientId, consentState: 'opted_in' },
    });
    // The demo account is a simulator: the firm counts it as insecure here, as it would SMS.
    expect((await settings({ insecureChannels: ['simulator'] })).status).toBe(200);
  });
  afterAll(async () => {
    await app?.stop();
    await database?.drop();
  });

  it('warns before sending a card number, names the secure alternative, stores nothing', async () => {
    const before = await messages();
    const refused = await send({ text: 'Pay the filing fee with the card 4111 1111 1111 1111, exp 12/29' });
    expect(refused.status).toBe(409);
    expect(refused.body.error).toBe('conflict');
    expect(refused.body.message).toContain('a Visa card number ending 1111');
    expect(refused.body.message).toContain('WhatsApp, where the client also writes');
    expect(refused.body.details).toMatchObject({
      reason: 'sensitive_data',
      channel: 'the simulator',
      policy: 'warn',
      findings: [{ kind: 'card_number', label: 'a Visa card number ending 1111' }],
      alternatives: [{ channel: 'WhatsApp', accountName: 'WhatsApp Business', address: '+15550100001' }],
    });
    // The warning never repeats the number.
    expect(JSON.stringify(refused.body)).not.toContain('4111 1111');
    expect(await messages()).toBe(before);
  });

  it('sends once the client agreed, and keeps that informed consent in the ledger with its evidence', async () => {
    const evidence = 'Alice agreed by phone on 6 December to receive her bank details by text';
    const sent = await send({ text: 'Your refund goes to IBAN GB82 WEST 1234 5698 7654 32', sensitiveDataConsent: evidence });
    expect(sent.status).toBe(202);
    const ledger = await app.db.pool.query<{ source: string; fromState: string; toState: string; text: string; note: string; actorUserId: string }>(
      `SELECT source, "fromState", "toState", text, note, "actorUserId" FROM "ConsentEvent" WHERE "identityId" = $1 AND source = 'sensitive_data'`,
      [identityId],
    );
    const laura = await app.db.prisma.user.findUniqueOrThrow({ where: { email: 'lawyer@demo.test' } });
    expect(ledger.rows).toEqual([
      {
        source: 'sensitive_data',
        fromState: 'opted_in',
        toState: 'opted_in',
        text: evidence,
        note: 'The client agreed to receive an IBAN ending 5432 over the simulator, knowing it is not a secure channel.',
        actorUserId: laura.id,
      },
    ]);
    // The contact's consent itself is unchanged.
    expect((await app.db.prisma.contactIdentity.findUniqueOrThrow({ where: { id: identityId } })).consentState).toBe('opted_in');
    // An agreement too short to be evidence is refused as such.
    const vague = await send({ text: 'SSN 123-45-6789', sensitiveDataConsent: 'ok' });
    expect(vague.status).toBe(400);
    expect(vague.body.message).toContain('say how and when the client agreed');
  });

  it('finds identity documents among attached files', async () => {
    const form = new FormData();
    form.set('text', 'The scan you asked for');
    form.set('idempotencyKey', `s-${randomBytes(4).toString('hex')}`);
    form.set('files', new Blob([Buffer.from('%PDF-1.4 scan')], { type: 'application/pdf' }), 'Passport scan.pdf');
    const refused = await lawyer.request<Refusal>('POST', `/api/conversations/${conversationId}/messages`, { form });
    expect(refused.status).toBe(409);
    expect(refused.body.details.findings).toEqual([{ kind: 'identity_document', label: 'an identity document (Passport scan.pdf)' }]);
  });

  it('refuses outright, agreement or not, when the firm forbids it; lets other messages and secure channels through', async () => {
    const before = (await admin.request<Record<string, unknown>>('GET', '/api/admin/settings')).body;
    expect((await settings({ sensitiveDataPolicy: 'forbid' })).status).toBe(200);
    // A PATCH changes what it names and nothing else (the channels stay insecure, retention stays as it was).
    const after = (await admin.request<Record<string, unknown>>('GET', '/api/admin/settings')).body;
    expect(after).toEqual({ ...before, sensitiveDataPolicy: 'forbid' });
    const stored = await messages();
    const forbidden = await send({ text: 'routing 021000021 account 123456789', sensitiveDataConsent: 'Alice insisted on the phone, twice' });
    expect(forbidden.status).toBe(409);
    expect(forbidden.body.details.reason).toBe('sensitive_data_forbidden');
    expect(forbidden.body.message).toContain('The firm does not allow a bank routing number ending 0021; a bank account number ending 6789 over the simulator');
    expect(await messages()).toBe(stored);
    expect((await send({ text: 'See you at the hearing on Tuesday' })).status).toBe(202);
    // Once the firm no longer counts the channel as insecure, the same text goes.
    expect((await settings({ insecureChannels: [], sensitiveDataPolicy: 'warn' })).status).toBe(200);
    expect((await send({ text: 'routing 021000021 account 123456789' })).status).toBe(202);
  });
});
