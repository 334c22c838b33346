import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningMatterline } from '../../src/runtime/start-matterline.js';
import { signedIn } from '../integration/auth-test-client.js';
import { startTestMatterline, waitFor } from '../support/matterline.js';
import type { TestDatabase } from '../support/test-database.js';
import { createTestDatabase } from '../support/test-database.js';
import { desktop, expectAccessible, openPage, phone, screenshot, sharedBrowser, signIn } from './browser.js';

// The lawyer's working day in the one app, in real Chromium at desktop (1366×800) and phone (390×844) width: the
// shell per role, search, assign, notes, done and reopened by the client, live filing, saved replies, previews,
// shortcuts. Every screenshot is checked by axe-core (WCAG 2.1 A and AA) first.
describe('the shared inbox in a browser', () => {
  let database: TestDatabase;
  let app: RunningMatterline;
  let chromium: ReturnType<typeof sharedBrowser>;
  const browser = () => chromium.browser();
  let baseUrl: string;
  const ids: Record<string, string> = {};

  const phoneSays = async (from: string, text: string, media?: { data: string; mimeType: string; fileName: string }[]) => {
    const response = await fetch(`${baseUrl}/api/simulator/demo/inbound`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ from, text, ...(media ? { media } : {}) }),
    });
    expect(response.status).toBe(202);
    return (await response.json()) as { id: string; conversationId: string };
  };
  const processed = (messageId: string) =>
    waitFor(async () => ((await app.db.pool.query(`SELECT 1 FROM "ProcessedJob" WHERE "jobId" = $1`, [`inbound-${messageId}`])).rowCount ?? 0) > 0, {
      what: `processing of ${messageId}`,
    });
  const names = (page: Page) => page.locator('#conversation-list .conversation-name').allTextContents();
  const focusedId = (page: Page) => page.evaluate('document.activeElement && document.activeElement.id');

  beforeAll(async () => {
    chromium = sharedBrowser();
    database = await createTestDatabase();
    app = await startTestMatterline({ databaseUrl: database.url, queue: 'redis' });
    baseUrl = app.url!;
    const users = await app.db.pool.query<{ id: string; email: string }>(`SELECT id, email FROM "User"`);
    for (const row of users.rows) ids[row.email] = row.id;
    // Stacy the paralegal works Alice's matter with Laura (members are managed in pages by the back office issue).
    await app.db.pool.query(`INSERT INTO "MatterMember" ("matterId", "userId", role) SELECT id, $1, 'member' FROM "Matter" WHERE number = 'M-0001'`, [
      ids['staff@demo.test'],
    ]);
    // Always open: replies go out at once.
    const always = Object.fromEntries(['1', '2', '3', '4', '5', '6', '7'].map((d) => [d, [['00:00', '24:00']]]));
    await app.db.prisma.businessHours.updateMany({ data: { weekly: always, closures: [] } });
    const first = await phoneSays('+15550100001', 'Did the dealer answer about the refund?');
    const second = await phoneSays('+34600100003', 'Hola, soy María. ¿Necesitan la factura?');
    await Promise.all([processed(first.id), processed(second.id)]);
  });
  afterAll(async () => {
    // The browser first: its event streams keep the server's connections open.
    await chromium?.close();
    await app?.stop();
    await database?.drop();
  });

  it('gives every role one shell with only the sections it may open, a "not found" page in it, and deep links that survive a reload', async () => {
    const expected: Record<string, string[]> = {
      'lawyer@demo.test': ['Inbox', 'Clients', 'Time'],
      'staff@demo.test': ['Inbox', 'Triage', 'Clients', 'Time'],
      'supervisor@demo.test': ['Inbox', 'Clients', 'Time', 'Supervision', 'Notices', 'Audit log'],
      'admin@demo.test': ['Inbox', 'Triage', 'Clients', 'Time', 'Supervision', 'Notices', 'Audit log', 'Admin'],
    };
    for (const [email, sections] of Object.entries(expected)) {
      const { context, page, problems } = await openPage(await browser(), email === 'staff@demo.test' ? phone : desktop);
      await signIn(page, baseUrl, email);
      const nav = page.getByRole('navigation', { name: 'Sections' });
      await nav.getByRole('link', { name: 'Inbox' }).waitFor();
      expect(await nav.getByRole('link').allTextContents(), email).toEqual(sections);
      expect(await page.locator('.who-name').textContent()).toMatch(/\((lawyer|staff|supervisor|admin)\)$/);
      await page.getByRole('button', { name: 'Sign out' }).waitFor();
      if (email === 'lawyer@demo.test') {
        // An unknown page: the shell's HTML "not found", with the top bar, status 404.
        const response = await page.goto(`${baseUrl}/no/such/page`);
        expect(response?.status()).toBe(404);
        await page.getByRole('heading', { name: 'Page not found' }).waitFor();
        expect(await nav.getByRole('link').allTextContents()).toEqual(sections);
        await screenshot(page, 'shell-not-found');
        // A deep link to a conversation, reloaded: the same conversation.
        const conversation = await app.db.prisma.conversation.findFirstOrThrow({ where: { externalId: '+15550100001' } });
        await page.goto(`${baseUrl}/inbox/${conversation.id}`);
        await page.getByRole('heading', { name: 'Alice Avery', level: 2 }).waitFor();
        await page.reload();
        await page.getByRole('heading', { name: 'Alice Avery', level: 2 }).waitFor();
        expect(new URL(page.url()).pathname).toBe(`/inbox/${conversation.id}`);
      }
      await screenshot(page, `shell-${email.split('@')[0]}`);
      expect(problems).toEqual([]);
      await context.close();
    }
  });

  for (const [width, options] of [
    ['desktop', desktop],
    ['phone', phone],
  ] as const) {
    it(`finds María García by typing "Garcia", and Alice by part of her number (${width})`, async () => {
      const { context, page, problems } = await openPage(await browser(), options);
      await signIn(page, baseUrl, 'lawyer@demo.test');
      await page.locator('#conversation-list li').nth(1).waitFor();
      await page.getByRole('searchbox', { name: 'Search conversations' }).fill('Garcia');
      await waitFor(async () => JSON.stringify(await names(page)) === JSON.stringify(['María García']), { what: 'the search result' });
      await screenshot(page, `search-garcia-${width}`);
      await page.getByRole('searchbox', { name: 'Search conversations' }).fill('0100 001');
      await waitFor(async () => JSON.stringify(await names(page)) === JSON.stringify(['Alice Avery']), { what: 'the number search' });
      await page.getByRole('searchbox', { name: 'Search conversations' }).fill('nobody-has-this');
      await page.getByText('Nothing found for “nobody-has-this”.').waitFor();
      await page.getByRole('searchbox', { name: 'Search conversations' }).fill('');
      await page.locator('#conversation-list li').nth(1).waitFor();
      expect(problems).toEqual([]);
      await context.close();
    });
  }

  it('assigns a conversation to the paralegal, leaves her a note the client never gets, marks it done, and the client reopens it', async () => {
    const alice = await app.db.prisma.conversation.findFirstOrThrow({ where: { externalId: '+15550100001' } });
    const laura = await openPage(await browser(), desktop);
    await signIn(laura.page, baseUrl, 'lawyer@demo.test', `/inbox/${alice.id}`);
    const page = laura.page;
    await page.getByLabel('Reply to Alice Avery').waitFor();
    await page.getByLabel('Assigned to').selectOption({ label: 'Stacy Staff' });
    await waitFor(async () => (await page.locator('#announcer').textContent()) === 'Assigned to Stacy Staff.', { what: 'the assignment' });

    // The paralegal, on her phone, finds it under "Mine".
    const stacy = await openPage(await browser(), phone);
    await signIn(stacy.page, baseUrl, 'staff@demo.test');
    await stacy.page.getByRole('button', { name: 'Mine' }).click();
    await waitFor(async () => JSON.stringify(await names(stacy.page)) === JSON.stringify(['Alice Avery']), { what: 'Stacy\'s list' });

    // The note: in the thread, visibly a note, never on the client's phone.
    const sentBefore = (await app.db.pool.query(`SELECT count(*)::int AS n FROM "SimulatorPhoneMessage"`)).rows[0].n as number;
    await page.getByRole('button', { name: 'Internal note' }).click();
    await page.getByRole('textbox', { name: /^Internal note/ }).fill('Stacy: please send Alice the signed retainer PDF today.');
    await page.getByRole('button', { name: 'Add note' }).click();
    const note = page.locator('li.message.note');
    await note.waitFor();
    expect(await note.locator('.purpose').textContent()).toBe('Internal note · not sent to the client');
    expect(await focusedId(page)).toBe('note-text');
    // Stacy's open thread shows it live.
    await stacy.page.locator('#conversation-list a').first().click();
    await stacy.page.locator('li.message.note', { hasText: 'signed retainer PDF' }).waitFor();
    await screenshot(stacy.page, 'note-for-paralegal-phone');
    expect((await app.db.pool.query(`SELECT count(*)::int AS n FROM "SimulatorPhoneMessage"`)).rows[0].n).toBe(sentBefore);
    await screenshot(page, 'assigned-with-note');

    // Done: out of the open list, into "Done".
    await page.getByRole('button', { name: 'Mark done' }).click();
    await page.getByRole('button', { name: 'Reopen' }).waitFor();
    await waitFor(async () => !(await names(page)).includes('Alice Avery'), { what: 'Alice leaving the open list' });
    await page.getByRole('button', { name: 'Done', exact: true }).click();
    await waitFor(async () => JSON.stringify(await names(page)) === JSON.stringify(['Alice Avery']), { what: 'the done list' });
    await page.getByRole('button', { name: 'Open', exact: true }).click();
    await waitFor(async () => !(await names(page)).includes('Alice Avery'), { what: 'the open list again' });

    // The client writes again: the conversation comes back, live, without a reload, and the thread says so.
    await phoneSays('+15550100001', 'Sorry, one more thing about the refund');
    await waitFor(async () => (await names(page)).includes('Alice Avery'), { what: 'Alice back in the open list' });
    await page.getByRole('button', { name: 'Mark done' }).waitFor();
    await screenshot(page, 'reopened-by-client');
    expect(laura.problems).toEqual([]);
    expect(stacy.problems).toEqual([]);
    await laura.context.close();
    await stacy.context.close();
  });

  it('shows a conversation newly filed to her matter in the lawyer\'s open list at once', async () => {
    const { context, page, problems } = await openPage(await browser(), desktop);
    await signIn(page, baseUrl, 'lawyer@demo.test');
    await page.locator('#conversation-list li').first().waitFor();
    const stranger = await phoneSays('+15553330001', 'Hi, I was told to write here about my car');
    await processed(stranger.id);
    expect(await names(page)).not.toContain('+15553330001');
    // Staff file it under Alice's matter (the triage page does the same through this API).
    const staff = await signedIn(baseUrl, 'staff@demo.test');
    const matter = await app.db.prisma.matter.findFirstOrThrow({ where: { number: 'M-0001' } });
    const filed = await staff.post(`/api/conversations/${stranger.conversationId}/assign`, { clientId: matter.clientId, matterId: matter.id });
    expect(filed.status).toBe(200);
    await waitFor(async () => (await names(page)).includes('+15553330001'), { what: 'the filed conversation in the list', timeoutMs: 5000 });
    await screenshot(page, 'filed-live');
    expect(problems).toEqual([]);
    await context.close();
  });

  it('inserts a saved reply, sends it, and keeps the focus in the composer after the send and after a live message', async () => {
    const maria = await app.db.prisma.conversation.findFirstOrThrow({ where: { externalId: '+34600100003' } });
    const { context, page, problems } = await openPage(await browser(), desktop);
    await signIn(page, baseUrl, 'lawyer@demo.test', `/inbox/${maria.id}`);
    const composer = page.getByLabel('Reply to María García');
    await composer.waitFor();
    await page.getByLabel('Insert a saved reply').selectOption({ label: 'Documents received (es)' });
    expect(await composer.inputValue()).toBe('Gracias, hemos recibido sus documentos y los revisaremos esta semana.');
    expect(await focusedId(page)).toBe('reply-text');
    await composer.press('Control+Enter');
    await page.locator('li.message.outbound', { hasText: 'hemos recibido sus documentos' }).waitFor();
    // The live stream can draw the reply before the send's own answer arrives: the composer empties when it does.
    await waitFor(async () => (await composer.inputValue()) === '', { what: 'the composer emptied after the send' });
    expect(await focusedId(page)).toBe('reply-text');
    await waitFor(async () => ((await app.db.pool.query(`SELECT 1 FROM "SimulatorPhoneMessage" WHERE text LIKE 'Gracias, hemos%'`)).rowCount ?? 0) > 0, {
      what: 'the reply on María\'s phone',
    });
    // She types; María writes meanwhile; the thread redraws and the focus (and the draft) stay.
    await composer.pressSequentially('Perfecto, ');
    await phoneSays('+34600100003', '¡Gracias!');
    await page.locator('li.message.inbound', { hasText: '¡Gracias!' }).waitFor();
    expect(await focusedId(page)).toBe('reply-text');
    expect(await composer.inputValue()).toBe('Perfecto, ');
    await screenshot(page, 'saved-reply-sent');
    expect(problems).toEqual([]);
    await context.close();
  });

  it('shows a client\'s photo in the thread and opens a PDF in the browser\'s viewer', async () => {
    // A 1×1 PNG and a one-page PDF from the client's phone.
    const png = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==';
    const pdf = Buffer.from('%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj 2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj 3 0 obj<</Type/Page/MediaBox[0 0 200 200]/Parent 2 0 R>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF').toString('base64');
    const sent = await phoneSays('+15550100001', 'Here are the photo and the letter', [
      { data: png, mimeType: 'image/png', fileName: 'dashboard.png' },
      { data: pdf, mimeType: 'application/pdf', fileName: 'dealer-letter.pdf' },
    ]);
    await waitFor(async () => ((await app.db.pool.query(`SELECT 1 FROM "Attachment" WHERE "messageId" = $1 AND state = 'stored'`, [sent.id])).rowCount ?? 0) === 2, {
      what: 'the files stored',
    });
    const { context, page, problems } = await openPage(await browser(), phone);
    await signIn(page, baseUrl, 'lawyer@demo.test', `/inbox/${sent.conversationId}`);
    const image = page.getByRole('img', { name: 'Image: dashboard.png' });
    await image.waitFor();
    await waitFor(async () => (await image.evaluate((element) => (element as unknown as { complete: boolean; naturalWidth: number }).naturalWidth)) === 1, {
      what: 'the photo drawn',
    });
    const open = page.getByRole('link', { name: 'Open dealer-letter.pdf in the browser\'s viewer' });
    const href = await open.getAttribute('href');
    expect(href).toMatch(/\?view=inline$/);
    // The viewer gets the PDF inline (a download link stays beside it); every opening is audited.
    const inline = await page.request.get(`${baseUrl}${href}`);
    expect(inline.headers()['content-type']).toBe('application/pdf');
    expect(inline.headers()['content-disposition']).toMatch(/^inline;/);
    expect(await page.getByRole('link', { name: 'dealer-letter.pdf', exact: true }).getAttribute('download')).toBe('dealer-letter.pdf');
    const opened = await app.db.pool.query(`SELECT count(*)::int AS n FROM "AuditEvent" WHERE action = 'attachment.opened'`);
    expect(opened.rows[0].n).toBeGreaterThanOrEqual(2);
    await screenshot(page, 'previews-phone');
    expect(problems).toEqual([]);
    await context.close();
  });

  it('lists the keyboard shortcuts on "?" and moves between conversations with j and k', async () => {
    const { context, page, problems } = await openPage(await browser(), desktop);
    await signIn(page, baseUrl, 'lawyer@demo.test');
    await page.locator('#conversation-list li').nth(1).waitFor();
    await page.keyboard.press('?');
    const dialog = page.getByRole('dialog', { name: 'Keyboard shortcuts' });
    await dialog.waitFor();
    expect(await dialog.locator('tbody tr').count()).toBeGreaterThanOrEqual(5);
    await expectAccessible(page, 'the shortcuts dialog');
    await screenshot(page, 'shortcuts');
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden' });
    // Open again and closed with its button: the keys work again afterwards.
    await page.keyboard.press('?');
    await dialog.getByRole('button', { name: 'Close' }).click();
    await dialog.waitFor({ state: 'hidden' });
    // j and k follow the list as it stands (opening an unread conversation may reorder it): read it before each key.
    const listed = () => page.locator('#conversation-list li').evaluateAll((items) => items.map((item) => (item as unknown as { dataset: { id: string } }).dataset.id));
    const openId = () => /^\/inbox\/(.+)$/.exec(new URL(page.url()).pathname)?.[1] ?? null;
    const press = async (key: 'j' | 'k') => {
      await page.waitForTimeout(400);
      const list = await listed();
      const at = openId() ? list.indexOf(openId()!) : -1;
      const expected = list[Math.min(list.length - 1, Math.max(0, at + (key === 'j' ? 1 : -1)))];
      await page.keyboard.press(key);
      await waitFor(async () => openId() === expected, { what: `${key} to open ${expected}` });
    };
    await press('j');
    await press('j');
    await press('k');
    // r: into the composer of a conversation one may reply to.
    const alice = await app.db.prisma.conversation.findFirstOrThrow({ where: { externalId: '+15550100001' } });
    await page.goto(`${baseUrl}/inbox/${alice.id}`);
    await page.locator('#reply-text').waitFor();
    await page.keyboard.press('r');
    expect(await focusedId(page)).toBe('reply-text');
    await page.keyboard.press('Escape');
    await page.locator('body').click({ position: { x: 5, y: 300 } });
    await page.keyboard.press('/');
    expect(await focusedId(page)).toBe('conversation-search');
    expect(problems).toEqual([]);
    await context.close();
  });
});
