import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import type { RunningMatterline } from '../../src/runtime/start-matterline.js';
import { launchChromium, openPage, screenshot, signIn } from '../e2e/browser.js';
import { startTestMatterline, waitFor } from '../support/matterline.js';
import type { TestDatabase } from '../support/test-database.js';
import { createTestDatabase } from '../support/test-database.js';
import { signedIn } from './auth-test-client.js';

// The /time page in a real browser: a lawyer approves her draft; the supervisor sees the report table and chart.
describe('the messaging-time page', () => {
  let database: TestDatabase;
  let app: RunningMatterline;
  let browser: Browser;

  beforeAll(async () => {
    database = await createTestDatabase();
    app = await startTestMatterline({ databaseUrl: database.url, queue: 'redis' });
    browser = await launchChromium();
    const response = await fetch(`${app.url}/api/simulator/demo/inbound`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ from: '+15550100001', text: 'Any news from the dealer?' }),
    });
    const { id, conversationId } = (await response.json()) as { id: string; conversationId: string };
    await waitFor(async () => (await app.db.pool.query(`SELECT 1 FROM "ProcessedJob" WHERE "jobId" = $1`, [`inbound-${id}`])).rowCount === 1);
    const lawyer = await signedIn(app.url!, 'lawyer@demo.test');
    await lawyer.post(`/api/conversations/${conversationId}/read`);
    await lawyer.post(`/api/conversations/${conversationId}/messages`, { text: 'Not yet, I will chase them.', compositionMs: 90_000 });
  });
  afterAll(async () => {
    await browser?.close();
    await app?.stop();
    await database?.drop();
  });

  it('is a page of the one app, served under its content security policy', async () => {
    const page = await fetch(`${app.url}/time`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(await page.text()).toContain('src="/assets/app.js"');
  });

  it('lets a lawyer approve her draft, and shows the supervisor the report as a table and a chart', async () => {
    const { context, page, problems } = await openPage(browser);
    await signIn(page, app.url!, 'lawyer@demo.test');
    await page.goto(`${app.url}/time`);
    const draft = page.locator('#drafts tbody tr');
    await expect.poll(() => draft.count()).toBe(1);
    expect(await draft.innerText()).toContain('WhatsApp with client re Avery v. Northwind Motors (lemon law): 1 message sent, 1 read');
    // Write off asks its reason in the app's dialog; cancelling it changes nothing.
    await draft.getByRole('button', { name: 'Write off' }).click();
    const ask = page.getByRole('dialog', { name: /^Write off 0\.1 h on M-0001/ });
    await ask.getByLabel('Why is this time not billed? (kept with the entry)').waitFor();
    await screenshot(page, 'time-write-off-dialog');
    await ask.getByRole('button', { name: 'Cancel' }).click();
    await ask.waitFor({ state: 'hidden' });
    await screenshot(page, 'time-drafts');
    // She corrects the draft: 0.3 h, her own words, a task code; a wrong value is refused in words.
    await draft.getByRole('button', { name: /^Edit 0\.1 h on / }).click();
    await page.getByLabel('Hours').fill('0.25');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByText('in tenths of an hour, like 0.3').waitFor();
    await page.getByLabel('Hours').fill('0.3');
    await page.getByLabel('Narrative').fill('Reviewed the dealer\'s position and answered the client');
    await page.getByLabel('Task code (UTBMS, optional)').fill('l120');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.locator('#drafts tbody tr', { hasText: 'Reviewed the dealer' }).waitFor();
    expect(await draft.innerText()).toMatch(/0\.3[\s\S]*A106 \/ L120/);
    const edited = await app.db.prisma.timeEntry.findFirstOrThrow();
    expect([edited.tenths, edited.taskCode, edited.editedAt !== null]).toEqual([3, 'L120', true]);
    await draft.getByRole('button', { name: 'Approve' }).click();
    await page.getByText('No drafts waiting for review.').waitFor();
    // Approved by mistake: back to draft, and approved again.
    await page.getByRole('button', { name: 'Approved', exact: true }).click();
    await page.locator('#drafts tbody tr').getByRole('button', { name: 'Unapprove' }).click();
    await page.getByText('No entries here.').waitFor();
    await page.getByRole('button', { name: 'Draft', exact: true }).click();
    await page.locator('#drafts tbody tr').getByRole('button', { name: 'Approve' }).click();
    await page.getByText('No drafts waiting for review.').waitFor();
    await context.close();
    expect(problems).toEqual([]);
    expect((await app.db.prisma.timeEntry.findFirstOrThrow()).state).toBe('approved');

    const supervisor = await openPage(browser);
    await signIn(supervisor.page, app.url!, 'supervisor@demo.test');
    await supervisor.page.goto(`${app.url}/time`);
    const row = supervisor.page.locator('#report tbody tr');
    await expect.poll(() => row.count()).toBe(1);
    expect(await row.innerText()).toMatch(/Laura Lawyer\s+0\.3\s+90\.00/);
    expect(await supervisor.page.locator('#chart .row').count()).toBe(1);
    expect(await supervisor.page.locator('#exports').isVisible()).toBe(true);
    // The preview links change nothing; the Export button makes the batch and offers its files.
    expect(await supervisor.page.locator('#export-ledes').getAttribute('href')).toMatch(/^\/api\/time\/export\.ledes\?from=/);
    expect(await app.db.prisma.timeExportBatch.count()).toBe(0);
    await supervisor.page.getByRole('button', { name: 'Export approved entries' }).click();
    await supervisor.page.locator('#export-done a', { hasText: 'LEDES 1998B' }).waitFor();
    const batch = await app.db.prisma.timeExportBatch.findFirstOrThrow();
    expect(await supervisor.page.locator('#export-done a', { hasText: 'LEDES 1998B' }).getAttribute('href')).toBe(`/api/time/exports/${batch.id}.ledes`);
    expect((await app.db.prisma.timeEntry.findFirstOrThrow()).state).toBe('exported');
    // The batch is listed and downloads again, byte for byte; the exported entry shows with its timekeeper.
    await supervisor.page.getByRole('link', { name: `Batch ${batch.sequence} as LEDES 1998B` }).waitFor();
    const again = await supervisor.page.request.get(`${app.url}/api/time/exports/${batch.id}.ledes`);
    expect(again.status()).toBe(200);
    await supervisor.page.getByRole('button', { name: 'Exported', exact: true }).click();
    await supervisor.page.locator('#drafts tbody tr', { hasText: 'Laura Lawyer' }).waitFor();
    await screenshot(supervisor.page, 'time-report');
    await supervisor.context.close();
    expect(supervisor.problems).toEqual([]);
  });
});
