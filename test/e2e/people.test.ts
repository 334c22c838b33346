import { generate } from 'otplib';
import { beforeAll, describe, expect, it } from 'vitest';
import type { RunningMatterline } from '../../src/runtime/start-matterline.js';
import { waitFor } from '../support/matterline.js';
import { browserTestWorld, desktop, openPage, phone, screenshot, signIn } from './browser.js';

// The firm's people from the browser: the admin invites, the invitee opens the link and sets a password, turns on
// two-step verification on her own page; the admin changes a role, disables and enables, makes a new link.
describe('people, in a browser', () => {
  const world = browserTestWorld();
  const browser = () => world.browser();
  let app: RunningMatterline;
  let baseUrl: string;
  beforeAll(() => {
    app = world.app();
    baseUrl = world.baseUrl();
  });

  it('invites a paralegal, who sets her password from the link, signs in, and turns two-step verification on', async () => {
    const admin = await openPage(await browser(), desktop);
    await signIn(admin.page, baseUrl, 'admin@demo.test', '/admin/users');
    await admin.page.locator('table.users').waitFor();
    await admin.page.getByLabel('Email').fill('paula.paralegal@demo.test');
    await admin.page.getByLabel('Name').fill('Paula Paralegal');
    await admin.page.getByLabel('Role', { exact: true }).selectOption('staff');
    await admin.page.getByRole('button', { name: 'Invite' }).click();
    await admin.page.locator('.notice-host').getByText('Paula Paralegal invited.').waitFor();
    const link = await admin.page.getByLabel('Link to set the password', { exact: true }).inputValue();
    expect(link).toMatch(new RegExp(`^${baseUrl}/set-password#token=`));
    expect(await admin.page.locator('table.users tr', { hasText: 'Paula Paralegal' }).textContent()).toContain('has not set a password yet');
    await screenshot(admin.page, 'people-invited');

    // Paula, on her phone: a short password is refused in words, then she sets one and signs in.
    const paula = await openPage(await browser(), phone);
    await paula.page.goto(link);
    await paula.page.getByRole('heading', { name: 'Set your password' }).waitFor();
    // The token leaves the address at once (no copy in the history or a screenshot).
    expect(new URL(paula.page.url()).hash).toBe('');
    await paula.page.getByLabel('New password').fill('short');
    await paula.page.getByLabel('The same password again').fill('short');
    await paula.page.getByRole('button', { name: 'Set password' }).click();
    await paula.page.getByText('The password needs at least 12 characters.').waitFor();
    await screenshot(paula.page, 'people-set-password-phone');
    const password = 'river lantern copper 42';
    await paula.page.getByLabel('New password').fill(password);
    await paula.page.getByLabel('The same password again').fill(password);
    await paula.page.getByRole('button', { name: 'Set password' }).click();
    await paula.page.getByText('Your password is set.').waitFor();
    await paula.page.getByRole('link', { name: 'Sign in' }).click();
    await paula.page.getByLabel('Email').fill('paula.paralegal@demo.test');
    await paula.page.getByLabel('Password').fill(password);
    await paula.page.getByRole('button', { name: 'Sign in' }).click();
    await paula.page.getByRole('navigation', { name: 'Sections' }).getByRole('link', { name: 'Triage' }).waitFor();

    // Her own page: two-step verification on, with a code from the secret the page shows.
    await paula.page.goto(`${baseUrl}/account`);
    await paula.page.getByRole('button', { name: 'Set up two-step verification' }).click();
    const qr = paula.page.getByRole('img', { name: 'QR code for your authenticator app' });
    await qr.waitFor();
    await waitFor(async () => (await qr.evaluate((element) => (element as unknown as { naturalWidth: number }).naturalWidth)) > 0, { what: 'the QR code drawn' });
    const secret = (await paula.page.locator('code.token').textContent())!.trim();
    await paula.page.getByLabel('Code from the authenticator app').fill('000000');
    await paula.page.getByRole('button', { name: 'Turn on' }).click();
    await paula.page.getByText('that code is not right').waitFor();
    await paula.page.getByLabel('Code from the authenticator app').fill(await generate({ secret }));
    await paula.page.getByRole('button', { name: 'Turn on' }).click();
    await paula.page.getByText('On: signing in asks for a code').waitFor();
    await screenshot(paula.page, 'people-account-totp-on-phone');
    const user = await app.db.prisma.user.findUniqueOrThrow({ where: { email: 'paula.paralegal@demo.test' } });
    const audit = await app.db.pool.query(`SELECT action FROM "AuditEvent" WHERE "subjectId" = $1 ORDER BY id`, [user.id]);
    expect(audit.rows.map((row) => row.action)).toEqual(expect.arrayContaining(['admin.user_invited', 'auth.totp_enabled']));

    // The admin's list says so.
    await admin.page.reload();
    await waitFor(async () => (await admin.page.locator('table.users tr', { hasText: 'Paula Paralegal' }).textContent())?.includes('two-factor on'), {
      what: 'the list updated',
    });
    expect(admin.problems).toEqual([]);
    expect(paula.problems).toEqual([]);
    await admin.context.close();
    await paula.context.close();
  });

  it('changes a role, disables and enables a user, and makes a new invitation link; the admin cannot change her own role', async () => {
    const { context, page, problems } = await openPage(await browser(), desktop);
    await signIn(page, baseUrl, 'admin@demo.test', '/admin/users');
    const row = page.locator('table.users tr', { hasText: 'Leo Lawyer' });
    await row.waitFor();
    await page.getByLabel('Role of Leo Lawyer').selectOption('supervisor');
    await waitFor(async () => (await app.db.prisma.user.findUniqueOrThrow({ where: { email: 'lawyer2@demo.test' } })).role === 'supervisor', { what: 'the role saved' });
    expect(await page.getByLabel('Role of Ada Admin').count()).toBe(0);
    page.on('dialog', (dialog) => void dialog.accept());
    await page.getByRole('button', { name: 'Disable Leo Lawyer' }).click();
    await waitFor(async () => (await row.textContent())?.includes('Disabled'), { what: 'disabled' });
    await page.getByRole('button', { name: 'Enable Leo Lawyer' }).click();
    await waitFor(async () => (await row.textContent())?.includes('Active'), { what: 'enabled' });
    await page.getByRole('button', { name: 'Reset password for Leo Lawyer' }).click();
    await page.getByText('A password reset for Leo Lawyer.').waitFor();
    expect(await page.getByLabel('Link to set the password', { exact: true }).inputValue()).toContain('/set-password#token=');
    await waitFor(async () => (await row.textContent())?.includes('has not set a password yet'), { what: 'the reset shown' });
    await page.getByRole('button', { name: 'New invitation link for Leo Lawyer' }).waitFor();
    await screenshot(page, 'people-admin');
    const actions = await app.db.pool.query(`SELECT action FROM "AuditEvent" WHERE action LIKE 'admin.user_%' OR action = 'admin.password_reset' ORDER BY id`);
    expect(actions.rows.map((r) => r.action)).toEqual(expect.arrayContaining(['admin.user_role_changed', 'admin.user_disabled', 'admin.user_enabled', 'admin.password_reset']));
    expect(problems).toEqual([]);
    await context.close();
  });

  it('tells someone who opens the set-password page without a link what to do', async () => {
    const { context, page, problems } = await openPage(await browser(), desktop);
    await page.goto(`${baseUrl}/set-password`);
    await page.getByText('This page needs the link the firm\'s admin gave you').waitFor();
    await screenshot(page, 'people-set-password-no-link');
    expect(problems).toEqual([]);
    await context.close();
  });

  it('sets the firm\'s time zone from the IANA list, the HELP contact and how long closed matters are kept', async () => {
    const { context, page, problems } = await openPage(await browser(), desktop);
    await signIn(page, baseUrl, 'admin@demo.test', '/admin/settings');
    await page.getByRole('heading', { name: 'Firm settings' }).waitFor();
    expect(await page.getByLabel('Time zone').inputValue()).toBe('America/New_York');
    await page.getByLabel('Time zone').selectOption('Europe/Madrid');
    await page.getByLabel('Office contact given in the HELP reply').fill('+34 910 000 000');
    await page.getByLabel('Years after the matter is closed').fill('0');
    await page.getByRole('button', { name: 'Save settings' }).click();
    await page.getByText('Keep closed matters for between 0.1 and 100 years').waitFor();
    await page.getByLabel('Years after the matter is closed').fill('10');
    await page.getByRole('button', { name: 'Save settings' }).click();
    await page.getByText('Saved.', { exact: true }).waitFor();
    const firm = await app.db.prisma.firm.findFirstOrThrow();
    expect(firm.timeZone).toBe('Europe/Madrid');
    expect((firm.settings as { helpContact: string; retentionDays: number }).helpContact).toBe('+34 910 000 000');
    expect((firm.settings as { retentionDays: number }).retentionDays).toBe(3653);
    const audit = await app.db.pool.query(`SELECT action, details FROM "AuditEvent" WHERE action LIKE 'settings.%' ORDER BY id`);
    expect(audit.rows.map((r) => r.action)).toEqual(['settings.saved', 'settings.retention_changed']);
    expect(audit.rows[0].details.timeZone).toEqual({ from: 'America/New_York', to: 'Europe/Madrid' });
    await screenshot(page, 'firm-settings');
    expect(problems).toEqual([]);
    await context.close();
  });
});
