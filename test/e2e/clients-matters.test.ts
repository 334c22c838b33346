import { beforeAll, describe, expect, it } from 'vitest';
import type { RunningMatterline } from '../../src/runtime/start-matterline.js';
import { waitFor } from '../support/matterline.js';
import { browserTestWorld, desktop, openPage, phone, screenshot, signIn } from './browser.js';

// Clients and matters from the browser: a paralegal opens a new client and matter from an unknown number in triage;
// staff manage a matter's team and close it; a supervisor puts up an ethical wall that takes effect at once.
describe('clients and matters, in a browser', () => {
  const world = browserTestWorld();
  const browser = () => world.browser();
  let app: RunningMatterline;
  let baseUrl: string;
  beforeAll(() => {
    app = world.app();
    baseUrl = world.baseUrl();
  });

  it('files a message from an unknown number under a new client and matter, made in one form in triage', async () => {
    const response = await fetch(`${baseUrl}/api/simulator/demo/inbound`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ from: '+15554440001', text: 'Hello, I need help with my landlord' }),
    });
    const { conversationId } = (await response.json()) as { conversationId: string };
    const { context, page, problems } = await openPage(await browser(), phone);
    await signIn(page, baseUrl, 'staff@demo.test', `/inbox/${conversationId}`);
    await page.getByRole('button', { name: 'A new client? Create the client and matter' }).click();
    await page.getByLabel('Client name').fill('Dana Díaz');
    await page.getByLabel('Language').selectOption('es');
    await page.getByLabel('Matter number').fill('M-0100');
    await page.getByLabel('Matter title').fill('Díaz tenancy deposit');
    await page.getByLabel('Responsible lawyer').selectOption({ label: 'Leo Lawyer' });
    await screenshot(page, 'triage-new-client-phone');
    await page.getByRole('button', { name: 'Create client and matter' }).click();
    // Stacy is not on the new matter: the conversation goes to its team.
    await page.locator('.thread-pane [role="status"]', { hasText: 'Filed under M-0100 · Díaz tenancy deposit.' }).waitFor();
    const conversation = await app.db.prisma.conversation.findUniqueOrThrow({ where: { id: conversationId }, include: { matter: { include: { client: true, members: true } }, identity: true } });
    expect(conversation.matter?.number).toBe('M-0100');
    expect(conversation.matter?.client.name).toBe('Dana Díaz');
    expect(conversation.identity?.clientId).toBe(conversation.matter?.clientId);
    expect(conversation.matter?.members.map((m) => m.role)).toEqual(['responsible']);
    // Leo sees it in his inbox.
    const leo = await openPage(await browser(), desktop);
    await signIn(leo.page, baseUrl, 'lawyer2@demo.test');
    await leo.page.locator('#conversation-list li', { hasText: 'M-0100' }).waitFor();
    expect(problems).toEqual([]);
    expect(leo.problems).toEqual([]);
    await context.close();
    await leo.context.close();
  });

  it('lets staff edit a client and close it once its matters are closed, and reopen it', async () => {
    const { context, page, problems } = await openPage(await browser(), desktop);
    await signIn(page, baseUrl, 'staff@demo.test', '/clients');
    await page.getByLabel('Find a client or matter').fill('díaz');
    const card = page.locator('.client-list > li', { hasText: 'Dana Díaz' });
    await card.waitFor();
    await card.getByRole('button', { name: 'Edit client Dana Díaz' }).click();
    await card.getByLabel('Email (optional)').fill('dana@example.net');
    await card.getByLabel('Client name').fill('Dana Díaz Ortega');
    await card.getByRole('button', { name: 'Save client' }).click();
    const renamed = page.locator('.client-list > li', { hasText: 'Dana Díaz Ortega' });
    await renamed.getByRole('heading', { name: /Dana Díaz Ortega/ }).waitFor();
    // A client with an open matter is not closed: the page says which matter first.
    await renamed.getByRole('button', { name: 'Close client Dana Díaz Ortega' }).click();
    await renamed.getByText("close the client's open matter first: M-0100", { exact: false }).waitFor();
    await screenshot(page, 'client-close-refused');
    await app.db.pool.query(`UPDATE "Matter" SET status = 'closed', "closedAt" = now() WHERE number = 'M-0100'`);
    await renamed.getByRole('button', { name: 'Close client Dana Díaz Ortega' }).click();
    // Closed clients leave the list until asked for.
    await renamed.waitFor({ state: 'detached' });
    await page.getByLabel('Show closed clients (1)').check();
    await renamed.getByText('Closed client').waitFor();
    const client = await app.db.prisma.client.findFirstOrThrow({ where: { name: 'Dana Díaz Ortega' } });
    expect(client).toMatchObject({ email: 'dana@example.net' });
    expect(client.closedAt).not.toBeNull();
    // A closed client offers no new matter, only reopening (the API refuses one too: matter-team.test.ts).
    expect(await renamed.getByRole('button', { name: 'New matter for Dana Díaz Ortega' }).count()).toBe(0);
    await renamed.getByRole('button', { name: 'Reopen client Dana Díaz Ortega' }).click();
    await renamed.getByRole('button', { name: 'New matter for Dana Díaz Ortega' }).waitFor();
    const actions = await app.db.pool.query(`SELECT action FROM "AuditEvent" WHERE "subjectId" = $1 ORDER BY id`, [client.id]);
    expect(actions.rows.map((row) => row.action)).toEqual(['client.created', 'client.updated', 'client.closed', 'client.reopened']);
    await app.db.pool.query(`UPDATE "Matter" SET status = 'open', "closedAt" = NULL WHERE number = 'M-0100'`);
    expect(problems).toEqual([]);
    await context.close();
  });

  it('lets staff add a colleague to a matter\'s team and close it, and a supervisor wall a lawyer off, at once', async () => {
    const staff = await openPage(await browser(), desktop);
    await signIn(staff.page, baseUrl, 'staff@demo.test', '/clients');
    await staff.page.getByRole('heading', { name: 'Clients and matters' }).waitFor();
    await staff.page.getByLabel('Find a client or matter').fill('garcia');
    await waitFor(async () => (await staff.page.locator('.client-list > li').count()) === 1, { what: 'the filter' });
    await staff.page.getByRole('link', { name: /M-0003/ }).click();
    await staff.page.getByRole('heading', { name: /M-0003/ }).waitFor();
    await staff.page.getByLabel('Add to the team').selectOption({ label: 'Leo Lawyer (lawyer)' });
    await staff.page.getByRole('button', { name: 'Add', exact: true }).click();
    await staff.page.locator('.team li', { hasText: 'Leo Lawyer' }).waitFor();
    await screenshot(staff.page, 'matter-team');
    staff.page.on('dialog', (dialog) => void dialog.accept());
    await staff.page.getByRole('button', { name: 'Close matter' }).click();
    await staff.page.getByRole('button', { name: 'Reopen matter' }).waitFor();
    expect((await app.db.prisma.matter.findFirstOrThrow({ where: { number: 'M-0003' } })).status).toBe('closed');

    // The supervisor walls Leo off M-0003: he no longer sees it.
    const sam = await openPage(await browser(), desktop);
    await signIn(sam.page, baseUrl, 'supervisor@demo.test', '/clients');
    await sam.page.getByRole('link', { name: /M-0003/ }).click();
    await sam.page.getByLabel('Wall off').selectOption({ label: 'Leo Lawyer (lawyer)' });
    await sam.page.getByLabel('Reason for the wall').fill('Leo acted for the other side in 2025');
    await sam.page.getByRole('button', { name: 'Put up wall' }).click();
    await sam.page.locator('.walls li', { hasText: 'Leo acted for the other side in 2025' }).waitFor();
    await sam.page.locator('.team li', { hasText: 'walled off' }).waitFor();
    await screenshot(sam.page, 'matter-wall');
    const leo = await openPage(await browser(), desktop);
    await signIn(leo.page, baseUrl, 'lawyer2@demo.test', '/clients');
    await leo.page.getByRole('heading', { name: 'Clients and matters' }).waitFor();
    await waitFor(async () => (await leo.page.locator('.client-list').textContent())?.includes('M-0002') ?? false, { what: 'Leo\'s list' });
    expect(await leo.page.locator('.client-list').textContent()).not.toContain('M-0003');
    // Taken down with its reason, in the app's dialog.
    await sam.page.getByRole('button', { name: 'Take down the wall for Leo Lawyer' }).click();
    await sam.page.getByLabel('Why does the wall come down? (kept in the audit log)').fill('Conflict waived in writing by the client');
    await sam.page.getByRole('button', { name: 'Take down', exact: true }).click();
    await sam.page.getByText('No walls.').waitFor();
    for (const p of [staff, sam, leo]) expect(p.problems).toEqual([]);
    await staff.context.close();
    await sam.context.close();
    await leo.context.close();
  });

  it('gives supervisors the audit log, filtered by matter and action, each event in words, and verifies its chain with one button', async () => {
    const { context, page, problems } = await openPage(await browser(), desktop);
    await signIn(page, baseUrl, 'supervisor@demo.test', '/audit');
    await page.getByRole('heading', { name: 'Audit log' }).waitFor();
    await page.locator('#audit-events tbody tr').first().waitFor();
    await page.getByLabel('Matter').selectOption({ label: 'M-0003 García — reclamación de consumo' });
    await page.getByLabel('Action').fill('matter.wall');
    await page.getByRole('button', { name: 'Show' }).click();
    const rows = page.locator('#audit-events tbody tr');
    await waitFor(async () => (await rows.count()) === 2, { what: 'the two wall events' });
    expect(await rows.nth(0).textContent()).toContain('Ethical wall taken down');
    expect(await rows.nth(1).textContent()).toContain('Ethical wall put up');
    expect(await rows.nth(1).textContent()).toContain('Leo acted for the other side in 2025');
    await page.getByRole('button', { name: 'Verify the chain' }).click();
    await page.getByText(/^Intact: all \d+ events link up\.$/).waitFor();
    await screenshot(page, 'audit-log');
    // The matter file says each event in words, in the firm's time zone.
    await page.goto(`${baseUrl}/supervision`);
    await page.getByRole('combobox', { name: 'Matter' }).nth(1).selectOption({ label: 'M-0003 García — reclamación de consumo' });
    await page.getByRole('button', { name: 'Open', exact: true }).click();
    await page.getByText('Times are in the firm\'s time zone, America/New_York.').waitFor();
    const timeline = await page.locator('#timeline').textContent();
    expect(timeline).toContain('Consent recorded at intake: opted in');
    expect(timeline).toContain('Ethical wall put up');
    expect(timeline).not.toMatch(/opted_in|\{"/);
    await screenshot(page, 'matter-file-in-words');
    // A lawyer may not read it.
    const lawyer = await openPage(await browser(), desktop);
    await signIn(lawyer.page, baseUrl, 'lawyer@demo.test', '/audit');
    await lawyer.page.getByText('the audit log is for supervisors and admins').waitFor();
    expect(await lawyer.page.getByRole('navigation', { name: 'Sections' }).getByRole('link', { name: 'Audit log' }).count()).toBe(0);
    expect(problems).toEqual([]);
    await context.close();
    await lawyer.context.close();
  });

  it('schedules a hearing with its reminders from the matter\'s page, moves it, and cancels it', async () => {
    const matter = await app.db.prisma.matter.findFirstOrThrow({ where: { number: 'M-0001' } });
    const { context, page, problems } = await openPage(await browser(), phone);
    await signIn(page, baseUrl, 'lawyer@demo.test', `/matters/${matter.id}`);
    await page.getByRole('heading', { name: /M-0001/ }).waitFor();
    const at = new Date(Date.now() + 10 * 86_400_000);
    at.setHours(10, 0, 0, 0);
    const local = (d: Date) => `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}T${String(d.getHours()).padStart(2, '0')}:${String(d.getMinutes()).padStart(2, '0')}`;
    await page.getByLabel('What').fill('Hearing at the county court');
    await page.getByLabel('When').fill(local(at));
    await page.getByLabel('Where (optional)').fill('Courtroom 4B');
    await page.getByRole('button', { name: 'Schedule' }).click();
    const event = page.locator('.matter-events > li', { hasText: 'Hearing at the county court' });
    await event.waitFor();
    await waitFor(async () => (await event.locator('.reminders li').count()) === 2, { what: 'its two reminders' });
    expect(await event.locator('.reminders li').first().textContent()).toMatch(/^2 day\(s\) before: goes /);
    await screenshot(page, 'matter-reminders-phone');
    // Moved two days later: the reminders follow.
    const later = new Date(at.getTime() + 2 * 86_400_000);
    await event.getByRole('button', { name: 'Move Hearing at the county court' }).click();
    await page.getByLabel('New date and time').fill(local(later));
    await page.getByRole('button', { name: 'Move', exact: true }).click();
    await waitFor(async () => (await app.db.prisma.matterEvent.findFirstOrThrow({ where: { title: 'Hearing at the county court' } })).startsAt.getTime() === later.getTime(), {
      what: 'the hearing moved',
    });
    const reminders = await app.db.prisma.reminder.findMany({ where: { event: { title: 'Hearing at the county court' } }, orderBy: { offsetMinutes: 'desc' } });
    expect(reminders.filter((r) => r.state === 'scheduled').map((r) => r.sendAt.getTime() <= later.getTime() - r.offsetMinutes * 60_000)).toEqual([true, true]);
    // Cancelled with its reason: nothing left on the calendar.
    await event.getByRole('button', { name: 'Cancel Hearing at the county court' }).click();
    await page.getByLabel('Why is it cancelled? (its reminders will not go)').fill('Settled out of court');
    await page.getByRole('button', { name: 'Cancel it' }).click();
    await page.getByText('Nothing scheduled.').waitFor();
    expect(problems).toEqual([]);
    await context.close();
  });

  it('previews a notice with who receives it and who is skipped and why, then sends it and shows the progress', async () => {
    // María opted out: she is skipped, with the reason in words. The clients' daytime is the whole day, so that the
    // notice goes now whatever the hour of the test run (a night-time notice is held until morning, rightly).
    await app.db.pool.query(`UPDATE "ContactIdentity" SET "consentState" = 'opted_out' WHERE address = '+34600100003'`);
    await app.db.pool.query(`UPDATE "Firm" SET settings = settings || '{"clientDaytimeStart": "00:00", "clientDaytimeEnd": "23:59"}'::jsonb`);
    // An earlier test closed M-0003; the notice goes to clients of open matters.
    await app.db.pool.query(`UPDATE "Matter" SET status = 'open', "closedAt" = NULL WHERE number = 'M-0003'`);
    const { context, page, problems } = await openPage(await browser(), desktop);
    await signIn(page, baseUrl, 'admin@demo.test', '/notices');
    await page.getByRole('heading', { name: 'Notices to clients' }).waitFor();
    await page.getByLabel('Title (for the firm; clients do not see it)').fill('Holiday closure');
    await page.getByLabel('Text in English').fill('{firm} is closed on Dec 24 and 25. Reply URGENT in an emergency.');
    await page.getByLabel('Practice areas (comma between them)').fill('consumer');
    await page.getByRole('button', { name: 'Draft and preview who receives it' }).click();
    await page.getByRole('heading', { name: 'Holiday closure', level: 2 }).waitFor();
    await page.locator('#notice-skipped li').first().waitFor();
    await waitFor(async () => (await page.locator('#notice-skipped').textContent())?.includes('María García (M-0003): opted out') ?? false, { what: 'the skipped list' });
    expect(await page.locator('#notice-reach').textContent()).toContain('Alice Avery (M-0001)');
    await screenshot(page, 'notice-preview');
    page.on('dialog', (dialog) => void dialog.accept());
    await page.getByRole('button', { name: 'Send to 1 client(s)' }).click();
    await page.getByText(/^Sent: 1 of 2 sent/).waitFor({ timeout: 30_000 });
    await waitFor(async () => ((await app.db.pool.query(`SELECT 1 FROM "SimulatorPhoneMessage" WHERE text LIKE '%closed on Dec 24%'`)).rowCount ?? 0) === 1, {
      what: 'the notice on Alice\'s phone',
    });
    expect(problems).toEqual([]);
    await context.close();
  });

  it('lays out the time, supervision and audit pages at phone width without a page wider than the phone', async () => {
    const { context, page, problems } = await openPage(await browser(), phone);
    await signIn(page, baseUrl, 'supervisor@demo.test', '/time');
    for (const [path, heading] of [
      ['/time', 'Messaging time'],
      ['/supervision', 'Supervision'],
      ['/audit', 'Audit log'],
    ] as const) {
      await page.goto(`${baseUrl}${path}`);
      await page.getByRole('heading', { name: heading, level: 1 }).waitFor();
      await page.waitForLoadState('networkidle');
      // Wide tables scroll inside their own box; the page itself never scrolls sideways.
      const overflow = await page.evaluate('Math.max(document.documentElement.scrollWidth, document.querySelector("main").scrollWidth) - window.innerWidth');
      expect(overflow, path).toBeLessThanOrEqual(0);
      await screenshot(page, `phone${path.replace('/', '-')}`);
    }
    expect(problems).toEqual([]);
    await context.close();
  });
});
