import { DateTime } from 'luxon';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordActivity } from '../../src/core/time/record-activity.js';
import type { RunningMatterline } from '../../src/runtime/start-matterline.js';
import { startTestMatterline, waitFor } from '../support/matterline.js';
import type { TestDatabase } from '../support/test-database.js';
import { createTestDatabase } from '../support/test-database.js';
import type { ApiClient } from './auth-test-client.js';
import { signedIn } from './auth-test-client.js';

interface EntryView {
  id: string;
  date: string;
  hours: number;
  seconds: number;
  narrative: string;
  activityCode: string;
  taskCode: string | null;
  rateCents: number;
  amountCents: number;
  billable: boolean;
  state: string;
  user: { id: string };
  matter: { id: string; number: string };
  activityCount: number;
}
interface EntryDetail extends EntryView {
  activities: { id: string; kind: string; seconds: number; measuredMs: number | null; conversationId: string; message: { id: string; direction: string } | null }[];
}

// A lawyer reads and answers a client in the inbox; her messaging time appears as a draft entry, with the evidence.
describe('billable time from the inbox, end to end', () => {
  let database: TestDatabase;
  let app: RunningMatterline;
  let lawyer: ApiClient;
  let lawyer2: ApiClient;

  beforeAll(async () => {
    database = await createTestDatabase();
    app = await startTestMatterline({ databaseUrl: database.url, queue: 'redis' });
    [lawyer, lawyer2] = await Promise.all([signedIn(app.url!, 'lawyer@demo.test'), signedIn(app.url!, 'lawyer2@demo.test')]);
  });
  afterAll(async () => {
    await app?.stop();
    await database?.drop();
  });

  const inbound = async (from: string, text: string) => {
    const response = await fetch(`${app.url}/api/simulator/demo/inbound`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ from, text }),
    });
    expect(response.status).toBe(202);
    const body = (await response.json()) as { id: string; conversationId: string };
    await waitFor(
      async () => (await app.db.pool.query(`SELECT 1 FROM "ProcessedJob" WHERE "jobId" = $1`, [`inbound-${body.id}`])).rowCount === 1,
      { what: 'processing of the inbound message' },
    );
    return body;
  };
  const entries = async (client: ApiClient) => {
    const response = await client.get<{ items: EntryView[] }>('/api/time/entries');
    expect(response.status).toBe(200);
    return response.body.items;
  };

  it('turns reading three messages and sending two replies into one 0.2 h draft linked to all five messages', async () => {
    const questions = [];
    for (const text of ['Hello, did Northwind answer?', 'They called me today', 'Should I accept their offer?']) questions.push(await inbound('+15550100001', text));
    const conversationId = questions[0]!.conversationId;

    const inbox = await lawyer.get<{ items: { id: string; unreadCount: number }[] }>('/api/conversations');
    expect(inbox.body.items.find((conversation) => conversation.id === conversationId)?.unreadCount).toBe(3);
    const thread = await lawyer.get<{ items: { id: string; direction: string }[] }>(`/api/conversations/${conversationId}/messages`);
    expect(thread.body.items.filter((message) => message.direction === 'inbound').map((message) => message.id).sort()).toEqual(
      questions.map((question) => question.id).sort(),
    );
    expect((await lawyer.post(`/api/conversations/${conversationId}/read`)).status).toBe(200);

    // 4 min 50 s of writing, then a one-liner the inbox measured at 5 s (raised to the firm's 1-minute floor):
    // 3 x 20 s + 290 s + 60 s = 410 s, more than 6 minutes, so 0.2 h. Without the floor it would be 355 s, 0.1 h.
    const first = await lawyer.post<{ id: string }>(`/api/conversations/${conversationId}/messages`, {
      text: 'They must repurchase the car under the lemon law; do not accept less. I will write to them today.',
      compositionMs: 290_000,
      idempotencyKey: 'reply-1',
    });
    expect(first.status).toBe(202);
    const second = await lawyer.post<{ id: string }>(`/api/conversations/${conversationId}/messages`, { text: 'Talk soon.', compositionMs: 5_000 });
    expect(second.status).toBe(202);

    const drafts = await entries(lawyer);
    expect(drafts).toHaveLength(1);
    const draft = drafts[0]!;
    expect(draft).toMatchObject({
      date: DateTime.now().setZone('America/New_York').toISODate(),
      hours: 0.2,
      seconds: 410,
      narrative: 'WhatsApp with client re Avery v. Northwind Motors (lemon law): 2 messages sent, 3 read',
      activityCode: 'A106',
      taskCode: 'L120',
      rateCents: 30000,
      amountCents: 6000,
      billable: true,
      state: 'draft',
      matter: { number: 'M-0001' },
      activityCount: 5,
    });

    const detail = await lawyer.get<EntryDetail>(`/api/time/entries/${draft.id}`);
    expect(detail.status).toBe(200);
    const byKind = (kind: string) => detail.body.activities.filter((activity) => activity.kind === kind);
    expect(byKind('message_read').map((activity) => activity.message?.id).sort()).toEqual(questions.map((question) => question.id).sort());
    expect(byKind('message_read').every((activity) => activity.seconds === 20 && activity.message?.direction === 'inbound')).toBe(true);
    expect(byKind('message_sent').map((activity) => [activity.message?.id, activity.measuredMs, activity.seconds])).toEqual([
      [first.body.id, 290_000, 290],
      [second.body.id, 5_000, 60],
    ]);
    expect(detail.body.activities.every((activity) => activity.conversationId === conversationId)).toBe(true);
  });

  it('records nothing twice: a second read mark and a retried send add no time', async () => {
    const [before] = await entries(lawyer);
    const conversation = await app.db.prisma.conversation.findFirstOrThrow({ where: { externalId: '+15550100001' } });
    expect((await lawyer.post(`/api/conversations/${conversation.id}/read`)).status).toBe(200);
    const retry = await lawyer.post<{ duplicate: boolean }>(`/api/conversations/${conversation.id}/messages`, {
      text: 'They must repurchase the car under the lemon law; do not accept less. I will write to them today.',
      compositionMs: 900_000,
      idempotencyKey: 'reply-1',
    });
    expect(retry.body.duplicate).toBe(true);
    const [after] = await entries(lawyer);
    expect(after).toMatchObject({ id: before!.id, hours: 0.2, seconds: 410, activityCount: 5 });
  });

  it('grows the same draft while the session goes on, rounding the total once', async () => {
    const conversation = await app.db.prisma.conversation.findFirstOrThrow({ where: { externalId: '+15550100001' } });
    const [before] = await entries(lawyer);
    // 410 s + 200 s = 610 s: still 0.2 h (up to 720 s); rounding each part up would have made it 0.3 h.
    await lawyer.post(`/api/conversations/${conversation.id}/messages`, { text: 'One more thing: keep the receipts.', compositionMs: 200_000 });
    const after = await entries(lawyer);
    expect(after).toHaveLength(1);
    expect(after[0]).toMatchObject({ id: before!.id, hours: 0.2, seconds: 610, narrative: expect.stringContaining('3 messages sent, 3 read') });
  });

  it('shows each lawyer only her own time, and hides an entry from others', async () => {
    const [mine] = await entries(lawyer);
    expect(await entries(lawyer2)).toEqual([]);
    expect((await lawyer2.get(`/api/time/entries/${mine!.id}`)).status).toBe(404);
    const audit = await app.db.pool.query(`SELECT 1 FROM "AuditEvent" WHERE action = 'time.activity_recorded'`);
    expect(audit.rowCount).toBeGreaterThanOrEqual(3);
  });

  it('counts a client\'s document as reviewed when the lawyer reads it, once however often it is opened', async () => {
    const response = await fetch(`${app.url}/api/simulator/demo/inbound`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ from: '+34600100003', media: [{ data: Buffer.from('%PDF-1.4 contrato').toString('base64'), mimeType: 'application/pdf', fileName: 'contrato.pdf' }] }),
    });
    const { id, conversationId } = (await response.json()) as { id: string; conversationId: string };
    await waitFor(async () => (await app.db.pool.query(`SELECT 1 FROM "ProcessedJob" WHERE "jobId" = $1`, [`inbound-${id}`])).rowCount === 1);
    await lawyer.post(`/api/conversations/${conversationId}/read`);
    const onGarcia = (await entries(lawyer)).filter((entry) => entry.matter.number === 'M-0003');
    expect(onGarcia).toHaveLength(1);
    expect(onGarcia[0]).toMatchObject({ hours: 0.1, seconds: 120, narrative: 'WhatsApp with client re García — reclamación de consumo: 1 document reviewed' });

    const viewer = { userId: (await app.db.prisma.user.findUniqueOrThrow({ where: { email: 'lawyer@demo.test' } })).id, firmId: (await app.db.prisma.firm.findUniqueOrThrow({ where: { slug: 'demo' } })).id, role: 'lawyer' as const };
    const openedAgain = await recordActivity({ pool: app.db.pool, viewer, conversationId, evidence: { kind: 'opened', messageId: id } });
    expect(openedAgain.activityIds).toEqual([]);

    // A second document, opened (downloaded) before the thread is marked read: counted by the opening, not again by the read.
    const second = await fetch(`${app.url}/api/simulator/demo/inbound`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ from: '+34600100003', media: [{ data: Buffer.from('%PDF-1.4 factura').toString('base64'), mimeType: 'application/pdf' }] }),
    });
    const secondId = ((await second.json()) as { id: string }).id;
    const opened = await recordActivity({ pool: app.db.pool, viewer, conversationId, evidence: { kind: 'opened', messageId: secondId } });
    expect(opened.activityIds).toHaveLength(1);
    await lawyer.post(`/api/conversations/${conversationId}/read`);
    expect((await entries(lawyer)).filter((entry) => entry.matter.number === 'M-0003')).toMatchObject([
      { hours: 0.1, seconds: 240, narrative: 'WhatsApp with client re García — reclamación de consumo: 2 documents reviewed', activityCount: 2 },
    ]);
  });

  it('refuses a composition time that is not a whole, non-negative number of milliseconds', async () => {
    const conversation = await app.db.prisma.conversation.findFirstOrThrow({ where: { externalId: '+15550100001' } });
    for (const compositionMs of [-1, 1.5, 'soon', 86_400_001]) {
      const response = await lawyer.post<{ error: string; message: string }>(`/api/conversations/${conversation.id}/messages`, { text: 'x', compositionMs });
      expect(response.status).toBe(400);
      expect(response.body.message).toMatch(/compositionMs/);
    }
  });
});
