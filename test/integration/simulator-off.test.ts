import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/logger.js';
import type { RunningMatterline } from '../../src/runtime/start-matterline.js';
import { startMatterline } from '../../src/runtime/start-matterline.js';
import { testEnv } from '../support/matterline.js';
import type { TestDatabase } from '../support/test-database.js';
import { createTestDatabase } from '../support/test-database.js';
import { signedIn } from './auth-test-client.js';

// A firm's deployment (DATABASE_URL set) with MATTERLINE_SIMULATOR left unset: the demo simulator is no door into
// the record. The demo firm is seeded here (explicitly) only so that an admin can try to add a simulator account.
describe('the simulator on a deployment', () => {
  let database: TestDatabase;
  let app: RunningMatterline;
  beforeAll(async () => {
    database = await createTestDatabase();
    const env: Record<string, string> = { ...testEnv({ databaseUrl: database.url, queue: 'redis' }) };
    delete env.MATTERLINE_SIMULATOR;
    const config = loadConfig(env);
    expect(config.simulator).toBe(false);
    app = await startMatterline(config, createLogger(config));
  });
  afterAll(async () => {
    await app?.stop();
    await database?.drop();
  });

  it('answers 404 on every simulator route and stores nothing, although the demo account exists', async () => {
    const before = await app.db.prisma.message.count();
    for (const [method, path, body] of [
      ['POST', '/api/simulator/demo/inbound', JSON.stringify({ from: '+15550100001', text: 'Forged into the record' })],
      ['GET', '/api/simulator/demo/phones/+15550100001', undefined],
      ['POST', '/api/simulator/nope/inbound', '{}'],
    ] as const) {
      const response = await fetch(`${app.url}${path}`, { method, headers: { 'content-type': 'application/json' }, ...(body ? { body } : {}) });
      expect(response.status, path).toBe(404);
      expect(((await response.json()) as { error: string }).error).toBe('not_found');
    }
    expect(await app.db.prisma.message.count()).toBe(before);
  });

  it('refuses to add a simulator account, naming the setting', async () => {
    const admin = await signedIn(app.url!, 'admin@demo.test');
    const refused = await admin.post<{ error: string; message: string }>('/api/admin/accounts', { kind: 'simulator', name: 'Backdoor', config: {} });
    expect(refused.status).toBe(400);
    expect(refused.body.message).toContain('MATTERLINE_SIMULATOR');
    expect(await app.db.prisma.channelAccount.count({ where: { name: 'Backdoor' } })).toBe(0);
  });
});
