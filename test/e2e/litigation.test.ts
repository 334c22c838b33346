import { readFile } from 'node:fs/promises';
import { beforeAll, describe, expect, it } from 'vitest';
import type { RunningMatterline } from '../../src/runtime/start-matterline.js';
import { readRsmf } from '../integration/rsmf-file.js';
import { browserTestWorld, desktop, expectAccessible, openPage, screenshot, signIn } from './browser.js';

// Issue 19 as its users do it in a browser: the responsible lawyer marks a client's request for advice privileged
// on the matter's page, downloads the RSMF production (which withholds it) and the privilege log; later she is about
// to text a card number over a channel the firm counts as insecure, is warned, and sends it once she says how the
// client agreed; the admin counts a channel as insecure in the firm's settings.
describe('litigation and sensitive data, in a browser', () => {
  const world = browserTestWorld();
  const browser = () => world.browser();
  let app: RunningMatterline;
  let baseUrl: string;
  let matterId: string;
  let conversationId: string;
  beforeAll(async () => {
    app = world.app();
    baseUrl = world.baseUrl();
    matterId = (await app.db.prisma.matter.findFirstOrThrow({ where: { number: 'M-0001' } })).id;
    for (const [id, text, sentAt] of [
      ['lit-1', 'The dealer called again today', '2026-11-04T15:00:00Z'],
      ['lit-2', 'Should I sign the release they sent me?', '2026-11-04T15:05:00Z'],
    ] as const) {
      const response = await fetch(`${baseUrl}/api/simulator/demo/inbound`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ from: '+15550100001', id, text, sentAt }),
      });
      expect(response.status).toBe(202);
      conversationId = ((await response.json()) as { conversationId: string }).conversationId;
    }
  });

  it('marks a message privileged on the matter page, produces RSMF without it and the privilege log', async () => {
    const { context, page, problems } = await openPage(await browser(), desktop);
    await signIn(page, baseUrl, 'lawyer@demo.test', `/matters/${matterId}`);
    const card = page.locator('#matter-privilege');
    const row = card.locator('tr', { hasText: 'Should I sign the release they sent me?' });
    await row.getByRole('button', { name: /^Mark privileged: / }).click();
    const dialog = page.getByRole('dialog', { name: 'Mark privileged' });
    await dialog.getByLabel('Privilege', { exact: true }).selectOption('attorney_client');
    await dialog.getByLabel('Basis (why the privilege applies)').fill('The client asks counsel for legal advice');
    await dialog.getByLabel('Description for the privilege log (must not reveal the content)').fill('Client request for advice about a proposed release');
    await screenshot(page, 'privilege-mark-dialog');
    await dialog.getByRole('button', { name: 'Mark privileged' }).click();
    await row.getByText('Attorney-client privilege').waitFor();
    await expectAccessible(page, 'the matter page with a privileged message');
    await screenshot(page, 'privilege-marked');

    await card.getByLabel('From', { exact: true }).fill('2026-11-04');
    await card.getByLabel('To', { exact: true }).fill('2026-11-04');
    const [download] = await Promise.all([page.waitForEvent('download'), card.getByRole('link', { name: 'Download messages (RSMF 2.0)' }).click()]);
    expect(download.suggestedFilename()).toMatch(/^messages-M-0001-\d{4}-\d{2}-\d{2}\.rsmf$/);
    const file = await readRsmf(await readFile((await download.path())!));
    expect(file.manifest.events.map((e) => e.body)).toEqual(['The dealer called again today']);
    expect(file.mail.text).toContain('1 messages marked privileged are withheld');

    const [log] = await Promise.all([page.waitForEvent('download'), card.getByRole('link', { name: 'Privilege log (CSV)' }).click()]);
    const csv = (await readFile((await log.path())!)).toString('utf8');
    expect(csv).toContain('PRIV-0001,2026-11-04T15:05:00.000Z,Alice Avery,');
    expect(csv).toContain('Client request for advice about a proposed release');
    expect(csv).not.toContain('Should I sign');

    // A supervisor's search finds it, unless asked to leave privileged messages out.
    const supervisor = await openPage(await browser(), desktop);
    await signIn(supervisor.page, baseUrl, 'supervisor@demo.test', '/supervision');
    await supervisor.page.getByLabel('Search', { exact: true }).fill('release they sent');
    await supervisor.page.getByRole('button', { name: 'Search', exact: true }).click();
    await supervisor.page.locator('#results li', { hasText: 'Should I sign the release' }).waitFor();
    await supervisor.page.getByLabel('Leave out privileged messages').check();
    await supervisor.page.getByRole('button', { name: 'Search', exact: true }).click();
    await supervisor.page.locator('#results li', { hasText: 'Nothing found.' }).waitFor();
    expect(supervisor.problems).toEqual([]);
    await supervisor.context.close();

    // Withdrawn with a reason, in the app's own dialog.
    await row.getByRole('button', { name: /^Withdraw privilege on / }).click();
    const ask = page.getByRole('dialog', { name: /^Withdraw the privilege mark on / });
    await ask.getByLabel('Why is the privilege withdrawn?').fill('Marked by mistake: the release question is not legal advice');
    await ask.getByRole('button', { name: 'Withdraw' }).click();
    await row.getByRole('button', { name: /^Mark privileged: / }).waitFor();
    expect(problems).toEqual([]);
    await context.close();
  });

  it('counts a channel as insecure in the firm settings, warns the lawyer before a card number, and sends with the client\'s agreement', async () => {
    const admin = await openPage(await browser(), desktop);
    await signIn(admin.page, baseUrl, 'admin@demo.test', '/admin/settings');
    await admin.page.getByLabel('Count The simulator as insecure').check();
    await admin.page.getByLabel('When a lawyer sends such data over an insecure channel').selectOption('warn');
    await admin.page.getByRole('button', { name: 'Save settings' }).click();
    await admin.page.getByText('Saved.', { exact: true }).waitFor();
    await screenshot(admin.page, 'firm-settings-sensitive');
    expect(admin.problems).toEqual([]);
    await admin.context.close();

    const { context, page, problems } = await openPage(await browser(), desktop);
    await signIn(page, baseUrl, 'lawyer@demo.test', `/inbox/${conversationId}`);
    await page.getByLabel('Reply to Alice Avery').fill('The court fee can go on the firm card 4111 1111 1111 1111');
    // Whether the office is open or not at the hour the test runs: the button that sends now.
    await page.getByRole('button', { name: /^Send( now)?$/ }).click();
    const warning = page.locator('#sensitive-warning');
    await warning.getByText('Sensitive data over the simulator, which is not secure').waitFor();
    await warning.getByText('a Visa card number ending 1111').waitFor();
    const send = warning.getByRole('button', { name: "Send with the client's agreement" });
    expect(await send.isDisabled()).toBe(true);
    await expectAccessible(page, 'the composer warning of sensitive data');
    await screenshot(page, 'sensitive-warning');
    await warning.getByLabel(/^If the client agreed to receive this here/).fill('Alice asked for it by text on 6 December, knowing SMS is not secure');
    await send.click();
    await page.getByText('Message sent.', { exact: true }).first().waitFor({ state: 'attached' });
    await warning.waitFor({ state: 'detached' });
    const ledger = await app.db.pool.query<{ text: string }>(`SELECT text FROM "ConsentEvent" WHERE source = 'sensitive_data'`);
    expect(ledger.rows.map((r) => r.text)).toEqual(['Alice asked for it by text on 6 December, knowing SMS is not secure']);
    expect(problems).toEqual([]);
    await context.close();
  });
});
