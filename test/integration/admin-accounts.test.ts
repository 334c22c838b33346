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

  beforeAll(async () => {
    database = await createTestDatabase();
    app = await startTestMatterline({ databaseUrl: database.url, queue: 'redis' });
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
});
