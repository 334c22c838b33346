import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MatterFile } from '../../src/core/matter-file/get-matter-file.js';
import type { RunningMatterline } from '../../src/runtime/start-matterline.js';
import { startTestMatterline, waitFor } from '../support/matterline.js';
import type { TestDatabase } from '../support/test-database.js';
import { createTestDatabase } from '../support/test-database.js';
import type { ApiClient } from './auth-test-client.js';
import { signedIn } from './auth-test-client.js';

// A compliance officer opens a matter's file: one timeline of everything that happened on it.
describe('the matter file', () => {
  let database: TestDatabase;
  let app: RunningMatterline;
  let admin: ApiClient;
  let supervisor: ApiClient;
  let lawyer: ApiClient;
  let lawyer2: ApiClient;
  let staff: ApiClient;
  let matterId: string;

  const inbound = async (body: Record<string, unknown>) => {
    const response = await fetch(`${app.url}/api/simulator/demo/inbound`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    expect(response.status).toBe(202);
    const stored = (await response.json()) as { id: string; conversationId: string };
    await waitFor(async () => (await app.db.pool.query(`SELECT 1 FROM "ProcessedJob" WHERE "jobId" = $1`, [`inbound-${stored.id}`])).rowCount === 1, { what: 'processing' });
    return stored;
  };

  beforeAll(async () => {
    database = await createTestDatabase();
    app = await startTestMatterline({ databaseUrl: database.url, queue: 'redis' });
    const as = (who: string) => signedIn(app.url!, `${who}@demo.test`);
    [admin, supervisor, lawyer, lawyer2, staff] = await Promise.all([as('admin'), as('supervisor'), as('lawyer'), as('lawyer2'), as('staff')]);
    matterId = (await app.db.prisma.matter.findFirstOrThrow({ where: { number: 'M-0001' } })).id;

    // Saturday in New York: the office is closed, so the opted-in client gets the after-hours reply.
    const weekend = await inbound({ from: '+15550100001', text: 'A weekend question about the car', sentAt: '2026-11-21T15:00:00Z' });
    await waitFor(async () => (await app.db.pool.query(`SELECT 1 FROM "Message" WHERE purpose = 'after_hours'`)).rowCount === 1, { what: 'the after-hours reply' });
    const reply = await lawyer.post(`/api/conversations/${weekend.conversationId}/messages`, { text: 'I will call you on Monday.' });
    expect(reply.status).toBe(202);
    await inbound({ from: '+15550100001', text: 'The purchase contract', media: [{ data: Buffer.from('%PDF-1.4 the purchase contract').toString('base64'), mimeType: 'application/pdf', fileName: 'contract.pdf' }] });
    // A new number filed under the matter by the admin: an assignment.
    const stranger = await inbound({ from: '+15557770001', text: 'I am the dealer, about Mrs Avery', backfilled: true });
    const alice = await app.db.prisma.client.findFirstOrThrow({ where: { name: 'Alice Avery' } });
    expect((await admin.post(`/api/conversations/${stranger.conversationId}/assign`, { clientId: alice.id, matterId })).status).toBe(200);
    expect((await supervisor.post(`/api/matters/${matterId}/legal-hold`, { reason: 'Northwind threatened to sue' })).status).toBe(200);
    // Time entries are another part's to draft; the file shows what exists.
    const laura = await app.db.prisma.user.findUniqueOrThrow({ where: { email: 'lawyer@demo.test' } });
    await app.db.prisma.timeEntry.create({
      data: { firmId: laura.firmId, userId: laura.id, matterId, date: new Date('2026-11-23'), tenths: 3, narrative: 'Messages with client re: vehicle defects', rateCents: 30000 },
    });
  });
  afterAll(async () => {
    await app?.stop();
    await database?.drop();
  });

  it('shows messages, automatic replies, media, consent, assignments, holds and time in one timeline', async () => {
    const file = await lawyer.get<MatterFile>(`/api/matters/${matterId}/file`);
    expect(file.status).toBe(200);
    expect(file.body.matter).toMatchObject({ number: 'M-0001', client: { name: 'Alice Avery' }, legalHold: { reason: 'Northwind threatened to sue' } });
    expect(file.body.matter.conversations).toHaveLength(2);
    const kinds = new Set(file.body.items.map((item) => item.kind));
    expect([...kinds].sort()).toEqual(['assignment', 'audit', 'auto_reply', 'consent', 'media', 'message', 'time_entry']);
    const texts = file.body.items.filter((item) => item.kind === 'message').map((item) => item.data.text);
    expect(texts).toEqual(expect.arrayContaining(['A weekend question about the car', 'I will call you on Monday.', 'The purchase contract']));
    const autoReply = file.body.items.find((item) => item.kind === 'auto_reply');
    expect(autoReply?.data).toMatchObject({ direction: 'outbound', purpose: 'after_hours', author: null });
    expect(file.body.items.find((item) => item.kind === 'media')?.data).toMatchObject({ fileName: 'contract.pdf', mimeType: 'application/pdf' });
    expect(file.body.items.find((item) => item.kind === 'consent')?.data).toMatchObject({ to: 'opted_in', source: 'import' });
    expect(file.body.items.find((item) => item.kind === 'assignment')?.data).toMatchObject({ action: 'conversation.assigned', details: { matterId } });
    expect(file.body.items.find((item) => item.kind === 'audit' && item.data.action === 'matter.legal_hold_placed')).toBeDefined();
    const entry = file.body.items.find((item) => item.kind === 'time_entry' && item.data.narrative === 'Messages with client re: vehicle defects');
    expect(entry?.data).toMatchObject({ hours: 0.3, state: 'draft', exported: false });
    const times = file.body.items.map((item) => new Date(item.at).getTime());
    expect([...times].sort((a, b) => a - b)).toEqual(times);
    // Reads are the access log's, not the timeline's.
    expect(file.body.items.some((item) => String(item.data.action ?? '').endsWith('_read'))).toBe(false);
  });

  it('pages through the timeline with a cursor, in the same order', async () => {
    const whole = (await lawyer.get<MatterFile>(`/api/matters/${matterId}/file?limit=2000`)).body.items;
    const paged: string[] = [];
    let cursor: string | null = null;
    do {
      const page: MatterFile = (await lawyer.get<MatterFile>(`/api/matters/${matterId}/file?limit=2${cursor ? `&cursor=${cursor}` : ''}`)).body;
      expect(page.items.length).toBeLessThanOrEqual(2);
      paged.push(...page.items.map((item) => `${item.kind}:${item.id}`));
      cursor = page.nextCursor;
    } while (cursor);
    expect(paged).toEqual(whole.map((item) => `${item.kind}:${item.id}`));
  });

  it('is a 404 for those who may not see the matter, and every read is audited', async () => {
    expect((await lawyer2.get(`/api/matters/${matterId}/file`)).status).toBe(404);
    expect((await staff.get(`/api/matters/${matterId}/file`)).status).toBe(404);
    const walled = await app.db.prisma.matter.findFirstOrThrow({ where: { number: 'M-0002' } });
    expect((await supervisor.get(`/api/matters/${walled.id}/file`)).status).toBe(404);
    expect((await admin.get(`/api/matters/${walled.id}/file`)).status).toBe(200);
    expect((await lawyer.get(`/api/matters/nope/file`)).status).toBe(404);
    expect((await lawyer.get(`/api/matters/${matterId}/file?limit=0`)).status).toBe(400);
    const reads = await app.db.prisma.auditEvent.count({ where: { action: 'matter.file_read', subjectId: matterId } });
    expect(reads).toBeGreaterThanOrEqual(3);
  });
});
