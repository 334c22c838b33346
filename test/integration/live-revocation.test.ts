import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningMatterline } from '../../src/runtime/start-matterline.js';
import { startTestMatterline, uniquePrefix } from '../support/matterline.js';
import type { TestDatabase } from '../support/test-database.js';
import { createTestDatabase } from '../support/test-database.js';
import type { ApiClient } from './auth-test-client.js';
import { signedIn } from './auth-test-client.js';

// Revocation is immediate everywhere: a live stream (SSE) held by one server process ends within five seconds of
// its session ending, whichever process ended it and however (sign-out, disabled user, password reset, expiry).
describe('revoking a session ends its live streams in every process', () => {
  let database: TestDatabase;
  let first: RunningMatterline;
  let second: RunningMatterline;
  let admin: ApiClient;

  beforeAll(async () => {
    database = await createTestDatabase();
    const prefix = uniquePrefix();
    first = await startTestMatterline({ databaseUrl: database.url, queue: 'redis', prefix });
    second = await startTestMatterline({ databaseUrl: database.url, queue: 'redis', prefix, role: 'server' });
    admin = await signedIn(second.url!, 'admin@demo.test');
  });
  afterAll(async () => {
    await second?.stop();
    await first?.stop();
    await database?.drop();
  });

  /** Opens /api/events on the first process; resolves when the server ends the stream, with how long it took. */
  const openStream = async (client: ApiClient) => {
    const controller = new AbortController();
    const response = await fetch(`${first.url}/api/events`, { headers: { cookie: client.cookie! }, signal: controller.signal });
    expect(response.status).toBe(200);
    const reader = response.body!.getReader();
    let text = '';
    const ended = (async () => {
      for (;;) {
        const chunk = await reader.read();
        if (chunk.done) return text;
        text += Buffer.from(chunk.value).toString('utf8');
      }
    })();
    await new Promise((resolve) => setTimeout(resolve, 200));
    return {
      /** Milliseconds from now until the server closed the stream; fails the test after 8 s. */
      async closedWithin(): Promise<{ ms: number; text: string }> {
        const started = Date.now();
        const timeout = new Promise<never>((_resolve, reject) =>
          setTimeout(() => {
            controller.abort();
            reject(new Error('the stream was still open after 8 s'));
          }, 8000),
        );
        const body = await Promise.race([ended, timeout]);
        return { ms: Date.now() - started, text: body };
      },
      abort: () => controller.abort(),
    };
  };

  it('sign-out in another process', async () => {
    const lawyer = await signedIn(first.url!, 'lawyer@demo.test');
    const stream = await openStream(lawyer);
    const signOut = await fetch(`${second.url}/api/auth/logout`, { method: 'POST', headers: { cookie: lawyer.cookie!, 'x-csrf-token': lawyer.csrfToken! } });
    expect(signOut.status).toBe(204);
    const closed = await stream.closedWithin();
    expect(closed.ms).toBeLessThan(5000);
    expect(closed.text).toContain('event: session.ended');
    expect((await fetch(`${first.url}/api/events`, { headers: { cookie: lawyer.cookie! } })).status).toBe(401);
  });

  it('a disabled user, a password reset, and an expired session', async () => {
    const laura = await first.db.prisma.user.findUniqueOrThrow({ where: { email: 'lawyer@demo.test' } });
    const leo = await first.db.prisma.user.findUniqueOrThrow({ where: { email: 'lawyer2@demo.test' } });

    const reset = await openStream(await signedIn(first.url!, 'lawyer@demo.test'));
    expect((await admin.post(`/api/admin/users/${laura.id}/reset-password`, {})).status).toBeLessThan(300);
    expect((await reset.closedWithin()).ms).toBeLessThan(5000);

    const expiring = await signedIn(first.url!, 'staff@demo.test');
    const expiry = await openStream(expiring);
    await first.db.pool.query(`UPDATE "Session" SET "expiresAt" = now() WHERE "userId" = (SELECT id FROM "User" WHERE email = 'staff@demo.test')`);
    expect((await expiry.closedWithin()).ms).toBeLessThan(5000);

    const disabled = await openStream(await signedIn(first.url!, 'lawyer2@demo.test'));
    const untouched = await openStream(await signedIn(first.url!, 'supervisor@demo.test'));
    expect((await admin.post(`/api/admin/users/${leo.id}/disable`, {})).status).toBeLessThan(300);
    expect((await disabled.closedWithin()).ms).toBeLessThan(5000);
    // Someone else's stream goes on.
    await expect(Promise.race([untouched.closedWithin(), new Promise((resolve) => setTimeout(() => resolve('open'), 3000))])).resolves.toBe('open');
    untouched.abort();
  });
});
