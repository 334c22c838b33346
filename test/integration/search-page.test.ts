import { readFile } from 'node:fs/promises';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningMatterline } from '../../src/runtime/start-matterline.js';
import { launchChromium, openPage, screenshot, signIn } from '../e2e/browser.js';
import { startTestMatterline } from '../support/matterline.js';
import type { TestDatabase } from '../support/test-database.js';
import { createTestDatabase } from '../support/test-database.js';
import { readPdfText } from './pdf-text.js';

// The /supervision page in a real browser: a supervisor searches, opens the matter file, places a legal hold and
// reads the file review report.
describe('the supervision page', () => {
  let database: TestDatabase;
  let app: RunningMatterline;
  let browser: Browser;

  beforeAll(async () => {
    database = await createTestDatabase();
    app = await startTestMatterline({ databaseUrl: database.url, queue: 'redis' });
    browser = await launchChromium();
    for (const [from, text] of [
      ['+15550100001', 'The settlement offer from Northwind <img src=x onerror=alert(1)> arrived'],
      ['+15550100002', 'Is the settlement offer for my tenancy fair?'],
    ] as const) {
      const response = await fetch(`${app.url}/api/simulator/demo/inbound`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ from, text, backfilled: true }),
      });
      expect(response.status).toBe(202);
    }
  });
  afterAll(async () => {
    await browser?.close();
    await app?.stop();
    await database?.drop();
  });

  it('is a page of the one app, served under its content security policy', async () => {
    const page = await fetch(`${app.url}/supervision`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(await page.text()).toContain('src="/assets/app.js"');
  });

  it('lets a supervisor search, open the matter file, place a legal hold and read the review', async () => {
    const { context, page, problems } = await openPage(browser);
    await signIn(page, app.url!, 'supervisor@demo.test', '/supervision');
    await page.goto(`${app.url}/supervision`);
    await page.getByLabel('Search', { exact: true }).fill('settlement offer');
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    const results = page.locator('#results li');
    // The walled matter's message is not there; the client's markup is shown as text, the hit highlighted.
    await expect.poll(() => results.count()).toBe(1);
    expect(await results.first().innerText()).toContain('M-0001');
    expect(await results.first().locator('mark').allInnerTexts()).toEqual(['settlement', 'offer']);
    expect(await results.first().innerText()).toContain('arrived');
    expect(await page.locator('#results img').count()).toBe(0);
    // The same results as CSV, for a spreadsheet: the client's markup is text, and the walled matter is not there.
    const csvHref = await page.locator('#search-csv').getAttribute('href');
    const csv = await page.request.get(`${app.url}${csvHref}`);
    expect(csv.headers()['content-type']).toMatch(/^text\/csv/);
    const lines = (await csv.text()).trim().split('\r\n');
    expect(lines[0]).toBe('At (UTC),Matter,Matter title,Client,Contact,Number,Channel,Direction,Written by,Text around the match,Matching files,Message id');
    expect(lines).toHaveLength(2);
    expect(lines[1]).toContain('M-0001');
    expect(lines[1]).toContain('settlement offer from Northwind <img src=x onerror=alert(1)> arrived');

    // Saved under a name, and run again later from the list with one click.
    await page.getByLabel('Save this search as').fill('Northwind offers');
    await page.getByRole('button', { name: 'Save search' }).click();
    const savedButton = page.getByRole('button', { name: 'Northwind offers', exact: true });
    await savedButton.waitFor();
    await page.getByLabel('Search', { exact: true }).fill('nothing like this at all');
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    await page.locator('#results').getByText('Nothing found.').waitFor();
    await screenshot(page, 'saved-search');
    await savedButton.click();
    await results.getByText('arrived').waitFor();
    expect(await results.count()).toBe(1);
    expect(await page.getByLabel('Search', { exact: true }).inputValue()).toBe('settlement offer');
    // A second save under the same name is refused in words.
    await page.getByLabel('Save this search as').fill('northwind offers');
    await page.getByRole('button', { name: 'Save search' }).click();
    await page.getByText('You already have a saved search named', { exact: false }).waitFor();

    await results.first().getByRole('button', { name: 'Open file' }).click();
    await page.locator('#file-heading h3').getByText('M-0001').waitFor();
    expect(await page.locator('#timeline tbody tr').count()).toBeGreaterThanOrEqual(2);
    expect(await page.getByRole('link', { name: 'Export the record (ZIP)' }).getAttribute('href')).toMatch(/\/api\/matters\/.+\/export$/);
    // The transcript as a PDF, downloaded as the supervisor would, and read back by pdf.js.
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Transcript (PDF)' }).click()]);
    expect(download.suggestedFilename()).toMatch(/^transcript-M-0001-\d{4}-\d{2}-\d{2}\.pdf$/);
    const pdf = await readPdfText(await readFile((await download.path())!));
    expect(pdf.pages.join('\n')).toContain('settlement offer from Northwind <img src=x onerror=alert(1)> arrived');
    // The reason is asked in the app's own dialog (not the browser's prompt), and a too-short one is refused there.
    await page.getByRole('button', { name: 'Place legal hold' }).click();
    const ask = page.getByRole('dialog', { name: 'Place M-0001 on legal hold' });
    await ask.getByLabel('Why is this matter put on legal hold?').fill('no');
    await ask.getByRole('button', { name: 'Place legal hold' }).click();
    await ask.getByText('Give a reason of at least 3 characters').waitFor();
    await screenshot(page, 'legal-hold-reason');
    await ask.getByLabel('Why is this matter put on legal hold?').fill('Litigation expected');
    await ask.getByRole('button', { name: 'Place legal hold' }).click();
    await page.getByText('On legal hold: Litigation expected').waitFor();
    expect((await app.db.prisma.matter.findFirstOrThrow({ where: { number: 'M-0001' } })).legalHold).toBe(true);

    const review = page.locator('#review tbody tr');
    await expect.poll(() => review.count()).toBe(2);
    expect(await page.locator('#review-chart .row').count()).toBe(2);
    expect(await page.locator('#review-csv').getAttribute('href')).toMatch(/^\/api\/review\/matters\.csv\?from=/);
    await screenshot(page, 'supervision');
    await context.close();
    expect(problems).toEqual([]);
  });
});
