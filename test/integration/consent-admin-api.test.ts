import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningMatterline } from '../../src/runtime/start-matterline.js';
import { startTestMatterline, waitFor } from '../support/matterline.js';
import type { TestDatabase } from '../support/test-database.js';
import { createTestDatabase } from '../support/test-database.js';
import type { ApiClient } from './auth-test-client.js';
import { signedIn } from './auth-test-client.js';

// The firm's admin sets templates, hours and policies; lawyers meet the consent gate in the inbox API.
describe('consent and hours through the API', () => {
  let database: TestDatabase;
  let app: RunningMatterline;
  let admin: ApiClient;
  let lawyer: ApiClient;
  let supervisor: ApiClient;

  beforeAll(async () => {
    database = await createTestDatabase();
    app = await startTestMatterline({ databaseUrl: database.url, queue: 'redis' });
    admin = await signedIn(app.url!, 'admin@demo.test');
    lawyer = await signedIn(app.url!, 'lawyer@demo.test');
    supervisor = await signedIn(app.url!, 'supervisor@demo.test');
  });
  afterAll(async () => {
    await app?.stop();
    await database?.drop();
  });

  const inbound = async (from: string, text: string, sentAt = '2026-11-18T15:00:00Z') => {
    const response = await fetch(`${app.url}/api/simulator/demo/inbound`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ from, text, sentAt }),
    });
    expect(response.status).toBe(202);
    const body = (await response.json()) as { id: string; conversationId: string };
    await waitFor(
      async () => (await app.db.pool.query(`SELECT 1 FROM "ProcessedJob" WHERE "jobId" = $1`, [`inbound-${body.id}`])).rowCount === 1,
      { what: 'processing' },
    );
    return body;
  };
  const phone = async (address: string) => {
    await waitFor(
      async () => (await app.db.pool.query(`SELECT 1 FROM "Message" WHERE direction = 'outbound' AND status IN ('queued', 'sending')`)).rowCount === 0,
      { what: 'sends to finish' },
    );
    return ((await (await fetch(`${app.url}/api/simulator/demo/phones/${address}`)).json()) as { text: string }[]).map((m) => m.text);
  };

  it('checks template variables when the admin saves one, and uses the saved text', async () => {
    const bad = await admin.request<{ error: string; message: string; details: { unknownVariables: string[] } }>('PUT', '/api/admin/templates/consent_request/en', {
      body: { body: 'Hi {client_nmae}, {frim} here. Reply YES or STOP.' },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.details.unknownVariables).toEqual(['client_nmae', 'frim']);
    const noStop = await admin.request<{ error: string }>('PUT', '/api/admin/templates/consent_request/en', { body: { body: 'May we text you? Reply YES.' } });
    expect(noStop.status).toBe(400);
    expect((await lawyer.request('PUT', '/api/admin/templates/consent_request/en', { body: { body: 'x STOP' } })).status).toBe(403);

    const good = await admin.request('PUT', '/api/admin/templates/consent_request/en', {
      body: { body: '{firm} here. May we reply on WhatsApp? Reply YES, or STOP to opt out.' },
    });
    expect(good.status).toBe(200);
    await inbound('+15558880001', 'Hello, I need a lawyer');
    expect(await phone('+15558880001')).toEqual(['Demo Law LLP here. May we reply on WhatsApp? Reply YES, or STOP to opt out.']);
  });

  it('validates office hours and settings before saving them', async () => {
    const badZone = await admin.request<{ error: string; message: string }>('PUT', '/api/admin/business-hours', {
      body: { timeZone: 'EST', weekly: { '1': [['09:00', '17:00']] }, closures: [] },
    });
    expect(badZone.status).toBe(400);
    expect(badZone.body.message).toMatch(/timeZone/);
    const overlap = await admin.request('PUT', '/api/admin/business-hours', {
      body: { timeZone: 'Europe/Madrid', weekly: { '1': [['09:00', '14:00'], ['13:00', '18:00']] }, closures: [] },
    });
    expect(overlap.status).toBe(400);
    const good = await admin.request('PUT', '/api/admin/business-hours', {
      body: { timeZone: 'America/New_York', weekly: Object.fromEntries(['1', '2', '3', '4', '5'].map((d) => [d, [['09:00', '17:30']]])), closures: [{ from: '2026-12-24', to: '2026-12-26', label: 'Holidays' }] },
    });
    expect(good.status).toBe(200);
    expect((await admin.get<{ closures: unknown[] }>('/api/admin/business-hours')).body.closures).toHaveLength(1);

    // An account's own hours, then back to the firm's: removed, audited, and the firm's own never removable.
    const hours = { timeZone: 'Europe/Madrid', weekly: { '6': [['10:00', '14:00']] }, closures: [] };
    expect((await admin.request('PUT', '/api/admin/business-hours?accountId=demo', { body: hours })).status).toBe(200);
    expect((await admin.get<{ timeZone: string }>('/api/admin/business-hours?accountId=demo')).body.timeZone).toBe('Europe/Madrid');
    expect((await admin.request('DELETE', '/api/admin/business-hours?accountId=demo')).status).toBe(204);
    expect((await admin.get('/api/admin/business-hours?accountId=demo')).status).toBe(404);
    const again = await admin.request<{ message: string }>('DELETE', '/api/admin/business-hours?accountId=demo');
    expect(again.status).toBe(404);
    expect(again.body.message).toContain('already uses the firm');
    expect((await admin.request('DELETE', '/api/admin/business-hours')).status).toBe(400);
    expect((await admin.get('/api/admin/business-hours')).status).toBe(200);
    const removedEvents = await app.db.prisma.auditEvent.count({ where: { action: 'business_hours.removed' } });
    expect(removedEvents).toBe(1);

    const badOnCall = await admin.request('PATCH', '/api/admin/settings', { body: { onCallUserId: 'nobody' } });
    expect(badOnCall.status).toBe(400);
    const unknownSetting = await admin.request('PATCH', '/api/admin/settings', { body: { sendEverything: true } });
    expect(unknownSetting.status).toBe(400);
    const settings = await admin.request<{ consentRequestMode: string }>('PATCH', '/api/admin/settings', { body: { consentRequestMode: 'manual' } });
    expect(settings.body.consentRequestMode).toBe('manual');
  });

  it('answers 409 consent_required with the state when a lawyer writes to a client who opted out; the phone gets nothing', async () => {
    await inbound('+15550100001', 'STOP');
    const before = await phone('+15550100001');
    const conversation = await app.db.prisma.conversation.findFirstOrThrow({ where: { externalId: '+15550100001' } });
    const refused = await lawyer.post<{ error: string; state: string }>(`/api/conversations/${conversation.id}/messages`, { text: 'Are you there?' });
    expect(refused.status).toBe(409);
    expect(refused.body).toMatchObject({ error: 'consent_required', state: 'opted_out' });
    expect(await phone('+15550100001')).toEqual(before);
    // The record shows how consent changed, with its evidence.
    const consent = await lawyer.get<{ state: string; events: { to: string; source: string; text: string | null }[] }>(
      `/api/conversations/${conversation.id}/consent`,
    );
    expect(consent.body.state).toBe('opted_out');
    expect(consent.body.events.at(-1)).toMatchObject({ to: 'opted_out', source: 'keyword', text: 'STOP' });
    const walled = await supervisor.get(`/api/conversations/${(await app.db.prisma.conversation.findFirstOrThrow({ where: { externalId: '+15550100002' } })).id}/consent`);
    expect(walled.status).toBe(404);
    const stored = await app.db.prisma.message.count({ where: { conversationId: conversation.id, text: 'Are you there?' } });
    expect(stored).toBe(0);
  });

  it('lets a lawyer send the consent request by hand in manual mode, once a day', async () => {
    // Manual mode (set above): a new number is not asked automatically.
    const { conversationId } = await inbound('+15558880002', 'Hi there');
    expect(await phone('+15558880002')).toEqual([]);
    // Triage belongs to staff and admins; the admin sends it here.
    const sent = await admin.post<{ messageId: string }>(`/api/conversations/${conversationId}/consent-request`);
    expect(sent.status).toBe(202);
    expect(await phone('+15558880002')).toHaveLength(1);
    const again = await admin.post<{ error: string }>(`/api/conversations/${conversationId}/consent-request`);
    expect(again.status).toBe(429);
    await admin.request('PATCH', '/api/admin/settings', { body: { consentRequestMode: 'automatic' } });
  });

  it('lets a supervisor block a number in one step, with a reason; a lawyer may not', async () => {
    const conversation = await app.db.prisma.conversation.findFirstOrThrow({ where: { externalId: '+34600100003' } });
    expect((await lawyer.post(`/api/conversations/${conversation.id}/block`, { reason: 'stolen phone' })).status).toBe(403);
    const noReason = await supervisor.post(`/api/conversations/${conversation.id}/block`, {});
    expect(noReason.status).toBe(400);
    const blocked = await supervisor.post(`/api/conversations/${conversation.id}/block`, { reason: 'client reported the phone stolen' });
    expect(blocked.status).toBe(200);
    const refused = await lawyer.post<{ error: string; state: string }>(`/api/conversations/${conversation.id}/messages`, { text: 'Hola María' });
    expect(refused.body).toMatchObject({ error: 'consent_required', state: 'blocked' });
    const audit = await app.db.prisma.auditEvent.findFirst({ where: { action: 'contact.blocked' } });
    expect(audit?.details).toEqual({ reason: 'client reported the phone stolen' });
  });
});
