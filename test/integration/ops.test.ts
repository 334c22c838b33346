import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/logger.js';
import type { RunningMatterline } from '../../src/runtime/start-matterline.js';
import { startMatterline } from '../../src/runtime/start-matterline.js';
import { testEnv, waitFor } from '../support/matterline.js';
import type { TestDatabase } from '../support/test-database.js';
import { createTestDatabase } from '../support/test-database.js';
import type { ApiClient } from './auth-test-client.js';
import { signedIn } from './auth-test-client.js';

const metricsToken = 'test-metrics-token-0123456789abcdef';
// MATTERLINE_TEST_PROMTOOL names another promtool (a test setting).
const promtool = process.env.MATTERLINE_TEST_PROMTOOL ?? '/usr/bin/promtool';
const diagnostics = ['/readyz', '/metrics', '/admin/queues', '/admin/queues/', '/admin/queues/api/queues', '/admin/queues/api/redis/stats'];

// No diagnostic endpoint is ever open: only /healthz answers a stranger, and says nothing but "ok".
describe('operations endpoints', () => {
  let database: TestDatabase;
  let app: RunningMatterline;
  let admin: ApiClient;
  let lawyer: ApiClient;

  beforeAll(async () => {
    database = await createTestDatabase();
    const config = loadConfig({ ...testEnv({ databaseUrl: database.url, queue: 'redis' }), MATTERLINE_METRICS_TOKEN: metricsToken });
    app = await startMatterline(config, createLogger(config));
    admin = await signedIn(app.url!, 'admin@demo.test');
    lawyer = await signedIn(app.url!, 'lawyer@demo.test');
  });
  afterAll(async () => {
    await app?.stop();
    await database?.drop();
  });

  const get = (path: string, headers: Record<string, string> = {}) => fetch(`${app.url}${path}`, { headers, redirect: 'manual' });

  it('answers /healthz to anyone, with nothing but ok', async () => {
    const response = await get('/healthz');
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ok' });
  });

  it.each(diagnostics)('refuses %s without credentials, with a wrong token, and to a signed-in lawyer', async (path) => {
    const stranger = await get(path);
    expect(stranger.status).toBe(401);
    expect(await stranger.json()).toMatchObject({ error: 'unauthenticated' });
    expect((await get(path, { authorization: 'Bearer not-the-token-at-all-0000000000' })).status).toBe(401);
    expect((await get(path, { authorization: `Bearer ${metricsToken}x` })).status).toBe(401);
    expect((await get(path, { authorization: 'Basic YWRtaW46YWRtaW4=' })).status).toBe(401);
    const notAdmin = await lawyer.get<{ error: string }>(path);
    expect(notAdmin.status).toBe(403);
  });

  it('refuses every state-changing request to the queue dashboard, even from an admin', async () => {
    const queue = `${app.config.queuePrefix}-inbound`;
    for (const [method, path] of [
      ['PUT', `/admin/queues/api/queues/${queue}/clean/completed`],
      ['POST', `/admin/queues/api/queues/${queue}/add`],
      ['DELETE', `/admin/queues/api/queues/${queue}/empty`],
    ] as const) {
      expect((await fetch(`${app.url}${path}`, { method })).status).toBe(401);
      expect((await admin.request(method, path, { body: {} })).status).toBe(403);
    }
  });

  it('finds no other diagnostic door open', async () => {
    // (/admin is the inbox's admin page, a static shell that reads the API; the API itself needs a session.)
    for (const path of ['/debug', '/debug/pprof', '/heapdump', '/status', '/health', '/api/debug', '/api/metrics', '/metrics.json']) {
      const response = await get(path);
      expect([401, 404], path).toContain(response.status);
    }
  });

  it('serves readiness and metrics to the bearer token and to an admin', async () => {
    for (const path of ['/readyz', '/metrics']) {
      expect((await get(path, { authorization: `Bearer ${metricsToken}` })).status).toBe(200);
      expect((await get(path, { cookie: admin.cookie! })).status).toBe(200);
    }
    const ready = await admin.get<{ status: string; checks: { name: string; ok: boolean }[] }>('/readyz');
    expect(ready.body.status).toBe('ready');
    expect(ready.body.checks.map((check) => check.name)).toEqual(['postgresql', 'queue (redis)', 'bridges']);
    // A linked phone offline is reported, and the server stays ready (test/unit/readiness.test.ts).
    expect(ready.body.checks.find((check) => check.name === 'bridges')).toMatchObject({ required: false });
    // The dashboard is for admin sessions only, never for the scraper's token.
    expect((await get('/admin/queues', { authorization: `Bearer ${metricsToken}` })).status).toBe(401);
  });

  it('reports messages, queues, latencies, bridges and requests, with no message text or phone number', async () => {
    const inbound = await fetch(`${app.url}/api/simulator/demo/inbound`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ from: '+15550100001', text: 'Metrics probe message' }),
    });
    expect(inbound.status).toBe(202);
    const { conversationId } = (await inbound.json()) as { conversationId: string };
    expect((await lawyer.post(`/api/conversations/${conversationId}/messages`, { text: 'Metrics probe reply' })).status).toBe(202);
    await waitFor(async () => (await app.db.prisma.message.count({ where: { text: 'Metrics probe reply', status: { in: ['sent', 'delivered', 'read'] } } })) === 1, { what: 'the send' });

    // Latencies are counted once a message is two minutes old (settled), from where the last scrape stopped: these
    // two are made two minutes and three seconds old, after every earlier scrape (four seconds ago or more).
    await new Promise((resolve) => setTimeout(resolve, 4000));
    await app.db.pool.query(
      `UPDATE "ProcessedJob" p SET "processedAt" = now() - interval '2 minutes 3 seconds' + (p."processedAt" - m."capturedAt")
         FROM "Message" m WHERE p."jobId" = 'inbound-' || m.id AND m."conversationId" = $1 AND m.direction = 'inbound'`,
      [conversationId],
    );
    await app.db.pool.query(
      `UPDATE "Message" SET "sentAt" = "sentAt" - ("capturedAt" - (now() - interval '2 minutes 3 seconds')), "capturedAt" = now() - interval '2 minutes 3 seconds'
        WHERE "conversationId" = $1`,
      [conversationId],
    );
    const text = await waitFor(async () => {
      const body = await (await get('/metrics', { authorization: `Bearer ${metricsToken}` })).text();
      return /^matterline_send_latency_seconds_count [1-9]/m.test(body) && /^matterline_inbound_processing_latency_seconds_count [1-9]/m.test(body) ? body : null;
    }, { what: 'fresh metrics', timeoutMs: 30_000 });
    expect(text).toMatch(/^matterline_messages_captured_total\{channel="simulator",direction="inbound"\} [1-9]/m);
    expect(text).toMatch(/^matterline_messages_sent_total\{channel="simulator"\} [1-9]/m);
    expect(text).toMatch(new RegExp(`^matterline_queue_jobs\\{queue="inbound",state="waiting"\\} \\d+`, 'm'));
    expect(text).toMatch(/^matterline_queue_jobs\{queue="send-account-demo",state="delayed"\} \d+/m);
    expect(text).toMatch(/^matterline_bridge_state\{account_id="demo",channel="simulator",state="connected"\} 1$/m);
    expect(text).toMatch(/^matterline_inbound_processing_latency_seconds_bucket\{le="120"\} [1-9]/m);
    expect(text).toMatch(/^matterline_send_latency_seconds_bucket\{le="0.005"\} \d+$/m);
    expect(text).not.toMatch(/quantile=/);
    expect(text).toMatch(/^matterline_http_request_duration_seconds_bucket\{le="[\d.]+",method="POST",route="\/api\/conversations\/:id\/messages",status="202"\} [1-9]/m);
    expect(text).toMatch(/^matterline_process_resident_memory_bytes \d+/m);
    expect(text).not.toContain('Metrics probe');
    expect(text).not.toMatch(/5550100001/);
    expect(text).not.toContain(conversationId);
    // The counts only grow: a second scrape counts nothing twice.
    const again = await (await get('/metrics', { authorization: `Bearer ${metricsToken}` })).text();
    const count = (body: string) => Number(/^matterline_send_latency_seconds_count (\d+)/m.exec(body)?.[1]);
    expect(count(again)).toBe(count(text));

    // Prometheus' own checker has nothing to say (Debian's prometheus package; .ci/run installs it).
    if (!existsSync(promtool)) throw new Error(`promtool is not at ${promtool}: apt-get install -y prometheus (.ci/run does)`);
    const checked = spawnSync(promtool, ['check', 'metrics'], { input: again, encoding: 'utf8' });
    expect(`${checked.stdout}${checked.stderr}`.trim()).toBe('');
    expect(checked.status).toBe(0);
  });

  it('shows admins the queues on Bull Board', async () => {
    const page = await get('/admin/queues', { cookie: admin.cookie! });
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<!DOCTYPE');
    const queues = await admin.get<{ queues: { name: string; readOnlyMode: boolean }[] }>('/admin/queues/api/queues');
    expect(queues.status).toBe(200);
    const names = queues.body.queues.map((queue) => queue.name);
    expect(names).toEqual(expect.arrayContaining([`${app.config.queuePrefix}-inbound`, `${app.config.queuePrefix}-send`, `${app.config.queuePrefix}-webhook`]));
    expect(queues.body.queues.every((queue) => queue.readOnlyMode)).toBe(true);
  });
});
