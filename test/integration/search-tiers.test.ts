import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Viewer } from '../../src/core/access/viewer.js';
import { newId } from '../../src/core/new-id.js';
import { seedDemoFirm } from '../../src/core/seed-demo-firm.js';
import type { MessageHit, SearchMessagesOptions } from '../../src/core/search/search-messages.js';
import { searchMessages } from '../../src/core/search/search-messages.js';
import type { Database } from '../../src/db/prisma.js';
import { openDatabase } from '../../src/db/prisma.js';
import type { TestDatabase } from '../support/test-database.js';
import { createTestDatabase } from '../support/test-database.js';

// Search over more matches than one tier ranks: the newest matches ranked together, older ones in later tiers, every
// match reachable by paging exactly once, and only what the viewer may see (ARCHITECTURE invariant 6). The record
// is larger than the first stretch search reads in time order (2,000 messages), and "lease" is no rare word (more
// than 200 matches), so every way of reading runs: in time order, by stretches of time, a matter's conversation
// whole, and a rare word's matches straight from the index.
describe('search over many matches, in tiers', () => {
  let database: TestDatabase;
  let db: Database;
  const viewers: Record<'admin' | 'supervisor' | 'lawyer' | 'lawyer2', Viewer> = {} as never;
  const conversations: Record<string, { id: string; accountId: string; identityId: string }> = {};
  /** Every message written, to work out what each search must find. */
  const written: { id: string; matter: string; text: string; at: Date }[] = [];
  const start = Date.parse('2026-01-01T00:00:00Z');
  const minutes = (n: number) => new Date(start + n * 60_000);

  const write = async (rows: { matter: string; text: string; at: Date }[]) => {
    const withIds = rows.map((row) => ({ ...row, id: newId() }));
    const conversation = (matter: string) => conversations[matter]!;
    await db.pool.query(
      `INSERT INTO "Message" (id, "firmId", "accountId", "conversationId", "identityId", direction, text, status, "sentAt")
       SELECT r.id, $1, r.account, r.conversation, r.identity, 'inbound', r.text, 'received', r.at
         FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::timestamptz[]) AS r(id, account, conversation, identity, text, at)`,
      [
        viewers.admin.firmId,
        withIds.map((row) => row.id),
        withIds.map((row) => conversation(row.matter).accountId),
        withIds.map((row) => conversation(row.matter).id),
        withIds.map((row) => conversation(row.matter).identityId),
        withIds.map((row) => row.text),
        withIds.map((row) => row.at),
      ],
    );
    written.push(...withIds);
    return withIds;
  };

  beforeAll(async () => {
    database = await createTestDatabase();
    db = openDatabase({ url: database.url, max: 4 });
    const { firmId } = await seedDemoFirm({ prisma: db.prisma, password: 'not-used-here' });
    for (const role of ['admin', 'supervisor', 'lawyer', 'lawyer2'] as const) {
      const user = await db.prisma.user.findUniqueOrThrow({ where: { email: `${role}@demo.test` } });
      viewers[role] = { userId: user.id, firmId, role: user.role };
    }
    const rows = await db.pool.query<{ number: string; id: string; accountId: string; identityId: string }>(
      `SELECT mt.number, c.id, c."accountId", c."identityId" FROM "Conversation" c JOIN "Matter" mt ON mt.id = c."matterId"`,
    );
    for (const row of rows.rows) conversations[row.number] = row;

    // 6,000 minutes of small talk with Alice (M-0001); her lease comes up now and then, mostly long ago. Bob's matter
    // (M-0002, walled off from the supervisor) talks of his lease in the newest hours. María (M-0003) writes Spanish.
    const messages: { matter: string; text: string; at: Date }[] = [];
    for (let n = 0; n < 6000; n++) {
      const text =
        n % 23 === 0
          ? `a question about the lease, note ${n}`
          : n % 401 === 0
            ? `the release form is signed, note ${n}`
            : `hello, thanks for the update ${n}`;
      messages.push({ matter: 'M-0001', text, at: minutes(n) });
    }
    // One old message that ranks far above every other.
    messages.push({ matter: 'M-0001', text: 'lease lease lease: the lease, the lease terms, and the lease again', at: minutes(50.5) });
    for (let n = 0; n < 40; n++) messages.push({ matter: 'M-0002', text: `my lease and the deposit, message ${n}`, at: minutes(5960 + n + 0.5) });
    for (let n = 0; n < 5; n++) messages.push({ matter: 'M-0003', text: `hello, enviamos los contratos firmados, mensaje ${n}`, at: minutes(300 * n + 0.25) });
    await write(messages);
  });
  afterAll(async () => {
    await db?.close();
    await database?.drop();
  });

  const search = (viewer: Viewer, query: string, extra: Partial<SearchMessagesOptions> = {}) =>
    searchMessages({ pool: db.pool, viewer, query, filters: {}, range: { from: undefined, to: undefined }, limit: 20, ...extra });

  /** Every hit of a search, page by page. */
  const pageThrough = async (viewer: Viewer, query: string, extra: Partial<SearchMessagesOptions> = {}) => {
    const pages: MessageHit[][] = [];
    let cursor: string | null | undefined;
    do {
      const page = await search(viewer, query, { ...extra, ...(cursor ? { cursor } : {}) });
      pages.push(page.items);
      cursor = page.nextCursor;
    } while (cursor && pages.length < 100);
    return pages;
  };

  const idsOf = (hits: MessageHit[]) => hits.map((hit) => hit.messageId);
  const matterOf = (id: string) => written.find((message) => message.id === id)?.matter;
  const whole = (word: string, matters: string[]) =>
    written.filter((message) => matters.includes(message.matter) && new RegExp(`\\b${word}\\b`, 'i').test(message.text));

  it('ranks the newest matches together, then older ones, and pages through every match exactly once', async () => {
    const tierSize = 10;
    const pages = await pageThrough(viewers.admin, 'lease', { tierSize, limit: 7 });
    const hits = pages.flat();
    const expected = whole('lease', ['M-0001', 'M-0002', 'M-0003']);
    expect(new Set(idsOf(hits)).size).toBe(hits.length);
    expect(new Set(idsOf(hits))).toEqual(new Set(expected.map((message) => message.id)));
    expect(pages.slice(0, -1).every((page) => page.length === 7)).toBe(true);

    // Tiers of ten matches, newest tier first, each ranked best first.
    const newestFirst = [...expected].sort((a, b) => b.at.getTime() - a.at.getTime());
    for (let tier = 0; tier * tierSize < hits.length; tier++) {
      const shown = hits.slice(tier * tierSize, (tier + 1) * tierSize);
      expect(new Set(idsOf(shown)), `tier ${tier}`).toEqual(new Set(newestFirst.slice(tier * tierSize, (tier + 1) * tierSize).map((message) => message.id)));
      const ranks = shown.map((hit) => hit.rank);
      expect(ranks, `tier ${tier}`).toEqual([...ranks].sort((a, b) => b - a));
    }
    // The best-ranked message of all is old: it leads its own tier, not the first page.
    const best = written.find((message) => message.text.startsWith('lease lease lease'))!;
    expect(hits[0]!.messageId).not.toBe(best.id);
    const bestAt = hits.findIndex((hit) => hit.messageId === best.id);
    expect(bestAt % tierSize).toBe(0);
    expect(hits[bestAt]!.rank).toBeGreaterThan(Math.max(...hits.filter((hit) => hit.messageId !== best.id).map((hit) => hit.rank)));
  });

  it('ranks the matches among the newest messages as a tier when they are half a tier or more', async () => {
    // 2,000 messages are read first: their leases make more than half a tier of 200 and less than a whole one.
    const newest = [...written].sort((a, b) => b.at.getTime() - a.at.getTime()).slice(0, 2000);
    const first = newest.filter((message) => /\blease\b/.test(message.text));
    expect(first.length).toBeGreaterThanOrEqual(100);
    expect(first.length).toBeLessThan(200);
    const hits = (await pageThrough(viewers.admin, 'lease', { tierSize: 200, limit: 9 })).flat();
    expect(new Set(idsOf(hits.slice(0, first.length)))).toEqual(new Set(first.map((message) => message.id)));
    const ranks = hits.slice(0, first.length).map((hit) => hit.rank);
    expect(ranks).toEqual([...ranks].sort((a, b) => b - a));
    expect(new Set(idsOf(hits))).toEqual(new Set(whole('lease', ['M-0001', 'M-0002']).map((message) => message.id)));
    expect(hits).toHaveLength(new Set(idsOf(hits)).size);
  });

  it('ranks every match together when there are fewer than a tier', async () => {
    const result = await search(viewers.admin, 'lease', { tierSize: 400 });
    const expected = whole('lease', ['M-0001', 'M-0002']);
    expect(expected.length).toBeGreaterThan(200);
    expect(expected.length).toBeLessThan(400);
    const all = (await pageThrough(viewers.admin, 'lease', { limit: 100, tierSize: 400 })).flat();
    expect(all).toHaveLength(expected.length);
    expect(result.items[0]!.messageId).toBe(written.find((message) => message.text.startsWith('lease lease lease'))!.id);
    expect(all.map((hit) => hit.rank)).toEqual([...all.map((hit) => hit.rank)].sort((a, b) => b - a));
  });

  it('fills pages with what the viewer may see when the newest matches are behind a wall', async () => {
    // Bob's 40 newest matches are walled off from the supervisor and not the lawyer's: neither sees one, and both
    // still get full pages of Alice's older ones, in every tier.
    for (const role of ['supervisor', 'lawyer'] as const) {
      const pages = await pageThrough(viewers[role], 'lease', { tierSize: 10 });
      const hits = pages.flat();
      expect(pages[0], role).toHaveLength(20);
      expect(new Set(hits.map((hit) => matterOf(hit.messageId))), role).toEqual(new Set(['M-0001']));
      expect(hits, role).toHaveLength(whole('lease', ['M-0001']).length);
    }
    const lawyer2 = (await pageThrough(viewers.lawyer2, 'lease', { tierSize: 10 })).flat();
    expect(new Set(lawyer2.map((hit) => matterOf(hit.messageId)))).toEqual(new Set(['M-0002']));
    expect(lawyer2).toHaveLength(40);
  });

  it('finds a matter\'s few matches of a common word, and a rare word\'s, with Spanish stemming', async () => {
    const contratos = written.filter((message) => message.text.includes('contratos')).map((message) => message.id).sort();
    // "hello" is in almost every message, five of them María's (M-0003), all long ago.
    const hello = (await pageThrough(viewers.supervisor, 'hello', { filters: { matter: 'M-0003' }, tierSize: 3, limit: 2 })).flat();
    expect(idsOf(hello).sort()).toEqual(contratos);
    const rare = (await pageThrough(viewers.supervisor, 'contrato', { tierSize: 3, limit: 2 })).flat();
    expect(idsOf(rare).sort()).toEqual(contratos);
    expect(rare.every((hit) => hit.snippet.includes('<mark>contratos</mark>'))).toBe(true);
    expect((await search(viewers.lawyer2, 'contrato')).items).toEqual([]);
    expect((await search(viewers.supervisor, 'lease', { filters: { matter: 'M-0002' } })).items).toEqual([]);
  });

  it('searches whole words that full-text search finds as words only, and anything else as partial words too', async () => {
    const lease = (await pageThrough(viewers.admin, 'lease', { limit: 100 })).flat();
    expect(lease.some((hit) => written.find((message) => message.id === hit.messageId)!.text.includes('release'))).toBe(false);
    // "eleas" is no word: as a partial word it finds the release forms.
    const partial = (await pageThrough(viewers.admin, 'eleas', { limit: 100 })).flat();
    expect(idsOf(partial).sort()).toEqual(written.filter((message) => message.text.includes('release')).map((message) => message.id).sort());
    // Digits are never only a word: "401" is found inside 1401, 4010 and the rest, not only as a number of its own.
    const fragment = (await pageThrough(viewers.admin, '401', { limit: 100 })).flat();
    const inside = written.filter((message) => message.text.includes('401'));
    expect(inside.length).toBeGreaterThan(10);
    expect(idsOf(fragment).sort()).toEqual(inside.map((message) => message.id).sort());
  });

  it('keeps paging within the tiers it began with when new messages arrive', async () => {
    const first = await search(viewers.admin, 'lease', { tierSize: 10, limit: 5 });
    const before = whole('lease', ['M-0001', 'M-0002']).map((message) => message.id);
    const [newest] = await write([{ matter: 'M-0001', text: 'lease lease lease lease, the newest and best of all', at: minutes(7000) }]);
    const rest: MessageHit[] = [];
    let cursor = first.nextCursor;
    while (cursor) {
      const page = await search(viewers.admin, 'lease', { tierSize: 10, limit: 5, cursor });
      rest.push(...page.items);
      cursor = page.nextCursor;
    }
    const seen = [...idsOf(first.items), ...idsOf(rest)];
    expect(new Set(seen).size).toBe(seen.length);
    expect(new Set(seen)).toEqual(new Set(before));
    // A new search starts from the newest.
    expect((await search(viewers.admin, 'lease', { tierSize: 10 })).items[0]!.messageId).toBe(newest!.id);
  });

  it('refuses a cursor that names no tier', async () => {
    const bogus = Buffer.from(JSON.stringify({ r: '0.1', t: new Date().toISOString(), id: 'x' })).toString('base64url');
    await expect(search(viewers.admin, 'lease', { cursor: bogus })).rejects.toMatchObject({ code: 'bad_request' });
  });

  it("runs the application's queries without JIT compilation", async () => {
    const setting = await db.pool.query<{ jit: string }>('SHOW jit');
    expect(setting.rows[0]!.jit).toBe('off');
  });
});
