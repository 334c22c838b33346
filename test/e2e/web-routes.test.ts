import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningMatterline } from '../../src/runtime/start-matterline.js';
import { signedIn } from '../integration/auth-test-client.js';
import { startTestMatterline } from '../support/matterline.js';
import type { TestDatabase } from '../support/test-database.js';
import { createTestDatabase } from '../support/test-database.js';

// How the inbox's pages are served (CSP, caching, client-side routes) and the reads only the pages use, over HTTP.
describe('serving the web inbox', () => {
  let database: TestDatabase;
  let app: RunningMatterline;
  let baseUrl: string;

  beforeAll(async () => {
    database = await createTestDatabase();
    app = await startTestMatterline({ databaseUrl: database.url, queue: 'redis' });
    baseUrl = app.url!;
  });
  afterAll(async () => {
    await app?.stop();
    await database?.drop();
  });

  it('serves the page with a strict CSP and revalidated caching, for every client-side route', async () => {
    for (const path of ['/', '/sign-in', '/inbox', '/inbox/abc-123', '/conversations/abc-123', '/triage', '/admin', '/admin/templates']) {
      const page = await fetch(`${baseUrl}${path}`);
      expect(page.status, path).toBe(200);
      expect(page.headers.get('content-type')).toMatch(/^text\/html/);
      expect(await page.text()).toContain('<script type="module" src="/assets/app.js"></script>');
      const csp = page.headers.get('content-security-policy') ?? '';
      expect(csp).toContain("default-src 'none'");
      expect(csp).toContain("script-src 'self'");
      expect(csp).not.toMatch(/unsafe-inline|unsafe-eval/);
      expect(page.headers.get('x-frame-options')).toBe('DENY');
      expect(page.headers.get('cache-control')).toBe('no-cache');
    }
    // The app, compiled from its TypeScript components at start: one module, no inline script.
    const script = await fetch(`${baseUrl}/assets/app.js`);
    expect(script.status).toBe(200);
    expect(script.headers.get('content-type')).toMatch(/javascript/);
    expect(script.headers.get('cache-control')).toBe('no-cache');
    const etag = script.headers.get('etag');
    expect(etag).toMatch(/^(W\/)?"[^"]+"$/);
    // A browser revalidating (fetch() itself would add "cache-control: no-cache" and force a full answer).
    const again = await fetch(`${baseUrl}/assets/app.js`, { headers: { 'if-none-match': etag!, 'cache-control': 'max-age=0' } });
    expect(again.status).toBe(304);
    // Not a page, not a file: the API's 404 for a program, the app's "not found" page (status 404) for a browser.
    const missing = await fetch(`${baseUrl}/no-such-file.js`);
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({ error: 'not_found' });
    const unknownPage = await fetch(`${baseUrl}/no/such/page`, { headers: { accept: 'text/html,application/xhtml+xml,*/*;q=0.8' } });
    expect(unknownPage.status).toBe(404);
    expect(unknownPage.headers.get('content-type')).toMatch(/^text\/html/);
    expect(unknownPage.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(await unknownPage.text()).toContain('src="/assets/app.js"');
    expect((await fetch(`${baseUrl}/api/no-such-route`)).status).toBe(404);
  });

  it('tells the composer the gates of a conversation the viewer may see, and 404 for one she may not', async () => {
    const lawyer = await signedIn(baseUrl, 'lawyer@demo.test');
    const alice = await app.db.prisma.conversation.findFirstOrThrow({ where: { externalId: '+15550100001' } });
    const bob = await app.db.prisma.conversation.findFirstOrThrow({ where: { externalId: '+15550100002' } });
    expect((await fetch(`${baseUrl}/api/conversations/${alice.id}/composer`)).status).toBe(401);
    expect((await lawyer.get(`/api/conversations/${bob.id}/composer`)).status).toBe(404);
    expect((await lawyer.get('/api/conversations/no-such-id/composer')).status).toBe(404);

    // Open every day, all day: nothing held.
    await app.db.prisma.businessHours.updateMany({ data: { weekly: Object.fromEntries(['1', '2', '3', '4', '5', '6', '7'].map((d) => [d, [['00:00', '24:00']]])) } });
    const open = await lawyer.get(`/api/conversations/${alice.id}/composer`);
    expect(open.status).toBe(200);
    expect(open.body).toMatchObject({
      consent: { state: 'opted_in', mayReceive: true, reason: null, nextRequestAt: null },
      office: { hoursSet: true, open: true, nextOpening: null, timeZone: 'America/New_York', defaultWhenClosed: 'send_now' },
      window: { applies: false, open: true, closesAt: null },
      templates: { sendable: false },
    });
    // Closed on every day but one: closed now (or soon open), with the next opening given.
    await app.db.prisma.businessHours.updateMany({ data: { weekly: {} } });
    const closed = await lawyer.get<{ office: { open: boolean; nextOpening: string | null } }>(`/api/conversations/${alice.id}/composer`);
    expect(closed.body.office).toMatchObject({ open: false, nextOpening: null });
  });

  it('lists the matters intake may file under for staff and admins only', async () => {
    const staff = await signedIn(baseUrl, 'staff@demo.test');
    const matters = await staff.get<{ items: { number: string; clientName: string }[] }>('/api/intake/matters');
    expect(matters.status).toBe(200);
    expect(matters.body.items.map((m) => [m.number, m.clientName])).toEqual([
      ['M-0001', 'Alice Avery'],
      ['M-0002', 'Bob Brennan'],
      ['M-0003', 'María García'],
    ]);
    for (const email of ['lawyer@demo.test', 'supervisor@demo.test']) {
      const other = await signedIn(baseUrl, email);
      expect((await other.get('/api/intake/matters')).status, email).toBe(403);
    }
    expect((await fetch(`${baseUrl}/api/intake/matters`)).status).toBe(401);
  });

  it('draws an account\'s linking QR code for the firm\'s admin only', async () => {
    const admin = await signedIn(baseUrl, 'admin@demo.test');
    expect((await admin.request('GET', '/api/admin/accounts/demo/qr.svg')).status).toBe(404);
    await app.db.prisma.channelAccount.update({ where: { id: 'demo' }, data: { qrCode: '2@qr-for-the-test' } });
    const qr = await fetch(`${baseUrl}/api/admin/accounts/demo/qr.svg`, { headers: { cookie: admin.cookie! } });
    expect(qr.status).toBe(200);
    expect(qr.headers.get('content-type')).toMatch(/^image\/svg\+xml/);
    expect(qr.headers.get('cache-control')).toBe('no-store');
    expect(await qr.text()).toMatch(/^<svg/);
    const lawyer = await signedIn(baseUrl, 'lawyer@demo.test');
    expect((await fetch(`${baseUrl}/api/admin/accounts/demo/qr.svg`, { headers: { cookie: lawyer.cookie! } })).status).toBe(403);
  });
});
