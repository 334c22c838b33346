import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningMatterline } from '../../src/runtime/start-matterline.js';
import { startTestMatterline, waitFor } from '../support/matterline.js';
import type { TestDatabase } from '../support/test-database.js';
import { createTestDatabase } from '../support/test-database.js';
import type { ApiClient } from './auth-test-client.js';
import { signedIn } from './auth-test-client.js';

// The firm's admin connects channels: secrets are sealed before they are stored, and the channel works with them.
describe('channel accounts for the admin', () => {
  let database: TestDatabase;
  let app: RunningMatterline;
  let admin: ApiClient;
  const secretKey = randomBytes(32).toString('hex');

  beforeAll(async () => {
    database = await createTestDatabase();
    app = await startTestMatterline({ databaseUrl: database.url, queue: 'redis', extraEnv: { MATTERLINE_SECRET_KEY: secretKey } });
    admin = await signedIn(app.url!, 'admin@demo.test');
  });
  afterAll(async () => {
    await app?.stop();
    await database?.drop();
  });

  const cloudConfig = { phoneNumberId: '1234567890', accessToken: 'EAAG-secret-token', appSecret: 'app-secret-1', verifyToken: 'verify-me-please' };

  it('adds a WhatsApp Cloud account with its secrets sealed at rest, and the webhook handshake works', async () => {
    const created = await admin.post<{ id: string }>('/api/admin/accounts', { kind: 'whatsapp-cloud', name: 'Main WhatsApp', config: cloudConfig });
    expect(created.status).toBe(201);
    const stored = await app.db.pool.query<{ config: string }>(`SELECT config::text AS config FROM "ChannelAccount" WHERE id = $1`, [created.body.id]);
    const raw = stored.rows[0]!.config;
    for (const secret of ['EAAG-secret-token', 'app-secret-1', 'verify-me-please']) expect(raw).not.toContain(secret);
    expect(raw).toContain('"$sealed"');
    expect(raw).toContain('1234567890');

    const challenge = await fetch(
      `${app.url}/webhooks/whatsapp-cloud/${created.body.id}?hub.mode=subscribe&hub.verify_token=verify-me-please&hub.challenge=424242`,
    );
    expect(challenge.status).toBe(200);
    expect(await challenge.text()).toBe('424242');
    const wrong = await fetch(`${app.url}/webhooks/whatsapp-cloud/${created.body.id}?hub.mode=subscribe&hub.verify_token=nope&hub.challenge=1`);
    expect(wrong.status).toBe(403);

    const listed = await admin.get<{ id: string; kind: string; state: string }[]>('/api/admin/accounts');
    expect(listed.body.find((a) => a.id === created.body.id)).toMatchObject({ kind: 'whatsapp-cloud', name: 'Main WhatsApp' });
    expect(JSON.stringify(listed.body)).not.toContain('app-secret-1');
  });

  it('names the bad config field, and refuses non-admins', async () => {
    const bad = await admin.post<{ error: string; message: string }>('/api/admin/accounts', {
      kind: 'twilio',
      name: 'SMS',
      config: { accountSid: 'not-a-sid', authToken: 'x', phoneNumber: '+15550000000' },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.message).toMatch(/body\.config\.accountSid/);
    const unknownKind = await admin.post('/api/admin/accounts', { kind: 'telegram', name: 'x', config: {} });
    expect(unknownKind.status).toBe(400);
    const lawyer = await signedIn(app.url!, 'lawyer@demo.test');
    expect((await lawyer.post('/api/admin/accounts', { kind: 'simulator', name: 'x', config: {} })).status).toBe(403);
    expect((await lawyer.get('/api/admin/accounts')).status).toBe(403);
  });

  it('pauses an account (captures go on, sends wait), resumes and removes it', async () => {
    const created = await admin.post<{ id: string }>('/api/admin/accounts', { kind: 'simulator', name: 'Second line', config: {} });
    const id = created.body.id;
    expect((await admin.post<{ state: string }>(`/api/admin/accounts/${id}/pause`, { reason: 'phone at repair' })).body.state).toBe('paused');
    const inbound = await fetch(`${app.url}/api/simulator/${id}/inbound`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ from: '+15551112222', text: 'still captured while paused' }),
    });
    expect(inbound.status).toBe(202);
    // The new number is asked for consent, but the request waits while the account is paused.
    const request = await waitFor(
      async () => app.db.prisma.message.findFirst({ where: { accountId: id, purpose: 'consent_request' } }),
      { what: 'the consent request to be recorded' },
    );
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect((await app.db.prisma.message.findUniqueOrThrow({ where: { id: request.id } })).status).toBe('queued');
    expect((await admin.post<{ state: string }>(`/api/admin/accounts/${id}/resume`, {})).status).toBe(200);
    await waitFor(
      async () => ['sent', 'delivered', 'read'].includes((await app.db.prisma.message.findUniqueOrThrow({ where: { id: request.id } })).status),
      { what: 'the held consent request to go out after resume' },
    );
    expect((await admin.request('DELETE', `/api/admin/accounts/${id}`, { body: { reason: 'line closed' } })).status).toBe(204);
    expect((await admin.get(`/api/admin/accounts/${id}`)).status).toBe(404);
    // The record stays.
    expect(await app.db.prisma.message.count({ where: { accountId: id } })).toBe(2);
    const actions = (await app.db.prisma.auditEvent.findMany({ where: { subjectId: id }, orderBy: { id: 'asc' } })).map((e) => e.action);
    expect(actions).toEqual(['account.added', 'account.paused', 'account.resumed', 'account.removed']);
  });

  it('edits an account\'s settings: secrets kept unless replaced, problems named, the change audited by field name and in force in every process', async () => {
    // A second server on the same database, sharing the secret key, as two instances behind a load balancer.
    const second = await startTestMatterline({ databaseUrl: database.url, queue: 'redis', role: 'server', extraEnv: { MATTERLINE_SECRET_KEY: secretKey } });
    try {
      const created = await admin.post<{ id: string }>('/api/admin/accounts', { kind: 'whatsapp-cloud', name: 'Edited WhatsApp', config: { ...cloudConfig, phoneNumberId: '5550001' } });
      const id = created.body.id;
      const handshake = async (url: string, token: string) => (await fetch(`${url}/webhooks/whatsapp-cloud/${id}?hub.mode=subscribe&hub.verify_token=${token}&hub.challenge=77`)).status;
      // Both servers have the account's bridge running with the first settings.
      expect(await handshake(app.url!, 'verify-me-please')).toBe(200);
      expect(await handshake(second.url!, 'verify-me-please')).toBe(200);

      type Account = { name: string; settings: Record<string, unknown>; secretsSet: string[]; address: string | null };
      const shown = await admin.get<Account>(`/api/admin/accounts/${id}`);
      expect(shown.body.settings).toEqual({ phoneNumberId: '5550001' });
      expect(shown.body.secretsSet).toEqual(['accessToken', 'appSecret', 'verifyToken']);

      const bad = await admin.request<{ message: string }>('PATCH', `/api/admin/accounts/${id}`, { body: { config: { phoneNumberId: 'not digits', accessToken: null } } });
      expect(bad.status).toBe(400);
      expect(bad.body.message).toContain('body.config.phoneNumberId: the phone number id from the WhatsApp Manager (digits)');
      expect(bad.body.message).toContain('body.config.accessToken');
      expect((await admin.request('PATCH', `/api/admin/accounts/${id}`, { body: {} })).status).toBe(400);

      const edited = await admin.request<Account>('PATCH', `/api/admin/accounts/${id}`, { body: { name: 'Front desk WhatsApp', config: { verifyToken: 'a-new-verify-token', graphApiVersion: 'v25.0' } } });
      expect(edited.status).toBe(200);
      expect(edited.body).toMatchObject({ name: 'Front desk WhatsApp', settings: { phoneNumberId: '5550001', graphApiVersion: 'v25.0' } });
      const raw = (await app.db.pool.query<{ config: string }>(`SELECT config::text AS config FROM "ChannelAccount" WHERE id = $1`, [id])).rows[0]!.config;
      expect(raw).not.toContain('a-new-verify-token');
      // The secrets not given are kept: the access token still works for the connection test's request shape.
      expect(edited.body.secretsSet).toEqual(['accessToken', 'appSecret', 'verifyToken']);

      // In force at once where it was changed, and within seconds on the other server.
      expect(await handshake(app.url!, 'a-new-verify-token')).toBe(200);
      expect(await handshake(app.url!, 'verify-me-please')).toBe(403);
      await waitFor(async () => (await handshake(second.url!, 'a-new-verify-token')) === 200, { what: 'the second server to use the new verify token', timeoutMs: 15_000 });
      expect(await handshake(second.url!, 'verify-me-please')).toBe(403);

      // An optional field removed with null; the names of what changed are audited, never a value.
      expect((await admin.request<Account>('PATCH', `/api/admin/accounts/${id}`, { body: { config: { graphApiVersion: null } } })).body.settings).toEqual({ phoneNumberId: '5550001' });
      const events = await app.db.prisma.auditEvent.findMany({ where: { subjectId: id, action: { in: ['account.renamed', 'account.settings_changed'] } }, orderBy: { id: 'asc' } });
      expect(events.map((e) => [e.action, e.details])).toEqual([
        ['account.renamed', { from: 'Edited WhatsApp', to: 'Front desk WhatsApp' }],
        ['account.settings_changed', { fields: ['graphApiVersion', 'verifyToken'] }],
        ['account.settings_changed', { fields: ['graphApiVersion'] }],
      ]);
      expect(JSON.stringify(events.map((e) => e.details))).not.toContain('a-new-verify-token');
    } finally {
      await second.stop();
    }
  });
});
