import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningMatterline } from '../../src/runtime/start-matterline.js';
import { startTestMatterline } from '../support/matterline.js';
import type { TestDatabase } from '../support/test-database.js';
import { createTestDatabase } from '../support/test-database.js';
import type { ApiClient } from './auth-test-client.js';
import { signedIn } from './auth-test-client.js';

interface Member {
  userId: string;
  name: string;
  memberRole: string;
  walled: boolean;
}

// A matter's team and its ethical walls, and editing clients and matters: who may do what, every change audited, and
// a wall that takes effect on the next read.
describe('matter teams, walls, and editing clients and matters', () => {
  let database: TestDatabase;
  let app: RunningMatterline;
  const as: Record<string, ApiClient> = {};
  const ids: Record<string, string> = {};
  let m1: { id: string; clientId: string };

  beforeAll(async () => {
    database = await createTestDatabase();
    app = await startTestMatterline({ databaseUrl: database.url, queue: 'redis' });
    for (const who of ['admin', 'supervisor', 'lawyer', 'lawyer2', 'staff']) as[who] = await signedIn(app.url!, `${who}@demo.test`);
    for (const row of (await app.db.pool.query<{ id: string; email: string }>(`SELECT id, email FROM "User"`)).rows) ids[row.email.split('@')[0]!] = row.id;
    m1 = await app.db.prisma.matter.findFirstOrThrow({ where: { number: 'M-0001' }, select: { id: true, clientId: true } });
  });
  afterAll(async () => {
    await app?.stop();
    await database?.drop();
  });

  it('lets staff and admins add and remove team members, and nobody else; the new member sees the matter at once', async () => {
    expect((await as.lawyer2!.get('/api/matters')).body).toMatchObject({ items: [expect.objectContaining({ number: 'M-0002' })] });
    for (const who of ['lawyer', 'supervisor']) {
      expect((await as[who]!.post(`/api/matters/${m1.id}/members`, { userId: ids.lawyer2 })).status, who).toBe(403);
    }
    const added = await as.staff!.post<{ items: Member[] }>(`/api/matters/${m1.id}/members`, { userId: ids.lawyer2, role: 'member' });
    expect(added.status).toBe(201);
    expect(added.body.items.map((m) => [m.name, m.memberRole])).toEqual([
      ['Laura Lawyer', 'responsible'],
      ['Leo Lawyer', 'member'],
    ]);
    const leoMatters = await as.lawyer2!.get<{ items: { number: string }[] }>('/api/matters');
    expect(leoMatters.body.items.map((m) => m.number).sort()).toEqual(['M-0001', 'M-0002']);
    // Another firm's user, or a made-up one, is refused by name.
    const ghost = await as.admin!.post<{ details: { field: string } }>(`/api/matters/${m1.id}/members`, { userId: 'no-such-user' });
    expect(ghost.status).toBe(400);
    expect((await as.admin!.request('DELETE', `/api/matters/${m1.id}/members/${ids.lawyer2}`)).status).toBe(204);
    expect((await as.admin!.request('DELETE', `/api/matters/${m1.id}/members/${ids.lawyer2}`)).status).toBe(404);
    const audit = await app.db.pool.query(`SELECT action FROM "AuditEvent" WHERE "subjectId" = $1 AND action LIKE 'matter.member_%' ORDER BY id`, [m1.id]);
    expect(audit.rows.map((r) => r.action)).toEqual(['matter.member_added', 'matter.member_removed']);
  });

  it('lets supervisors and admins put up a wall that takes effect at once, with the reason kept; others may not see walls', async () => {
    expect((await as.staff!.get(`/api/matters/${m1.id}/walls`)).status).toBe(403);
    expect((await as.lawyer!.post(`/api/matters/${m1.id}/walls`, { userId: ids.staff, reason: 'Conflict' })).status).toBe(403);
    const short = await as.supervisor!.post<{ details: { problems: { path: string }[] } }>(`/api/matters/${m1.id}/walls`, { userId: ids.lawyer, reason: 'x' });
    expect(short.status).toBe(400);
    expect(short.body.details.problems[0]?.path).toBe('body.reason');
    expect((await as.lawyer!.get(`/api/matters/${m1.id}/members`)).status).toBe(200);
    const wall = await as.supervisor!.post<{ id: string }>(`/api/matters/${m1.id}/walls`, { userId: ids.lawyer, reason: 'Laura represented the dealer in 2024' });
    expect(wall.status).toBe(201);
    // Laura no longer sees the matter, even though she is still on its team (the wall wins).
    expect((await as.lawyer!.get(`/api/matters/${m1.id}/members`)).status).toBe(404);
    const members = await as.admin!.get<{ items: Member[] }>(`/api/matters/${m1.id}/members`);
    expect(members.body.items.find((m) => m.name === 'Laura Lawyer')?.walled).toBe(true);
    const walls = await as.admin!.get<{ items: { name: string; reason: string; createdBy: string }[] }>(`/api/matters/${m1.id}/walls`);
    expect(walls.body.items).toEqual([expect.objectContaining({ name: 'Laura Lawyer', reason: 'Laura represented the dealer in 2024', createdBy: 'Sam Supervisor' })]);
    expect((await as.supervisor!.post(`/api/matters/${m1.id}/walls`, { userId: ids.lawyer, reason: 'Again' })).status).toBe(409);
    expect((await as.supervisor!.post(`/api/matters/${m1.id}/walls`, { userId: ids.supervisor, reason: 'Myself' })).status).toBe(400);
    // Down again, with its reason: Laura sees the matter again.
    expect((await as.admin!.request('DELETE', `/api/matters/${m1.id}/walls/${wall.body.id}`, { body: { reason: 'Conflict cleared by the ethics partner' } })).status).toBe(204);
    expect((await as.lawyer!.get(`/api/matters/${m1.id}/members`)).status).toBe(200);
    const audit = await app.db.pool.query(`SELECT action, details FROM "AuditEvent" WHERE "subjectId" = $1 AND action LIKE 'matter.wall_%' ORDER BY id`, [m1.id]);
    expect(audit.rows.map((r) => [r.action, r.details.reason])).toEqual([
      ['matter.wall_added', 'Laura represented the dealer in 2024'],
      ['matter.wall_removed', 'Conflict cleared by the ethics partner'],
    ]);
  });

  it('edits, closes and reopens a matter, and edits a client, for staff and admins only', async () => {
    expect((await as.lawyer!.request('PATCH', `/api/matters/${m1.id}`, { body: { title: 'x' } })).status).toBe(403);
    const empty = await as.staff!.request<{ message: string }>('PATCH', `/api/matters/${m1.id}`, { body: {} });
    expect(empty.status).toBe(400);
    const closed = await as.staff!.request<{ status: string; closedAt: string | null; title: string }>('PATCH', `/api/matters/${m1.id}`, {
      body: { status: 'closed', title: 'Avery v. Northwind Motors (settled)' },
    });
    expect(closed.status).toBe(200);
    expect(closed.body).toMatchObject({ status: 'closed', title: 'Avery v. Northwind Motors (settled)' });
    expect(closed.body.closedAt).not.toBeNull();
    const reopened = await as.admin!.request<{ status: string; closedAt: string | null }>('PATCH', `/api/matters/${m1.id}`, { body: { status: 'open' } });
    expect(reopened.body).toMatchObject({ status: 'open', closedAt: null });
    const audit = await app.db.pool.query(`SELECT action FROM "AuditEvent" WHERE "subjectId" = $1 AND action IN ('matter.closed', 'matter.reopened') ORDER BY id`, [m1.id]);
    expect(audit.rows.map((r) => r.action)).toEqual(['matter.closed', 'matter.reopened']);

    const client = await as.staff!.request<{ name: string; email: string | null }>('PATCH', `/api/clients/${m1.clientId}`, { body: { name: 'Alice B. Avery', email: 'alice@example.com' } });
    expect(client.status).toBe(200);
    expect(client.body).toMatchObject({ name: 'Alice B. Avery', email: 'alice@example.com' });
    expect((await as.lawyer!.request('PATCH', `/api/clients/${m1.clientId}`, { body: { name: 'x' } })).status).toBe(403);
  });

  it('closes a client only once every matter of theirs is closed; a closed client gets no new or reopened matter until reopened', async () => {
    const m3 = await app.db.prisma.matter.findFirstOrThrow({ where: { number: 'M-0003' } });
    const close = () => as.staff!.request<{ message: string; closedAt: string | null }>('PATCH', `/api/clients/${m3.clientId}`, { body: { closed: true } });
    const refused = await close();
    expect(refused.status).toBe(409);
    expect(refused.body.message).toBe("close the client's open matter first: M-0003");
    expect((await as.staff!.request('PATCH', `/api/matters/${m3.id}`, { body: { status: 'closed' } })).status).toBe(200);
    const closed = await close();
    expect(closed.status).toBe(200);
    expect(closed.body.closedAt).not.toBeNull();
    const listed = await as.staff!.get<{ items: { id: string; closedAt: string | null }[] }>('/api/clients?scope=intake');
    expect(listed.body.items.find((c) => c.id === m3.clientId)?.closedAt).toBe(closed.body.closedAt);

    const reopenMatter = await as.staff!.request<{ message: string }>('PATCH', `/api/matters/${m3.id}`, { body: { status: 'open' } });
    expect(reopenMatter.status).toBe(409);
    expect(reopenMatter.body.message).toContain('is a closed client: reopen the client before the matter');
    const newMatter = await as.staff!.post<{ message: string }>('/api/matters', { clientId: m3.clientId, number: 'M-0300', title: 'Another claim' });
    expect(newMatter.status).toBe(409);
    expect(newMatter.body.message).toContain('is a closed client: reopen the client before opening a matter');

    const reopened = await as.staff!.request<{ closedAt: string | null }>('PATCH', `/api/clients/${m3.clientId}`, { body: { closed: false } });
    expect(reopened.body.closedAt).toBeNull();
    expect((await as.staff!.request('PATCH', `/api/matters/${m3.id}`, { body: { status: 'open' } })).status).toBe(200);
    const audit = await app.db.pool.query(`SELECT action FROM "AuditEvent" WHERE "subjectId" = $1 AND action LIKE 'client.%' ORDER BY id`, [m3.clientId]);
    expect(audit.rows.map((r) => r.action)).toEqual(['client.closed', 'client.reopened']);
    expect((await as.lawyer!.request('PATCH', `/api/clients/${m3.clientId}`, { body: { closed: true } })).status).toBe(403);
  });

  it('lists the firm\'s active people by name for choosing a colleague, without emails', async () => {
    const people = await as.lawyer!.get<{ items: { name: string; role: string; email?: string }[] }>('/api/people');
    expect(people.body.items.map((p) => p.name)).toEqual(['Ada Admin', 'Laura Lawyer', 'Leo Lawyer', 'Sam Supervisor', 'Stacy Staff']);
    expect(people.body.items.every((p) => p.email === undefined)).toBe(true);
  });
});
