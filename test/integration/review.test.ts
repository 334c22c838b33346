import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LawyerReview } from '../../src/core/review/build-lawyer-review.js';
import type { MatterReview } from '../../src/core/review/build-matter-review.js';
import type { RunningMatterline } from '../../src/runtime/start-matterline.js';
import { startTestMatterline } from '../support/matterline.js';
import type { TestDatabase } from '../support/test-database.js';
import { createTestDatabase } from '../support/test-database.js';
import type { ApiClient } from './auth-test-client.js';
import { signedIn } from './auth-test-client.js';

// A supervisor reviews a month of the firm's messaging: volume, first responses against the firm's promise,
// after-hours traffic, messages to contacts never asked for consent, unbilled time, group chats with a third party.
describe('the file review report', () => {
  let database: TestDatabase;
  let app: RunningMatterline;
  let admin: ApiClient;
  let supervisor: ApiClient;
  let lawyer: ApiClient;
  const user: Record<string, string> = {};
  const june = 'from=2026-06-01&to=2026-06-30';

  // The record of June, written as capture would have left it (times fixed, so nothing depends on today's clock).
  const message = async (conversationId: string, direction: 'inbound' | 'outbound', at: string, extra: { author?: string; purpose?: string; afterHours?: boolean; backfilled?: boolean } = {}) => {
    await app.db.pool.query(
      `INSERT INTO "Message" (id, "firmId", "accountId", "conversationId", "identityId", direction, purpose, text, status, "authorUserId",
                              "sentAt", "capturedAt", "afterHours", backfilled)
       SELECT gen_random_uuid()::text, c."firmId", c."accountId", c.id, c."identityId", $2::"MessageDirection", $3::"MessagePurpose", 'text',
              $4::"MessageStatus", $5, $6, $6, $7, $8
         FROM "Conversation" c WHERE c.id = $1`,
      [conversationId, direction, extra.purpose ?? 'conversation', direction === 'inbound' ? 'received' : 'delivered', extra.author ?? null, at, extra.afterHours ?? false, extra.backfilled ?? false],
    );
  };

  beforeAll(async () => {
    database = await createTestDatabase();
    app = await startTestMatterline({ databaseUrl: database.url, queue: 'redis' });
    const as = (who: string) => signedIn(app.url!, `${who}@demo.test`);
    [admin, supervisor, lawyer] = await Promise.all([as('admin'), as('supervisor'), as('lawyer')]);
    for (const who of ['lawyer', 'lawyer2']) user[who] = (await app.db.prisma.user.findUniqueOrThrow({ where: { email: `${who}@demo.test` } })).id;
    expect((await admin.request('PATCH', '/api/admin/settings', { body: { promisedReplyMinutes: 60 } })).status).toBe(200);
    // The demo clients agreed in writing at intake, long before June.
    await app.db.pool.query(`UPDATE "ConsentEvent" SET "createdAt" = '2026-01-01T00:00:00Z'`);
    const conversation = async (phone: string) => (await app.db.prisma.conversation.findFirstOrThrow({ where: { externalId: phone } })).id;
    const avery = await conversation('+15550100001');
    const brennan = await conversation('+15550100002');

    // M-0001: a burst answered in 40 minutes; a night message answered the next day (late); one left unanswered.
    await message(avery, 'inbound', '2026-06-01T14:00:00Z');
    await message(avery, 'inbound', '2026-06-01T14:10:00Z');
    await message(avery, 'outbound', '2026-06-01T14:40:00Z', { author: user.lawyer });
    await message(avery, 'inbound', '2026-06-02T02:00:00Z', { afterHours: true });
    await message(avery, 'outbound', '2026-06-02T02:00:05Z', { purpose: 'after_hours' });
    await message(avery, 'outbound', '2026-06-02T14:00:00Z', { author: user.lawyer });
    await message(avery, 'inbound', '2026-06-03T10:00:00Z');
    await message(avery, 'inbound', '2026-06-04T10:00:00Z', { backfilled: true });
    await message(avery, 'inbound', '2026-07-04T10:00:00Z');
    // M-0002 (behind the supervisor's wall): answered in 30 minutes.
    await message(brennan, 'inbound', '2026-06-05T10:00:00Z');
    await message(brennan, 'outbound', '2026-06-05T10:30:00Z', { author: user.lawyer2 });

    // M-0003: a number nobody asked for consent, written to anyway, and a group chat with a third party.
    const m3 = await app.db.prisma.matter.findFirstOrThrow({ where: { number: 'M-0003' } });
    await app.db.prisma.matter.update({ where: { id: m3.id }, data: { title: '=HYPERLINK("https://evil.example")' } });
    const stranger = await app.db.prisma.contactIdentity.create({ data: { firmId: m3.firmId, accountId: 'demo', address: '+34600999999' } });
    const direct = await app.db.prisma.conversation.create({ data: { firmId: m3.firmId, accountId: 'demo', externalId: '+34600999999', identityId: stranger.id, matterId: m3.id } });
    await message(direct.id, 'outbound', '2026-06-06T09:00:00Z', { author: user.lawyer });
    await app.db.prisma.conversation.create({ data: { firmId: m3.firmId, accountId: 'demo', externalId: 'group-1@g.us', kind: 'group', matterId: m3.id, title: 'Family chat', privilegeRisk: true } });

    // Time on M-0001: a draft and an approved entry are unbilled; exported and written-off ones are not.
    const m1 = await app.db.prisma.matter.findFirstOrThrow({ where: { number: 'M-0001' } });
    const batch = await app.db.prisma.timeExportBatch.create({
      data: {
        firmId: m1.firmId, sequence: 1, format: 'ledes1998b', selection: {}, fromDate: new Date('2026-06-01'), toDate: new Date('2026-06-30'),
        ledes: '', csv: '', sha256: 'x'.repeat(64), csvSha256: 'y'.repeat(64),
      },
    });
    for (const [tenths, state, exportBatchId] of [[3, 'draft', null], [5, 'approved', null], [7, 'exported', batch.id], [2, 'written_off', null]] as const) {
      await app.db.prisma.timeEntry.create({
        data: { firmId: m1.firmId, userId: user.lawyer!, matterId: m1.id, date: new Date('2026-06-01'), tenths, state, exportBatchId, narrative: 'Messages', rateCents: 30000 },
      });
    }
  });
  afterAll(async () => {
    await app?.stop();
    await database?.drop();
  });

  it('reports per matter, against the promised reply time', async () => {
    const review = await admin.get<MatterReview>(`/api/review/matters?${june}`);
    expect(review.status).toBe(200);
    expect(review.body.promisedReplyMinutes).toBe(60);
    const byNumber = Object.fromEntries(review.body.rows.map((row) => [row.matter.number, row]));
    expect(Object.keys(byNumber)).toEqual(['M-0001', 'M-0002', 'M-0003']);
    expect(byNumber['M-0001']).toMatchObject({
      messages: { inbound: 5, byPeople: 2, automated: 1, total: 8 },
      afterHoursInbound: 1,
      firstResponse: { episodes: 3, answered: 2, answeredWithinPromise: 1, answeredLate: 1, unansweredOverdue: 1, medianMinutes: 40, maxMinutes: 720 },
      withoutConsentAttempt: { messages: 0, contacts: 0 },
      unbilled: { entries: 2, hours: 0.8 },
      privilegeRisks: [],
    });
    expect(byNumber['M-0002']!.firstResponse).toMatchObject({ episodes: 1, answeredWithinPromise: 1, medianMinutes: 30 });
    expect(byNumber['M-0003']).toMatchObject({ withoutConsentAttempt: { messages: 1, contacts: 1 }, privilegeRisks: [{ title: 'Family chat' }] });
  });

  it('shows a supervisor only the matters they may see, and refuses lawyers', async () => {
    const review = await supervisor.get<MatterReview>(`/api/review/matters?${june}`);
    expect(review.body.rows.map((row) => row.matter.number)).toEqual(['M-0001', 'M-0003']);
    const people = await supervisor.get<LawyerReview>(`/api/review/lawyers?${june}`);
    expect(people.body.rows.map((row) => row.lawyer.name)).toEqual(['Laura Lawyer']);
    expect((await lawyer.get(`/api/review/matters?${june}`)).status).toBe(403);
    expect((await lawyer.get(`/api/review/lawyers.csv?${june}`)).status).toBe(403);
    expect((await admin.get(`/api/review/matters?from=June`)).status).toBe(400);
  });

  it('reports per lawyer: their matters, what they sent and answered, their unbilled time', async () => {
    const review = await admin.get<LawyerReview>(`/api/review/lawyers?${june}`);
    const byName = Object.fromEntries(review.body.rows.map((row) => [row.lawyer.name, row]));
    expect(byName['Laura Lawyer']).toMatchObject({
      matters: 2,
      messagesSent: 3,
      inboundOnTheirMatters: 5,
      afterHoursInbound: 1,
      firstResponse: { episodes: 3, answeredWithinPromise: 1, answeredLate: 1, unansweredOverdue: 1 },
      answeredByThem: 2,
      withoutConsentAttempt: { messages: 1, contacts: 1 },
      unbilled: { entries: 2, hours: 0.8 },
      privilegeRisks: 1,
    });
    expect(byName['Leo Lawyer']).toMatchObject({ matters: 1, messagesSent: 1, answeredByThem: 1 });
    const one = await admin.get<LawyerReview>(`/api/review/lawyers?${june}&lawyer=${user.lawyer2}`);
    expect(one.body.rows.map((row) => row.lawyer.name)).toEqual(['Leo Lawyer']);
  });

  it('exports both as CSV, with formulas made inert, and audits every report read', async () => {
    const response = await fetch(`${app.url}/api/review/matters.csv?${june}`, { headers: { cookie: admin.cookie ?? '' } });
    expect(response.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    const lines = (await response.text()).split('\r\n');
    expect(lines[0]).toBe(
      'matter_number,matter_title,client,members,messages_total,messages_inbound,messages_sent_by_people,messages_automated,after_hours_inbound,waits_for_first_response,answered_within_promise,answered_late,unanswered_overdue,median_first_response_minutes,p90_first_response_minutes,max_first_response_minutes,messages_to_contacts_without_consent_attempt,unbilled_entries,unbilled_hours,group_chats_with_third_party',
    );
    expect(lines[1]).toBe('M-0001,Avery v. Northwind Motors (lemon law),Alice Avery,Laura Lawyer,8,5,2,1,1,3,1,1,1,40,720,720,0,2,0.8,0');
    expect(lines[3]).toContain(`,"'=HYPERLINK(""https://evil.example"")",`);
    const people = await fetch(`${app.url}/api/review/lawyers.csv?${june}`, { headers: { cookie: admin.cookie ?? '' } });
    expect((await people.text()).split('\r\n')[0]).toMatch(/^lawyer,matters,messages_sent,/);
    const audits = await app.db.prisma.auditEvent.count({ where: { action: 'review.report_read' } });
    expect(audits).toBeGreaterThanOrEqual(7);
  });
});
