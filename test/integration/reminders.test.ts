import { DateTime } from 'luxon';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reminderVariables } from '../../src/core/reminders/render-reminder.js';
import type { RunningMatterline } from '../../src/runtime/start-matterline.js';
import { startTestMatterline, waitFor } from '../support/matterline.js';
import type { OwnRedis } from '../support/redis-server.js';
import { startOwnRedis } from '../support/redis-server.js';
import type { TestDatabase } from '../support/test-database.js';
import { createTestDatabase } from '../support/test-database.js';
import type { ApiClient } from './auth-test-client.js';
import { signedIn } from './auth-test-client.js';

interface ReminderView {
  id: string;
  offsetMinutes: number;
  state: string;
  sendAt: string;
  skippedReason: string | null;
  messageId: string | null;
}
interface EventView {
  id: string;
  matterId: string;
  title: string;
  startsAt: string;
  cancelled: boolean;
  reminders: ReminderView[];
}

const HOUR = 3_600_000;

// A paralegal puts a hearing on the calendar; the client is reminded 48 hours and 2 hours before, on WhatsApp (the
// simulator), only when opted in and never at night; moving or cancelling the hearing moves or cancels the reminders.
describe('reminders of matter events', () => {
  let database: TestDatabase;
  let redis: OwnRedis;
  let app: RunningMatterline;
  let admin: ApiClient;
  let lawyer: ApiClient;
  let lawyer2: ApiClient;

  beforeAll(async () => {
    database = await createTestDatabase();
    redis = await startOwnRedis();
    app = await startTestMatterline({ databaseUrl: database.url, queue: 'redis', redisUrl: redis.url });
    admin = await signedIn(app.url!, 'admin@demo.test');
    lawyer = await signedIn(app.url!, 'lawyer@demo.test');
    lawyer2 = await signedIn(app.url!, 'lawyer2@demo.test');
    // Daytime all day, so these tests do not depend on the hour they run at; the night has its own test.
    const set = await admin.request('PATCH', '/api/admin/settings', { body: { clientDaytimeStart: '00:00', clientDaytimeEnd: '23:59' } });
    expect(set.status).toBe(200);
  });
  afterAll(async () => {
    await app?.stop();
    await redis?.stop();
    await database?.drop();
  });

  const matterId = async (number: string) => (await app.db.prisma.matter.findFirstOrThrow({ where: { number } })).id;
  const phone = async (address: string) =>
    ((await (await fetch(`${app.url}/api/simulator/demo/phones/${address}`)).json()) as { text: string }[]).map((m) => m.text);
  const reminderMessages = (title: string) =>
    app.db.prisma.message.findMany({ where: { purpose: 'reminder', text: { contains: title } }, orderBy: { capturedAt: 'asc' } });
  const event = async (id: string) => (await lawyer.get<EventView>(`/api/matter-events/${id}`)).body;
  const create = async (matter: string, body: Record<string, unknown>, client: ApiClient = lawyer) =>
    client.post<EventView>(`/api/matters/${await matterId(matter)}/events`, body);
  const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

  it('schedules reminders 48 h and 2 h before; the due one reaches the client on the matter conversation, and the reply lands there', async () => {
    const startsAt = new Date(Date.now() + 48 * HOUR + 3000);
    const created = await create('M-0001', {
      title: 'Hearing on the motion',
      startsAt: startsAt.toISOString(),
      location: 'Courtroom 4B, 100 Centre St',
      reminderOffsetsMinutes: [2880, 120],
    });
    expect(created.status).toBe(201);
    expect(created.body.reminders.map((r) => [r.offsetMinutes, r.state])).toEqual([
      [2880, 'scheduled'],
      [120, 'scheduled'],
    ]);
    expect(created.body.reminders[1]!.sendAt).toBe(new Date(startsAt.getTime() - 2 * HOUR).toISOString());

    const { date, time } = reminderVariables({ title: '', location: null, startsAt, timeZone: 'America/New_York', language: 'en' });
    const expected = `Reminder from Demo Law LLP: Hearing on the motion, ${date} at ${time}. Courtroom 4B, 100 Centre St`;
    await waitFor(async () => (await phone('+15550100001')).includes(expected), { what: 'the reminder on the phone' });

    const [message] = await reminderMessages('Hearing on the motion');
    const conversation = await app.db.prisma.conversation.findUniqueOrThrow({ where: { id: message!.conversationId } });
    expect(conversation.matterId).toBe(await matterId('M-0001'));
    const shown = await event(created.body.id);
    expect(shown.reminders[0]).toMatchObject({ state: 'sent', messageId: message!.id });
    expect(shown.reminders[1]).toMatchObject({ state: 'scheduled', messageId: null });

    // The lawyer sees it in the thread like any message.
    const thread = await lawyer.get<{ items: { id: string; text: string }[] }>(`/api/conversations/${conversation.id}/messages`);
    expect(thread.body.items.map((m) => m.id)).toContain(message!.id);

    const reply = await fetch(`${app.url}/api/simulator/demo/inbound`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ from: '+15550100001', text: 'Thanks, I will be there', id: 'reminder-reply-1' }),
    });
    expect(reply.status).toBe(202);
    expect(((await reply.json()) as { conversationId: string }).conversationId).toBe(conversation.id);
  });

  it('moves the reminders with the event: nothing at the old time, one message at the new one', async () => {
    const created = await create('M-0001', { title: 'Deposition of the dealer', startsAt: new Date(Date.now() + 48 * HOUR + 3000).toISOString(), reminderOffsetsMinutes: [2880] });
    const later = new Date(Date.now() + 72 * HOUR);
    const moved = await lawyer.request<EventView>('PATCH', `/api/matter-events/${created.body.id}`, { body: { startsAt: later.toISOString() } });
    expect(moved.status).toBe(200);
    expect(moved.body.reminders[0]).toMatchObject({ state: 'scheduled', sendAt: new Date(later.getTime() - 48 * HOUR).toISOString() });
    await sleep(5000);
    expect(await reminderMessages('Deposition of the dealer')).toHaveLength(0);

    const sooner = new Date(Date.now() + 48 * HOUR + 2000);
    await lawyer.request('PATCH', `/api/matter-events/${created.body.id}`, { body: { startsAt: sooner.toISOString(), title: 'Deposition of the dealer (moved)' } });
    await waitFor(async () => (await reminderMessages('Deposition of the dealer (moved)')).length === 1, { what: 'the moved reminder' });
    await sleep(2500);
    expect(await reminderMessages('Deposition of the dealer')).toHaveLength(1);
    const audit = await app.db.prisma.auditEvent.findMany({ where: { action: 'matter_event.changed', subjectId: created.body.id } });
    expect(audit).toHaveLength(2);
  });

  it('cancels the reminders with the event', async () => {
    const created = await create('M-0001', { title: 'Settlement conference', startsAt: new Date(Date.now() + 48 * HOUR + 3000).toISOString(), reminderOffsetsMinutes: [2880, 120] });
    const cancelled = await lawyer.post<EventView>(`/api/matter-events/${created.body.id}/cancel`, { reason: 'settled' });
    expect(cancelled.status).toBe(200);
    expect(cancelled.body.cancelled).toBe(true);
    expect(cancelled.body.reminders.map((r) => r.state)).toEqual(['cancelled', 'cancelled']);
    await sleep(5000);
    expect(await reminderMessages('Settlement conference')).toHaveLength(0);
    const again = await lawyer.request<{ error: string }>('PATCH', `/api/matter-events/${created.body.id}`, { body: { title: 'x' } });
    expect(again.status).toBe(409);
  });

  it('never reminds a contact who has not opted in, and says why', async () => {
    const firm = await app.db.prisma.firm.findFirstOrThrow({ where: { slug: 'demo' } });
    const client = await app.db.prisma.client.create({ data: { firmId: firm.id, name: 'Nora Noconsent', language: 'en' } });
    const lawyerUser = await app.db.prisma.user.findFirstOrThrow({ where: { email: 'lawyer@demo.test' } });
    await app.db.prisma.matter.create({
      data: { firmId: firm.id, clientId: client.id, number: 'M-0900', title: 'Noconsent matter', members: { create: [{ userId: lawyerUser.id }] } },
    });
    await app.db.prisma.contactIdentity.create({
      data: { firmId: firm.id, accountId: 'demo', address: '+15550109999', clientId: client.id, consentState: 'requested' },
    });
    const created = await create('M-0900', { title: 'Mediation', startsAt: new Date(Date.now() + 2 * HOUR + 1500).toISOString(), reminderOffsetsMinutes: [120] });
    const skipped = await waitFor(async () => {
      const reminder = (await event(created.body.id)).reminders[0]!;
      return reminder.state === 'skipped' ? reminder : null;
    }, { what: 'the reminder to be skipped' });
    expect(skipped.skippedReason).toBe('consent_required');
    expect(await phone('+15550109999')).toEqual([]);
    expect(await reminderMessages('Mediation')).toHaveLength(0);
  });

  it('writes in Spanish to a Spanish-speaking client', async () => {
    const startsAt = new Date(Date.now() + 2 * HOUR + 1500);
    await create('M-0003', { title: 'Vista oral', startsAt: startsAt.toISOString(), location: 'Juzgado n.º 3', reminderOffsetsMinutes: [120] });
    const { date, time } = reminderVariables({ title: '', location: null, startsAt, timeZone: 'America/New_York', language: 'es' });
    const expected = `Recordatorio de Demo Law LLP: Vista oral, el ${date} a las ${time}. Juzgado n.º 3`;
    await waitFor(async () => (await phone('+34600100003')).includes(expected), { what: 'the Spanish reminder' });
  });

  it('holds reminders to the client daytime in the client time zone', async () => {
    await admin.request('PATCH', '/api/admin/settings', { body: { clientDaytimeStart: '08:00', clientDaytimeEnd: '21:00' } });
    try {
      // A zone where it is now between 02:00 and 03:00.
      const offset = (((2 - new Date().getUTCHours()) % 24) + 24) % 24;
      const hoursAhead = offset > 14 ? offset - 24 : offset;
      const zone = hoursAhead === 0 ? 'UTC' : `Etc/GMT${hoursAhead > 0 ? '-' : '+'}${Math.abs(hoursAhead)}`;
      expect(DateTime.now().setZone(zone).hour).toBe(2);
      const matter = await app.db.prisma.matter.findFirstOrThrow({ where: { number: 'M-0003' } });
      await app.db.prisma.client.update({ where: { id: matter.clientId }, data: { timeZone: zone } });

      // 2 h before an event at 05:xx is 03:xx: not in daytime before the event, so skipped.
      const early = await create('M-0003', { title: 'Early filing', startsAt: new Date(Date.now() + 3 * HOUR).toISOString(), reminderOffsetsMinutes: [120] });
      expect(early.body.reminders[0]).toMatchObject({ state: 'skipped', skippedReason: 'night' });

      // 48 h before an event two days later is 04:xx today: moved to 08:00 this morning, the client's time.
      const later = await create('M-0003', { title: 'Trial day', startsAt: new Date(Date.now() + 50 * HOUR).toISOString(), reminderOffsetsMinutes: [2880] });
      const eight = DateTime.now().setZone(zone).set({ hour: 8, minute: 0, second: 0, millisecond: 0 });
      expect(later.body.reminders[0]).toMatchObject({ state: 'scheduled', sendAt: eight.toUTC().toISO() });
    } finally {
      await admin.request('PATCH', '/api/admin/settings', { body: { clientDaytimeStart: '00:00', clientDaytimeEnd: '23:59' } });
    }
  });

  it('loses no reminder when Redis is flushed while it waits', async () => {
    await create('M-0001', { title: 'Inspection of the vehicle', startsAt: new Date(Date.now() + 2 * HOUR + 2500).toISOString(), reminderOffsetsMinutes: [120] });
    await redis.client.flushall();
    await waitFor(async () => (await reminderMessages('Inspection of the vehicle')).length === 1, { what: 'the reminder after the flush' });
    await waitFor(async () => (await phone('+15550100001')).some((text) => text.includes('Inspection of the vehicle')), { what: 'the phone' });
  });

  it('refuses bad input, hidden matters and strangers', async () => {
    const past = await create('M-0001', { title: 'Too late', startsAt: new Date(Date.now() - HOUR).toISOString() });
    expect(past.status).toBe(400);
    const badOffsets = await create('M-0001', { title: 'x', startsAt: new Date(Date.now() + HOUR).toISOString(), reminderOffsetsMinutes: [1] });
    expect(badOffsets.status).toBe(400);
    expect((badOffsets.body as unknown as { message: string }).message).toContain('body.reminderOffsetsMinutes.0');
    const badDate = await create('M-0001', { title: 'x', startsAt: 'next tuesday' });
    expect(badDate.status).toBe(400);
    // lawyer2 is not on M-0001: the matter is hidden, and so are its events.
    expect((await create('M-0001', { title: 'x', startsAt: new Date(Date.now() + HOUR).toISOString() }, lawyer2)).status).toBe(404);
    const someEvent = await app.db.prisma.matterEvent.findFirstOrThrow();
    expect((await lawyer2.get(`/api/matter-events/${someEvent.id}`)).status).toBe(404);
    expect((await lawyer2.post(`/api/matter-events/${someEvent.id}/cancel`, {})).status).toBe(404);
    expect((await fetch(`${app.url}/api/matters/${await matterId('M-0001')}/events`)).status).toBe(401);
  });
});
