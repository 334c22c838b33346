import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningMatterline } from '../../src/runtime/start-matterline.js';
import { startTestMatterline, waitFor } from '../support/matterline.js';
import type { TestDatabase } from '../support/test-database.js';
import { createTestDatabase } from '../support/test-database.js';
import type { ApiClient } from './auth-test-client.js';
import { signedIn } from './auth-test-client.js';

interface Summary {
  id: string;
  contact: { address: string; displayName: string | null };
  assignee: { id: string; name: string } | null;
  status: 'open' | 'done';
  snoozedUntil: string | null;
}
interface Page<T> {
  items: T[];
  nextCursor: string | null;
}
interface WorkState {
  assignee: { id: string; name: string } | null;
  status: 'open' | 'done';
  snoozedUntil: string | null;
}

// The shared inbox as a firm works it: search that forgives accents, views (mine, unassigned, waiting, done), assign
// to a colleague on the matter, done and reopened by the client's next message, snooze, and notes never sent.
describe('the shared inbox API', () => {
  let database: TestDatabase;
  let app: RunningMatterline;
  let lawyer: ApiClient;
  let lawyer2: ApiClient;
  let staff: ApiClient;
  let supervisor: ApiClient;
  let alice: string;
  let maria: string;
  const ids: Record<string, string> = {};

  const phoneSays = async (from: string, text: string) => {
    const response = await fetch(`${app.url}/api/simulator/demo/inbound`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ from, text }),
    });
    expect(response.status).toBe(202);
    return (await response.json()) as { id: string; conversationId: string };
  };
  const processed = (messageId: string) =>
    waitFor(async () => {
      const done = await app.db.pool.query(`SELECT 1 FROM "ProcessedJob" WHERE "jobId" = $1`, [`inbound-${messageId}`]);
      return (done.rowCount ?? 0) > 0;
    }, { what: `processing of ${messageId}` });
  const addresses = async (client: ApiClient, query: string) => {
    const page = await client.get<Page<Summary>>(`/api/conversations${query}`);
    expect(page.status).toBe(200);
    return page.body.items.map((c) => c.contact.address).sort();
  };

  beforeAll(async () => {
    database = await createTestDatabase();
    app = await startTestMatterline({ databaseUrl: database.url, queue: 'redis' });
    lawyer = await signedIn(app.url!, 'lawyer@demo.test');
    lawyer2 = await signedIn(app.url!, 'lawyer2@demo.test');
    staff = await signedIn(app.url!, 'staff@demo.test');
    supervisor = await signedIn(app.url!, 'supervisor@demo.test');
    const users = await app.db.pool.query<{ id: string; email: string }>(`SELECT id, email FROM "User"`);
    for (const row of users.rows) ids[row.email] = row.id;
    // The paralegal works on Alice's matter with Laura (the matter-members pages are the next issue's).
    await app.db.pool.query(
      `INSERT INTO "MatterMember" ("matterId", "userId", role) SELECT id, $1, 'member' FROM "Matter" WHERE number = 'M-0001'`,
      [ids['staff@demo.test']],
    );
    const a = await phoneSays('+15550100001', 'Did the dealer answer?');
    const m = await phoneSays('+34600100003', 'Hola, soy María. ¿Necesitan la factura?');
    alice = a.conversationId;
    maria = m.conversationId;
    await Promise.all([processed(a.id), processed(m.id)]);
  });
  afterAll(async () => {
    await app?.stop();
    await database?.drop();
  });

  it('finds conversations by name, number, matter and message text, whatever the accents and case', async () => {
    expect(await addresses(lawyer, '?q=Garcia')).toEqual(['+34600100003']);
    expect(await addresses(lawyer, '?q=maria')).toEqual(['+34600100003']);
    expect(await addresses(lawyer, '?q=GARCÍA')).toEqual(['+34600100003']);
    expect(await addresses(lawyer, '?q=' + encodeURIComponent('+1 555 010 0001'))).toEqual(['+15550100001']);
    expect(await addresses(lawyer, '?q=M-0001')).toEqual(['+15550100001']);
    expect(await addresses(lawyer, '?q=northwind')).toEqual(['+15550100001']);
    expect(await addresses(lawyer, '?q=factura')).toEqual(['+34600100003']);
    expect(await addresses(lawyer, '?q=dealer')).toEqual(['+15550100001']);
    // LIKE's wildcards are matched as typed: as wildcards, 'o%d' and 's_d' would match "Our office is closed".
    expect(await addresses(lawyer, '?q=o%25d')).toEqual([]);
    expect(await addresses(lawyer, '?q=s_d')).toEqual([]);
    expect(await addresses(lawyer, '?q=New_York')).toEqual(['+15550100001', '+34600100003']);
    // Only one's own conversations: Bob's matter is Leo's.
    expect(await addresses(lawyer, '?q=Brennan')).toEqual([]);
    expect(await addresses(lawyer2, '?q=Brennan')).toEqual(['+15550100002']);
    const empty = await lawyer.get<{ error: string; details: { problems: { path: string }[] } }>('/api/conversations?q=%20');
    expect(empty.status).toBe(400);
    expect(empty.body.details.problems[0]?.path).toBe('query.q');
  });

  it('assigns to a colleague on the matter only, and lists the views mine, unassigned and waiting', async () => {
    const colleagues = await lawyer.get<{ items: { id: string; name: string }[] }>(`/api/conversations/${alice}/assignees`);
    expect(colleagues.body.items.map((c) => c.name)).toEqual(['Laura Lawyer', 'Stacy Staff']);
    // Leo is not on Alice's matter: refused, and nothing changes.
    const refused = await lawyer.request<{ error: string; message: string }>('PUT', `/api/conversations/${alice}/assignee`, {
      body: { userId: ids['lawyer2@demo.test'] },
    });
    expect(refused.status).toBe(400);
    expect(refused.body.message).toMatch(/member of its matter/);
    // Leo cannot even see it: 404, as for a conversation that does not exist.
    const hidden = await lawyer2.request('PUT', `/api/conversations/${alice}/assignee`, { body: { userId: ids['lawyer2@demo.test'] } });
    expect(hidden.status).toBe(404);

    const assigned = await lawyer.request<WorkState>('PUT', `/api/conversations/${alice}/assignee`, { body: { userId: ids['staff@demo.test'] } });
    expect(assigned.status).toBe(200);
    expect(assigned.body.assignee?.name).toBe('Stacy Staff');
    expect(await addresses(staff, '?view=mine')).toEqual(['+15550100001']);
    expect(await addresses(lawyer, '?view=mine')).toEqual([]);
    expect(await addresses(lawyer, '?view=unassigned')).toEqual(['+34600100003']);
    // Both clients wrote last and nobody has answered: both wait on the firm.
    expect(await addresses(lawyer, '?view=waiting')).toEqual(['+15550100001', '+34600100003']);
    const audit = await app.db.pool.query(`SELECT details FROM "AuditEvent" WHERE action = 'conversation.assignee_changed' AND "subjectId" = $1`, [alice]);
    expect(audit.rows[0]?.details).toEqual({ from: null, to: ids['staff@demo.test'] });
  });

  it('marks done, keeps it out of the open list, and reopens it when the client writes again', async () => {
    const done = await lawyer.post<WorkState>(`/api/conversations/${alice}/done`, {});
    expect(done.body.status).toBe('done');
    expect(await addresses(lawyer, '')).toEqual(['+34600100003']);
    expect(await addresses(lawyer, '?view=done')).toEqual(['+15550100001']);
    // A search still finds it: last month's conversation is usually done.
    expect(await addresses(lawyer, '?q=avery')).toEqual(['+15550100001']);

    const again = await phoneSays('+15550100001', 'One more question, sorry');
    await processed(again.id);
    const detail = await lawyer.get<WorkState>(`/api/conversations/${alice}`);
    expect(detail.body.status).toBe('open');
    expect(await addresses(lawyer, '')).toEqual(['+15550100001', '+34600100003']);
    // The assignment survives the reopening.
    expect(detail.body.assignee?.name).toBe('Stacy Staff');
  });

  it('snoozes until a time in the future only; the client writing ends the snooze', async () => {
    const past = await lawyer.post<{ error: string }>(`/api/conversations/${maria}/snooze`, { until: '2020-01-01T09:00:00Z' });
    expect(past.status).toBe(400);
    const bad = await lawyer.post<{ details: { problems: { path: string }[] } }>(`/api/conversations/${maria}/snooze`, { until: 'tomorrow' });
    expect(bad.status).toBe(400);
    expect(bad.body.details.problems[0]?.path).toBe('body.until');
    const until = new Date(Date.now() + 3 * 86_400_000).toISOString();
    const snoozed = await lawyer.post<WorkState>(`/api/conversations/${maria}/snooze`, { until });
    expect(snoozed.status).toBe(200);
    expect(new Date(snoozed.body.snoozedUntil!).toISOString()).toBe(until);
    expect(await addresses(lawyer, '')).toEqual(['+15550100001']);
    expect(await addresses(lawyer, '?view=snoozed')).toEqual(['+34600100003']);
    const again = await phoneSays('+34600100003', '¿Me oyen?');
    await processed(again.id);
    expect(await addresses(lawyer, '')).toEqual(['+15550100001', '+34600100003']);
    // Reopening by hand works on a snoozed one too.
    await lawyer.post(`/api/conversations/${maria}/snooze`, { until });
    const reopened = await lawyer.post<WorkState>(`/api/conversations/${maria}/reopen`, {});
    expect(reopened.body).toMatchObject({ status: 'open', snoozedUntil: null });
  });

  it('keeps internal notes in the thread and the matter file, never sends them, and hides them behind a wall', async () => {
    const sentBefore = await app.db.pool.query(`SELECT count(*)::int AS n FROM "SimulatorPhoneMessage"`);
    const note = await lawyer.post<{ id: string; text: string; author: { name: string } }>(`/api/conversations/${alice}/notes`, {
      text: 'Stacy: please send Alice the signed retainer PDF.',
    });
    expect(note.status).toBe(201);
    expect(note.body.author.name).toBe('Laura Lawyer');
    const notes = await staff.get<{ items: { text: string }[] }>(`/api/conversations/${alice}/notes`);
    expect(notes.body.items.map((n) => n.text)).toEqual(['Stacy: please send Alice the signed retainer PDF.']);
    // Not a message: nothing reached the phone, and the thread of messages does not hold it.
    const sentAfter = await app.db.pool.query(`SELECT count(*)::int AS n FROM "SimulatorPhoneMessage"`);
    expect(sentAfter.rows[0].n).toBe(sentBefore.rows[0].n);
    const thread = await lawyer.get<Page<{ text: string | null }>>(`/api/conversations/${alice}/messages`);
    expect(thread.body.items.some((m) => m.text?.includes('retainer'))).toBe(false);
    // The matter file a supervisor reads has it, as a note.
    const matter = await app.db.pool.query<{ id: string }>(`SELECT id FROM "Matter" WHERE number = 'M-0001'`);
    const file = await supervisor.get<{ items: { kind: string; data: { text: string } }[] }>(`/api/matters/${matter.rows[0]!.id}/file?limit=200`);
    expect(file.status).toBe(200);
    expect(file.body.items.filter((item) => item.kind === 'note').map((item) => item.data.text)).toEqual([
      'Stacy: please send Alice the signed retainer PDF.',
    ]);
    // Leo is not on the matter: no notes for him, and no note of his lands there.
    expect((await lawyer2.get(`/api/conversations/${alice}/notes`)).status).toBe(404);
    expect((await lawyer2.post(`/api/conversations/${alice}/notes`, { text: 'hello' })).status).toBe(404);
    const empty = await lawyer.post<{ details: { problems: { path: string }[] } }>(`/api/conversations/${alice}/notes`, { text: '   ' });
    expect(empty.status).toBe(400);
    expect(empty.body.details.problems[0]?.path).toBe('body.text');
  });
});
