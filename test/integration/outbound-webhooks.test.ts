import { createServer } from 'node:http';
import type { Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import type { WebhookEnvelope } from '../../src/core/outbound-webhooks/webhook-events.js';
import { verifyWebhookSignature } from '../../src/core/outbound-webhooks/webhook-signature.js';
import { createLogger } from '../../src/logger.js';
import type { RunningMatterline } from '../../src/runtime/start-matterline.js';
import { startMatterline } from '../../src/runtime/start-matterline.js';
import { testEnv, waitFor } from '../support/matterline.js';
import type { TestDatabase } from '../support/test-database.js';
import { createTestDatabase } from '../support/test-database.js';
import type { ApiClient } from './auth-test-client.js';
import { signedIn } from './auth-test-client.js';

interface Received {
  path: string;
  delivery: string;
  event: string;
  timestamp: string;
  signature: string;
  body: string;
  answered: number;
}

/**
 * The firm's case-management system, played by a local HTTP server: it keeps every request, answers /flaky with 500
 * twice per delivery and then 200, /ok with 200 and /down with 503.
 */
async function startReceiver(): Promise<{ url: string; received: Received[]; server: Server }> {
  const received: Received[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (body += chunk));
    req.on('end', () => {
      const delivery = String(req.headers['x-matterline-delivery']);
      const seen = received.filter((r) => r.delivery === delivery && r.path === req.url).length;
      const answered = req.url === '/down' ? 503 : req.url === '/flaky' && seen < 2 ? 500 : 200;
      received.push({
        path: req.url ?? '',
        delivery,
        event: String(req.headers['x-matterline-event']),
        timestamp: String(req.headers['x-matterline-timestamp']),
        signature: String(req.headers['x-matterline-signature']),
        body,
        answered,
      });
      res.writeHead(answered).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  return { url: `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`, received, server };
}

// Every change a firm's system files arrives signed, once per event, retried until the receiver takes it.
describe('signed outbound webhooks', () => {
  let database: TestDatabase;
  let app: RunningMatterline;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  let admin: ApiClient;
  let lawyer: ApiClient;
  let flaky: { id: string; secret: string };

  const inbound = async (from: string, text: string) => {
    const response = await fetch(`${app.url}/api/simulator/demo/inbound`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ from, text }),
    });
    expect(response.status).toBe(202);
    return (await response.json()) as { id: string; conversationId: string };
  };
  const taken = (path: string, event: string) =>
    receiver.received.filter((r) => r.path === path && r.event === event && r.answered === 200).map((r) => JSON.parse(r.body) as WebhookEnvelope);
  const arrived = async (path: string, event: string, match: (envelope: WebhookEnvelope) => boolean) =>
    waitFor(async () => taken(path, event).find(match), { what: `${event} at ${path}`, timeoutMs: 20_000 });

  beforeAll(async () => {
    database = await createTestDatabase();
    receiver = await startReceiver();
    const config = loadConfig({
      ...testEnv({ databaseUrl: database.url, queue: 'redis' }),
      MATTERLINE_WEBHOOK_RETRY_BASE_MS: '200',
      MATTERLINE_WEBHOOK_MAX_ATTEMPTS: '3',
    });
    app = await startMatterline(config, createLogger(config));
    admin = await signedIn(app.url!, 'admin@demo.test');
    lawyer = await signedIn(app.url!, 'lawyer@demo.test');
    const created = await admin.post<{ id: string; secret: string; events: string[] }>('/api/admin/webhooks', {
      url: `${receiver.url}/flaky`,
      events: ['message.captured', 'consent.changed', 'time_entry.approved', 'conversation.assigned'],
      description: 'Clio bridge',
    });
    expect(created.status).toBe(201);
    expect(created.body.secret).toMatch(/^whsec_/);
    flaky = created.body;
  });
  afterAll(async () => {
    await app?.stop();
    await new Promise((resolve) => receiver?.server.close(resolve));
    await database?.drop();
  });

  it('delivers a captured message signed, and retries with backoff until the receiver takes it (fails twice, then 200)', async () => {
    const sent = await inbound('+15550100001', 'Is my hearing still on Friday?');
    const envelope = await arrived('/flaky', 'message.captured', (e) => (e.data.message as { id: string }).id === sent.id);
    expect(envelope.data).toMatchObject({
      message: { id: sent.id, direction: 'inbound', text: 'Is my hearing still on Friday?' },
      conversation: { id: sent.conversationId, channel: 'simulator' },
      contact: { address: '+15550100001' },
      client: { name: 'Alice Avery' },
      matter: { number: 'M-0001' },
    });
    const attempts = receiver.received.filter((r) => r.delivery === envelope.id);
    expect(attempts.map((r) => r.answered)).toEqual([500, 500, 200]);
    // The same body every time, each attempt signed over its own timestamp with the endpoint's secret.
    expect(new Set(attempts.map((r) => r.body)).size).toBe(1);
    for (const attempt of attempts) {
      expect(verifyWebhookSignature({ secret: flaky.secret, body: attempt.body, signature: attempt.signature, timestamp: attempt.timestamp })).toBe(true);
    }
    // Tampering with the body, a replay an hour later, or another secret all fail the check.
    const first = attempts[0]!;
    expect(verifyWebhookSignature({ secret: flaky.secret, body: first.body.replace('Friday', 'Monday'), signature: first.signature, timestamp: first.timestamp })).toBe(false);
    expect(verifyWebhookSignature({ secret: flaky.secret, body: first.body, signature: first.signature, timestamp: first.timestamp, now: new Date(Date.now() + 3_600_000) })).toBe(false);
    expect(verifyWebhookSignature({ secret: 'whsec_other', body: first.body, signature: first.signature, timestamp: first.timestamp })).toBe(false);
    const log = await admin.get<{ items: { id: string; state: string; attempts: number; log: { status: number; at: string }[] }[] }>(`/api/admin/webhooks/${flaky.id}/deliveries`);
    const delivery = log.body.items.find((d) => d.id === envelope.id)!;
    expect(delivery).toMatchObject({ state: 'delivered', attempts: 3 });
    expect(delivery.log.map((a) => a.status)).toEqual([500, 500, 200]);
    // Backoff on BullMQ: 200 ms before the second attempt, 400 ms before the third (MATTERLINE_WEBHOOK_RETRY_BASE_MS=200).
    const at = delivery.log.map((a) => Date.parse(a.at));
    expect(at[1]! - at[0]!).toBeGreaterThanOrEqual(190);
    expect(at[2]! - at[1]!).toBeGreaterThanOrEqual(390);
    // Settled: the job's outbox row is gone and its ProcessedJob row says it ran.
    expect(await app.db.prisma.outbox.findUnique({ where: { jobId: `webhook-${envelope.id}` } })).toBeNull();
    expect(await app.db.prisma.processedJob.findUnique({ where: { jobId: `webhook-${envelope.id}` } })).not.toBeNull();
  });

  it('reports the firm\'s own message once it has left, with its author', async () => {
    const conversation = await app.db.prisma.conversation.findFirstOrThrow({ where: { externalId: '+15550100001' } });
    const reply = await lawyer.post<{ id: string }>(`/api/conversations/${conversation.id}/messages`, { text: 'Yes, Friday at 10.' });
    expect(reply.status).toBe(202);
    const envelope = await arrived('/flaky', 'message.captured', (e) => (e.data.message as { text: string }).text === 'Yes, Friday at 10.');
    expect(envelope.data).toMatchObject({ message: { direction: 'outbound', author: { email: 'lawyer@demo.test' } }, matter: { number: 'M-0001' } });
    expect(((envelope.data.message as { sentAt: string | null }).sentAt)).not.toBeNull();
  });

  it('reports consent changes with their evidence, and a conversation filed under a matter', async () => {
    const first = await inbound('+15550300001', 'Hello, I was referred to you');
    await arrived('/flaky', 'consent.changed', (e) => (e.data.consent as { to: string }).to === 'requested' && (e.data.contact as { address: string }).address === '+15550300001');
    await inbound('+15550300001', 'YES');
    const optedIn = await arrived('/flaky', 'consent.changed', (e) => (e.data.consent as { to: string }).to === 'opted_in' && (e.data.contact as { address: string }).address === '+15550300001');
    expect(optedIn.data.consent).toMatchObject({ from: 'requested', to: 'opted_in', source: 'keyword', evidence: { text: 'YES' } });

    const matter = await app.db.prisma.matter.findFirstOrThrow({ where: { number: 'M-0001' } });
    const filed = await admin.post(`/api/conversations/${first.conversationId}/assign`, { clientId: matter.clientId, matterId: matter.id });
    expect(filed.status).toBe(200);
    const assigned = await arrived('/flaky', 'conversation.assigned', (e) => (e.data.conversation as { id: string }).id === first.conversationId);
    expect(assigned.data).toMatchObject({ matter: { number: 'M-0001' }, client: { name: 'Alice Avery' }, previousMatterId: null, assignedBy: { email: 'admin@demo.test' } });
  });

  it('reports an approved time entry', async () => {
    const user = await app.db.prisma.user.findFirstOrThrow({ where: { email: 'lawyer@demo.test' } });
    const matter = await app.db.prisma.matter.findFirstOrThrow({ where: { number: 'M-0001' } });
    const entry = await app.db.prisma.timeEntry.create({
      data: { firmId: matter.firmId, userId: user.id, matterId: matter.id, date: new Date('2026-11-18T00:00:00Z'), tenths: 3, narrative: 'Messages with client re hearing date', rateCents: 30000, taskCode: 'L120' },
    });
    const approved = await lawyer.post(`/api/time/entries/${entry.id}/approve`, {});
    expect(approved.status).toBe(200);
    const envelope = await arrived('/flaky', 'time_entry.approved', (e) => (e.data.timeEntry as { id: string }).id === entry.id);
    expect(envelope.data).toMatchObject({
      timeEntry: { date: '2026-11-18', hours: 0.3, amountCents: 9000, narrative: 'Messages with client re hearing date', taskCode: 'L120' },
      timekeeper: { email: 'lawyer@demo.test', timekeeperId: 'TK003' },
      matter: { number: 'M-0001' },
      approvedBy: { email: 'lawyer@demo.test' },
    });
  });

  it('sends each endpoint only its events, nothing to one turned off, and gives up on one that keeps failing', async () => {
    const consentOnly = await admin.post<{ id: string }>('/api/admin/webhooks', { url: `${receiver.url}/ok`, events: ['consent.changed'] });
    const down = await admin.post<{ id: string }>('/api/admin/webhooks', { url: `${receiver.url}/down`, events: ['message.captured'] });
    const off = await admin.post<{ id: string }>('/api/admin/webhooks', { url: `${receiver.url}/off`, events: ['message.captured', 'consent.changed'] });
    expect((await admin.request('PATCH', `/api/admin/webhooks/${off.body.id}`, { body: { active: false } })).status).toBe(200);

    await inbound('+15550300002', 'Hi');
    await arrived('/ok', 'consent.changed', (e) => (e.data.contact as { address: string }).address === '+15550300002');
    // The client's message and the consent request sent back: two deliveries to /down, each tried three times.
    const failed = await waitFor(async () => {
      const log = await admin.get<{ items: { id: string; state: string; attempts: number; log: { status: number }[] }[] }>(`/api/admin/webhooks/${down.body.id}/deliveries`);
      return log.body.items.length === 2 && log.body.items.every((d) => d.state === 'failed') ? log.body.items : null;
    }, { what: 'the deliveries to fail for good', timeoutMs: 20_000 });
    for (const delivery of failed) {
      expect(delivery).toMatchObject({ state: 'failed', attempts: 3 });
      expect(delivery.log.map((a) => a.status)).toEqual([503, 503, 503]);
      expect(await app.db.prisma.outbox.findUnique({ where: { jobId: `webhook-${delivery.id}` } })).toBeNull();
      expect(await app.db.prisma.processedJob.findUnique({ where: { jobId: `webhook-${delivery.id}` } })).not.toBeNull();
    }
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(receiver.received.filter((r) => r.path === '/down')).toHaveLength(6);
    expect(receiver.received.filter((r) => r.path === '/ok').map((r) => r.event)).toEqual(['consent.changed']);
    expect(receiver.received.filter((r) => r.path === '/off')).toEqual([]);
    expect(await app.db.prisma.webhookDelivery.count({ where: { endpointId: off.body.id } })).toBe(0);
    expect(await app.db.prisma.webhookDelivery.count({ where: { endpointId: consentOnly.body.id } })).toBe(1);
  });

  it('lets only admins manage endpoints, and checks them', async () => {
    expect((await lawyer.post('/api/admin/webhooks', { url: 'https://example.test/hook', events: ['consent.changed'] })).status).toBe(403);
    expect((await lawyer.get('/api/admin/webhooks')).status).toBe(403);
    const plain = await admin.post<{ message: string }>('/api/admin/webhooks', { url: 'http://example.test/hook', events: ['consent.changed'] });
    expect(plain.status).toBe(400);
    expect(plain.body.message).toMatch(/https is required/);
    const unknown = await admin.post<{ message: string }>('/api/admin/webhooks', { url: 'https://example.test/hook', events: ['message.deleted'] });
    expect(unknown.status).toBe(400);
    expect(unknown.body.message).toContain('body.events.0');
    const list = await admin.get<{ items: Record<string, unknown>[] }>('/api/admin/webhooks');
    expect(list.body.items.length).toBeGreaterThan(0);
    for (const endpoint of list.body.items) expect(endpoint).not.toHaveProperty('secret');
    // Sealed at rest: the stored value is not the secret.
    const stored = await app.db.prisma.webhookEndpoint.findUniqueOrThrow({ where: { id: flaky.id } });
    expect(stored.secret).not.toContain(flaky.secret);
    expect((await admin.get('/api/admin/webhooks/nope/deliveries')).status).toBe(404);
  });
});
