import { hash } from '@node-rs/argon2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openApiDocument } from '../../src/http/openapi.js';
import type { RunningMatterline } from '../../src/runtime/start-matterline.js';
import { demoPassword, startTestMatterline } from '../support/matterline.js';
import type { TestDatabase } from '../support/test-database.js';
import { createTestDatabase } from '../support/test-database.js';
import type { ApiClient, ApiResponse } from './auth-test-client.js';
import { signedIn } from './auth-test-client.js';

// Every inbox route, for every kind of person, against every kind of conversation: the demo firm's three matters
// (memberships and walls), a conversation waiting for triage, and another firm's conversation. Lists never include
// what a person may not see; single items answer 404 for it, exactly as for something that does not exist.

type Who = 'admin' | 'supervisor' | 'lawyer' | 'lawyer2' | 'staff' | 'otherAdmin';
type Thread = 'A' | 'B' | 'C' | 'T' | 'X';
type MatterKey = 'M1' | 'M2' | 'M3' | 'MX';

const people: Record<Who, string> = {
  admin: 'admin@demo.test',
  supervisor: 'supervisor@demo.test',
  lawyer: 'lawyer@demo.test',
  lawyer2: 'lawyer2@demo.test',
  staff: 'staff@demo.test',
  otherAdmin: 'admin@other.test',
};

// A: +15550100001, M-0001, lawyer (and lawyer2, who is also walled from it: a wall beats membership).
// B: +15550100002, M-0002, lawyer2; the demo wall keeps supervisor out.
// C: +34600100003, M-0003, lawyer; this test walls admin out (a wall beats every role).
// T: a new number, under no matter yet. X: another firm's conversation on a matter also numbered M-0001.
const sees: Record<Who, Thread[]> = {
  admin: ['A', 'B', 'T'],
  supervisor: ['A', 'C', 'T'],
  lawyer: ['A', 'C'],
  lawyer2: ['B'],
  staff: ['T'],
  otherAdmin: ['X'],
};
const matterOf: Record<Exclude<Thread, 'T'>, MatterKey> = { A: 'M1', B: 'M2', C: 'M3', X: 'MX' };
const seesMatters = (who: Who): MatterKey[] =>
  sees[who].filter((t): t is Exclude<Thread, 'T'> => t !== 'T').map((t) => matterOf[t]);
const intake = new Set<Who>(['admin', 'staff', 'otherAdmin']);
const administers = new Set<Who>(['admin', 'otherAdmin']);
const everyone = Object.keys(people) as Who[];
const threads: Thread[] = ['A', 'B', 'C', 'T', 'X'];

