import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningMatterline } from '../../src/runtime/start-matterline.js';
import { demoPassword, startTestMatterline } from '../support/matterline.js';
import type { TestDatabase } from '../support/test-database.js';
import { createTestDatabase } from '../support/test-database.js';
import { ApiClient } from './auth-test-client.js';

// MATTERLINE_TRUST_PROXY unset (the default): X-Forwarded-For is a header anyone can write, so it is ignored. A
// guesser cannot dodge the throttle by claiming a new address with each attempt, nor write a false one into the
// audit log.
describe('X-Forwarded-For without a trusted proxy', () => {
  let database: TestDatabase;
  let app: RunningMatterline;
  beforeAll(async () => {
    database = await createTestDatabase();
    app = await startTestMatterline({ databaseUrl: database.url, queue: 'redis' });
    expect(app.config.trustProxy).toEqual([]);
  });
  afterAll(async () => {
    await app?.stop();
    await database?.drop();
  });

  it('throttles by the address that connected, whatever the header claims, and audits that address', async () => {
    const statuses: number[] = [];
    for (let n = 0; n < 7; n++) {
      const answer = await new ApiClient(app.url!).request('POST', '/api/auth/login', {
        body: { email: 'lawyer@demo.test', password: n < 6 ? `wrong-${n}` : demoPassword },
        headers: { 'x-forwarded-for': `203.0.113.${n + 1}` },
      });
      statuses.push(answer.status);
    }
    expect(statuses).toEqual([401, 401, 401, 401, 401, 401, 429]);
    const audited = await app.db.pool.query<{ ip: string }>(`SELECT DISTINCT details->>'ip' AS ip FROM "AuditEvent" WHERE action = 'auth.login_failed'`);
    expect(audited.rows.map((row) => row.ip)).toEqual([expect.stringMatching(/127\.0\.0\.1$/)]);
    const keys = await app.db.pool.query<{ key: string }>(`SELECT key FROM "SignInThrottle" ORDER BY key`);
    expect(keys.rows.map((row) => row.key)).toEqual([expect.stringMatching(/^account:lawyer@demo\.test\|.*127\.0\.0\.1$/), expect.stringMatching(/^address:.*127\.0\.0\.1$/)]);
  });
});
