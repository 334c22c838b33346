import { DateTime } from 'luxon';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '../../src/core/errors.js';
import { cancelHeldMessage, editHeldMessage } from '../../src/core/held-sends.js';
import { requestSend } from '../../src/core/request-send.js';
import { createJobDispatcher } from '../../src/jobs/job-dispatcher.js';
import type { RunningMatterline } from '../../src/runtime/start-matterline.js';
import { startTestMatterline, waitFor } from '../support/matterline.js';
import type { TestDatabase } from '../support/test-database.js';
import { createTestDatabase } from '../support/test-database.js';

// Consent and business hours as clients and lawyers meet them, through the simulator, on real PostgreSQL and Redis.
// The demo firm is open Monday to Friday 09:00-17:30 America/New_York; messages carry their own sentAt, so "after
// hours" is judged by when the client wrote, not by when the test runs.
describe('consent and business hours', () => {
  let database: TestDatabase;
  let app: RunningMatterline;
  let lawyerId: string;

  beforeAll(async () => {
    database = await createTestDatabase();
    app = await startTestMatterline({ databaseUrl: database.url, queue: 'redis' });
    lawyerId = (await app.db.prisma.user.findUniqueOrThrow({ where: { email: 'lawyer@demo.test' } })).id;
  });
  afterAll(async () => {
    await app?.stop();
    await database?.drop();
  });

  let sequence = 0;
  const text = async (from: string, body: string, extra: { sentAt?: string; backfilled?: boolean } = {}) => {
    const response = await fetch(`${app.url}/api/simulator/demo/inbound`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ from, text: body, id: `consent-${++sequence}`, ...extra }),
    });
    expect(response.status).toBe(202);
    return (await response.json()) as { id: string; conversationId: string };
  };
  const settle = () =>
    waitFor(
      async () =>
        (await app.db.pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM "Outbox" WHERE status = 'pending' AND "runAfter" <= now()`))
          .rows[0]!.n === 0,
      { what: 'the pipeline to settle' },
    );
  const phone = async (address: string) => {
    await settle();
    // Sent messages reach the phone a moment after their job commits.
    await waitFor(
      async () =>
        (await app.db.pool.query(`SELECT 1 FROM "Message" m JOIN "ContactIdentity" i ON i.id = m."identityId"
          WHERE i.address = $1 AND m.status IN ('queued', 'sending')`, [address])).rowCount === 0,
      { what: 'sends to finish' },
    );
    const response = await fetch(`${app.url}/api/simulator/demo/phones/${address}`);
    return ((await response.json()) as { text: string; status: string }[]).map((m) => m.text);
  };
  const identity = (address: string) => app.db.prisma.contactIdentity.findFirstOrThrow({ where: { address }, include: { consentEvents: { orderBy: { createdAt: 'asc' } } } });
  const send = (conversationId: string, body: string, whenClosed?: 'send_now' | 'hold') =>
    requestSend({
      db: app.db,
      dispatcher: createJobDispatcher({ backend: app.backend }),
      conversationId,
      text: body,
      authorUserId: lawyerId,
      whenClosed,
    });
  const refusal = async (promise: Promise<unknown>) => {
    const error = await promise.then(() => null, (caught: unknown) => caught);
    expect(error).toBeInstanceOf(AppError);
    return error as AppError;
  };

  it('asks a new number for consent exactly once, even when 5 messages arrive at once', async () => {
    const from = '+15557770001';
    const at = '2026-11-18T15:00:00Z'; // a Wednesday, 10:00 in New York: open
    await Promise.all(['Hello?', 'I was in a car accident', 'Can you help me', 'My name is Jo', 'Thanks'].map((body) => text(from, body, { sentAt: at })));
    expect(await phone(from)).toEqual([
      'You contacted Demo Law LLP about your case. May we reply to you here? Reply YES to agree or STOP to opt out. Message and data rates may apply.',
    ]);
    const contact = await identity(from);
    expect(contact.consentState).toBe('requested');
    expect(contact.consentEvents.map((e) => [e.fromState, e.toState, e.source])).toEqual([['unknown', 'requested', 'system']]);
  });

  it('takes "YES" as consent but not "yes please", and keeps the evidence', async () => {
    const from = '+15557770001';
    await text(from, 'yes please', { sentAt: '2026-11-18T15:05:00Z' });
    await settle();
    expect((await identity(from)).consentState).toBe('requested');
    const yes = await text(from, 'YES', { sentAt: '2026-11-18T15:06:00Z' });
    const phoneTexts = await phone(from);
    expect(phoneTexts.at(-1)).toBe('Thank you. Demo Law LLP will reply to you here. Reply STOP at any time to opt out, or HELP for help.');
    const contact = await identity(from);
    expect(contact.consentState).toBe('opted_in');
    expect(contact.consentEvents.at(-1)).toMatchObject({ fromState: 'requested', toState: 'opted_in', source: 'keyword', messageId: yes.id, text: 'YES', channel: 'simulator' });
  });

  it('refuses a send to a contact who has not opted in, with 409 consent_required, and the phone gets nothing', async () => {
    const from = '+15557770002';
    const { conversationId } = await text(from, 'hi', { sentAt: '2026-11-18T15:00:00Z' });
    const before = await phone(from);
    const error = await refusal(send(conversationId, 'Dear client, about your case...'));
    expect(error.code).toBe('consent_required');
    expect(error.details).toMatchObject({ state: 'requested' });
    expect(await phone(from)).toEqual(before);
  });

  it('ends everything at STOP: the confirmation goes once, then sends are refused and the phone gets nothing', async () => {
    const from = '+15550100001';
    const conversation = await app.db.prisma.conversation.findFirstOrThrow({ where: { externalId: from } });
    const before = (await phone(from)).length;
    await text(from, 'STOP!', { sentAt: '2026-11-18T15:10:00Z' });
    const after = await phone(from);
    expect(after.slice(before)).toEqual([
      'You have opted out and will receive no more messages from Demo Law LLP here. Reply START to receive messages again.',
    ]);
    expect((await identity(from)).consentState).toBe('opted_out');
    const error = await refusal(send(conversation.id, 'Just one more thing'));
    expect(error.code).toBe('consent_required');
    expect(error.details).toMatchObject({ state: 'opted_out' });
    // A second STOP changes nothing and is not answered again.
    await text(from, 'stop', { sentAt: '2026-11-18T15:11:00Z' });
    expect(await phone(from)).toEqual(after);
    // "stop" inside a sentence is not an opt-out keyword; START opts back in.
    await text(from, 'START', { sentAt: '2026-11-18T15:12:00Z' });
    await settle();
    expect((await identity(from)).consentState).toBe('opted_in');
  });

  it('answers 10 after-hours messages with exactly one auto-reply, and the next closed period with one more', async () => {
    const from = '+15550100002';
    const before = (await phone(from)).length;
    // Saturday 14 November 2026, from 10:00 New York time: closed all weekend.
    for (let i = 0; i < 10; i++) await text(from, `weekend message ${i}`, { sentAt: `2026-11-14T15:${String(i * 3).padStart(2, '0')}:00Z` });
    const weekend = (await phone(from)).slice(before);
    expect(weekend).toHaveLength(1);
    expect(weekend[0]).toMatch(/^Our office is closed\. We will reply from Monday.*9:00/);
    // Monday 16 November 23:30 New York: the next closed period.
    await text(from, 'late on Monday', { sentAt: '2026-11-17T04:30:00Z' });
    await text(from, 'still Monday night', { sentAt: '2026-11-17T04:45:00Z' });
    const monday = (await phone(from)).slice(before);
    expect(monday).toHaveLength(2);
    expect(monday[1]).toMatch(/^Our office is closed\. We will reply from Tuesday/);
    // A message arriving by history sync is captured and marked, but never answered.
    const synced = await text(from, 'old message from the phone', { sentAt: '2026-11-19T04:00:00Z', backfilled: true });
    expect((await phone(from)).slice(before)).toHaveLength(2);
    expect(await app.db.prisma.message.findUniqueOrThrow({ where: { id: synced.id } })).toMatchObject({ backfilled: true, afterHours: true });
  });

  it('answers a Spanish-speaking client in Spanish, in the firm\'s time zone', async () => {
    const from = '+34600100003';
    await text(from, '¿Hay novedades?', { sentAt: '2026-11-15T02:00:00Z' });
    expect((await phone(from)).at(-1)).toMatch(/^Nuestra oficina está cerrada\. Le responderemos a partir del lunes/);
  });

  it('tells the on-call lawyer of an URGENT message out of hours', async () => {
    await app.db.prisma.firm.updateMany({ data: { settings: { onCallUserId: lawyerId } } });
    const { id } = await text('+15550100002', 'URGENT: they changed the locks', { sentAt: '2026-11-21T03:00:00Z' });
    await settle();
    const notices = await app.db.prisma.notification.findMany({ where: { messageId: id } });
    expect(notices.map((n) => [n.userId, n.kind])).toEqual([[lawyerId, 'urgent_after_hours']]);
    await app.db.prisma.firm.updateMany({ data: { settings: {} } });
  });

  it('holds a lawyer\'s reply until opening, lets it be edited, and cancels it when STOP arrives first', async () => {
    // Make the office closed now: open only on a weekday that is not today.
    const firm = await app.db.prisma.firm.findFirstOrThrow();
    const today = DateTime.now().setZone('America/New_York').weekday;
    const otherDay = String((today % 7) + 1);
    await app.db.prisma.businessHours.updateMany({ where: { firmId: firm.id }, data: { weekly: { [otherDay]: [['09:00', '17:00']] } } });
    try {
      const from = '+15550100002';
      const conversation = await app.db.prisma.conversation.findFirstOrThrow({ where: { externalId: from } });
      const before = await phone(from);
      const held = await send(conversation.id, 'We will file the answer tomorrow.', 'hold');
      expect(held.status).toBe('scheduled');
      expect(held.heldUntil).not.toBeNull();
      expect(held.heldUntil!.getTime()).toBeGreaterThan(Date.now());
      await editHeldMessage({ db: app.db, messageId: held.messageId, text: 'We will file the answer on the next business day.' });
      expect((await app.db.prisma.message.findUniqueOrThrow({ where: { id: held.messageId } })).text).toBe(
        'We will file the answer on the next business day.',
      );

      await text(from, 'STOP', { sentAt: new Date().toISOString() });
      await settle();
      const message = await app.db.prisma.message.findUniqueOrThrow({ where: { id: held.messageId } });
      expect(message.status).toBe('cancelled');
      expect(message.error).toMatch(/opted out/);
      const after = await phone(from);
      expect(after.slice(before.length)).toEqual([
        'You have opted out and will receive no more messages from Demo Law LLP here. Reply START to receive messages again.',
      ]);
      await expect(cancelHeldMessage({ db: app.db, messageId: held.messageId })).rejects.toThrow(/still held/);
    } finally {
      await app.db.prisma.businessHours.updateMany({
        where: { firmId: firm.id },
        data: { weekly: Object.fromEntries(['1', '2', '3', '4', '5'].map((d) => [d, [['09:00', '17:30']]])) },
      });
    }
  });

  it('schedules the "we are open again" note for opening, and drops it when a lawyer answers first', async () => {
    const firm = await app.db.prisma.firm.findFirstOrThrow();
    const today = DateTime.now().setZone('America/New_York').weekday;
    await app.db.prisma.businessHours.updateMany({ where: { firmId: firm.id }, data: { weekly: { [String((today % 7) + 1)]: [['09:00', '17:00']] } } });
    await app.db.prisma.firm.updateMany({ data: { settings: { backOpenFollowUp: true } } });
    try {
      const from = '+15557770004';
      await app.db.prisma.contactIdentity.create({ data: { firmId: firm.id, accountId: 'demo', address: from, consentState: 'opted_in' } });
      const { conversationId } = await text(from, 'Are you there?', { sentAt: new Date().toISOString() });
      await settle();
      const followUp = await app.db.prisma.message.findFirstOrThrow({ where: { conversationId, purpose: 'back_open' } });
      expect(followUp.status).toBe('scheduled');
      expect(followUp.scheduledFor!.getTime()).toBeGreaterThan(Date.now());
      expect(await phone(from)).toEqual([expect.stringMatching(/^Our office is closed/)]);

      await send(conversationId, 'I am here after all: what do you need?', 'send_now');
      expect((await app.db.prisma.message.findUniqueOrThrow({ where: { id: followUp.id } })).status).toBe('cancelled');
    } finally {
      await app.db.prisma.firm.updateMany({ data: { settings: {} } });
      await app.db.prisma.businessHours.updateMany({
        where: { firmId: firm.id },
        data: { weekly: Object.fromEntries(['1', '2', '3', '4', '5'].map((d) => [d, [['09:00', '17:30']]])) },
      });
    }
  });

  it('holds every send after a free-text revocation until a person reviews it', async () => {
    const from = '+34600100003';
    const conversation = await app.db.prisma.conversation.findFirstOrThrow({ where: { externalId: from } });
    const { id } = await text(from, 'Por favor, no me escriban más', { sentAt: '2026-11-18T15:00:00Z' });
    await settle();
    const contact = await identity(from);
    expect(contact.revocationPendingMessageId).toBe(id);
    expect(contact.consentState).toBe('opted_in');
    expect(contact.consentEvents.at(-1)).toMatchObject({ source: 'free_text', messageId: id });
    const error = await refusal(send(conversation.id, 'Entendido'));
    expect(error.details).toMatchObject({ reason: 'revocation_pending' });
    const reviewers = await app.db.prisma.notification.findMany({ where: { messageId: id, kind: 'revocation_review' } });
    expect(reviewers.map((n) => n.userId)).toEqual([lawyerId]);
  });

  it('captures and flags a blocked contact\'s messages but sends it nothing, not even the after-hours reply', async () => {
    const from = '+15557770003';
    await app.db.prisma.contactIdentity.create({
      data: { firmId: (await app.db.prisma.firm.findFirstOrThrow()).id, accountId: 'demo', address: from, consentState: 'opted_in', blocked: true, blockedReason: 'stolen phone' },
    });
    const { id } = await text(from, 'Hi it is me, send me the file', { sentAt: '2026-11-15T02:00:00Z' });
    expect(await phone(from)).toEqual([]);
    expect(await app.db.prisma.message.findUniqueOrThrow({ where: { id } })).toMatchObject({ afterHours: true, text: 'Hi it is me, send me the file' });
  });
});
