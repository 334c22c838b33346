import { existsSync } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { chromium } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import type { RunningMatterline } from '../../src/runtime/start-matterline.js';
import { demoPassword, repoRoot, startTestMatterline } from '../support/matterline.js';
import type { TestDatabase } from '../support/test-database.js';
import { createTestDatabase } from '../support/test-database.js';

// Real Chromium for the browser tests: Debian's /usr/bin/chromium driven by playwright-core (which downloads no
// browser of its own). .ci/run installs the package when it is missing; here a missing browser fails loudly.

// MATTERLINE_TEST_CHROMIUM names another Chromium (a test setting, read here only; src/config.ts is the app's).
export const chromiumPath = process.env.MATTERLINE_TEST_CHROMIUM ?? '/usr/bin/chromium';
export const artifactsDir = path.join(repoRoot, 'test-artifacts', 'e2e');

export async function launchChromium(): Promise<Browser> {
  if (!existsSync(chromiumPath)) {
    throw new Error(
      `The browser tests need Chromium at ${chromiumPath} and it is not there. Install Debian's package ` +
        '(apt-get install -y chromium; .ci/run does this on CI), or name another with MATTERLINE_TEST_CHROMIUM. These tests never skip.',
    );
  }
  return chromium.launch({
    executablePath: chromiumPath,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

export const phone = { viewport: { width: 390, height: 844 }, deviceScaleFactor: 1, isMobile: true, hasTouch: true };
export const desktop = { viewport: { width: 1366, height: 800 } };

/** A page that remembers what went wrong in it: uncaught errors and CSP violations fail the test that looks. */
export async function openPage(browser: Browser, options: Parameters<Browser['newContext']>[0] = desktop): Promise<{ context: BrowserContext; page: Page; problems: string[] }> {
  const context = await browser.newContext(options);
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error' && /Content Security Policy|Refused to/i.test(message.text())) problems.push(`CSP: ${message.text()}`);
  });
  return { context, page, problems };
}

// axe-core, Deque's accessibility engine, run in the page through the DevTools protocol (page.evaluate is not subject
// to the page's CSP, which rightly refuses an injected <script>).
const axeSource = readFile(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[]; failureSummary?: string }[];
}

/** The WCAG 2.1 A and AA violations axe-core finds in the page as it is now. */
export async function accessibilityViolations(page: Page): Promise<AxeViolation[]> {
  // Strings, not functions: this file is compiled without the DOM's types, and the page has its own globals.
  if (!(await page.evaluate('typeof window.axe !== "undefined"'))) await page.evaluate(await axeSource);
  const options = { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] }, resultTypes: ['violations'] };
  return page.evaluate(
    `axe.run(document, ${JSON.stringify(options)}).then((result) => result.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, ` +
      `nodes: v.nodes.map((n) => ({ target: n.target, failureSummary: n.failureSummary })) })))`,
  );
}

/** Fails with what axe-core found, naming each rule and the elements it found it on. */
export async function expectAccessible(page: Page, where: string): Promise<void> {
  const violations = await accessibilityViolations(page);
  if (violations.length === 0) return;
  const lines = violations.flatMap((v) => [`${v.id} (${v.impact}): ${v.help}`, ...v.nodes.slice(0, 5).map((n) => `  at ${n.target.join(' ')}: ${n.failureSummary ?? ''}`)]);
  throw new Error(`axe-core found ${violations.length} WCAG 2.1 A/AA violation(s) on ${where}:\n${lines.join('\n')}`);
}

/** A screenshot kept as a test artifact, after axe-core has checked the page as it is shown (every state shot is checked). */
export async function screenshot(page: Page, name: string): Promise<string> {
  await expectAccessible(page, `${name} (${page.url()})`);
  await mkdir(artifactsDir, { recursive: true });
  const file = path.join(artifactsDir, `${name}.png`);
  await page.screenshot({ path: file, fullPage: false });
  return file;
}

/** Signs in through the sign-in page, as a person would. */
export async function signIn(page: Page, baseUrl: string, email: string, next = '/'): Promise<void> {
  await page.goto(`${baseUrl}${next}`);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(demoPassword);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL((url) => !url.pathname.startsWith('/sign-in'));
}

/**
 * One Chromium for a test file, launched in the background at once. A missing browser fails every test that asks
 * for it with the reason (a failing beforeAll would only mark them skipped).
 */
export function sharedBrowser(): { browser: () => Promise<Browser>; close: () => Promise<void> } {
  const launched = launchChromium().catch((error: unknown) => (error instanceof Error ? error : new Error(String(error))));
  return {
    browser: async () => {
      const ready = await launched;
      if (ready instanceof Error) throw ready;
      return ready;
    },
    close: async () => {
      const ready = await launched;
      if (!(ready instanceof Error)) await ready.close();
    },
  };
}

/**
 * A browser test file's world: its own database, a Matterline on it (Redis queues), and one Chromium; all three
 * started before the file's tests and stopped after them (the browser first: its event streams hold connections).
 */
export function browserTestWorld(options: Partial<Omit<Parameters<typeof startTestMatterline>[0], 'databaseUrl'>> = {}) {
  let chromium: ReturnType<typeof sharedBrowser> | undefined;
  let database: TestDatabase | undefined;
  let app: RunningMatterline | undefined;
  beforeAll(async () => {
    chromium = sharedBrowser();
    database = await createTestDatabase();
    app = await startTestMatterline({ ...options, queue: options.queue ?? 'redis', databaseUrl: database.url });
  });
  afterAll(async () => {
    await chromium?.close();
    await app?.stop();
    await database?.drop();
  });
  return {
    browser: () => chromium!.browser(),
    app: () => app!,
    baseUrl: () => app!.url!,
  };
}
