import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MessageHit } from '../../src/core/search/search-messages.js';
import type { SearchResult } from '../../src/core/search/search-record.js';
import type { RunningMatterline } from '../../src/runtime/start-matterline.js';
import { startTestMatterline } from '../support/matterline.js';
import type { TestDatabase } from '../support/test-database.js';
import { createTestDatabase } from '../support/test-database.js';
import type { ApiClient } from './auth-test-client.js';
import { signedIn } from './auth-test-client.js';

// A supervisor searches the captured record; everyone finds only what they may see (ARCHITECTURE invariant 6).
describe('search over the captured record', () => {
  let database: TestDatabase;
  let app: RunningMatterline;
  const as: Record<string, ApiClient> = {};
  const roles = ['admin', 'supervisor', 'lawyer', 'lawyer2', 'staff'] as const;

  // History played through the simulator (backfilled: captured, never answered), on dates the filters can tell apart.
  const inbound = async (from: string, text: string, sentAt: string, media?: { data: string; mimeType: string; fileName: string }[]) => {
    const response = await fetch(`${app.url}/api/simulator/demo/inbound`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ from, text, sentAt, backfilled: true, ...(media ? { media } : {}) }),
    });
    expect(response.status).toBe(202);
    return (await response.json()) as { id: string; conversationId: string };
  };

  beforeAll(async () => {
    database = await createTestDatabase();
    app = await startTestMatterline({ databaseUrl: database.url, queue: 'redis' });
    for (const role of roles) as[role] = await signedIn(app.url!, `${role}@demo.test`);
    await inbound('+15550100001', 'The settlement offer from Northwind arrived today.', '2026-01-15T15:00:00Z');
    await inbound('+15550100001', 'Here is the signed retainer', '2026-03-10T15:00:00Z', [
      { data: Buffer.from('%PDF-1.4 draft').toString('base64'), mimeType: 'application/pdf', fileName: 'Northwind-settlement-draft.pdf' },
    ]);
    await inbound('+15550100002', 'Is the settlement offer for my tenancy fair?', '2026-01-20T15:00:00Z');
    await inbound('+34600100003', 'Ayer presentamos las demandas contra la tienda.', '2026-02-01T10:00:00Z');
    await inbound('+34600100003', 'Nos demandaron por la factura <script>alert(1)</script>', '2026-02-02T10:00:00Z');
    await inbound('+15558887777', 'A question about a settlement offer, please call me', '2026-02-05T10:00:00Z');
  });
  afterAll(async () => {
    await app?.stop();
    await database?.drop();
  });

  const search = async (who: ApiClient, query: Record<string, string>) => {
    const response = await who.get<SearchResult>(`/api/search?${new URLSearchParams(query)}`);
    expect(response.status, JSON.stringify(response.body)).toBe(200);
    return response.body;
  };
  const matters = (items: MessageHit[]) => [...new Set(items.map((hit) => hit.matter?.number ?? 'triage'))].sort();

  it('finds "settlement offer" only in the matters each role may see', async () => {
    const expected: Record<(typeof roles)[number], string[]> = {
      admin: ['M-0001', 'M-0002', 'triage'],
      // An ethical wall keeps the supervisor out of M-0002, whatever the role.
      supervisor: ['M-0001', 'triage'],
      lawyer: ['M-0001'],
      lawyer2: ['M-0002'],
      // Staff triage new numbers and are on no matter.
      staff: ['triage'],
    };
    for (const role of roles) {
      const result = await search(as[role]!, { q: 'settlement offer' });
      expect(matters(result.items), role).toEqual(expected[role]);
      expect(result.items.every((hit) => hit.snippet.includes('<mark>')), role).toBe(true);
    }
  });

  it('answers 400, never 500, for a NUL in the query and for dates PostgreSQL cannot hold', async () => {
    for (const query of ['q=%00x', 'q=ab%00', 'q=settlement&from=0000-01-01', 'q=settlement&to=0000-01-01T00:00:00Z', 'q=settlement&from=2026-02-30', 'q=settlement&to=10000-01-01']) {
      const response = await as.supervisor!.get<{ error: string; message: string }>(`/api/search?${query}`);
      expect(response.status, query).toBe(400);
      expect(response.body.error, query).toBe('bad_request');
    }
    const exported = await as.supervisor!.get<{ error: string }>('/api/time/export.csv?from=0000-01-01&to=2026-01-01');
    expect(exported.status).toBe(400);
  });

  it('answers two-character queries that are no word (Q+, ++, Q!) instead of failing (found by the fuzz test)', async () => {
    for (const q of ['Q+', 'a+', '++', 'Q-', 'Q*', 'Q&', 'Q|', 'Q!', 'Q:', "Q'", 'Q"', 'Q(', 'Q<', 'zz', '日本']) {
      const response = await as.supervisor!.get(`/api/search?q=${encodeURIComponent(q)}`);
      expect(response.status, q).toBe(200);
    }
  });

  it('records every search as an audit event with its query', async () => {
    await search(as.lawyer2!, { q: 'tenancy', direction: 'inbound' });
    const audit = await app.db.pool.query<{ actorUserId: string; details: { query: string; filters: Record<string, string>; messageIds: string[] } }>(
      `SELECT "actorUserId", details FROM "AuditEvent" WHERE action = 'search.performed' ORDER BY id DESC LIMIT 1`,
    );
    const lawyer2 = await app.db.prisma.user.findUniqueOrThrow({ where: { email: 'lawyer2@demo.test' } });
    expect(audit.rows[0]).toMatchObject({ actorUserId: lawyer2.id, details: { query: 'tenancy', filters: { direction: 'inbound' } } });
    expect(audit.rows[0]!.details.messageIds).toHaveLength(1);
  });

  it('stems Spanish messages as Spanish: "demanda" finds "demandas" and "demandaron"', async () => {
    const result = await search(as.lawyer!, { q: 'demanda' });
    expect(result.items.map((hit) => hit.matter?.number)).toEqual(['M-0003', 'M-0003']);
    expect(result.items.map((hit) => hit.snippet).join(' ')).toContain('<mark>demandas</mark>');
    // English stemming would not reduce "demandaron" to "demand": this hit is the Spanish configuration's.
    expect(result.items.some((hit) => hit.snippet.includes('<mark>demandaron</mark>'))).toBe(true);
    const configs = await app.db.pool.query(`SELECT DISTINCT "searchConfig" FROM "Message" WHERE text LIKE '%demand%'`);
    expect(configs.rows).toEqual([{ searchConfig: 'spanish' }]);
  });

  it('escapes what clients wrote in snippets', async () => {
    // Full-text snippets (ts_headline) drop markup; partial-word snippets keep the text, escaped.
    const whole = await search(as.lawyer!, { q: 'factura' });
    expect(whole.items).toHaveLength(1);
    expect(whole.items[0]!.snippet).not.toContain('<script');
    const partial = await search(as.lawyer!, { q: 'actur' });
    expect(partial.items).toHaveLength(1);
    expect(partial.items[0]!.snippet).toBe('Nos demandaron por la f<mark>actur</mark>a &lt;script&gt;alert(1)&lt;/script&gt;');
  });

  it('finds a contact by a fragment of its phone number, only for those who may see it', async () => {
    for (const fragment of ['0100003', '600 100']) {
      const found = await search(as.lawyer!, { q: fragment });
      expect(found.contacts.map((contact) => contact.address), fragment).toEqual(['+34600100003']);
      expect(found.contacts[0]!.conversations[0]!.matterNumber).toBe('M-0003');
    }
    expect((await search(as.lawyer2!, { q: '0100003' })).contacts).toEqual([]);
    expect((await search(as.supervisor!, { q: '0100002' })).contacts).toEqual([]);
    expect((await search(as.admin!, { q: '0100002' })).contacts.map((contact) => contact.address)).toEqual(['+15550100002']);
    expect((await search(as.lawyer!, { q: 'garc' })).contacts.map((contact) => contact.displayName)).toEqual(['María García']);
  });

  it('finds partial words and attachment file names by trigrams', async () => {
    const partial = await search(as.lawyer!, { q: 'northw' });
    expect(partial.items.map((hit) => hit.matter?.number)).toEqual(['M-0001', 'M-0001']);
    const byFile = partial.items.find((hit) => hit.attachments.length > 0);
    expect(byFile?.attachments[0]).toMatchObject({ fileName: 'Northwind-settlement-draft.pdf' });
    expect(byFile?.attachments[0]!.fileNameHtml).toBe('<mark>Northw</mark>ind-settlement-draft.pdf');
    const withText = partial.items.find((hit) => hit.attachments.length === 0);
    expect(withText?.snippet).toContain('<mark>Northw</mark>ind');
  });

  it('filters by matter, client, lawyer, channel, direction and dates', async () => {
    const admin = as.admin!;
    expect(matters((await search(admin, { q: 'settlement', matter: 'M-0002' })).items)).toEqual(['M-0002']);
    const lawyer2 = await app.db.prisma.user.findUniqueOrThrow({ where: { email: 'lawyer2@demo.test' } });
    expect(matters((await search(admin, { q: 'settlement', lawyer: lawyer2.id })).items)).toEqual(['M-0002']);
    const alice = await app.db.prisma.client.findFirstOrThrow({ where: { name: 'Alice Avery' } });
    expect(matters((await search(admin, { q: 'settlement', client: alice.id })).items)).toEqual(['M-0001']);
    expect((await search(admin, { q: 'settlement', channel: 'twilio' })).items).toEqual([]);
    expect((await search(admin, { q: 'settlement', direction: 'outbound' })).items).toEqual([]);
    // Dates are days of the firm's calendar (New York); `to` includes its whole day.
    const january = await search(admin, { q: 'settlement offer', from: '2026-01-01', to: '2026-01-20' });
    expect(matters(january.items)).toEqual(['M-0001', 'M-0002']);
    expect(matters((await search(admin, { q: 'settlement offer', from: '2026-01-16' })).items)).toEqual(['M-0002', 'triage']);
    const bad = await admin.get(`/api/search?q=x`);
    expect(bad.status).toBe(400);
    const unknown = await admin.get(`/api/search?q=settlement&sort=new`);
    expect(unknown.status).toBe(400);
  });

  it('pages through ranked results with a cursor, without repeating a hit', async () => {
    const all = await search(as.admin!, { q: 'settlement', limit: '10' });
    expect(all.items.length).toBe(4);
    const ranks = all.items.map((hit) => hit.rank);
    expect([...ranks].sort((a, b) => b - a)).toEqual(ranks);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: SearchResult = await search(as.admin!, { q: 'settlement', limit: '1', ...(cursor ? { cursor } : {}) });
      seen.push(...page.items.map((hit) => hit.messageId));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toEqual(all.items.map((hit) => hit.messageId));
    expect((await as.admin!.get('/api/search?q=settlement&cursor=bogus')).status).toBe(400);
  });

  it('refuses anonymous searches', async () => {
    expect((await fetch(`${app.url}/api/search?q=settlement`)).status).toBe(401);
  });

  it('keeps each person\'s saved searches: named, their own, checked, and limited', async () => {
    type Saved = { id: string; name: string; query: Record<string, string> };
    const supervisor = as.supervisor!;
    const saved = await supervisor.post<Saved>('/api/searches', { name: 'Northwind offers', query: { q: 'settlement offer', direction: 'inbound', from: '2026-01-01' } });
    expect(saved.status).toBe(201);
    expect(saved.body).toMatchObject({ name: 'Northwind offers', query: { q: 'settlement offer', direction: 'inbound', from: '2026-01-01' } });
    // Running it is an ordinary search of what the runner may see.
    const params = new URLSearchParams(saved.body.query);
    expect((await search(supervisor, Object.fromEntries(params))).items.length).toBeGreaterThan(0);

    const again = await supervisor.post<{ message: string }>('/api/searches', { name: 'northwind OFFERS', query: { q: 'other' } });
    expect(again.status).toBe(409);
    expect(again.body.message).toContain('already have a saved search named');
    for (const bad of [{ name: ' ', query: { q: 'offer' } }, { name: 'No words', query: {} }, { name: 'Bad filter', query: { q: 'offer', colour: 'red' } }, { name: 'Bad day', query: { q: 'offer', from: '2026-02-30' } }]) {
      const refused = await supervisor.post<{ message: string }>('/api/searches', bad);
      expect(refused.status, JSON.stringify(bad)).toBe(400);
      expect(refused.body.message.length).toBeGreaterThan(5);
    }

    // Another person neither sees nor deletes it.
    expect((await as.lawyer!.get<{ items: Saved[] }>('/api/searches')).body.items).toEqual([]);
    expect((await as.lawyer!.request('DELETE', `/api/searches/${saved.body.id}`)).status).toBe(404);
    expect((await supervisor.get<{ items: Saved[] }>('/api/searches')).body.items.map((s) => s.name)).toEqual(['Northwind offers']);

    // Fifty each at most, and the fifty-first is refused in words.
    for (let n = 2; n <= 50; n++) expect((await supervisor.post('/api/searches', { name: `Search ${n}`, query: { q: `term ${n}` } })).status).toBe(201);
    const over = await supervisor.post<{ message: string }>('/api/searches', { name: 'One too many', query: { q: 'more' } });
    expect(over.status).toBe(409);
    expect(over.body.message).toContain('delete one first');

    expect((await supervisor.request('DELETE', `/api/searches/${saved.body.id}`)).status).toBe(204);
    expect((await supervisor.request('DELETE', `/api/searches/${saved.body.id}`)).status).toBe(404);
    expect((await supervisor.get<{ items: Saved[] }>('/api/searches')).body.items).toHaveLength(49);
    expect((await fetch(`${app.url}/api/searches`)).status).toBe(401);
  });
});
