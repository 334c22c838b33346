import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningMatterline } from '../../src/runtime/start-matterline.js';
import { startTestMatterline, waitFor } from '../support/matterline.js';
import type { TestDatabase } from '../support/test-database.js';
import { createTestDatabase } from '../support/test-database.js';
import type { ApiClient } from './auth-test-client.js';
import { signedIn } from './auth-test-client.js';

interface Summary {
  id: string;
  unreadCount: number;
  lastMessageAt: string | null;
  contact: { address: string };
}
interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

// A lawyer's day in the inbox: clients write, the inbox shows what is unread first, the lawyer reads and answers.
describe('the inbox API', () => {
  let database: TestDatabase;
  let app: RunningMatterline;
  let lawyer: ApiClient;
  let supervisor: ApiClient;

  const phoneSays = async (from: string, text: string, id?: string) => {
    const response = await fetch(`${app.url}/api/simulator/demo/inbound`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ from, text, ...(id ? { id } : {}) }),
    });
    expect(response.status).toBe(202);
    return (await response.json()) as { id: string; conversationId: string };
  };

  beforeAll(async () => {
    database = await createTestDatabase();
    app = await startTestMatterline({ databaseUrl: database.url, queue: 'redis' });
    lawyer = await signedIn(app.url!, 'lawyer@demo.test');
    supervisor = await signedIn(app.url!, 'supervisor@demo.test');
  });
  afterAll(async () => {
    await app?.stop();
    await database?.drop();
  });

  it('counts unread inbound messages per person and puts unread conversations first', async () => {
    await phoneSays('+34600100003', 'Hola, ¿hay novedades?');
    const alice = await phoneSays('+15550100001', 'Any news on my car?');
    await phoneSays('+15550100001', 'Also, the dealer called me.');
    const inbox = await lawyer.get<Page<Summary>>('/api/conversations');
    expect(inbox.body.items.map((c) => [c.contact.address, c.unreadCount])).toEqual([
      ['+15550100001', 2],
      ['+34600100003', 1],
    ]);
    // Reading is per person: the supervisor's counts are their own.
    await supervisor.post(`/api/conversations/${alice.conversationId}/read`);
    const lawyerAgain = await lawyer.get<Page<Summary>>('/api/conversations');
    expect(lawyerAgain.body.items.find((c) => c.id === alice.conversationId)?.unreadCount).toBe(2);

    // Marking Alice's conversation read moves it behind the unread one, however recent it is.
    const read = await lawyer.post<{ lastReadAt: string }>(`/api/conversations/${alice.conversationId}/read`);
    expect(read.status).toBe(200);
    const after = await lawyer.get<Page<Summary>>('/api/conversations');
    expect(after.body.items.map((c) => [c.contact.address, c.unreadCount])).toEqual([
      ['+34600100003', 1],
      ['+15550100001', 0],
    ]);
    const unreadOnly = await lawyer.get<Page<Summary>>('/api/conversations?unread=true');
    expect(unreadOnly.body.items.map((c) => c.contact.address)).toEqual(['+34600100003']);
    const detail = await lawyer.get<{ unreadCount: number; lastReadAt: string }>(`/api/conversations/${alice.conversationId}`);
    expect(detail.body).toMatchObject({ unreadCount: 0, lastReadAt: read.body.lastReadAt });
  });

  it('pages with a cursor, in the same order, without repeats or gaps', async () => {
    const everything = await supervisor.get<Page<Summary>>('/api/conversations?limit=200');
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { body: Page<Summary> } = await supervisor.get<Page<Summary>>(`/api/conversations?limit=1${cursor ? `&cursor=${cursor}` : ''}`);
      expect(page.body.items.length).toBeLessThanOrEqual(1);
      seen.push(...page.body.items.map((c) => c.id));
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(seen).toEqual(everything.body.items.map((c) => c.id));
    expect(seen.length).toBeGreaterThanOrEqual(2);
    const bad = await supervisor.get('/api/conversations?cursor=not-a-cursor');
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ error: 'bad_request' });
  });

  it('shows a conversation with the contact consent state, client, matter and flags', async () => {
    const inbox = await lawyer.get<Page<Summary>>('/api/conversations');
    const maria = inbox.body.items.find((c) => c.contact.address === '+34600100003')!;
    const detail = await lawyer.get(`/api/conversations/${maria.id}`);
    expect(detail.body).toMatchObject({
      id: maria.id,
      account: { id: 'demo', kind: 'simulator' },
      contact: { address: '+34600100003', consentState: 'opted_in', blocked: false, revocationPending: false, language: 'es' },
      client: { name: 'María García' },
      matter: { number: 'M-0003', status: 'open' },
      flags: { needsTriage: false, routingNeedsConfirmation: false, privilegeRisk: false },
    });
  });

  it('gives the thread newest first in pages, and records each read in the audit log', async () => {
    const { conversationId } = await phoneSays('+15550100001', 'Third message');
    type Item = { id: string; text: string; direction: string; statusEvents: unknown[]; attachments: unknown[] };
    const whole = await lawyer.get<Page<Item>>(`/api/conversations/${conversationId}/messages?limit=200`);
    // The office may be closed while this runs, so an automatic after-hours reply can sit among the client's messages.
    expect(whole.body.items.filter((m) => m.direction === 'inbound').map((m) => m.text)).toEqual([
      'Third message',
      'Also, the dealer called me.',
      'Any news on my car?',
    ]);
    expect(whole.body.items[0]).toMatchObject({ text: 'Third message', attachments: [], statusEvents: expect.any(Array) });
    const paged: Item[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page: { body: Page<Item> } = await lawyer.get<Page<Item>>(`/api/conversations/${conversationId}/messages?limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      paged.push(...page.body.items);
      cursor = page.body.nextCursor;
      pages++;
    } while (cursor);
    expect(paged.map((m) => m.id)).toEqual(whole.body.items.map((m) => m.id));
    const audit = await app.db.pool.query<{ actor: string; details: { messages: number } }>(
      `SELECT u.email AS actor, a.details FROM "AuditEvent" a JOIN "User" u ON u.id = a."actorUserId"
        WHERE a.action = 'conversation.thread_read' AND a."subjectId" = $1 ORDER BY a.id`,
      [conversationId],
    );
    expect(audit.rows).toHaveLength(1 + pages);
    expect(audit.rows.every((row) => row.actor === 'lawyer@demo.test')).toBe(true);
    expect(audit.rows.reduce((sum, row) => sum + row.details.messages, 0)).toBe(2 * whole.body.items.length);
  });

  it("sends the lawyer's reply: stored at once (202), then on the client's phone; a retried request sends once", async () => {
    const inbox = await lawyer.get<Page<Summary>>('/api/conversations');
    const alice = inbox.body.items.find((c) => c.contact.address === '+15550100001')!;
    const text = 'Your hearing is on 3 December at 10:00.';
    const sent = await lawyer.post<{ id: string; status: string; direction: string; authorUserId: string; duplicate: boolean }>(
      `/api/conversations/${alice.id}/messages`,
      { text, idempotencyKey: 'reply-1' },
    );
    expect(sent.status).toBe(202);
    // Stored before anything else happens; the worker may already have sent it by the time it is read back.
    expect(sent.body).toMatchObject({ direction: 'outbound', text, duplicate: false });
    expect(['queued', 'sending', 'sent', 'delivered', 'read']).toContain(sent.body.status);
    const stored = await app.db.prisma.message.findUniqueOrThrow({ where: { id: sent.body.id }, include: { author: true } });
    expect(stored.author?.email).toBe('lawyer@demo.test');

    const onPhone = await waitFor(
      async () => {
        const list = (await (await fetch(`${app.url}/api/simulator/demo/phones/+15550100001`)).json()) as { text: string }[];
        return list.filter((m) => m.text === text).length === 1 ? list : null;
      },
      { what: 'the reply on the phone' },
    );
    expect(onPhone.filter((m) => m.text === text)).toHaveLength(1);

    const again = await lawyer.post<{ id: string; duplicate: boolean }>(`/api/conversations/${alice.id}/messages`, { text, idempotencyKey: 'reply-1' });
    expect(again.status).toBe(202);
    expect(again.body).toMatchObject({ id: sent.body.id, duplicate: true });
    // Another person's request key never finds the lawyer's message.
    const otherKey = await supervisor.post<{ id: string; duplicate: boolean }>(`/api/conversations/${alice.id}/messages`, { text: 'Supervisor note', idempotencyKey: 'reply-1' });
    expect(otherKey.body.id).not.toBe(sent.body.id);
    await waitFor(
      async () => (await app.db.prisma.message.findUniqueOrThrow({ where: { id: sent.body.id } })).status === 'read',
      { what: 'the reply to be read on the phone' },
    );
    const thread = await lawyer.get<Page<{ id: string; status: string; statusEvents: { status: string }[] }>>(`/api/conversations/${alice.id}/messages`);
    const reply = thread.body.items.find((m) => m.id === sent.body.id)!;
    expect(reply.status).toBe('read');
    expect(reply.statusEvents.map((e) => e.status)).toEqual(['sent', 'delivered', 'read']);
  });

  it('refuses to send to a contact who has not opted in (409) and stores nothing', async () => {
    const staff = await signedIn(app.url!, 'staff@demo.test');
    const { conversationId } = await phoneSays('+447700900777', 'Hello? Who is this?');
    const before = await app.db.prisma.message.count({ where: { conversationId, direction: 'outbound', purpose: 'conversation' } });
    const refused = await staff.post(`/api/conversations/${conversationId}/messages`, { text: 'Hi, we are the firm.' });
    expect(refused.status).toBe(409);
    expect(refused.body).toMatchObject({ error: 'consent_required' });
    expect(await app.db.prisma.message.count({ where: { conversationId, direction: 'outbound', purpose: 'conversation' } })).toBe(before);
  });

  it('validates every input with zod and names the bad field', async () => {
    const inbox = await lawyer.get<Page<Summary>>('/api/conversations');
    const id = inbox.body.items[0]!.id;
    const cases: [string, string, unknown, string][] = [
      ['POST', `/api/conversations/${id}/messages`, { text: '' }, 'body.text'],
      ['POST', `/api/conversations/${id}/messages`, { text: 'hi', extra: true }, 'body'],
      ['POST', `/api/conversations/${id}/messages`, { text: 'x'.repeat(4097) }, 'body.text'],
      ['POST', `/api/conversations/${id}/messages`, undefined, 'body.text'],
      ['GET', '/api/conversations?limit=0', undefined, 'query.limit'],
      ['GET', '/api/conversations?unread=yes', undefined, 'query.unread'],
      ['GET', '/api/conversations?colour=red', undefined, 'query'],
      ['GET', '/api/conversations/bad%20id', undefined, 'params.id'],
      ['POST', '/api/auth/login', { email: 'a@b.c' }, 'body.password'],
    ];
    for (const [method, path, body, field] of cases) {
      const response = await lawyer.request(method, path, body === undefined ? {} : { body });
      expect(response.status, `${method} ${path}`).toBe(400);
      const problems = (response.body as { details?: { problems?: { path: string }[] } }).details?.problems ?? [];
      expect(problems.map((p) => p.path), `${method} ${path}`).toContain(field);
    }
    const wrongType = await fetch(`${app.url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'hi' });
    expect(wrongType.status).toBe(415);
  });

  it('publishes an OpenAPI 3.1 document describing every inbox route with its input schemas', async () => {
    const response = await fetch(`${app.url}/api/openapi.json`);
    expect(response.status).toBe(200);
    const document = (await response.json()) as { openapi: string; paths: Record<string, Record<string, { requestBody?: { content: Record<string, { schema: { properties: Record<string, unknown>; required?: string[]; oneOf?: unknown[] } }> } }>> };
    expect(document.openapi).toBe('3.1.0');
    for (const path of ['/api/auth/login', '/api/auth/session', '/api/conversations', '/api/conversations/{id}', '/api/conversations/{id}/messages', '/api/conversations/{id}/read', '/api/conversations/{id}/assign', '/api/clients', '/api/matters', '/api/admin/users']) {
      expect(document.paths, path).toHaveProperty([path]);
    }
    const send = document.paths['/api/conversations/{id}/messages']!.post!.requestBody!.content['application/json']!.schema;
    expect(Object.keys(send.properties)).toEqual(expect.arrayContaining(['text', 'idempotencyKey']));
    // Text, or an approved template once the WhatsApp window has closed: one of the two.
    expect(send.oneOf).toEqual([{ required: ['text'] }, { required: ['template'] }]);
  });
});
