import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyAuditChain } from '../../src/core/audit/verify-audit-chain.js';
import type { RunningMatterline } from '../../src/runtime/start-matterline.js';
import { demoPassword, startTestMatterline } from '../support/matterline.js';
import type { TestDatabase } from '../support/test-database.js';
import { createTestDatabase } from '../support/test-database.js';
import { ApiClient, signedIn } from './auth-test-client.js';

// Signing in, staying signed in, and signing out, as a browser does it.
describe('sessions, CSRF, sign-in throttling and user administration', () => {
  let database: TestDatabase;
  let app: RunningMatterline;
  let url: string;

  beforeAll(async () => {
    database = await createTestDatabase();
    // Behind a proxy on this machine, as a deployment with TLS in front is: its X-Forwarded-* headers are believed.
    app = await startTestMatterline({ databaseUrl: database.url, queue: 'redis', extraEnv: { MATTERLINE_TRUST_PROXY: 'loopback' } });
    url = app.url!;
  });
  afterAll(async () => {
    await app?.stop();
    await database?.drop();
  });

  const auditActions = async (userEmail: string) =>
    (
      await app.db.pool.query<{ action: string }>(
        `SELECT a.action FROM "AuditEvent" a LEFT JOIN "User" u ON u.id = a."subjectId" OR u.id = a."actorUserId"
          WHERE u.email = $1 OR a.details->>'email' = $1 ORDER BY a.id`,
        [userEmail],
      )
    ).rows.map((row) => row.action);

  it('signs in with the demo password and sets an httpOnly, SameSite=Lax session cookie without Secure over plain HTTP', async () => {
    const response = await fetch(`${url}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'lawyer@demo.test', password: demoPassword }),
    });
    expect(response.status).toBe(200);
    const body = (await response.json()) as { user: Record<string, unknown>; csrfToken: string };
    expect(body.user).toEqual({ id: expect.any(String), email: 'lawyer@demo.test', name: 'Laura Lawyer', role: 'lawyer' });
    expect(body.csrfToken).toMatch(/^[\w-]{40,}$/);
    const cookie = response.headers.getSetCookie().find((c) => c.startsWith('ml_session='))!;
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Lax/i);
    expect(cookie).not.toMatch(/Secure/i);
    // The record keeps the token's SHA-256, never the token.
    const token = cookie.split(';')[0]!.slice('ml_session='.length);
    const stored = await app.db.pool.query(`SELECT id FROM "Session" WHERE id = encode(sha256($1::bytea), 'hex')`, [token]);
    expect(stored.rowCount).toBe(1);
    expect((await app.db.pool.query(`SELECT 1 FROM "Session" WHERE id = $1`, [token])).rowCount).toBe(0);
  });

  it('marks the cookie Secure when the request came over TLS through the local proxy', async () => {
    const client = new ApiClient(url);
    const response = await client.request('POST', '/api/auth/login', {
      body: { email: 'lawyer@demo.test', password: demoPassword },
      headers: { 'x-forwarded-proto': 'https' },
    });
    expect(response.status).toBe(200);
    expect(response.headers.getSetCookie().find((c) => c.startsWith('ml_session='))).toMatch(/Secure/);
  });

  it('answers the session with the user and CSRF token, and 401 JSON without one', async () => {
    const lawyer = await signedIn(url, 'lawyer@demo.test');
    const session = await lawyer.get<{ user: { email: string }; csrfToken: string }>('/api/auth/session');
    expect(session.status).toBe(200);
    expect(session.body.user.email).toBe('lawyer@demo.test');
    expect(session.body.csrfToken).toBe(lawyer.csrfToken);
    const anonymous = await new ApiClient(url).get('/api/auth/session');
    expect(anonymous.status).toBe(401);
    expect(anonymous.body).toEqual({ error: 'unauthenticated', message: expect.any(String) });
    expect((await new ApiClient(url).get('/api/conversations')).status).toBe(401);
  });

  it('refuses a wrong password and an unknown email alike, and audits both', async () => {
    const wrong = await new ApiClient(url).login('staff@demo.test', 'not the password');
    const unknown = await new ApiClient(url).login('nobody@demo.test', 'not the password');
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect(wrong.body).toEqual(unknown.body);
    expect(await auditActions('staff@demo.test')).toContain('auth.login_failed');
    expect(await auditActions('nobody@demo.test')).toEqual(['auth.login_failed']);
  });

  it('demands the session CSRF token on every state-changing request, except sign-in and the simulator', async () => {
    const lawyer = await signedIn(url, 'lawyer@demo.test');
    const conversations = await lawyer.get<{ items: { id: string }[] }>('/api/conversations');
    const id = conversations.body.items[0]!.id;
    const missing = await lawyer.post(`/api/conversations/${id}/read`, undefined, { csrf: false });
    expect(missing.status).toBe(403);
    expect(missing.body).toMatchObject({ error: 'csrf_failed' });
    const forged = await lawyer.post(`/api/conversations/${id}/read`, undefined, { csrf: 'x'.repeat(43) });
    expect(forged.status).toBe(403);
    // Another session's token is no good either.
    const other = await signedIn(url, 'lawyer@demo.test');
    expect((await lawyer.post(`/api/conversations/${id}/read`, undefined, { csrf: other.csrfToken! })).status).toBe(403);
    expect((await lawyer.post(`/api/conversations/${id}/read`)).status).toBe(200);
    // Without any session a state-changing request is 401: there is nothing to forge.
    expect((await new ApiClient(url).post(`/api/conversations/${id}/read`)).status).toBe(401);
    // The simulator plays a client's phone, not a user.
    const phone = await new ApiClient(url).post('/api/simulator/demo/inbound', { from: '+15550100001', text: 'Hello from the phone' });
    expect(phone.status).toBe(202);
  });

  it('replaces the session a browser had when it signs in again', async () => {
    const lawyer = await signedIn(url, 'lawyer@demo.test');
    const first = lawyer.cookie;
    expect((await lawyer.login('lawyer@demo.test')).status).toBe(200);
    expect(lawyer.cookie).not.toBe(first);
    const stale = new ApiClient(url);
    stale.cookie = first;
    expect((await stale.get('/api/auth/session')).status).toBe(401);
    expect((await lawyer.get('/api/auth/session')).status).toBe(200);
  });

  it('signs out: the session is revoked on the server, so the old cookie is worthless', async () => {
    const lawyer = await signedIn(url, 'lawyer@demo.test');
    const cookie = lawyer.cookie;
    const logout = await lawyer.post('/api/auth/logout');
    expect(logout.status).toBe(204);
    const replay = new ApiClient(url);
    replay.cookie = cookie;
    expect((await replay.get('/api/auth/session')).status).toBe(401);
    expect(await auditActions('lawyer@demo.test')).toEqual(expect.arrayContaining(['auth.login', 'auth.logout']));
  });

  it('ends a session idle for 12 hours and one 7 days old, whatever its use', async () => {
    const idle = await signedIn(url, 'lawyer@demo.test');
    const old = await signedIn(url, 'lawyer@demo.test');
    const idOf = (client: ApiClient) => client.cookie!.slice('ml_session='.length);
    await app.db.pool.query(`UPDATE "Session" SET "lastSeenAt" = now() - interval '12 hours 1 minute' WHERE id = encode(sha256($1::bytea), 'hex')`, [idOf(idle)]);
    await app.db.pool.query(`UPDATE "Session" SET "expiresAt" = now() - interval '1 second' WHERE id = encode(sha256($1::bytea), 'hex')`, [idOf(old)]);
    expect((await idle.get('/api/auth/session')).status).toBe(401);
    expect((await old.get('/api/auth/session')).status).toBe(401);
    const fresh = await signedIn(url, 'lawyer@demo.test');
    await app.db.pool.query(`UPDATE "Session" SET "lastSeenAt" = now() - interval '11 hours' WHERE id = encode(sha256($1::bytea), 'hex')`, [idOf(fresh)]);
    expect((await fresh.get('/api/auth/session')).status).toBe(200);
    // Using it restarted the idle clock.
    const seen = await app.db.pool.query<{ idle: number }>(
      `SELECT extract(epoch FROM now() - "lastSeenAt")::int AS idle FROM "Session" WHERE id = encode(sha256($1::bytea), 'hex')`,
      [idOf(fresh)],
    );
    expect(seen.rows[0]!.idle).toBeLessThan(60);
  });

  it('slows guessing from one address with growing waits, never locking the account: its owner still signs in from hers', async () => {
    const email = 'lawyer2@demo.test';
    const from = (ip: string) => ({ 'x-forwarded-for': ip });
    const attempt = (who: string, ip: string, password: string) =>
      new ApiClient(url).request<{ error: string; message: string; details?: { retryAfterSeconds: number } }>('POST', '/api/auth/login', {
        body: { email: who, password },
        headers: from(ip),
      });
    const run = async (who: string, ip: string) => {
      const answers: { status: number; body: unknown }[] = [];
      for (let n = 0; n < 6; n++) {
        const answer = await attempt(who, ip, `wrong-${n}`);
        answers.push({ status: answer.status, body: answer.body });
      }
      const next = await attempt(who, ip, demoPassword);
      return { answers, next };
    };
    // A stranger at one address: five free failures, the sixth sets a wait, and the right password then waits too.
    const stranger = await run(email, '203.0.113.7');
    expect(stranger.answers.map((a) => a.status)).toEqual([401, 401, 401, 401, 401, 401]);
    expect(stranger.next.status).toBe(429);
    expect(stranger.next.body).toMatchObject({ error: 'rate_limited', details: { retryAfterSeconds: expect.any(Number) } });
    expect(stranger.next.body.details!.retryAfterSeconds).toBeLessThanOrEqual(5);
    // The owner, from her own address, is not held up at all; and nothing about the account was locked.
    expect((await attempt(email, '198.51.100.20', demoPassword)).status).toBe(200);
    const user = await app.db.pool.query(`SELECT "failedLogins", "lockedUntil" FROM "User" WHERE email = $1`, [email]);
    expect(user.rows[0]).toEqual({ failedLogins: 0, lockedUntil: null });
    // Each further failure doubles the wait: 5 s, then 10 s.
    await app.db.pool.query(`UPDATE "SignInThrottle" SET "blockedUntil" = now() - interval '1 second' WHERE key = $1`, [`account:${email}|203.0.113.7`]);
    expect((await attempt(email, '203.0.113.7', 'wrong-again')).status).toBe(401);
    const wait = await app.db.pool.query<{ seconds: number }>(
      `SELECT round(extract(epoch FROM "blockedUntil" - now()))::int AS seconds FROM "SignInThrottle" WHERE key = $1`,
      [`account:${email}|203.0.113.7`],
    );
    expect(wait.rows[0]!.seconds).toBeGreaterThan(5);
    expect(wait.rows[0]!.seconds).toBeLessThanOrEqual(10);
    // An email no one has: the very same answers, so the sequence tells a stranger nothing.
    const nobody = await run('nobody@demo.test', '203.0.113.8');
    expect(nobody.answers).toEqual(stranger.answers);
    expect(nobody.next.status).toBe(429);
    expect(nobody.next.body.message).toBe(stranger.next.body.message);
    expect(await auditActions(email)).toEqual(expect.arrayContaining(['auth.login_failed', 'auth.login_throttled', 'auth.login']));
    expect(await auditActions(email)).not.toContain('auth.account_locked');
  });

  it('slows one address that sprays a password over many emails', async () => {
    const statuses: number[] = [];
    for (let n = 0; n < 22; n++) {
      const answer = await new ApiClient(url).request('POST', '/api/auth/login', {
        body: { email: `guess-${n}@demo.test`, password: 'Summer2026!' },
        headers: { 'x-forwarded-for': '192.0.2.44' },
      });
      statuses.push(answer.status);
    }
    // Twenty free failures for the address, the twenty-first sets a wait, the twenty-second waits.
    expect(statuses.slice(0, 21).every((status) => status === 401)).toBe(true);
    expect(statuses[21]).toBe(429);
    expect((await new ApiClient(url).request('POST', '/api/auth/login', { body: { email: 'lawyer@demo.test', password: demoPassword }, headers: { 'x-forwarded-for': '192.0.2.45' } })).status).toBe(200);
  });

  it('lets an admin invite a user, who sets a password once with the token and signs in', async () => {
    const admin = await signedIn(url, 'admin@demo.test');
    const invited = await admin.post<{ user: { id: string; email: string; role: string }; resetToken: string }>('/api/admin/users', {
      email: 'New.Associate@demo.test',
      name: 'Nina New',
      role: 'lawyer',
    });
    expect(invited.status).toBe(201);
    expect(invited.body.user).toMatchObject({ email: 'new.associate@demo.test', role: 'lawyer' });
    // No password works before the token is used.
    expect((await new ApiClient(url).login('new.associate@demo.test', invited.body.resetToken)).status).toBe(401);
    const anonymous = new ApiClient(url);
    const set = await anonymous.post('/api/auth/password-reset', { token: invited.body.resetToken, password: 'a long new password' });
    expect(set.status).toBe(204);
    expect((await anonymous.post('/api/auth/password-reset', { token: invited.body.resetToken, password: 'another long password' })).status).toBe(400);
    expect((await new ApiClient(url).login('new.associate@demo.test', 'a long new password')).status).toBe(200);
    expect((await admin.post('/api/admin/users', { email: 'new.associate@demo.test', name: 'Again', role: 'staff' })).status).toBe(409);
    const users = await admin.get<{ items: { email: string }[] }>('/api/admin/users');
    expect(users.body.items.map((u) => u.email)).toContain('new.associate@demo.test');
    expect(JSON.stringify(users.body)).not.toMatch(/argon2|reset:/);
  });

  it('lets an admin reset a password: the old one and every session stop working at once', async () => {
    const admin = await signedIn(url, 'admin@demo.test');
    const staff = await signedIn(url, 'staff@demo.test');
    const staffId = (await staff.get<{ user: { id: string } }>('/api/auth/session')).body.user.id;
    const reset = await admin.post<{ resetToken: string }>(`/api/admin/users/${staffId}/reset-password`);
    expect(reset.status).toBe(200);
    expect((await staff.get('/api/auth/session')).status).toBe(401);
    expect((await new ApiClient(url).login('staff@demo.test')).status).toBe(401);
    expect((await new ApiClient(url).post('/api/auth/password-reset', { token: reset.body.resetToken, password: demoPassword })).status).toBe(204);
    expect((await new ApiClient(url).login('staff@demo.test')).status).toBe(200);
    expect(await auditActions('staff@demo.test')).toEqual(expect.arrayContaining(['admin.password_reset', 'auth.password_set']));
  });

  it('lets an admin disable a user: their sessions end and they cannot sign in; only admins administer', async () => {
    const admin = await signedIn(url, 'admin@demo.test');
    const invited = await admin.post<{ user: { id: string }; resetToken: string }>('/api/admin/users', { email: 'leaver@demo.test', name: 'Lee Leaver', role: 'staff' });
    await new ApiClient(url).post('/api/auth/password-reset', { token: invited.body.resetToken, password: 'leaver password 1' });
    const leaver = new ApiClient(url);
    expect((await leaver.login('leaver@demo.test', 'leaver password 1')).status).toBe(200);

    const supervisor = await signedIn(url, 'supervisor@demo.test');
    expect((await supervisor.post(`/api/admin/users/${invited.body.user.id}/disable`)).status).toBe(403);
    expect((await supervisor.get('/api/admin/users')).status).toBe(403);

    const disabled = await admin.post<{ revokedSessions: number }>(`/api/admin/users/${invited.body.user.id}/disable`);
    expect(disabled.status).toBe(200);
    expect(disabled.body.revokedSessions).toBe(1);
    expect((await leaver.get('/api/auth/session')).status).toBe(401);
    const again = await new ApiClient(url).login('leaver@demo.test', 'leaver password 1');
    expect(again.status).toBe(403);
    expect((await admin.post('/api/admin/users/no-such-user/disable')).status).toBe(404);
  });

  it('keeps the audit chain intact through all of the above', async () => {
    const verdict = await verifyAuditChain(app.db.pool);
    expect(verdict.ok).toBe(true);
    expect(verdict.count).toBeGreaterThan(20);
  });
});
