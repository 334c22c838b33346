import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningMatterline } from '../../src/runtime/start-matterline.js';
import { browserTestWorld, desktop, openPage, screenshot, signIn } from './browser.js';

// The firm's admin, from a firm with no channel account to a working WhatsApp Cloud API account: a guided form, the
// webhook URL and verify token shown to paste in Meta's console (and Meta's verification handshake passing with
// them), and "test connection" answered by a Graph API stand-in that checks the token as Meta does.
describe('channel accounts, in a browser', () => {
  const world = browserTestWorld();
  const browser = () => world.browser();
  let app: RunningMatterline;
  let baseUrl: string;
  let graph: Server;
  let graphUrl: string;
  const goodToken = 'EAAG-system-user-token';

  beforeAll(async () => {
    app = world.app();
    baseUrl = world.baseUrl();
    // Meta's GET /{phone-number-id}: the number for the right token, Meta's OAuth error shape otherwise.
    graph = createServer((req, res) => {
      res.setHeader('content-type', 'application/json');
      if (req.headers.authorization !== `Bearer ${goodToken}`) {
        res.statusCode = 401;
        res.end(JSON.stringify({ error: { message: 'Invalid OAuth access token - Cannot parse access token', type: 'OAuthException', code: 190 } }));
        return;
      }
      if (!req.url?.startsWith('/106540352242922?')) {
        res.statusCode = 404;
        res.end(JSON.stringify({ error: { message: 'Unsupported get request', code: 100 } }));
        return;
      }
      res.end(JSON.stringify({ display_phone_number: '+1 555-010-0999', verified_name: 'Demo Law LLP', id: '106540352242922' }));
    });
    await new Promise<void>((resolve) => graph.listen(0, '127.0.0.1', () => resolve()));
    graphUrl = `http://127.0.0.1:${(graph.address() as AddressInfo).port}`;
    // An empty firm: no channel account yet.
    await app.db.pool.query(`UPDATE "ChannelAccount" SET "removedAt" = now()`);
  });
  afterAll(() => new Promise<void>((resolve) => graph.close(() => resolve())));

  it('takes the admin from no account to a Cloud API account with its webhook URL, verify token and a tested connection', async () => {
    const { context, page, problems } = await openPage(await browser(), desktop);
    await signIn(page, baseUrl, 'admin@demo.test', '/admin/accounts');
    await page.getByText('No accounts yet. Add the firm’s first number below.').waitFor();
    await page.getByLabel('Channel').selectOption({ label: 'WhatsApp Business (Cloud API)' });
    await page.getByLabel('Name', { exact: true }).fill('Firm WhatsApp');
    await page.getByLabel('Phone number ID').fill('12ab');
    await page.getByLabel('Access token').fill('wrong-token');
    await page.getByLabel('App secret').fill('app-secret-from-meta');
    await screenshot(page, 'accounts-add-cloud');
    // The browser checks the pattern first; the server names the field if it gets there.
    await page.getByRole('button', { name: 'Add account' }).click();
    expect(await page.getByLabel('Phone number ID').evaluate((input) => (input as unknown as { validity: { valid: boolean } }).validity.valid)).toBe(false);
    await page.getByLabel('Phone number ID').fill('106540352242922');
    await page.getByRole('button', { name: 'Add account' }).click();
    const connect = page.getByRole('region', { name: 'Connect it' });
    await connect.waitFor();
    const hook = await connect.getByLabel('Webhook URL', { exact: true }).inputValue();
    const verifyToken = await connect.getByLabel('Verify token', { exact: true }).inputValue();
    const account = await app.db.prisma.channelAccount.findFirstOrThrow({ where: { name: 'Firm WhatsApp', removedAt: null } });
    expect(hook).toBe(`${baseUrl}/webhooks/whatsapp-cloud/${account.id}`);
    expect(verifyToken).toMatch(/^[0-9a-f]{36}$/);
    await screenshot(page, 'accounts-connect-steps');
    // Meta's verification request with what the page showed is answered with its challenge.
    const handshake = await fetch(`${hook}?hub.mode=subscribe&hub.verify_token=${verifyToken}&hub.challenge=1158201444`);
    expect(await handshake.text()).toBe('1158201444');
    const card = page.locator(`li.account[data-id="${account.id}"]`);
    await card.getByText('Waiting for the first webhook').waitFor();

    // Test connection against the Graph stand-in (the account's Graph URL is a setting the form does not show).
    const config = account.config as Record<string, unknown>;
    await app.db.prisma.channelAccount.update({ where: { id: account.id }, data: { config: { ...config, graphBaseUrl: graphUrl } } });
    await card.getByRole('button', { name: 'Test connection of Firm WhatsApp' }).click();
    await card.getByText('Meta said: Invalid OAuth access token - Cannot parse access token (code 190)').waitFor();
    // The admin corrects the token in the account's own form: the secrets are not shown back, only replaced.
    await card.getByRole('button', { name: 'Edit Firm WhatsApp' }).click();
    const edit = card.getByRole('form', { name: 'Edit Firm WhatsApp' });
    expect(await edit.getByLabel('Phone number ID').inputValue()).toBe('106540352242922');
    expect(await edit.getByLabel('Access token').inputValue()).toBe('');
    expect(await edit.getByLabel('Access token').getAttribute('placeholder')).toBe('Kept as it is; type a new one to replace it');
    await edit.getByLabel('Phone number ID').fill('not a number');
    await edit.getByLabel('Access token').fill(goodToken);
    await edit.getByLabel('Name').fill('Firm WhatsApp (main)');
    await screenshot(page, 'accounts-edit');
    await edit.getByRole('button', { name: 'Save changes' }).click();
    expect(await edit.getByLabel('Phone number ID').evaluate((input) => (input as unknown as { validity: { valid: boolean } }).validity.valid)).toBe(false);
    await edit.getByLabel('Phone number ID').fill('106540352242922');
    await edit.getByRole('button', { name: 'Save changes' }).click();
    await card.getByRole('heading', { name: 'Firm WhatsApp (main)' }).waitFor();
    const edited = await app.db.prisma.channelAccount.findUniqueOrThrow({ where: { id: account.id } });
    expect(JSON.stringify(edited.config)).not.toContain(goodToken);
    expect((edited.config as Record<string, unknown>).graphBaseUrl).toBe(graphUrl);
    await card.getByRole('button', { name: 'Test connection of Firm WhatsApp (main)' }).click();
    await card.getByText('Meta knows this number: +1 555-010-0999 (Demo Law LLP).').waitFor();
    await screenshot(page, 'accounts-tested');
    const audit = await app.db.pool.query(`SELECT details FROM "AuditEvent" WHERE action = 'account.tested' ORDER BY id`);
    expect(audit.rows.map((r) => r.details.ok)).toEqual([false, true]);

    // Removed with a reason asked in the app's own dialog; the record stays.
    await card.getByRole('button', { name: 'Remove Firm WhatsApp (main)' }).click();
    const ask = page.getByRole('dialog', { name: 'Remove Firm WhatsApp (main)' });
    await ask.getByRole('textbox').fill('Number moved to the new office');
    await screenshot(page, 'accounts-remove');
    await ask.getByRole('button', { name: 'Remove account' }).click();
    await card.waitFor({ state: 'detached' });
    const removed = await app.db.pool.query(`SELECT details FROM "AuditEvent" WHERE action = 'account.removed' AND "subjectId" = $1`, [account.id]);
    expect(removed.rows[0]?.details).toEqual({ reason: 'Number moved to the new office' });
    expect(problems).toEqual([]);
    await context.close();
  });
});
