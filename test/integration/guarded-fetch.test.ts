import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/logger.js';
import { createGuardedFetcher, isFetchRefused, refusedAddress, parseFetchAllowList } from '../../src/net/guarded-fetch.js';
import type { RunningMatterline } from '../../src/runtime/start-matterline.js';
import { startMatterline } from '../../src/runtime/start-matterline.js';
import { testEnv, waitFor } from '../support/matterline.js';
import type { TestDatabase } from '../support/test-database.js';
import { createTestDatabase } from '../support/test-database.js';
import { signedIn } from './auth-test-client.js';

// Server-side request forgery: a URL from outside the firm must never make Matterline reach its own network. Helper
// servers listen on loopback and count what reaches them; the guard must refuse before any request is sent, unless
// MATTERLINE_FETCH_ALLOW names the address.

interface Helper {
  server: Server;
  port: number;
  requests: IncomingMessage[];
}

async function helper(host: string, answer: (req: IncomingMessage, res: ServerResponse) => void): Promise<Helper> {
  const requests: IncomingMessage[] = [];
  const server = createServer((req, res) => {
    requests.push(req);
    answer(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  const address = server.address();
  return { server, port: typeof address === 'object' && address ? address.port : 0, requests };
}

const refusal = async (promise: Promise<unknown>): Promise<string> =>
  promise.then(
    () => 'fetched',
    (error: unknown) => (isFetchRefused(error) ? `refused: ${(error as Error).message}` : `other: ${(error as Error).message}`),
  );

describe('which addresses the guard refuses (ipaddr.js ranges)', () => {
  const none = parseFetchAllowList([]);
  it.each([
    ['127.0.0.1', 'loopback'],
    ['127.255.0.9', 'loopback'],
    ['::1', 'loopback'],
    ['10.1.2.3', 'private'],
    ['172.16.0.1', 'private'],
    ['192.168.1.20', 'private'],
    ['169.254.169.254', 'link-local'],
    ['fe80::1', 'link-local'],
    ['100.64.0.1', 'carrier-grade NAT'],
    ['fd00::5', 'unique-local'],
    ['224.0.0.1', 'multicast'],
    ['ff02::1', 'multicast'],
    ['0.0.0.0', 'unspecified'],
    ['::', 'unspecified'],
    ['255.255.255.255', 'broadcast'],
    ['::ffff:127.0.0.1', 'loopback'],
    ['::ffff:169.254.169.254', 'link-local'],
    ['::ffff:10.0.0.1', 'private'],
  ])('%s is refused (%s)', (address, kind) => {
    expect(refusedAddress(address, none)).toContain(kind);
  });
  it.each(['8.8.8.8', '157.240.1.35', '2a03:2880:f12f:83:face:b00c:0:25de', '::ffff:8.8.8.8'])('%s (public unicast) is allowed', (address) => {
    expect(refusedAddress(address, none)).toBeNull();
  });
  it('allows exactly what MATTERLINE_FETCH_ALLOW names', () => {
    const allow = parseFetchAllowList(['10.20.0.0/16', '127.0.0.1', 'media.firm.internal']);
    expect(refusedAddress('10.20.5.5', allow)).toBeNull();
    expect(refusedAddress('::ffff:10.20.5.5', allow)).toBeNull();
    expect(refusedAddress('10.21.0.1', allow)).toContain('private');
    expect(refusedAddress('127.0.0.1', allow)).toBeNull();
    expect(refusedAddress('127.0.0.2', allow)).toContain('loopback');
    expect(allow.hosts.has('media.firm.internal')).toBe(true);
  });
});

describe('the guarded fetcher against real servers on loopback', () => {
  let target: Helper;
  let second: Helper;
  let redirector: Helper;
  beforeAll(async () => {
    target = await helper('127.0.0.1', (_req, res) => res.writeHead(200, { 'content-type': 'text/plain' }).end('secret of the internal network'));
    // 127.0.0.2 is loopback too (all of 127/8 is on lo): a second host the allow-list does not name.
    second = await helper('127.0.0.2', (_req, res) => res.writeHead(200).end('also internal'));
    redirector = await helper('127.0.0.1', (req, res) => {
      const to = req.url === '/to-second' ? `http://127.0.0.2:${second.port}/x` : `http://localhost:${target.port}/x`;
      res.writeHead(302, { location: to }).end();
    });
  });
  afterAll(async () => {
    for (const h of [target, second, redirector]) await new Promise((resolve) => h?.server.close(resolve));
  });

  it('refuses every spelling of a loopback or private address, and the server receives nothing', async () => {
    const guard = createGuardedFetcher([]);
    const urls = [
      `http://127.0.0.1:${target.port}/`,
      `http://localhost:${target.port}/`,
      `http://[::ffff:127.0.0.1]:${target.port}/`,
      `http://[::ffff:7f00:1]:${target.port}/`,
      `http://2130706433:${target.port}/`,
      `http://0x7f.1:${target.port}/`,
      `http://127.1:${target.port}/`,
      `http://0.0.0.0:${target.port}/`,
      `http://127.0.0.2:${second.port}/`,
    ];
    for (const url of urls) {
      expect(await refusal(guard.fetch(url, { maxBytes: 1024, timeoutMs: 2000 })), url).toMatch(/^refused/);
    }
    expect(await refusal(guard.fetch(`file:///etc/passwd`, { maxBytes: 1024, timeoutMs: 2000 }))).toMatch(/^refused/);
    expect(await refusal(guard.fetch(`gopher://127.0.0.1:${target.port}/`, { maxBytes: 1024, timeoutMs: 2000 }))).toMatch(/^refused/);
    expect(target.requests).toHaveLength(0);
    expect(second.requests).toHaveLength(0);
  });

  it('checks the addresses a name resolves to, not the name (a public-looking name for a private address)', async () => {
    const guard = createGuardedFetcher([]);
    // localhost is a name like any other here: it resolves to loopback, so it is refused before connecting.
    expect(await refusal(guard.fetch(`http://localhost:${target.port}/`, { maxBytes: 1024, timeoutMs: 2000 }))).toMatch(/refused.*loopback/);
    expect(target.requests).toHaveLength(0);
  });

  it('fetches what the allow-list names, by address or by CIDR, and nothing beside it', async () => {
    const byAddress = createGuardedFetcher(['127.0.0.1']);
    const answer = await byAddress.fetch(`http://127.0.0.1:${target.port}/ok`, { maxBytes: 1024, timeoutMs: 2000 });
    expect(answer.status).toBe(200);
    expect(answer.body.toString()).toBe('secret of the internal network');
    expect(target.requests).toHaveLength(1);
    expect(await refusal(byAddress.fetch(`http://127.0.0.2:${second.port}/`, { maxBytes: 1024, timeoutMs: 2000 }))).toMatch(/^refused/);
    expect(second.requests).toHaveLength(0);
    const byRange = createGuardedFetcher(['127.0.0.0/30']);
    expect((await byRange.fetch(`http://127.0.0.2:${second.port}/`, { maxBytes: 1024, timeoutMs: 2000 })).status).toBe(200);
    expect(second.requests).toHaveLength(1);
  });

  it('never follows a redirect to an address it may not reach, and caps size', async () => {
    const before = second.requests.length;
    const guard = createGuardedFetcher(['127.0.0.1']);
    expect(await refusal(guard.fetch(`http://127.0.0.1:${redirector.port}/to-second`, { maxBytes: 1024, timeoutMs: 2000, maxRedirects: 5 }))).toMatch(/^refused/);
    expect(second.requests.length).toBe(before);
    // Without redirects allowed the 3xx itself is the answer (outbound webhooks go where the firm said, nowhere else).
    expect((await guard.fetch(`http://127.0.0.1:${redirector.port}/to-second`, { maxBytes: 1024, timeoutMs: 2000 })).status).toBe(302);
    const small = await refusal(guard.fetch(`http://127.0.0.1:${target.port}/`, { maxBytes: 5, timeoutMs: 2000 }));
    expect(small).toMatch(/larger than|more than/);
  });
});

describe('outbound webhooks to an address inside the firm network', () => {
  let database: TestDatabase;
  let app: RunningMatterline;
  let receiver: Helper;
  beforeAll(async () => {
    database = await createTestDatabase();
    receiver = await helper('127.0.0.1', (_req, res) => res.writeHead(200).end());
    // No allow-list: the deployment default.
    const config = loadConfig({ ...testEnv({ databaseUrl: database.url, queue: 'redis' }), MATTERLINE_FETCH_ALLOW: '', MATTERLINE_WEBHOOK_MAX_ATTEMPTS: '1' });
    app = await startMatterline(config, createLogger(config));
  });
  afterAll(async () => {
    await app?.stop();
    await new Promise((resolve) => receiver?.server.close(resolve));
    await database?.drop();
  });

  it('are refused with the reason in the delivery log, and the receiver gets nothing', async () => {
    const admin = await signedIn(app.url!, 'admin@demo.test');
    const created = await admin.post<{ id: string }>('/api/admin/webhooks', { url: `http://127.0.0.1:${receiver.port}/hook`, events: ['message.captured'] });
    expect(created.status).toBe(201);
    const sent = await fetch(`${app.url}/api/simulator/demo/inbound`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ from: '+15550100001', text: 'Where is my deposit?' }),
    });
    expect(sent.status).toBe(202);
    const delivery = await waitFor(
      async () => {
        const row = await app.db.pool.query<{ state: string; lastError: string | null }>(`SELECT state, "lastError" FROM "WebhookDelivery" WHERE "endpointId" = $1`, [created.body.id]);
        return row.rows[0]?.state === 'failed' ? row.rows[0] : null;
      },
      { what: 'the delivery to fail' },
    );
    expect(delivery.lastError).toMatch(/refused.*loopback/);
    expect(receiver.requests).toHaveLength(0);
  });
});