describe('who sees what: every route x role x membership x wall', () => {
  let database: TestDatabase;
  let app: RunningMatterline;
  const client = {} as Record<Who, ApiClient>;
  const conversation = {} as Record<Thread, string>;
  const matter = {} as Record<MatterKey, { id: string; clientId: string }>;
  const covered = new Set<string>();
  let threadReadsAllowed = 0;

  const call = async (who: Who, method: 'GET' | 'POST' | 'PUT', route: string, path: string, body?: unknown): Promise<ApiResponse> => {
    covered.add(`${method} ${route}`);
    const response = await client[who].request(method, path, body === undefined ? {} : { body });
    if (response.status >= 400) expect(response.body).toMatchObject({ error: expect.any(String), message: expect.any(String) });
    return response;
  };
  const idsOf = (response: ApiResponse) => ((response.body as { items: { id: string }[] }).items ?? []).map((item) => item.id).sort();
  const threadIds = (list: Thread[]) => list.map((t) => conversation[t]).sort();
  const matterIds = (list: MatterKey[]) => list.map((m) => matter[m].id).sort();

  beforeAll(async () => {
    database = await createTestDatabase();
    app = await startTestMatterline({ databaseUrl: database.url, queue: 'redis' });
    const { prisma } = app.db;
    const user = async (email: string) => (await prisma.user.findUniqueOrThrow({ where: { email } })).id;
    const demoMatter = async (number: string) => prisma.matter.findFirstOrThrow({ where: { number, firm: { slug: 'demo' } } });
    const m1 = await demoMatter('M-0001');
    const m3 = await demoMatter('M-0003');
    await prisma.matterMember.create({ data: { matterId: m1.id, userId: await user('lawyer2@demo.test') } });
    await prisma.ethicalWall.create({ data: { matterId: m1.id, userId: await user('lawyer2@demo.test'), reason: 'test: wall beats membership' } });
    await prisma.ethicalWall.create({ data: { matterId: m3.id, userId: await user('admin@demo.test'), reason: 'test: wall beats admin' } });

    const other = await prisma.firm.create({ data: { name: 'Other & Partners', slug: 'other' } });
    await prisma.user.create({ data: { firmId: other.id, email: 'admin@other.test', name: 'Otto Other', role: 'admin', passwordHash: await hash(demoPassword) } });
    const otherClient = await prisma.client.create({ data: { firmId: other.id, name: 'Olga Other' } });
    const mx = await prisma.matter.create({ data: { firmId: other.id, clientId: otherClient.id, number: 'M-0001', title: 'Other firm matter' } });
    await prisma.channelAccount.create({ data: { id: 'other-sim', firmId: other.id, kind: 'simulator', name: 'Other', state: 'paused', paused: true } });
    const identity = await prisma.contactIdentity.create({ data: { firmId: other.id, accountId: 'other-sim', address: '+15550199999', clientId: otherClient.id } });
    const x = await prisma.conversation.create({
      data: { firmId: other.id, accountId: 'other-sim', externalId: '+15550199999', identityId: identity.id, matterId: mx.id, needsTriage: false },
    });

    const inbound = await fetch(`${app.url}/api/simulator/demo/inbound`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ from: '+447700900555', text: 'I need a lawyer', id: 'matrix-triage-1' }),
    });
    const triage = (await inbound.json()) as { conversationId: string };

    const byPhone = async (phone: string) => (await prisma.conversation.findFirstOrThrow({ where: { externalId: phone, accountId: 'demo' } })).id;
    Object.assign(conversation, { A: await byPhone('+15550100001'), B: await byPhone('+15550100002'), C: await byPhone('+34600100003'), T: triage.conversationId, X: x.id });
    const m2 = await demoMatter('M-0002');
    Object.assign(matter, { M1: m1, M2: m2, M3: m3, MX: mx });
    for (const who of everyone) client[who] = await signedIn(app.url!, people[who]);
  });
  afterAll(async () => {
    await app?.stop();
    await database?.drop();
  });

  describe.each(everyone)('%s', (who) => {
    it('lists exactly the conversations, matters and clients they may see, whatever the filter', async () => {
      expect(idsOf(await call(who, 'GET', '/api/conversations', '/api/conversations'))).toEqual(threadIds(sees[who]));
      expect(idsOf(await call(who, 'GET', '/api/conversations', '/api/conversations?triage=true'))).toEqual(threadIds(sees[who].filter((t) => t === 'T')));
      const unread = idsOf(await call(who, 'GET', '/api/conversations', '/api/conversations?unread=true'));
      expect(unread.every((id) => threadIds(sees[who]).includes(id))).toBe(true);
      for (const key of Object.keys(matter) as MatterKey[]) {
        const filtered = idsOf(await call(who, 'GET', '/api/conversations', `/api/conversations?matterId=${matter[key].id}`));
        const expected = seesMatters(who).includes(key) ? threadIds(sees[who].filter((t) => t !== 'T' && matterOf[t] === key)) : [];
        expect(filtered, `${who} filtering by ${key}`).toEqual(expected);
        const byClient = idsOf(await call(who, 'GET', '/api/matters', `/api/matters?clientId=${matter[key].clientId}`));
        expect(byClient).toEqual(seesMatters(who).includes(key) ? [matter[key].id] : []);
      }
      // Paging never lets anything else in.
      const first = await call(who, 'GET', '/api/conversations', '/api/conversations?limit=1');
      const cursor = (first.body as { nextCursor: string | null }).nextCursor;
      const pages = [...idsOf(first)];
      if (cursor) pages.push(...idsOf(await call(who, 'GET', '/api/conversations', `/api/conversations?limit=200&cursor=${cursor}`)));
      expect(pages.sort()).toEqual(threadIds(sees[who]));

      expect(idsOf(await call(who, 'GET', '/api/matters', '/api/matters'))).toEqual(matterIds(seesMatters(who)));
      const clients = idsOf(await call(who, 'GET', '/api/clients', '/api/clients'));
      expect(clients).toEqual([...new Set(seesMatters(who).map((m) => matter[m].clientId))].sort());
    });

    it.each(threads)('conversation %s: every single-item route answers as if a hidden one did not exist', async (thread) => {
      const id = conversation[thread];
      const visible = sees[who].includes(thread);
      const detail = await call(who, 'GET', '/api/conversations/{id}', `/api/conversations/${id}`);
      expect(detail.status).toBe(visible ? 200 : 404);
      const messages = await call(who, 'GET', '/api/conversations/{id}/messages', `/api/conversations/${id}/messages`);
      expect(messages.status).toBe(visible ? 200 : 404);
      if (visible) threadReadsAllowed++;
      const read = await call(who, 'POST', '/api/conversations/{id}/read', `/api/conversations/${id}/read`);
      expect(read.status).toBe(visible ? 200 : 404);
      // The shared inbox's routes: the same answer for a hidden conversation as for one that does not exist.
      for (const [method, route, body] of [
        ['GET', 'assignees', undefined],
        ['PUT', 'assignee', { userId: null }],
        ['POST', 'done', {}],
        ['POST', 'reopen', {}],
        ['POST', 'snooze', { until: new Date(Date.now() + 3_600_000).toISOString() }],
        ['POST', 'reopen', {}],
        ['GET', 'notes', undefined],
        ['POST', 'notes', { text: `note by ${who}` }],
      ] as const) {
        const answer = await call(who, method, `/api/conversations/{id}/${route}`, `/api/conversations/${id}/${route}`, body);
        expect(answer.status, `${who} ${method} ${route} on ${thread}`).toBe(visible ? (method === 'POST' && route === 'notes' ? 201 : 200) : 404);
      }
      const send = await call(who, 'POST', '/api/conversations/{id}/messages', `/api/conversations/${id}/messages`, { text: `matrix ${who} ${thread}` });
      // Visible: stored and queued, or refused by the consent gate (the triage and other-firm contacts never opted in).
      expect(send.status).toBe(visible ? (thread === 'T' || thread === 'X' ? 409 : 202) : 404);
      if (thread !== 'T') {
        const own = matter[matterOf[thread]];
        const assign = await call(who, 'POST', '/api/conversations/{id}/assign', `/api/conversations/${id}/assign`, { clientId: own.clientId, matterId: own.id });
        expect(assign.status).toBe(!intake.has(who) ? 403 : visible ? 200 : 404);
      }
      if (!visible) {
        // The same answer as for an id that never existed, but for the id itself.
        const ghost = await call(who, 'GET', '/api/conversations/{id}', '/api/conversations/00000000-0000-7000-8000-000000000000');
        expect(JSON.stringify(detail.body).replace(id, '?')).toBe(JSON.stringify(ghost.body).replace('00000000-0000-7000-8000-000000000000', '?'));
      }
    });

    it('administers users of their own firm only, if an admin', async () => {
      const list = await call(who, 'GET', '/api/admin/users', '/api/admin/users');
      if (!administers.has(who)) {
        expect(list.status).toBe(403);
      } else {
        const emails = (list.body as { items: { email: string }[] }).items.map((u) => u.email);
        expect(emails).toEqual(who === 'admin' ? Object.values(people).filter((e) => e.endsWith('@demo.test')).sort() : ['admin@other.test']);
      }
      const stranger = await app.db.prisma.user.findUniqueOrThrow({ where: { email: who === 'otherAdmin' ? 'lawyer@demo.test' : 'admin@other.test' } });
      for (const action of ['disable', 'enable', 'reset-password']) {
        const response = await call(who, 'POST', `/api/admin/users/{id}/${action}`, `/api/admin/users/${stranger.id}/${action}`);
        expect(response.status).toBe(administers.has(who) ? 404 : 403);
      }
      const invited = await call(who, 'POST', '/api/admin/users', '/api/admin/users', { email: `invitee-${who}@demo.test`, name: 'Ivy Invitee', role: 'staff' });
      expect(invited.status).toBe(administers.has(who) ? 201 : 403);
    });
  });

  it('audited every thread read that was allowed, and none that was refused', async () => {
    const reads = await app.db.pool.query(`SELECT 1 FROM "AuditEvent" WHERE action = 'conversation.thread_read'`);
    expect(threadReadsAllowed).toBeGreaterThan(0);
    expect(reads.rowCount).toBe(threadReadsAllowed);
  });

  it('lets intake roles create clients and matters, and nobody else', async () => {
    for (const who of everyone) {
      const created = await call(who, 'POST', '/api/clients', '/api/clients', { name: `Client of ${who}` });
      expect(created.status, who).toBe(intake.has(who) ? 201 : 403);
      if (created.status !== 201) continue;
      const clientId = (created.body as { id: string }).id;
      const number = `N-${who}`;
      const made = await call(who, 'POST', '/api/matters', '/api/matters', { clientId, number, title: 'New matter' });
      expect(made.status, who).toBe(201);
      // Another firm's client is unknown here.
      const foreignClient = who === 'otherAdmin' ? matter.M1.clientId : matter.MX.clientId;
      expect((await call(who, 'POST', '/api/matters', '/api/matters', { clientId: foreignClient, number: `F-${who}`, title: 'x' })).status).toBe(404);
      expect((await call(who, 'POST', '/api/matters', '/api/matters', { clientId, number, title: 'Same number' })).status).toBe(409);
    }
  });

  it('lets staff file the triage conversation under a matter they do not see, never one behind a wall or of another firm', async () => {
    const t = conversation.T;
    expect((await call('staff', 'POST', '/api/conversations/{id}/assign', `/api/conversations/${t}/assign`, { clientId: matter.MX.clientId, matterId: matter.MX.id })).status).toBe(404);
    expect((await call('staff', 'POST', '/api/conversations/{id}/assign', `/api/conversations/${t}/assign`, { clientId: matter.M2.clientId, matterId: matter.M1.id })).status).toBe(400);
    const wall = await app.db.prisma.ethicalWall.create({
      data: { matterId: matter.M2.id, userId: (await app.db.prisma.user.findUniqueOrThrow({ where: { email: 'staff@demo.test' } })).id, reason: 'test' },
    });
    expect((await call('staff', 'POST', '/api/conversations/{id}/assign', `/api/conversations/${t}/assign`, { clientId: matter.M2.clientId, matterId: matter.M2.id })).status).toBe(404);
    await app.db.prisma.ethicalWall.delete({ where: { id: wall.id } });
    const filed = await call('staff', 'POST', '/api/conversations/{id}/assign', `/api/conversations/${t}/assign`, { clientId: matter.M1.clientId, matterId: matter.M1.id });
    expect(filed.status).toBe(200);
    // Now M-0001's lawyer sees it; staff (not a member) and lawyer2 (walled) do not.
    expect(idsOf(await call('lawyer', 'GET', '/api/conversations', '/api/conversations'))).toContain(t);
    expect((await call('staff', 'GET', '/api/conversations/{id}', `/api/conversations/${t}`)).status).toBe(404);
    expect((await call('lawyer2', 'GET', '/api/conversations/{id}', `/api/conversations/${t}`)).status).toBe(404);
  });

  it('covers every inbox, client, matter and user-admin route of the published API', () => {
    const published = Object.entries(openApiDocument.paths).flatMap(([path, methods]) =>
      Object.keys(methods).map((method) => `${method.toUpperCase()} ${path}`),
    );
    // The inbox, client, matter and user-admin routes this matrix walks (consent, composer, matter files and events
    // have tests of their own).
    const inScope = published.filter((route) =>
      /^(GET|POST|PUT) \/api\/(conversations(\/\{id\}(\/(messages|read|assign|assignees|assignee|done|reopen|snooze|notes))?)?|clients|matters|admin\/users(\/\{id\}\/[\w-]+)?)$/.test(route),
    );
    expect(inScope.length).toBeGreaterThan(8);
    expect(inScope.filter((route) => !covered.has(route))).toEqual([]);
  });
});
