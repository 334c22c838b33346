import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningMatterline } from '../../src/runtime/start-matterline.js';
import { repoRoot, startTestMatterline, waitFor } from '../support/matterline.js';
import type { TestDatabase } from '../support/test-database.js';
import { createTestDatabase } from '../support/test-database.js';
import type { ApiClient } from './auth-test-client.js';
import { signedIn } from './auth-test-client.js';

// Billing integrity: only a matter's own timekeepers (members who are lawyers or staff) draft messaging time on it.
// A supervisor's review, an admin's look, an attachment opened for an audit or an export is never client time.
describe('who messaging time is drafted for', () => {
  let database: TestDatabase;
  let app: RunningMatterline;
  const people: Record<string, ApiClient> = {};
  const ids: Record<string, string> = {};
  let conversationId: string;
  let matterId: string;

  const drafts = async () =>
    (
      await app.db.pool.query<{ email: string; n: number }>(
        `SELECT u.email, count(*)::int AS n FROM "TimeEntry" te JOIN "User" u ON u.id = te."userId"
          WHERE te."matterId" = $1 AND te.state = 'draft' GROUP BY u.email ORDER BY u.email`,
        [matterId],
      )
    ).rows.map((row) => row.email);
  const activities = async (email: string) =>
    (await app.db.pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM "Activity" WHERE "userId" = $1`, [ids[email]])).rows[0]!.n;

  beforeAll(async () => {
    database = await createTestDatabase();
    app = await startTestMatterline({ databaseUrl: database.url, queue: 'redis' });
    for (const email of ['lawyer@demo.test', 'staff@demo.test', 'supervisor@demo.test', 'admin@demo.test']) people[email] = await signedIn(app.url!, email);
    const users = await app.db.pool.query<{ id: string; email: string }>(`SELECT id, email FROM "User"`);
    for (const row of users.rows) ids[row.email] = row.id;
    const matter = await app.db.prisma.matter.findFirstOrThrow({ where: { number: 'M-0001' } });
    matterId = matter.id;
    // Stacy the paralegal is on the matter; Sam (supervisor) and Ada (admin) see it but do not work it.
    await app.db.pool.query(`INSERT INTO "MatterMember" ("matterId", "userId", role) VALUES ($1, $2, 'member')`, [matterId, ids['staff@demo.test']]);
    const response = await fetch(`${app.url}/api/simulator/demo/inbound`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        from: '+15550100001',
        text: 'The dealer letter is attached',
        media: [{ data: Buffer.from('%PDF-1.4 letter').toString('base64'), mimeType: 'application/pdf', fileName: 'letter.pdf' }],
      }),
    });
    const body = (await response.json()) as { id: string; conversationId: string };
    conversationId = body.conversationId;
    await waitFor(async () => ((await app.db.pool.query(`SELECT 1 FROM "ProcessedJob" WHERE "jobId" = $1`, [`inbound-${body.id}`])).rowCount ?? 0) > 0, {
      what: 'processing',
    });
    await waitFor(async () => ((await app.db.pool.query(`SELECT 1 FROM "Attachment" WHERE state = 'stored'`)).rowCount ?? 0) > 0, { what: 'the PDF stored' });
  });
  afterAll(async () => {
    await app?.stop();
    await database?.drop();
  });

  it('drafts nothing for a supervisor or an admin who reads the thread, opens its document or exports the matter', async () => {
    const attachment = await app.db.pool.query<{ id: string }>(`SELECT id FROM "Attachment" LIMIT 1`);
    for (const email of ['supervisor@demo.test', 'admin@demo.test']) {
      const person = people[email]!;
      expect((await person.get(`/api/conversations/${conversationId}/messages`)).status).toBe(200);
      expect((await person.post(`/api/conversations/${conversationId}/read`)).status).toBe(200);
      expect((await person.get(`/api/attachments/${attachment.rows[0]!.id}`)).status).toBe(200);
      expect((await person.get(`/api/matters/${matterId}/file`)).status).toBe(200);
      expect((await person.get(`/api/matters/${matterId}/export`)).status).toBe(200);
      expect(await activities(email), email).toBe(0);
    }
    expect(await drafts()).toEqual([]);
  });

  it('drafts time for the matter\'s lawyer and its paralegal, who work it', async () => {
    expect((await people['lawyer@demo.test']!.post(`/api/conversations/${conversationId}/read`)).status).toBe(200);
    expect((await people['staff@demo.test']!.post(`/api/conversations/${conversationId}/read`)).status).toBe(200);
    expect(await drafts()).toEqual(['lawyer@demo.test', 'staff@demo.test']);
  });

  it('writes off, never deletes, the drafts made earlier for people who do not keep time on the matter', async () => {
    // As the old rule left them: a supervisor's draft and a draft of someone no longer on the matter.
    const insert = (userId: string) =>
      app.db.pool.query(
        `INSERT INTO "TimeEntry" (id, "firmId", "userId", "matterId", date, tenths, narrative, "rateCents", "updatedAt")
         SELECT gen_random_uuid()::text, "firmId", $1, id, current_date, 1, 'Read the thread', 0, now() FROM "Matter" WHERE id = $2 RETURNING id`,
        [userId, matterId],
      );
    const wrong = (await insert(ids['supervisor@demo.test']!)).rows[0].id as string;
    const former = (await insert(ids['lawyer2@demo.test']!)).rows[0].id as string;
    const sql = await readFile(path.join(repoRoot, 'prisma/migrations/20261205015500_time_for_timekeepers_only/migration.sql'), 'utf8');
    await app.db.pool.query(sql);
    const after = await app.db.pool.query<{ id: string; state: string; writeOffReason: string | null; email: string }>(
      `SELECT te.id, te.state, te."writeOffReason", u.email FROM "TimeEntry" te JOIN "User" u ON u.id = te."userId" WHERE te."matterId" = $1 ORDER BY u.email`,
      [matterId],
    );
    const byId = new Map(after.rows.map((row) => [row.id, row]));
    for (const id of [wrong, former]) {
      expect(byId.get(id)?.state).toBe('written_off');
      expect(byId.get(id)?.writeOffReason).toMatch(/does not keep time on this matter/);
    }
    // The timekeepers' own drafts are untouched.
    expect(after.rows.filter((row) => row.state === 'draft').map((row) => row.email)).toEqual(['lawyer@demo.test', 'staff@demo.test']);
  });
});
