import { existsSync } from 'node:fs';
import { chromium, type Browser, type BrowserContext, type FrameLocator, type Locator, type Page } from 'playwright-core';

/** Debian's chromium (installed by .ci/run); Playwright's own browsers cannot be downloaded here. */
export const CHROMIUM = '/usr/bin/chromium';

const ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/**
 * A describe block that needs chromium: without it the suite is one pending test locally and one
 * failing test in CI (`CI=true`), where a missing browser must not pass as green.
 */
export function describeWithChromium(title: string, body: (this: Mocha.Suite) => void): void {
  describe(title, function () {
    if (existsSync(CHROMIUM)) return body.call(this);
    if (process.env.CI === 'true') {
      it('chromium is installed', () => {
        throw new Error(`chromium is required in CI (CI=true) but was not found at ${CHROMIUM}`);
      });
    } else {
      it(`SKIPPED: chromium not found at ${CHROMIUM}`);
    }
  });
}

/** Headless chromium with a fresh temporary profile (Playwright makes and removes it). */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: ARGS });
}

/**
 * What went wrong in a page that a test should fail on: uncaught errors, console errors and
 * Content-Security-Policy violations (which Chromium reports on the console).
 */
export function watchProblems(page: Page): string[] {
  const problems: string[] = [];
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error' || /Content Security Policy/i.test(m.text())) problems.push(`console.${m.type()}: ${m.text()}`);
  });
  return problems;
}

/** A page, or the frame of an iframe (the widget embedded in an intranet page). */
export type Scope = Page | FrameLocator;

/** The Web Chat pieces the tests drive, by the class names botframework-webchat 4.18 renders. */
export const webchat = {
  sendBox: (page: Scope): Locator => page.locator('.webchat__send-box-text-box__input'),
  fileInput: (page: Scope): Locator => page.locator('input.webchat__upload-button--file-input'),
  uploadButton: (page: Scope): Locator => page.locator('.webchat__upload-button'),
  /** The newest Adaptive Card in the transcript. */
  lastCard: (page: Scope): Locator => page.locator('.webchat__bubble .ac-adaptiveCard').last(),
  /** The Adaptive Card that shows `text`. */
  card: (page: Scope, text: string): Locator => page.locator('.webchat__bubble .ac-adaptiveCard', { hasText: text }),
  suggestedAction: (page: Scope, title: string): Locator => page.locator('.webchat__suggested-action', { hasText: title }).last(),
};

/** Types into Web Chat's send box and sends with Enter, as a person would. */
export async function send(page: Scope, text: string): Promise<void> {
  const box = webchat.sendBox(page);
  await box.fill(text);
  await box.press('Enter');
}

/**
 * Messages as people see them: Web Chat also copies each message into a screen-reader live region
 * and an aria-hidden descendant, so text is looked for inside the visible bubbles only.
 */
const bubbleText = (page: Scope, text: string | RegExp): Locator => page.locator('.webchat__bubble').getByText(text);

/** Waits until `text` shows in a message bubble (the newest when it shows more than once). */
export async function seen(page: Scope, text: string | RegExp, timeout = 15_000): Promise<void> {
  await bubbleText(page, text).last().waitFor({ state: 'visible', timeout });
}

/** The newest bubble element showing `text`. */
export const lastBubble = (page: Scope, text: string | RegExp): Locator => bubbleText(page, text).last();

/** How many bubbles show `text` now (no waiting). */
export function countOf(page: Scope, text: string | RegExp): Promise<number> {
  return bubbleText(page, text).count();
}

/**
 * Pages for several people in one browser: each `open` gets its own context (cookies, storage),
 * as two people on two PCs, with its problems watched; `closeAll` closes them (call it in `after`).
 */
export function pagesOf(browser: () => Browser, baseUrl: () => string) {
  const contexts: BrowserContext[] = [];
  return {
    async open(pathname: string, viewport = { width: 1200, height: 900 }): Promise<{ page: Page; problems: string[] }> {
      const context = await browser().newContext({ viewport });
      contexts.push(context);
      const page = await context.newPage();
      page.setDefaultTimeout(15_000);
      const problems = watchProblems(page);
      await page.goto(`${baseUrl()}${pathname}`);
      return { page, problems };
    },
    /** The Web Chat page (`query` e.g. `?lang=en`) with a demo person picked and the chat started. */
    async chatAs(demoUser: string, query = '', viewport?: { width: number; height: number }): Promise<{ page: Page; problems: string[] }> {
      const opened = await this.open(`/chat${query}`, viewport);
      await opened.page.locator('#demo-user').selectOption(demoUser);
      await opened.page.locator('#start').click();
      return opened;
    },
    async closeAll(): Promise<void> {
      await Promise.all(contexts.splice(0).map((c) => c.close()));
    },
  };
}

/** Signs in on the agent console's form and waits for the desk. */
export async function consoleSignIn(page: Page, email: string, password: string): Promise<void> {
  await page.locator('#email').fill(email);
  await page.locator('#password').fill(password);
  await page.locator('#signin-button').click();
  await page.locator('#desk').waitFor({ state: 'visible' });
}
