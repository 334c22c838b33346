import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Viewer } from '../../src/core/access/viewer.js';
import { firmSettingsSchema } from '../../src/core/firm-settings.js';
import { newId } from '../../src/core/new-id.js';
import { seedDemoFirm } from '../../src/core/seed-demo-firm.js';
import { editTimeEntry } from '../../src/core/time/edit-time-entry.js';
import { redraftEntries } from '../../src/core/time/redraft-entries.js';
import { lockPersonMatter } from '../../src/core/time/time-lock.js';
import type { ActivityKind } from '../../src/core/time/time-rules.js';
import { transitionTimeEntry } from '../../src/core/time/transition-time-entry.js';
import { withTransaction } from '../../src/core/transaction.js';
import type { Database } from '../../src/db/prisma.js';
import { openDatabase } from '../../src/db/prisma.js';
import type { TestDatabase } from '../support/test-database.js';
import { createTestDatabase } from '../support/test-database.js';

interface DraftRow {
  id: string;
  date: string;
  tenths: number;
  seconds: number;
  state: string;
  billable: boolean;
  activities: number;
}

// Drafting against the record: sessions become entries, grow while they last, and never touch what a person has
// reviewed. Activities are written with the times a test needs; the inbox path is covered by time-capture-api.
describe('drafting entries from activities', () => {
  let database: TestDatabase;
  let db: Database;
  let lawyer: Viewer;
  let matters: Record<string, string>;
  const settings = firmSettingsSchema.parse({});

  beforeAll(async () => {
    database = await createTestDatabase();
    db = openDatabase({ url: database.url });
    const { firmId } = await seedDemoFirm({ prisma: db.prisma, password: 'not-used-here' });
    const user = await db.prisma.user.findUniqueOrThrow({ where: { email: 'lawyer@demo.test' } });
    lawyer = { userId: user.id, firmId, role: 'lawyer' };
    const client = await db.prisma.client.create({ data: { firmId, name: 'Flat Fee Co' } });
    await db.prisma.matter.create({
      data: { firmId, clientId: client.id, number: 'FF-1', title: 'Flat fee matter', billingType: 'flat_fee', members: { create: [{ userId: user.id }] } },
    });
    const all = await db.prisma.matter.findMany({ select: { id: true, number: true } });
    matters = Object.fromEntries(all.map((matter) => [matter.number, matter.id]));
  });
  afterAll(async () => {
    await db?.close();
    await database?.drop();
  });

  const activity = async (matter: string, occurredAt: string, seconds: number, kind: ActivityKind = 'message_read') => {
    await db.pool.query(
      `INSERT INTO "Activity" (id, "firmId", "userId", "matterId", "messageId", kind, seconds, "occurredAt") VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
      [newId(), lawyer.firmId, lawyer.userId, matters[matter], newId(), kind, seconds, new Date(occurredAt)],
    );
  };
  const redraft = (matter: string, overrides: Partial<typeof settings> = {}) =>
    withTransaction(db.pool, async (client) => {
      await lockPersonMatter(client, lawyer.userId, matters[matter]!);
      return redraftEntries(client, { firmId: lawyer.firmId, userId: lawyer.userId, matterId: matters[matter]!, settings: { ...settings, ...overrides }, timeZone: 'America/New_York' });
    });
  const drafts = async (matter: string) =>
    (
      await db.pool.query<DraftRow>(
        `SELECT e.id, to_char(e.date, 'YYYY-MM-DD') AS date, e.tenths, e.seconds, e.state, e.billable,
                (SELECT count(*)::int FROM "Activity" a WHERE a."timeEntryId" = e.id) AS activities
           FROM "TimeEntry" e WHERE e."matterId" = $1 ORDER BY e."startedAt"`,
        [matters[matter]],
      )
    ).rows;

  it('makes two entries of two bursts 40 minutes apart, each rounded up once', async () => {
    await activity('M-0001', '2026-03-10T14:00:00Z', 60, 'message_sent');
    await activity('M-0001', '2026-03-10T14:02:00Z', 20);
    await activity('M-0001', '2026-03-10T14:42:00Z', 60, 'message_sent');
    await activity('M-0001', '2026-03-10T14:44:00Z', 360, 'message_sent');
    const result = await redraft('M-0001');
    expect(result.created).toHaveLength(2);
    expect((await drafts('M-0001')).map(({ date, tenths, seconds, activities }) => ({ date, tenths, seconds, activities }))).toEqual([
      { date: '2026-03-10', tenths: 1, seconds: 80, activities: 2 },
      { date: '2026-03-10', tenths: 2, seconds: 420, activities: 2 },
    ]);
  });

  it('grows the open session in place and leaves the other entry alone', async () => {
    const [first, second] = await drafts('M-0001');
    await activity('M-0001', '2026-03-10T14:50:00Z', 360, 'message_sent');
    const result = await redraft('M-0001');
    expect(result).toEqual({ created: [], updated: [second!.id], removed: [] });
    expect(await drafts('M-0001')).toEqual([first, { ...second, tenths: 3, seconds: 780, activities: 3 }]);
  });

  it('joins two sessions into one when an activity bridges the gap, removing the emptied draft', async () => {
    const [first, second] = await drafts('M-0001');
    // 14:02 -> 14:15 -> 14:28 -> 14:42: every step within 15 minutes.
    await activity('M-0001', '2026-03-10T14:15:00Z', 20);
    await activity('M-0001', '2026-03-10T14:28:00Z', 20);
    const result = await redraft('M-0001');
    expect(result).toEqual({ created: [], updated: [first!.id], removed: [second!.id] });
    expect(await drafts('M-0001')).toMatchObject([{ id: first!.id, tenths: 3, seconds: 80 + 40 + 780, activities: 7 }]);
  });

  it('never rebuilds an entry a person edited or approved: new work becomes a new draft', async () => {
    const [entry] = await drafts('M-0001');
    await editTimeEntry({ pool: db.pool, viewer: lawyer, entryId: entry!.id, narrative: 'Reviewed the dealer\'s offer with the client' });
    await activity('M-0001', '2026-03-10T14:55:00Z', 60, 'message_sent');
    const result = await redraft('M-0001');
    expect(result.updated).toEqual([]);
    expect(result.created).toHaveLength(1);
    const [kept, added] = await drafts('M-0001');
    expect(kept).toEqual({ ...entry, activities: 7 });
    expect(added).toMatchObject({ tenths: 1, seconds: 60, activities: 1 });

    await transitionTimeEntry({ pool: db.pool, viewer: lawyer, entryId: added!.id, transition: { action: 'approve' } });
    await activity('M-0001', '2026-03-10T14:58:00Z', 20);
    expect((await redraft('M-0001')).created).toHaveLength(1);
    expect((await drafts('M-0001')).map((row) => [row.state, row.activities])).toEqual([['draft', 7], ['approved', 1], ['draft', 1]]);
  });

  it('keeps a session across the firm\'s midnight in one entry dated the day it began; by day it splits', async () => {
    await activity('M-0003', '2026-01-15T04:50:00Z', 300, 'message_sent');
    await activity('M-0003', '2026-01-15T05:05:00Z', 120, 'message_sent');
    await redraft('M-0003');
    expect((await drafts('M-0003')).map(({ date, tenths }) => [date, tenths])).toEqual([['2026-01-14', 2]]);
    await redraft('M-0003', { timeGrouping: 'day' });
    expect((await drafts('M-0003')).map(({ date, tenths }) => [date, tenths])).toEqual([['2026-01-14', 1], ['2026-01-15', 1]]);
    // Recording new work rebuilds only around it: the firm changing its grouping back does not rewrite these drafts.
    const later = await withTransaction(db.pool, async (client) => {
      await lockPersonMatter(client, lawyer.userId, matters['M-0003']!);
      return redraftEntries(client, {
        firmId: lawyer.firmId, userId: lawyer.userId, matterId: matters['M-0003']!, settings, timeZone: 'America/New_York', since: new Date('2026-02-01T00:00:00Z'),
      });
    });
    expect(later).toEqual({ created: [], updated: [], removed: [] });
    expect(await drafts('M-0003')).toHaveLength(2);
  });

  it('drafts non-billable entries on a flat-fee matter, and no entry for zero seconds of work', async () => {
    await activity('FF-1', '2026-03-11T15:00:00Z', 60, 'message_sent');
    await redraft('FF-1');
    expect(await drafts('FF-1')).toMatchObject([{ billable: false, tenths: 1 }]);
    await activity('FF-1', '2026-03-12T15:00:00Z', 0);
    expect((await redraft('FF-1')).created).toEqual([]);
    const waiting = await db.pool.query(`SELECT 1 FROM "Activity" WHERE "matterId" = $1 AND "timeEntryId" IS NULL`, [matters['FF-1']]);
    expect(waiting.rowCount).toBe(1);
  });
});
