import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { purgeExpiredRecords } from '../../src/core/retention/purge-expired-records.js';
import type { RunningMatterline } from '../../src/runtime/start-matterline.js';
import { startTestMatterline } from '../support/matterline.js';
import type { TestDatabase } from '../support/test-database.js';
import { createTestDatabase } from '../support/test-database.js';
import type { ApiClient } from './auth-test-client.js';
import { signedIn } from './auth-test-client.js';

const dayMs = 24 * 60 * 60 * 1000;

// A legal hold must hold whatever anyone does afterwards: refiling the conversation into another matter, closing that
// matter and shortening retention must not destroy a message of the held matter.
describe('a legal hold cannot be sidestepped by refiling', () => {
  let database: TestDatabase;
  let app: RunningMatterline;
  let supervisor: ApiClient;
  let admin: ApiClient;

  const inbound = async (from: string, text: string) => {
    const response = await fetch(`${app.url}/api/simulator/demo/inbound`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ from, text, backfilled: true }),
    });
    expect(response.status).toBe(202);
    return (await response.json()) as { id: string; conversationId: string };
  };
  /** A second matter of the same client, to refile into. */
  const secondMatter = async (number: string, ofMatter: string) => {
    const first = await app.db.prisma.matter.findFirstOrThrow({ where: { number: ofMatter } });
    return app.db.prisma.matter.create({ data: { firmId: first.firmId, clientId: first.clientId, number, title: `Closed file ${number}` } });
  };
  const stillThere = async (ids: string[]) => (await app.db.prisma.message.count({ where: { id: { in: ids } } }));

  beforeAll(async () => {
    database = await createTestDatabase();
    app = await startTestMatterline({ databaseUrl: database.url, queue: 'redis' });
    [supervisor, admin] = await Promise.all([signedIn(app.url!, 'supervisor@demo.test'), signedIn(app.url!, 'admin@demo.test')]);
  });
  afterAll(async () => {
    await app?.stop();
    await database?.drop();
  });

  it('refuses to refile a conversation out of a held matter (409 naming the hold), and the purge leaves its messages', async () => {
    const a = await app.db.prisma.matter.findFirstOrThrow({ where: { number: 'M-0001' } });
    const sent = [await inbound('+15550100001', 'The dealer admitted the defect'), await inbound('+15550100001', 'Here is what the mechanic wrote')];
    const conversationId = sent[0]!.conversationId;
    expect((await app.db.prisma.conversation.findUniqueOrThrow({ where: { id: conversationId } })).matterId).toBe(a.id);
    expect((await supervisor.post(`/api/matters/${a.id}/legal-hold`, { reason: 'Avery v. Northwind: suit filed' })).status).toBe(200);

    const b = await secondMatter('M-0101', 'M-0001');
    const refiled = await admin.post<{ error: string; message: string; details: { matterNumber: string } }>(`/api/conversations/${conversationId}/assign`, {
      clientId: a.clientId,
      matterId: b.id,
    });
    expect(refiled.status).toBe(409);
    expect(refiled.body.error).toBe('conflict');
    expect(refiled.body.message).toMatch(/M-0001.*legal hold.*Avery v\. Northwind: suit filed/);
    expect((await app.db.prisma.conversation.findUniqueOrThrow({ where: { id: conversationId } })).matterId).toBe(a.id);

    // The rest of the attempt: B closed, retention one day, the purge two days later.
    await app.db.pool.query(`UPDATE "Matter" SET status = 'closed', "closedAt" = now() WHERE id = $1`, [b.id]);
    expect((await admin.request('PATCH', '/api/admin/settings', { body: { retentionDays: 1 } })).status).toBe(200);
    await purgeExpiredRecords({ pool: app.db.pool, now: new Date(Date.now() + 2 * dayMs) });
    expect(await stillThere(sent.map((m) => m.id))).toBe(2);
    // The retention change is in the audit log, with its values.
    const changed = await app.db.prisma.auditEvent.findFirstOrThrow({ where: { action: 'settings.retention_changed' } });
    expect(changed.details).toEqual({ from: 2557, to: 1 });
  });

  it('keeps messages of a conversation refiled before the hold was placed: every matter it was ever under is checked', async () => {
    const a = await app.db.prisma.matter.findFirstOrThrow({ where: { number: 'M-0003' } });
    const sent = [await inbound('+34600100003', 'Le envío el contrato firmado'), await inbound('+34600100003', 'Y la factura de la tienda')];
    const conversationId = sent[0]!.conversationId;
    // Refiled into B while A was not yet held (allowed), then A goes on hold, B is closed, retention is one day.
    const b = await secondMatter('M-0103', 'M-0003');
    const refiled = await admin.post(`/api/conversations/${conversationId}/assign`, { clientId: a.clientId, matterId: b.id });
    expect(refiled.status).toBe(200);
    const filings = await app.db.prisma.conversationFiling.findMany({ where: { conversationId }, orderBy: { firstFiledAt: 'asc' } });
    expect(filings.map((f) => f.matterId).sort()).toEqual([a.id, b.id].sort());
    expect((await supervisor.post(`/api/matters/${a.id}/legal-hold`, { reason: 'García: regulator inquiry' })).status).toBe(200);
    await app.db.pool.query(`UPDATE "Matter" SET status = 'closed', "closedAt" = now() WHERE id = $1`, [b.id]);
    expect((await admin.request('PATCH', '/api/admin/settings', { body: { retentionDays: 1 } })).status).toBe(200);

    await purgeExpiredRecords({ pool: app.db.pool, now: new Date(Date.now() + 2 * dayMs) });
    expect(await stillThere(sent.map((m) => m.id))).toBe(2);
    expect(await app.db.prisma.auditEvent.count({ where: { action: 'retention.purged', subjectId: b.id } })).toBe(0);

    // Once the hold on A is lifted, B's retention applies again: the check is the hold, not a lost message.
    expect((await supervisor.request('DELETE', `/api/matters/${a.id}/legal-hold`, { body: { reason: 'Inquiry closed' } })).status).toBe(200);
    await purgeExpiredRecords({ pool: app.db.pool, now: new Date(Date.now() + 2 * dayMs) });
    expect(await stillThere(sent.map((m) => m.id))).toBe(0);
  });
});
