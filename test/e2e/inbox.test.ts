import { DateTime } from 'luxon';
import { generate } from 'otplib';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningMatterline } from '../../src/runtime/start-matterline.js';
import { signedIn } from '../integration/auth-test-client.js';
import { demoPassword, startTestMatterline, waitFor } from '../support/matterline.js';
import type { TestDatabase } from '../support/test-database.js';
import { createTestDatabase } from '../support/test-database.js';
import { desktop, openPage, phone, screenshot, sharedBrowser, signIn } from './browser.js';

// The lawyers' inbox in real Chromium: clients write through the simulator, lawyers and staff use the pages.
describe('the web inbox in a browser', () => {
  let database: TestDatabase;
  let app: RunningMatterline;
  // A missing browser fails every test with the reason (a failing beforeAll would only mark them skipped).
  let chromium: ReturnType<typeof sharedBrowser>;
  const browser = () => chromium.browser();
  let baseUrl: string;

  const phoneSays = async (from: string, text: string) => {
    const response = await fetch(`${baseUrl}/api/simulator/demo/inbound`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ from, text }),
    });
    expect(response.status).toBe(202);
    return (await response.json()) as { id: string; conversationId: string };
  };
  const conversationOf = (address: string) => app.db.prisma.conversation.findFirstOrThrow({ where: { externalId: address } });
  const weekdays = ['1', '2', '3', '4', '5', '6', '7'];
  const setHours = async (hours: 'always_open' | 'closed_now') => {
    // Closed now: open only on tomorrow's weekday, so the next opening is tomorrow at 09:00 in New York.
    const tomorrow = String((DateTime.now().setZone('America/New_York').weekday % 7) + 1);
    const weekly =
      hours === 'always_open' ? Object.fromEntries(weekdays.map((d) => [d, [['00:00', '24:00']]])) : { [tomorrow]: [['09:00', '17:00']] };
    await app.db.prisma.businessHours.updateMany({ data: { weekly, closures: [] } });
  };
  const announced = (page: Page) => page.locator('#announcer').textContent();

  beforeAll(async () => {
    chromium = sharedBrowser();
    database = await createTestDatabase();
    // Receipts a second apart, so that "delivered" is on screen for a moment before "read".
    app = await startTestMatterline({ databaseUrl: database.url, queue: 'redis', receiptMs: 1000 });
    baseUrl = app.url!;
  });
  afterAll(async () => {
    // The browser first: its event streams keep the server's connections open.
    await chromium?.close();
    await app?.stop();
    await database?.drop();
  });

  it('signs a lawyer in and lists the conversations of her matters, unread first, with consent badges', async () => {
    await phoneSays('+34600100003', 'Hola, ¿alguna novedad?');
    const { context, page, problems } = await openPage(await browser());
    const response = await page.goto(`${baseUrl}/`);
    // Scripts only from files of this origin: no inline script, no eval.
    const csp = response?.headers()['content-security-policy'] ?? '';
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain('unsafe');
    await page.waitForURL(/\/sign-in/);
    await page.getByLabel('Email').fill('lawyer@demo.test');
    await page.getByLabel('Password').fill('not the password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByText('The email or password is not right.').waitFor();
    await page.getByLabel('Password').fill(demoPassword);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(`${baseUrl}/`);
    await page.locator('#conversation-list li').nth(1).waitFor();
    const rows = page.locator('#conversation-list li');
    // Bob's matter is lawyer2's: it is not in the list at all.
    expect(await rows.locator('.conversation-name').allTextContents()).toEqual(['María García', 'Alice Avery']);
    expect(await rows.first().locator('.unread-count .visually-hidden').textContent()).toBe('1 unread');

    // A message in a conversation that is not open: its count grows live and a screen reader hears of it.
    await phoneSays('+15550100001', 'Hello? Anyone there?');
    await rows.locator('.unread-count', { hasText: '1 unread' }).nth(1).waitFor();
    await waitFor(async () => (await announced(page)) === 'New message from Alice Avery.', { what: 'the announcement' });
    expect(await rows.first().locator('.badge.consent').textContent()).toBe('Opted in');
    expect(await page.getByRole('navigation', { name: 'Sections' }).getByRole('link').allTextContents()).toEqual(['Inbox', 'Clients', 'Time']);
    await screenshot(page, 'sign-in-inbox');
    expect(problems).toEqual([]);
    await context.close();
  });

  it('asks for the authenticator code when the account has TOTP on', async () => {
    const api = await signedIn(baseUrl, 'lawyer2@demo.test');
    const setup = await api.post<{ secret: string }>('/api/auth/totp/setup');
    const codeAt = (offset: number) => generate({ secret: setup.body.secret, epoch: Math.floor(Date.now() / 1000) + offset * 30 });
    expect((await api.post('/api/auth/totp/enable', { code: await codeAt(-1) })).status).toBe(200);

    const { context, page, problems } = await openPage(await browser());
    await page.goto(`${baseUrl}/sign-in`);
    await page.getByLabel('Email').fill('lawyer2@demo.test');
    await page.getByLabel('Password').fill(demoPassword);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Two-step verification' }).waitFor();
    await screenshot(page, 'sign-in-totp-step');
    await page.getByLabel('Authenticator code').fill(await codeAt(0));
    await page.getByRole('button', { name: 'Verify' }).click();
    await page.waitForURL(`${baseUrl}/`);
    await page.locator('#conversation-list li').first().waitFor();
    expect(await page.locator('#conversation-list .conversation-name').allTextContents()).toEqual(['Bob Brennan']);
    expect(problems).toEqual([]);
    await context.close();
  });

  it('shows a client\'s message live, sends the reply, and shows it delivered and then read', async () => {
    await setHours('always_open');
    const alice = await conversationOf('+15550100001');
    const { context, page, problems } = await openPage(await browser());
    await signIn(page, baseUrl, 'lawyer@demo.test', `/conversations/${alice.id}`);
    await page.getByRole('heading', { level: 2, name: 'Alice Avery' }).waitFor();
    await page.locator('.inbox[data-live="connected"]').waitFor();
    await page.evaluate(() => Object.assign(globalThis, { sameDocument: true }));

    await phoneSays('+15550100001', 'The dealer offered a refund. Should I accept it?');
    const incoming = page.locator('li.message.inbound', { hasText: 'The dealer offered a refund' });
    await incoming.waitFor();
    expect(await page.evaluate(() => (globalThis as { sameDocument?: boolean }).sameDocument)).toBe(true);
    await waitFor(async () => (await announced(page))?.includes('New message from Alice Avery'), { what: 'the screen reader announcement' });
    await screenshot(page, 'live-message');

    const reply = 'Not yet: the statute gives you more. I will call you at 3.';
    await page.getByLabel('Reply to Alice Avery').fill(reply);
    await page.getByRole('button', { name: 'Send', exact: true }).click();
    const sent = page.locator('li.message.outbound', { hasText: reply });
    await sent.waitFor();
    const seen: string[] = [];
    let deliveredShot = false;
    await waitFor(
      async () => {
        const status = await sent.getAttribute('data-status');
        if (status && seen.at(-1) !== status) seen.push(status);
        if (status === 'delivered' && !deliveredShot) {
          deliveredShot = true;
          await screenshot(page, 'reply-delivered');
        }
        return status === 'read';
      },
      { what: 'the read receipt', intervalMs: 50, timeoutMs: 20_000 },
    );
    expect(seen).toContain('delivered');
    expect(seen.indexOf('delivered')).toBeLessThan(seen.indexOf('read'));
    expect(await sent.locator('.status').textContent()).toContain('Read');
    expect(await sent.locator('.ticks').textContent()).toBe('✓✓');
    const phoneGot = (await (await fetch(`${baseUrl}/api/simulator/demo/phones/+15550100001`)).json()) as { text: string }[];
    expect(phoneGot.map((m) => m.text)).toContain(reply);
    await screenshot(page, 'reply-read');
    expect(problems).toEqual([]);
    await context.close();
  });

  it('shows "not found" when a lawyer opens another matter\'s conversation by its address', async () => {
    const bob = await conversationOf('+15550100002');
    const { context, page, problems } = await openPage(await browser());
    await signIn(page, baseUrl, 'lawyer@demo.test', `/conversations/${bob.id}`);
    await page.getByRole('heading', { name: 'Conversation not found' }).waitFor();
    expect(await page.getByText('It does not exist, or you do not have access to it.').count()).toBe(1);
    expect(await page.locator('li.message').count()).toBe(0);
    expect(await page.locator('#reply-text').count()).toBe(0);
    await page.locator('#conversation-list li').first().waitFor();
    expect(await page.locator('#conversation-list').textContent()).not.toContain('Bob');
    await screenshot(page, 'no-access-not-found');
    expect(problems).toEqual([]);
    await context.close();
  });

  it('offers the consent request instead of a text box for a number that has not opted in (phone width)', async () => {
    const stranger = '+15557770042';
    const { conversationId } = await phoneSays(stranger, 'Hello, my landlord changed the locks');
    // The automatic consent request goes first; the contact is then "requested", not opted in.
    await waitFor(async () => (await app.db.prisma.contactIdentity.findFirst({ where: { address: stranger } }))?.consentState === 'requested', {
      what: 'the automatic consent request',
    });
    const { context, page, problems } = await openPage(await browser(), phone);
    await signIn(page, baseUrl, 'staff@demo.test', `/conversations/${conversationId}`);
    await page.getByRole('heading', { name: 'Consent needed before replying' }).waitFor();
    expect(await page.locator('#reply-text').count()).toBe(0);
    expect(await page.getByText(`A consent request was sent to ${stranger}`).count()).toBe(1);
    // Asked a moment ago: the firm asks at most once a day, so no button yet.
    expect(await page.getByText(/It can be sent again from /).count()).toBe(1);
    expect(await page.getByRole('button', { name: /consent request/ }).count()).toBe(0);
    await page.locator('li.message[data-status="read"], li.message[data-status="delivered"]').first().waitFor();
    await screenshot(page, 'consent-gate-phone');

    // A day later the request may go again.
    await app.db.prisma.contactIdentity.updateMany({ where: { address: stranger }, data: { consentRequestedAt: new Date(Date.now() - 25 * 3600_000) } });
    await page.reload();
    const requests = () => page.locator('li.message.outbound', { hasText: 'May we reply to you here?' }).count();
    await page.getByRole('button', { name: 'Send the consent request again' }).click();
    await waitFor(async () => (await announced(page)) === 'Consent request sent.', { what: 'the confirmation' });
    await waitFor(async () => (await requests()) === 2, { what: 'the second consent request in the thread' });
    await page.getByText(/It can be sent again from /).waitFor();

    // Once the client answers YES, the text box appears without a reload.
    await phoneSays(stranger, 'YES');
    await page.getByLabel(`Reply to ${stranger}`).waitFor();
    expect(problems).toEqual([]);
    await context.close();
  });

  it('offers "send now" or "hold until the next opening" while the office is closed, and the held reply can be edited and cancelled', async () => {
    await setHours('closed_now');
    try {
      const maria = await conversationOf('+34600100003');
      const { context, page, problems } = await openPage(await browser(), desktop);
      page.on('dialog', (dialog) => void dialog.accept());
      await signIn(page, baseUrl, 'lawyer@demo.test', `/conversations/${maria.id}`);
      const notice = page.locator('.office-closed');
      await notice.waitFor();
      expect(await notice.textContent()).toMatch(/^The office is closed\. It opens .+9:00/);
      expect(await page.getByRole('button', { name: 'Send now' }).count()).toBe(1);
      const hold = page.getByRole('button', { name: /^Hold until .+9:00/ });
      expect(await hold.count()).toBe(1);
      await page.getByLabel('Reply to María García').fill('Le llamo mañana a primera hora.');
      await screenshot(page, 'hours-gate');

      await hold.click();
      const held = page.locator('li.message.outbound[data-status="scheduled"]', { hasText: 'Le llamo mañana' });
      await held.waitFor();
      expect(await held.locator('.status').textContent()).toMatch(/^Held: goes out .*, when the office opens$/);
      const stored = await app.db.prisma.message.findFirstOrThrow({ where: { conversationId: maria.id, text: 'Le llamo mañana a primera hora.' } });
      expect(stored.status).toBe('scheduled');
      expect(stored.scheduledFor!.getTime()).toBeGreaterThan(Date.now());
      await screenshot(page, 'held-message');

      await held.getByRole('button', { name: 'Edit' }).click();
      await page.getByLabel('Edit the scheduled message').fill('Le llamo mañana a las 9.');
      await page.getByRole('button', { name: 'Save' }).click();
      const edited = page.locator('li.message.outbound[data-status="scheduled"]', { hasText: 'Le llamo mañana a las 9.' });
      await edited.waitFor();
      await edited.getByRole('button', { name: 'Cancel send' }).click();
      await page.locator('li.message.outbound[data-status="cancelled"]', { hasText: 'Le llamo mañana a las 9.' }).waitFor();
      expect((await app.db.prisma.message.findUniqueOrThrow({ where: { id: stored.id } })).status).toBe('cancelled');
      expect(problems).toEqual([]);
      await context.close();
    } finally {
      await setHours('always_open');
    }
  });

  it('allows only a template once the WhatsApp 24-hour window has closed', async () => {
    // Alice also writes on the firm's WhatsApp Business number (Cloud API; paused, so nothing connects in the test).
    const firm = await app.db.prisma.firm.findFirstOrThrow();
    const matter = await app.db.prisma.matter.findFirstOrThrow({ where: { number: 'M-0001' } });
    const account = await app.db.prisma.channelAccount.create({
      data: { firmId: firm.id, kind: 'whatsapp_cloud', name: 'WhatsApp Business', state: 'connected', paused: true, address: '+15550109999' },
    });
    const identity = await app.db.prisma.contactIdentity.create({
      data: { firmId: firm.id, accountId: account.id, address: '+15550100001', displayName: 'Alice Avery', clientId: matter.clientId, consentState: 'opted_in' },
    });
    const twoDaysAgo = new Date(Date.now() - 48 * 3600_000);
    const conversation = await app.db.prisma.conversation.create({
      data: {
        firmId: firm.id,
        accountId: account.id,
        externalId: '+15550100001',
        identityId: identity.id,
        matterId: matter.id,
        title: 'Alice Avery',
        needsTriage: false,
        lastInboundAt: twoDaysAgo,
        lastMessageAt: twoDaysAgo,
      },
    });
    const { context, page, problems } = await openPage(await browser(), phone);
    await signIn(page, baseUrl, 'lawyer@demo.test', `/conversations/${conversation.id}`);
    await page.getByRole('heading', { name: 'WhatsApp window closed: template only' }).waitFor();
    expect(await page.getByText(/The 24-hour window closed .+ Only an approved template can be sent now\./).count()).toBe(1);
    expect(await page.getByLabel('Free text (not allowed now)').isDisabled()).toBe(true);
    expect(await page.getByLabel('Template', { exact: true }).isDisabled()).toBe(true);
    expect(await page.getByRole('button', { name: /^Send/ }).count()).toBe(0);
    await screenshot(page, 'whatsapp-window-closed-phone');

    // Once the account lists its approved templates, one can be picked and sent; free text stays off.
    const approved = { name: 'case_update', language: 'en_US', text: 'Hello, there is an update on your case. Reply here to talk with your lawyer.' };
    await app.db.prisma.channelAccount.update({ where: { id: account.id }, data: { config: { approvedTemplates: [approved] } } });
    await page.reload();
    await page.getByLabel('Template', { exact: true }).waitFor();
    expect(await page.getByLabel('Template', { exact: true }).isDisabled()).toBe(false);
    expect(await page.locator('#template-preview').textContent()).toBe(approved.text);
    expect(await page.getByLabel('Free text (not allowed now)').isDisabled()).toBe(true);
    await page.getByRole('button', { name: 'Send template' }).click();
    await page.locator('li.message.outbound', { hasText: approved.text }).waitFor();
    const sent = await app.db.prisma.message.findFirstOrThrow({ where: { conversationId: conversation.id, direction: 'outbound' } });
    expect(sent.templateName).toBe('case_update');
    await screenshot(page, 'whatsapp-template-sent-phone');
    expect(problems).toEqual([]);
    await context.close();
  });

  it('lets staff file a conversation from an unknown number under a client\'s matter', async () => {
    const { conversationId } = await phoneSays('+15557770077', 'Hi, Alice gave me your number');
    const { context, page, problems } = await openPage(await browser());
    await signIn(page, baseUrl, 'staff@demo.test', '/triage');
    await page.getByRole('heading', { level: 1, name: 'Triage' }).waitFor();
    const row = page.locator(`#conversation-list li[data-id="${conversationId}"]`);
    await row.waitFor();
    expect(await row.locator('.badge.triage').textContent()).toBe('Needs triage');
    await row.getByRole('link').click();
    await page.getByRole('heading', { name: 'Triage: file under a matter' }).waitFor();
    // Staff are on no matter, yet file into any matter no wall keeps them from.
    const matters = page.getByLabel('Client and matter');
    await matters.locator('optgroup[label="Bob Brennan"] option').waitFor({ state: 'attached' });
    await matters.selectOption({ label: 'M-0001 · Avery v. Northwind Motors (lemon law)' });
    await screenshot(page, 'triage');
    await page.getByRole('button', { name: 'File under this matter' }).click();
    // Staff are not on the matter: once filed, the conversation is the matter team's and leaves the triage list.
    await page.locator('.thread-pane').getByText('Filed under M-0001 · Avery v. Northwind Motors (lemon law).').waitFor();
    await waitFor(async () => (await row.count()) === 0, { what: 'the conversation to leave the triage list' });
    expect((await app.db.prisma.conversation.findUniqueOrThrow({ where: { id: conversationId } })).matterId).not.toBeNull();
    expect(problems).toEqual([]);
    await context.close();
  });

  it('gives the admin accounts (with the linking QR code), business hours, templates (naming unknown variables) and users', async () => {
    // A WhatsApp account waiting for its QR code to be scanned; paused, so that no process tries to connect it here.
    const firm = await app.db.prisma.firm.findFirstOrThrow();
    const linking = await app.db.prisma.channelAccount.create({
      data: { firmId: firm.id, kind: 'baileys', name: 'Front desk WhatsApp', state: 'linking', paused: true, qrCode: '2@e2e-test-linking-code,abc,def,ghi' },
    });
    const { context, page, problems } = await openPage(await browser());
    await signIn(page, baseUrl, 'admin@demo.test', '/admin/accounts');
    await page.locator('li.account[data-id="demo"]').waitFor();
    expect(await page.locator('li.account[data-id="demo"]').textContent()).toContain('Connected');
    const qr = page.getByRole('img', { name: 'QR code to link Front desk WhatsApp' });
    await qr.waitFor();
    await waitFor(() => qr.evaluate((img) => (img as unknown as { complete: boolean; naturalWidth: number }).complete && (img as unknown as { naturalWidth: number }).naturalWidth > 0), {
      what: 'the QR code image',
    });
    // Only the firm's admin gets the code.
    const lawyer = await signedIn(baseUrl, 'lawyer@demo.test');
    expect((await lawyer.request('GET', `/api/admin/accounts/${linking.id}/qr.svg`)).status).toBe(403);
    await qr.scrollIntoViewIfNeeded();
    await screenshot(page, 'admin-accounts');

    // A WhatsApp Cloud account on a Graph API version Meta retires soon, with something Meta reported: the page warns,
    // and the reports stay open across the list's refreshes.
    const cloud = await app.db.prisma.channelAccount.create({
      data: {
        firmId: firm.id,
        kind: 'whatsapp_cloud',
        name: 'Cloud number',
        paused: true,
        config: { phoneNumberId: '1234', accessToken: 't', appSecret: 's', verifyToken: 'v', graphApiVersion: 'v21.0' },
      },
    });
    await app.db.prisma.accountReport.create({
      data: { firmId: firm.id, accountId: cloud.id, kind: 'provider_error', detail: 'Meta reported: Something went wrong (code 131000)', dedupeKey: 'e2e', at: new Date() },
    });
    const card = page.locator(`li.account[data-id="${cloud.id}"]`);
    await card.waitFor();
    expect(await card.getByRole('alert').textContent()).toContain('Graph API v21.0 is retired by Meta on 2027-01-21');
    await card.getByText('Provider reports').click();
    await card.getByText('Provider error: Meta reported: Something went wrong (code 131000)').waitFor();
    // The list reloads every few seconds: after a reload, the panel is still open.
    const loads = Number(await page.locator('.accounts').getAttribute('data-loads'));
    await waitFor(async () => Number(await page.locator('.accounts').getAttribute('data-loads')) > loads, { what: 'the account list to reload', timeoutMs: 15_000 });
    expect(await card.locator('details.provider-reports').getAttribute('open')).not.toBeNull();
    await card.getByText('Provider error: Meta reported').waitFor();

    await page.getByRole('link', { name: 'Business hours' }).click();
    await page.getByLabel('Time zone').waitFor();
    expect(await page.getByLabel('Time zone').inputValue()).toBe('America/New_York');
    // Friday gets a lunch break whose afternoon closes before it opens: refused, and said as the form says it.
    const friday = page.getByRole('group', { name: 'Friday' });
    // Whatever Friday had (earlier tests set the office open all day, 00:00-24:00), it starts from closed here.
    while ((await friday.getByRole('button', { name: /^Remove Friday's/ }).count()) > 0) await friday.getByRole('button', { name: /^Remove Friday's/ }).first().click();
    await friday.getByText('Closed').waitFor();
    await friday.getByRole('button', { name: 'Add hours on Friday' }).click();
    await friday.getByRole('button', { name: 'Add hours on Friday' }).click();
    await friday.getByLabel('Friday (first hours) opens').fill('09:00');
    await friday.getByLabel('Friday (first hours) closes').fill('12:00');
    await friday.getByLabel('Friday (second hours) opens').fill('17:00');
    await friday.getByLabel('Friday (second hours) closes').fill('13:00');
    await page.getByRole('button', { name: 'Save hours' }).click();
    await page.locator('.hours-form .form-error', { hasText: "Friday's second hours: an interval must start before it ends" }).waitFor();
    await friday.getByLabel('Friday (second hours) opens').fill('13:00');
    await friday.getByLabel('Friday (second hours) closes').fill('17:00');
    // Saturday open until midnight, which a time field of the browser could not say.
    const saturday = page.getByRole('group', { name: 'Saturday' });
    while ((await saturday.getByRole('button', { name: /^Remove Saturday's/ }).count()) > 0) await saturday.getByRole('button', { name: /^Remove Saturday's/ }).first().click();
    await saturday.getByRole('button', { name: 'Add hours on Saturday' }).click();
    await saturday.getByLabel('Saturday closes').fill('24:00');
    // A closure for Christmas.
    await page.getByRole('button', { name: 'Add a closure' }).click();
    const closure = page.getByRole('group', { name: 'Closure 1' });
    await closure.getByLabel('From').fill('2026-12-25');
    await closure.getByLabel('What').fill('Christmas');
    await screenshot(page, 'admin-hours');
    await page.getByRole('button', { name: 'Save hours' }).click();
    await page.locator('.hours-form .saved').waitFor();
    const stored = await app.db.prisma.businessHours.findFirstOrThrow({ where: { firmId: firm.id, accountId: null } });
    expect((stored.weekly as Record<string, string[][]>)['5']).toEqual([['09:00', '12:00'], ['13:00', '17:00']]);
    expect((stored.weekly as Record<string, string[][]>)['6']).toEqual([['09:00', '24:00']]);
    // One account with hours of its own, then back to the firm's.
    await page.getByLabel('Hours of').selectOption('demo');
    await page.getByText('This account answers by the firm’s hours. Saving here gives it hours of its own.').waitFor();
    await page.getByRole('button', { name: 'Save hours' }).click();
    await page.getByRole('button', { name: 'Use the firm’s hours for this account' }).click();
    await page.getByText('This account answers by the firm’s hours. Saving here gives it hours of its own.').waitFor();
    expect(await app.db.prisma.businessHours.count({ where: { accountId: 'demo' } })).toBe(0);
    expect(stored.closures).toEqual([{ from: '2026-12-25', label: 'Christmas' }]);

    await page.getByRole('link', { name: 'Templates' }).click();
    const consent = page.locator('form.template[data-kind="consent_request"][data-language="en"]');
    await consent.waitFor();
    await consent.getByRole('textbox').fill('Hello from {frim}. May we reply here? Reply YES, or STOP to opt out.');
    await consent.getByRole('button', { name: 'Save Consent request (English)' }).click();
    await consent.locator('.form-error', { hasText: 'unknown template variables: {frim}' }).waitFor();
    await screenshot(page, 'admin-templates');
    await consent.getByRole('textbox').fill('Hello from {firm}. May we reply here? Reply YES, or STOP to opt out.');
    await consent.getByRole('button', { name: 'Save Consent request (English)' }).click();
    await consent.getByText('Saved.', { exact: true }).waitFor();

    // Saved replies: added, then removed after a second click.
    await page.getByRole('link', { name: 'Saved replies' }).click();
    const added = page.getByRole('form', { name: 'New saved reply' });
    await added.getByLabel('Name').fill('Hearing moved');
    await added.getByLabel('Language').selectOption('es');
    await added.getByLabel('Text').fill('Su audiencia ha cambiado de fecha. Le llamamos hoy.');
    await added.getByRole('button', { name: 'Add saved reply' }).click();
    const reply = page.getByRole('form', { name: 'Saved reply Hearing moved (Spanish)' });
    await reply.waitFor();
    expect(await app.db.prisma.cannedReply.count({ where: { name: 'Hearing moved', language: 'es' } })).toBe(1);
    await reply.getByRole('button', { name: 'Remove Hearing moved' }).click();
    await reply.getByRole('button', { name: 'Yes, remove Hearing moved' }).click();
    await reply.waitFor({ state: 'detached' });

    await page.getByRole('link', { name: 'Users' }).click();
    await page.locator('table.users').waitFor();
    await page.getByLabel('Email').fill('new.associate@demo.test');
    await page.getByLabel('Name').fill('Nora Associate');
    await page.getByRole('button', { name: 'Invite' }).click();
    await page.locator('.notice-host').getByText('Nora Associate invited.').waitFor();
    await page.getByRole('button', { name: 'Disable Nora Associate' }).isVisible();
    page.on('dialog', (dialog) => void dialog.accept());
    await page.getByRole('button', { name: 'Disable Nora Associate' }).click();
    await waitFor(async () => (await page.locator('table.users tr', { hasText: 'Nora Associate' }).textContent())?.includes('Disabled'), { what: 'the user disabled' });
    await screenshot(page, 'admin-users');
    expect(problems).toEqual([]);
    await context.close();
  });
  it('lets a supervisor block a contact from the matter sidebar, which closes the composer, and unblock it', async () => {
    const { conversationId } = await phoneSays('+15557770042', 'Answer me now!!!');
    const { context, page, problems } = await openPage(await browser());
    await signIn(page, baseUrl, 'supervisor@demo.test', `/conversations/${conversationId}`);
    await page.getByLabel('Reply to +15557770042').waitFor();
    await page.getByLabel('Reason (kept in the audit log)').fill('Abusive messages to staff');
    await page.getByRole('button', { name: 'Block', exact: true }).click();
    await page.getByRole('heading', { name: 'Contact blocked' }).waitFor();
    expect(await page.locator('#reply-text').count()).toBe(0);
    expect(await page.locator('.matter-pane .badge.consent').textContent()).toBe('Blocked');
    await screenshot(page, 'blocked-contact');
    await page.getByLabel('Reason (kept in the audit log)').fill('Apologised; matter continues');
    await page.getByRole('button', { name: 'Unblock' }).click();
    await page.getByLabel('Reply to +15557770042').waitFor();
    expect(problems).toEqual([]);
    await context.close();
  });
  it('attaches documents in the composer and sends them: the client’s phone gets them, the thread lists them', async () => {
    await setHours('always_open');
    const alice = await conversationOf('+15550100001');
    const { context, page, problems } = await openPage(await browser());
    await signIn(page, baseUrl, 'lawyer@demo.test', `/conversations/${alice.id}`);
    const composer = page.getByRole('form', { name: 'Reply' });
    await composer.waitFor();
    const pdf = Buffer.concat([Buffer.from('%PDF-1.7\n'), Buffer.alloc(20_000, 7)]);
    await page.setInputFiles('#reply-files', [
      { name: 'Signed retainer.pdf', mimeType: 'application/pdf', buffer: pdf },
      { name: 'too-big.bin', mimeType: 'application/octet-stream', buffer: Buffer.alloc(17 * 1024 * 1024, 1) },
    ]);
    await composer.getByRole('list', { name: 'Files to send' }).getByText('Signed retainer.pdf').waitFor();
    await page.getByLabel('Reply to Alice Avery').fill('Here is the signed retainer');
    await composer.getByRole('button', { name: 'Send', exact: true }).click();
    // The simulator takes files up to 16 MB: the reason is shown, and nothing was sent.
    await composer.locator('.form-error', { hasText: '"too-big.bin" is 17 MB; the simulator takes application/octet-stream files up to 16 MB' }).waitFor();
    await composer.getByRole('button', { name: 'Remove too-big.bin' }).click();
    await composer.getByRole('button', { name: 'Send', exact: true }).click();
    await page.locator('li.message.outbound .attachment-name', { hasText: 'Signed retainer.pdf' }).waitFor();
    // The list previews the newest message, and the tab counts what is unread elsewhere.
    const preview = page.locator(`#conversation-list li[data-id="${alice.id}"] .conversation-preview`);
    await waitFor(async () => (await preview.textContent()) === 'You: Here is the signed retainer', { what: 'the list preview' });
    // The unread badges the list shows add up to the count in the title.
    const badges = await page.locator('#conversation-list .unread-count [aria-hidden="true"]').allTextContents();
    const total = badges.reduce((sum, text) => sum + Number(text), 0);
    expect(await page.title()).toMatch(total > 0 ? new RegExp(`^\\(${total}\\) `) : /^[^(]/);
    expect(await composer.getByRole('list', { name: 'Files to send' }).locator('li').count()).toBe(0);
    const phone = await waitFor(async () => {
      const answer = (await (await fetch(`${baseUrl}/api/simulator/demo/phones/${encodeURIComponent('+15550100001')}`)).json()) as { text: string | null; media: { fileName: string; size: number }[] }[];
      return answer.find((m) => m.media.length > 0 && m.text === 'Here is the signed retainer') ?? null;
    }, { what: 'the phone to receive the file' });
    expect(phone.media).toEqual([expect.objectContaining({ fileName: 'Signed retainer.pdf', size: pdf.length })]);
    await screenshot(page, 'composer-attachments');
    expect(problems).toEqual([]);
    await context.close();
  });

  it('keeps what matters from being quiet: an URGENT message after hours until acknowledged, a client who may have asked to stop', async () => {
    const lawyerId = (await app.db.prisma.user.findFirstOrThrow({ where: { email: 'lawyer@demo.test' } })).id;
    const firm = await app.db.prisma.firm.findFirstOrThrow();
    const settings = (firm.settings ?? {}) as Record<string, unknown>;
    await app.db.prisma.firm.update({ where: { id: firm.id }, data: { settings: { ...settings, onCallUserId: lawyerId } } });
    await setHours('closed_now');
    try {
      const alice = await conversationOf('+15550100001');
      await phoneSays('+15550100001', 'URGENT: the dealer repossessed the car');
      await waitFor(() => app.db.prisma.notification.findFirst({ where: { userId: lawyerId, kind: 'urgent_after_hours', conversationId: alice.id } }), { what: 'the urgent flag' });
      await phoneSays('+34600100003', 'Please stop texting me');
      const { context, page, problems } = await openPage(await browser());
      await signIn(page, baseUrl, 'lawyer@demo.test', `/conversations/${alice.id}`);
      const aliceRow = page.locator(`#conversation-list li[data-id="${alice.id}"]`);
      await aliceRow.locator('.badge.urgent', { hasText: 'Urgent' }).waitFor();
      const maria = await conversationOf('+34600100003');
      await page.locator(`#conversation-list li[data-id="${maria.id}"] .badge.urgent`, { hasText: 'Asked to stop?' }).waitFor();
      const banner = page.locator('.urgent-banner');
      await banner.waitFor();
      expect(await banner.textContent()).toContain('URGENT: the dealer repossessed the car');
      await screenshot(page, 'attention-urgent');
      await banner.getByRole('button', { name: 'Acknowledge' }).click();
      await waitFor(async () => (await banner.count()) === 0, { what: 'the banner to go' });
      await waitFor(async () => (await aliceRow.locator('.badge.urgent').count()) === 0, { what: 'the list flag to go' });
      const audited = await app.db.pool.query(`SELECT 1 FROM "AuditEvent" WHERE action = 'notification.acknowledged' AND "actorUserId" = $1`, [lawyerId]);
      expect(audited.rowCount).toBe(1);
      expect(problems).toEqual([]);
      await context.close();
    } finally {
      // The other journeys meet these two as they were: no on-call lawyer, and María's possible STOP dismissed.
      await app.db.prisma.firm.update({ where: { id: firm.id }, data: { settings: settings as object } });
      await setHours('always_open');
      await app.db.prisma.contactIdentity.updateMany({ where: { address: '+34600100003' }, data: { revocationPendingMessageId: null } });
    }
  });

  it('says a send’s outcome is unknown in words, and lets its author send it again once', async () => {
    const alice = await conversationOf('+15550100001');
    const lawyerId = (await app.db.prisma.user.findFirstOrThrow({ where: { email: 'lawyer@demo.test' } })).id;
    const lost = await app.db.prisma.message.create({
      data: {
        firmId: alice.firmId,
        accountId: alice.accountId,
        conversationId: alice.id,
        identityId: alice.identityId,
        direction: 'outbound',
        text: 'The hearing is confirmed for Monday 9:00',
        status: 'failed',
        authorUserId: lawyerId,
        failedAt: new Date(Date.now() - 11 * 60_000),
        error: 'send_outcome_unknown: the process stopped while the provider was sending; check before resending',
      },
    });
    const { context, page, problems } = await openPage(await browser());
    page.on('dialog', (dialog) => void dialog.accept());
    await signIn(page, baseUrl, 'lawyer@demo.test', `/conversations/${alice.id}`);
    const row = page.locator(`li.message[data-id="${lost.id}"]`);
    await row.waitFor();
    expect(await row.locator('.status').textContent()).toContain('Not known whether it arrived');
    await row.getByRole('button', { name: 'Send again' }).click();
    await row.locator('.status', { hasText: 'sent again' }).waitFor();
    expect(await row.getByRole('button', { name: 'Send again' }).count()).toBe(0);
    const copies = await app.db.prisma.message.findMany({ where: { conversationId: alice.id, text: 'The hearing is confirmed for Monday 9:00' } });
    expect(copies).toHaveLength(2);
    await page.locator(`li.message[data-id="${copies.find((m) => m.id !== lost.id)!.id}"]`).waitFor();
    expect(problems).toEqual([]);
    await context.close();
  });

  it('pages the thread: the newest messages at the bottom, earlier ones on request', async () => {
    const maria = await conversationOf('+34600100003');
    // Forty older messages from a history sync (backfilled: they count as read and trigger nothing).
    await app.db.prisma.message.createMany({
      data: Array.from({ length: 40 }, (_, i) => ({
        firmId: maria.firmId,
        accountId: maria.accountId,
        conversationId: maria.id,
        identityId: maria.identityId,
        direction: 'inbound' as const,
        status: 'received' as const,
        text: `Mensaje antiguo ${i + 1}`,
        backfilled: true,
        capturedAt: new Date(Date.UTC(2026, 0, 5, 10, i)),
      })),
    });
    await phoneSays('+34600100003', '¿Hay novedades del caso?');
    const { context, page, problems } = await openPage(await browser(), phone);
    await signIn(page, baseUrl, 'lawyer@demo.test', `/conversations/${maria.id}`);
    const messages = page.locator('li.message');
    await messages.first().waitFor();
    expect(await messages.count()).toBe(30);
    // Newest at the bottom, and the view starts there.
    const texts = await messages.locator('.message-text').allTextContents();
    expect(texts.indexOf('Mensaje antiguo 40')).toBeGreaterThanOrEqual(0);
    expect(texts.indexOf('Mensaje antiguo 40')).toBeLessThan(texts.indexOf('¿Hay novedades del caso?'));
    // The view settles at the bottom (layout may finish after the first paint on a loaded machine).
    await expect.poll(() => page.locator('.thread-scroll').evaluate((el) => el.scrollHeight - el.scrollTop - el.clientHeight), { timeout: 5000 }).toBeLessThan(5);
    const earlier = page.getByRole('button', { name: 'Load earlier messages' });
    await earlier.click();
    await waitFor(async () => (await messages.count()) > 30, { what: 'the earlier page' });
    while (await earlier.isVisible()) {
      const before = await messages.count();
      await earlier.click();
      await waitFor(async () => (await messages.count()) > before, { what: 'another earlier page' });
    }
    expect(await messages.first().locator('.message-text').textContent()).toBe('Mensaje antiguo 1');
    await screenshot(page, 'thread-paged-phone');
    expect(problems).toEqual([]);
    await context.close();
  });
});
