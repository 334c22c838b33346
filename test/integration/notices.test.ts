import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningMatterline } from '../../src/runtime/start-matterline.js';
import { startTestMatterline, waitFor } from '../support/matterline.js';
import type { TestDatabase } from '../support/test-database.js';
import { createTestDatabase } from '../support/test-database.js';
import type { ApiClient } from './auth-test-client.js';
import { signedIn } from './auth-test-client.js';

interface NoticeView {
  id: string;
  state: string;
  progress: { total: number; pending: number; sent: number; skipped: number; cancelled: number; delivered: number };
  skippedReasons: Record<string, number>;
}
interface RecipientView {
  client: { name: string };
  matter: { number: string } | null;
  state: string;
  skippedReason: string | null;
  conversationId: string | null;
  messageId: string | null;
}

// The firm tells every opted-in client with an open consumer matter about a free clinic, watches it go out at the
// channel's pace, sees who was skipped and why; then asks "How did we do? Reply 1-5" and reads the tally.
// On both queue backends: the rate limiter is BullMQ's, kept in Redis or in PostgreSQL.
describe.each(['redis', 'postgres'] as const)('bulk notices and surveys on the %s queue backend', (queue) => {
  let database: TestDatabase;
  let app: RunningMatterline;
  let admin: ApiClient;
  let supervisor: ApiClient;
  let lawyer: ApiClient;
  let firmId: string;

  const addClient = async (spec: { name: string; phone?: string; consent?: 'opted_in' | 'opted_out' | 'requested'; area: string; status?: 'open' | 'closed'; tags?: string[]; language?: string }) => {
    const client = await app.db.prisma.client.create({ data: { firmId, name: spec.name, language: spec.language ?? 'en', tags: spec.tags ?? [] } });
    const count = await app.db.prisma.matter.count();
    const matter = await app.db.prisma.matter.create({
      data: { firmId, clientId: client.id, number: `N-${String(count + 1).padStart(4, '0')}`, title: `${spec.name} matter`, practiceArea: spec.area, status: spec.status ?? 'open' },
    });
    if (spec.phone) {
      await app.db.prisma.contactIdentity.create({
        data: { firmId, accountId: 'demo', address: spec.phone, clientId: client.id, consentState: spec.consent ?? 'opted_in', displayName: spec.name },
      });
    }
    return { client, matter };
  };
  const inbound = async (from: string, text: string) => {
    const response = await fetch(`${app.url}/api/simulator/demo/inbound`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ from, text }),
    });
    expect(response.status).toBe(202);
    const body = (await response.json()) as { id: string; conversationId: string };
    await waitFor(async () => (await app.db.pool.query(`SELECT 1 FROM "ProcessedJob" WHERE "jobId" = $1`, [`inbound-${body.id}`])).rowCount === 1, { what: 'processing' });
    return body;
  };
  const phone = async (address: string) =>
    ((await (await fetch(`${app.url}/api/simulator/demo/phones/${address}`)).json()) as { text: string }[]).map((m) => m.text);
  const finished = (id: string) =>
    waitFor(async () => {
      const view = (await admin.get<NoticeView>(`/api/notices/${id}`)).body;
      return view.state === 'done' ? view : null;
    }, { what: 'the notice to finish' });

  beforeAll(async () => {
    database = await createTestDatabase();
    app = await startTestMatterline({ databaseUrl: database.url, queue });
    admin = await signedIn(app.url!, 'admin@demo.test');
    supervisor = await signedIn(app.url!, 'supervisor@demo.test');
    lawyer = await signedIn(app.url!, 'lawyer@demo.test');
    firmId = (await app.db.prisma.firm.findFirstOrThrow({ where: { slug: 'demo' } })).id;
    await admin.request('PATCH', '/api/admin/settings', { body: { clientDaytimeStart: '00:00', clientDaytimeEnd: '23:59' } });
    for (let n = 1; n <= 10; n++) await addClient({ name: `Consumer ${n}`, phone: `+155502000${String(n).padStart(2, '0')}`, area: 'consumer' });
    await addClient({ name: 'Olga Optedout', phone: '+15550200099', consent: 'opted_out', area: 'consumer' });
    await addClient({ name: 'Nils Nophone', area: 'consumer' });
    await addClient({ name: 'Carla Closed', phone: '+15550200098', area: 'consumer', status: 'closed' });
  });
  afterAll(async () => {
    await app?.stop();
    await database?.drop();
  });

  it('drafts, shows who is skipped and why, sends at the channel pace on each client matter conversation', async () => {
    const draft = await admin.post<NoticeView>('/api/notices', {
      title: 'Consumer-rights clinic',
      bodies: {
        en: 'Hi {client_name}: {firm} holds a free consumer-rights clinic this Saturday at 10 AM.',
        es: 'Hola {client_name}: {firm} organiza una clínica gratuita de derechos del consumidor este sábado a las 10.',
      },
      criteria: { practiceAreas: ['Consumer'], matterStatuses: ['open'] },
    });
    expect(draft.status).toBe(201);
    // Alice and María (demo), ten consumers, Olga (opted out), Nils (no phone); Carla's matter is closed.
    expect(draft.body).toMatchObject({ state: 'draft', progress: { total: 14, pending: 12, skipped: 2, sent: 0 }, skippedReasons: { opted_out: 1, no_contact: 1 } });
    const skipped = await supervisor.get<{ items: RecipientView[] }>(`/api/notices/${draft.body.id}/recipients?state=skipped`);
    expect(skipped.body.items.map((r) => [r.client.name, r.skippedReason])).toEqual([
      ['Nils Nophone', 'no_contact'],
      ['Olga Optedout', 'opted_out'],
    ]);
    expect(await phone('+15550100001')).toEqual([]);

    const sending = await admin.post<NoticeView>(`/api/notices/${draft.body.id}/send`, {});
    expect(sending.status).toBe(202);
    expect(sending.body.state).toBe('sending');
    const done = await finished(draft.body.id);
    expect(done.progress).toMatchObject({ total: 14, sent: 12, skipped: 2, pending: 0 });

    expect(await phone('+15550100001')).toEqual(['Hi Alice Avery: Demo Law LLP holds a free consumer-rights clinic this Saturday at 10 AM.']);
    expect(await phone('+34600100003')).toEqual(['Hola María García: Demo Law LLP organiza una clínica gratuita de derechos del consumidor este sábado a las 10.']);
    expect(await phone('+15550200099')).toEqual([]);
    expect(await phone('+15550200098')).toEqual([]);

    // At most 5 a second on the simulator account: twelve messages take more than two windows.
    const messages = await app.db.prisma.message.findMany({ where: { purpose: 'notice' }, orderBy: { capturedAt: 'asc' } });
    expect(messages).toHaveLength(12);
    expect(messages.at(-1)!.capturedAt.getTime() - messages[0]!.capturedAt.getTime()).toBeGreaterThanOrEqual(1500);

    // Each on the conversation of the client's matter, where the client's reply lands too.
    const sent = await admin.get<{ items: RecipientView[] }>(`/api/notices/${draft.body.id}/recipients?state=sent`);
    for (const recipient of sent.body.items) {
      const conversation = await app.db.prisma.conversation.findUniqueOrThrow({ where: { id: recipient.conversationId! }, include: { matter: true } });
      expect(conversation.matter?.number).toBe(recipient.matter?.number);
    }
    const reply = await inbound('+15550200001', 'Can I bring my neighbour?');
    const consumer1 = sent.body.items.find((r) => r.client.name === 'Consumer 1')!;
    expect(reply.conversationId).toBe(consumer1.conversationId);
  });

  it('works out the recipients again when sending: a STOP after the draft is respected', async () => {
    await addClient({ name: 'Tina Tagged', phone: '+15550200050', area: 'housing', tags: ['Clinic-2026'] });
    await addClient({ name: 'Sam Stopper', phone: '+15550200051', area: 'family', tags: ['clinic-2026'] });
    const draft = await admin.post<NoticeView>('/api/notices', { title: 'Clinic by tag', bodies: { en: 'Clinic on Saturday.' }, criteria: { tags: ['clinic-2026'] } });
    expect(draft.body.progress).toMatchObject({ total: 2, pending: 2 });
    await inbound('+15550200051', 'STOP');
    await admin.post(`/api/notices/${draft.body.id}/send`, {});
    const done = await finished(draft.body.id);
    expect(done.progress).toMatchObject({ sent: 1, skipped: 1 });
    expect(done.skippedReasons).toEqual({ opted_out: 1 });
    expect((await phone('+15550200051')).filter((text) => text.includes('Clinic'))).toEqual([]);
  });

  it('tallies survey replies against the latest survey each client got', async () => {
    for (const [n, name] of ['Ann', 'Ben', 'Cal'].entries()) {
      await addClient({ name: `${name} Survey`, phone: `+155502001${n}0`, area: 'immigration', tags: ['survey'] });
    }
    const survey = (title: string, criteria: Record<string, unknown>) =>
      admin.post<NoticeView>('/api/notices', { title, bodies: { en: 'How did we do? Reply 1-5.' }, criteria, survey: true, surveyDays: 7 });
    const first = await survey('Survey one', { tags: ['survey'] });
    await admin.post(`/api/notices/${first.body.id}/send`, {});
    await finished(first.body.id);

    await inbound('+15550200100', '5');
    await inbound('+15550200110', '4 stars');
    await inbound('+15550200120', 'maybe later');
    await inbound('+15550200120', '2');
    await inbound('+15550200100', '1'); // a second answer does not change the first

    // A second survey reaches Ann only; her next answer is for it.
    await app.db.prisma.client.updateMany({ where: { name: 'Ann Survey' }, data: { tags: ['survey', 'survey-2'] } });
    const second = await survey('Survey two', { tags: ['survey-2'] });
    await admin.post(`/api/notices/${second.body.id}/send`, {});
    await finished(second.body.id);
    await inbound('+15550200100', '3');

    const report = await supervisor.get<{ sent: number; responses: number; counts: Record<string, number>; average: number; responseRate: number }>(`/api/notices/${first.body.id}/survey`);
    expect(report.status).toBe(200);
    expect(report.body).toMatchObject({ sent: 3, responses: 3, counts: { '1': 0, '2': 1, '3': 0, '4': 1, '5': 1 }, average: 3.67, responseRate: 1 });
    const secondReport = await admin.get<{ responses: number; counts: Record<string, number> }>(`/api/notices/${second.body.id}/survey`);
    expect(secondReport.body).toMatchObject({ responses: 1, counts: { '3': 1 } });
    // The replies are ordinary messages in each conversation.
    const conversation = await app.db.prisma.conversation.findFirstOrThrow({ where: { externalId: '+15550200110' } });
    expect((await app.db.prisma.message.findMany({ where: { conversationId: conversation.id, direction: 'inbound' } })).map((m) => m.text)).toEqual(['4 stars']);
  });

  it('stops a notice that is going out', async () => {
    const draft = await admin.post<NoticeView>('/api/notices', { title: 'Office move', bodies: { en: 'We are moving offices.' }, criteria: { practiceAreas: ['consumer'] } });
    await admin.post(`/api/notices/${draft.body.id}/send`, {});
    const cancelled = await admin.post<NoticeView>(`/api/notices/${draft.body.id}/cancel`, {});
    expect(cancelled.status).toBe(200);
    expect(cancelled.body.state).toBe('cancelled');
    await new Promise((resolve) => setTimeout(resolve, 2500));
    const after = (await admin.get<NoticeView>(`/api/notices/${draft.body.id}`)).body;
    expect(after.progress.pending).toBe(0);
    expect(after.progress.sent + after.progress.cancelled).toBe(cancelled.body.progress.sent + cancelled.body.progress.cancelled);
    expect(await app.db.prisma.message.count({ where: { text: 'We are moving offices.' } })).toBe(after.progress.sent);
    expect((await admin.post(`/api/notices/${draft.body.id}/send`, {})).status).toBe(409);
  });

  it('lets only admins send, and checks what they send', async () => {
    const body = { title: 'x', bodies: { en: 'Hello' }, criteria: { practiceAreas: ['consumer'] } };
    expect((await lawyer.post('/api/notices', body)).status).toBe(403);
    expect((await supervisor.post('/api/notices', body)).status).toBe(403);
    expect((await lawyer.get('/api/notices')).status).toBe(403);
    const everyone = await admin.post<{ message: string }>('/api/notices', { ...body, criteria: {} });
    expect(everyone.status).toBe(400);
    expect(everyone.body.message).toMatch(/at least one practice area, matter status or tag/);
    const typo = await admin.post<{ message: string }>('/api/notices', { ...body, bodies: { en: 'Hi {client_nmae}' } });
    expect(typo.status).toBe(400);
    expect(typo.body.message).toContain('{client_nmae}');
    const notSurvey = (await admin.get<{ items: (NoticeView & { survey: boolean })[] }>('/api/notices')).body.items.find((n) => !n.survey)!;
    expect((await admin.get(`/api/notices/${notSurvey.id}/survey`)).status).toBe(409);
    expect((await admin.get('/api/notices/no-such-notice')).status).toBe(404);
  });
});
