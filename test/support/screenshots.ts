/**
 * The README's screenshots, taken again from the running bot:
 *
 *   node --disable-warning=DEP0111 --import tsx test/support/screenshots.ts [file…]
 *
 * starts the bot on a fresh data folder, brings each page of SHOTS to the state it shows in
 * chromium (a fresh browser context each) and saves it as docs/screenshots/<file>. Naming files
 * takes only those. To add a page, add an entry to SHOTS.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { removeDir, startTestBot, TestClock } from './bot.js';
import { consoleSignIn, launchChromium, pagesOf, seen, send, webchat } from './browser.js';
import { AGENT_EMAIL, AGENT_PASSWORD, setPasswordByCommand } from './console.js';
import { LEAD, seedReportCases } from './reports.js';

type Bot = Awaited<ReturnType<typeof startTestBot>>;
type Pages = ReturnType<typeof pagesOf>;

interface Shot {
  /** The PNG's name under docs/screenshots/. */
  file: string;
  /** Opens the page (through `pages`, which gives each its own context) and waits until it shows what the picture is of. */
  show(pages: Pages, bot: Bot): Promise<Page>;
}

const OUT_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'docs', 'screenshots');
const VIEWPORT = { width: 1000, height: 700 };

/** The chat as a demo person first sees it: the welcome and the menu of groups. */
async function chatFirstScreen(pages: Pages, query: string, welcome: string, firstGroup: string): Promise<Page> {
  const { page } = await pages.chatAs('demo-applicant', query, VIEWPORT);
  await seen(page, welcome);
  await webchat.lastCard(page).getByRole('button', { name: firstGroup, exact: true }).waitFor();
  await settled(page);
  return page;
}

/** Waits until Web Chat has stopped scrolling the transcript (the newest message's place holds). */
async function settled(page: Page): Promise<void> {
  const place = () =>
    page
      .locator('.webchat__bubble')
      .last()
      .evaluate((el) => el.getBoundingClientRect().top);
  let last = await place();
  for (let i = 0, same = 0; i < 40 && same < 3; i++) {
    await page.waitForTimeout(100);
    const now = await place();
    same = now === last ? same + 1 : 0;
    last = now;
  }
}

/** Once per run: an agent's and the lead officer's passwords, a person waiting for an agent mid-application, the cases the reports show. */
const prepared: Record<string, Promise<void>> = {};
const once = (key: string, make: () => Promise<void>) => (prepared[key] ??= make());

async function passwords(bot: Bot): Promise<void> {
  for (const [email, password] of [
    [AGENT_EMAIL, AGENT_PASSWORD],
    [LEAD.email, LEAD.password],
  ] as const) {
    const set = await setPasswordByCommand({ DATA_DIR: bot.dataDir }, email, password);
    if (set.code !== 0) throw new Error(`password for ${email}: ${set.stderr}`);
  }
}

async function someoneWaiting(pages: Pages): Promise<void> {
  const { page } = await pages.chatAs('demo-applicant', '', VIEWPORT);
  await seen(page, 'Selamat datang ke Meja Bantuan MyGPKI');
  await webchat.lastCard(page).getByRole('button', { name: 'Sijil Digital Pengguna' }).click();
  await webchat.lastCard(page).getByRole('button', { name: 'Mohon Sijil Digital Pengguna baharu' }).click();
  await seen(page, 'Sila masukkan nombor MyKad anda');
  await send(page, '900101-14-5678');
  await seen(page, 'Nama penuh seperti dalam MyKad?');
  await send(page, 'Aminah binti Hassan');
  await seen(page, 'Alamat e-mel rasmi anda');
  await send(page, 'aminah@moh.gov.my');
  await seen(page, 'Nombor telefon untuk dihubungi');
  await send(page, 'nak cakap dengan orang');
  await seen(page, /tempat ke-1 dalam giliran/);
}

/** The desk after sign-in with that person waiting, their conversation open; `en` switches the console to English. */
async function consoleDesk(pages: Pages, bot: Bot, en: boolean): Promise<Page> {
  await once('passwords', () => passwords(bot));
  await once('waiting', () => someoneWaiting(pages));
  const { page } = await pages.open('/console', { width: 1200, height: 800 });
  if (en) await page.locator('#lang').click();
  await consoleSignIn(page, AGENT_EMAIL, AGENT_PASSWORD);
  await page.locator('#queue li', { hasText: 'Aminah binti Hassan' }).click();
  await page.locator('#transcript li.user', { hasText: 'nak cakap dengan orang' }).waitFor();
  return page;
}

/** The reports page for the lead officer over the cases of test/support/reports.ts; `en` in English. */
async function reportsPage(pages: Pages, bot: Bot, en: boolean): Promise<Page> {
  await once('passwords', () => passwords(bot));
  await once('cases', async () => void (await seedReportCases(bot, clock)));
  const { page } = await pages.open('/console', { width: 1200, height: 900 });
  if (en) await page.locator('#lang').click();
  await page.locator('#email').fill(LEAD.email);
  await page.locator('#password').fill(LEAD.password);
  await page.locator('#signin-button').click();
  await page.locator('#areas').waitFor();
  await page.locator('#reports-link').click();
  await page.locator('#report').waitFor();
  return page;
}

// Starts at the real time; the reports' cases move it to December 2026 (so they come after the chat and console shots).
const clock = new TestClock();

const SHOTS: Shot[] = [
  { file: 'chat-ms.png', show: (pages) => chatFirstScreen(pages, '', 'Selamat datang ke Meja Bantuan MyGPKI', 'Sijil Digital Pengguna') },
  {
    file: 'chat-en.png',
    show: (pages) => chatFirstScreen(pages, '?lang=en', 'Welcome to the MyGPKI Helpdesk', 'User digital certificates'),
  },
  { file: 'console-ms.png', show: (pages, bot) => consoleDesk(pages, bot, false) },
  { file: 'console-en.png', show: (pages, bot) => consoleDesk(pages, bot, true) },
  { file: 'reports-ms.png', show: (pages, bot) => reportsPage(pages, bot, false) },
  { file: 'reports-en.png', show: (pages, bot) => reportsPage(pages, bot, true) },
];

async function main(only: string[]): Promise<void> {
  const shots = only.length > 0 ? SHOTS.filter((s) => only.includes(s.file)) : SHOTS;
  const unknown = only.filter((f) => !SHOTS.some((s) => s.file === f));
  if (unknown.length > 0) throw new Error(`no such screenshot: ${unknown.join(', ')} (known: ${SHOTS.map((s) => s.file).join(', ')})`);
  mkdirSync(OUT_DIR, { recursive: true });
  let browser: Browser | undefined;
  const bot = await startTestBot({ AGENT_HOURS: 'always', AGENT_WAIT_SECONDS: '3600' }, undefined, { clock });
  const pages = pagesOf(
    () => browser!,
    () => bot.url,
  );
  try {
    browser = await launchChromium();
    for (const shot of shots) {
      const page = await shot.show(pages, bot);
      await page.screenshot({
        path: path.join(OUT_DIR, shot.file),
        animations: 'disabled',
        caret: 'hide',
        fullPage: shot.file.startsWith('reports'),
      });
      process.stdout.write(`docs/screenshots/${shot.file}\n`);
      await pages.closeAll();
    }
  } finally {
    await pages.closeAll();
    await browser?.close();
    await bot.close();
    removeDir(bot.dataDir);
  }
}

await main(process.argv.slice(2));
