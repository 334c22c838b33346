import { readFileSync } from 'node:fs';
import path from 'node:path';
import { generate } from 'otplib';
import { sealTotpSecrets } from '../../src/core/auth/totp-credential.js';
import { createKeyring } from '../../src/core/crypto/secret-box.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningMatterline } from '../../src/runtime/start-matterline.js';
import { startTestMatterline } from '../support/matterline.js';
import type { TestDatabase } from '../support/test-database.js';
import { createTestDatabase } from '../support/test-database.js';
import { ApiClient, signedIn } from './auth-test-client.js';

// Optional second factor, with the user's authenticator app played by otplib.
describe('TOTP sign-in', () => {
  let database: TestDatabase;
  let app: RunningMatterline;
  let url: string;
  let secret: string;

  beforeAll(async () => {
    database = await createTestDatabase();
    app = await startTestMatterline({ databaseUrl: database.url, queue: 'redis' });
    url = app.url!;
  });
  afterAll(async () => {
    await app?.stop();
    await database?.drop();
  });

  // A code of the time step `offset` steps from now; the server accepts one step of drift either way.
  const codeAt = (offset: number) => generate({ secret, epoch: Math.floor(Date.now() / 1000) + offset * 30 });

  it('sets up with an otpauth URL and turns on only with a right code', async () => {
    const supervisor = await signedIn(url, 'supervisor@demo.test');
    const setup = await supervisor.post<{ otpauthUrl: string; secret: string }>('/api/auth/totp/setup');
    expect(setup.status).toBe(200);
    expect(setup.body.otpauthUrl).toMatch(/^otpauth:\/\/totp\/Matterline:supervisor%40demo\.test\?.*secret=/);
    secret = setup.body.secret;
    // Not required until proven: sign-in still takes the password alone.
    expect((await new ApiClient(url).login('supervisor@demo.test')).body).toHaveProperty('user');

    const wrong = await supervisor.post('/api/auth/totp/enable', { code: '000000' === (await codeAt(0)) ? '111111' : '000000' });
    expect(wrong.status).toBe(400);
    expect((await supervisor.post('/api/auth/totp/enable', { code: 'abc' })).status).toBe(400);
    const enabled = await supervisor.post('/api/auth/totp/enable', { code: await codeAt(-1) });
    expect(enabled.status).toBe(200);
    // A stolen session cannot swap the second factor.
    expect((await supervisor.post('/api/auth/totp/setup')).status).toBe(409);
    // At rest the secret is sealed: a copy of the database cannot mint codes.
    const stored = await app.db.pool.query<{ totpSecret: string }>(`SELECT "totpSecret" FROM "User" WHERE email = 'supervisor@demo.test'`);
    expect(stored.rows[0]!.totpSecret).not.toContain(secret);
    expect(JSON.parse(stored.rows[0]!.totpSecret)).toMatchObject({ enabled: true, secret: expect.stringMatching(/^v1:[0-9a-f]{8}:/) });
  });

  it('seals a secret stored in the clear before sealing existed, at the next start, and it still signs in', async () => {
    const legacySecret = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP';
    await app.db.pool.query(`UPDATE "User" SET "totpSecret" = $1 WHERE email = 'staff@demo.test'`, [JSON.stringify({ secret: legacySecret, enabled: true })]);
    // What start does (the app's key is the one it generated in its data folder, as on a single machine).
    const key = Buffer.from(readFileSync(path.join(app.config.dataDir, 'secret-key'), 'utf8').trim(), 'hex');
    expect(await sealTotpSecrets(app.db.pool, createKeyring(key))).toBe(1);
    const stored = await app.db.pool.query<{ totpSecret: string }>(`SELECT "totpSecret" FROM "User" WHERE email = 'staff@demo.test'`);
    expect(stored.rows[0]!.totpSecret).not.toContain(legacySecret);
    const client = new ApiClient(url);
    expect((await client.login('staff@demo.test')).body).toMatchObject({ mfaRequired: true });
    const code = await generate({ secret: legacySecret });
    expect((await client.post('/api/auth/totp/verify', { code })).status).toBe(200);
  });

  it('answers the password with mfaRequired and a pending session that can do nothing but finish', async () => {
    const client = new ApiClient(url);
    const login = await client.login('supervisor@demo.test');
    expect(login.status).toBe(200);
    expect(login.body).toEqual({ mfaRequired: true, csrfToken: expect.any(String) });
    expect((await client.get('/api/auth/session')).status).toBe(401);
    expect((await client.get('/api/conversations')).status).toBe(401);
    expect((await client.get('/api/matters')).status).toBe(401);

    const pendingCookie = client.cookie;
    expect((await client.post('/api/auth/totp/verify', { code: '12345' })).status).toBe(400);
    expect((await client.post('/api/auth/totp/verify', { code: await codeAt(0) }, { csrf: false })).status).toBe(403);
    const used = await codeAt(0);
    const verified = await client.post<{ user: { email: string }; csrfToken: string }>('/api/auth/totp/verify', { code: used });
    expect(verified.status).toBe(200);
    expect(verified.body.user.email).toBe('supervisor@demo.test');
    // A new session replaced the pending one: new cookie, new CSRF token, the old cookie is dead.
    expect(client.cookie).not.toBe(pendingCookie);
    client.csrfToken = verified.body.csrfToken;
    expect((await client.get('/api/conversations')).status).toBe(200);
    const stale = new ApiClient(url);
    stale.cookie = pendingCookie;
    expect((await stale.get('/api/auth/session')).status).toBe(401);

    // The same code cannot be replayed in a second sign-in.
    const replay = new ApiClient(url);
    await replay.login('supervisor@demo.test');
    expect((await replay.post('/api/auth/totp/verify', { code: used })).status).toBe(401);
    expect((await replay.post('/api/auth/totp/verify', { code: await codeAt(1) })).status).toBe(200);
  });

  it('slows wrong codes from one address like wrong passwords, without locking the account', async () => {
    const wrongCodes = `SELECT 1 FROM "AuditEvent" WHERE action = 'auth.login_failed' AND details->>'reason' = 'wrong_totp_code'`;
    const before = (await app.db.pool.query(wrongCodes)).rowCount ?? 0;
    const client = new ApiClient(url);
    await client.login('supervisor@demo.test');
    const statuses: number[] = [];
    for (let attempt = 0; attempt < 7; attempt++) {
      const code = String(100000 + attempt);
      statuses.push((await client.post('/api/auth/totp/verify', { code })).status);
    }
    // Five free failures, the sixth sets a wait, the seventh waits (and is not checked, so not counted).
    expect(statuses).toEqual([401, 401, 401, 401, 401, 401, 429]);
    expect((await app.db.pool.query(wrongCodes)).rowCount).toBe(before + 6);
    // The password step is not held up, and the account is not locked.
    expect((await new ApiClient(url).login('supervisor@demo.test')).status).toBe(200);
  });
});

describe('the per-address limit on failed sign-ins', () => {
  let database: TestDatabase;
  let app: RunningMatterline;

  beforeAll(async () => {
    database = await createTestDatabase();
    app = await startTestMatterline({ databaseUrl: database.url, queue: 'redis' });
  });
  afterAll(async () => {
    await app?.stop();
    await database?.drop();
  });

  it('slows an address after 20 failures across many emails, while successes do not count', async () => {
    for (let n = 0; n < 5; n++) expect((await new ApiClient(app.url!).login('lawyer@demo.test')).status).toBe(200);
    const statuses: number[] = [];
    for (let n = 0; n < 22; n++) statuses.push((await new ApiClient(app.url!).login(`guess${n}@demo.test`, 'password')).status);
    expect(statuses.slice(0, 21).every((status) => status === 401)).toBe(true);
    expect(statuses[21]).toBe(429);
    const refused = await new ApiClient(app.url!).login('lawyer@demo.test');
    expect(refused.status).toBe(429);
    expect(refused.body).toMatchObject({ error: 'rate_limited' });
  });
});
