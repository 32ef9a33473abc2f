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
import { removeDir, startTestBot } from './bot.js';
import { launchChromium, pagesOf, seen, webchat } from './browser.js';

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
  const place = () => page.locator('.webchat__bubble').last().evaluate((el) => el.getBoundingClientRect().top);
  let last = await place();
  for (let i = 0, same = 0; i < 40 && same < 3; i++) {
    await page.waitForTimeout(100);
    const now = await place();
    same = now === last ? same + 1 : 0;
    last = now;
  }
}

const SHOTS: Shot[] = [
  { file: 'chat-ms.png', show: (pages) => chatFirstScreen(pages, '', 'Selamat datang ke Meja Bantuan MyGPKI', 'Sijil Digital Pengguna') },
  { file: 'chat-en.png', show: (pages) => chatFirstScreen(pages, '?lang=en', 'Welcome to the MyGPKI Helpdesk', 'User digital certificates') },
];

async function main(only: string[]): Promise<void> {
  const shots = only.length > 0 ? SHOTS.filter((s) => only.includes(s.file)) : SHOTS;
  const unknown = only.filter((f) => !SHOTS.some((s) => s.file === f));
  if (unknown.length > 0) throw new Error(`no such screenshot: ${unknown.join(', ')} (known: ${SHOTS.map((s) => s.file).join(', ')})`);
  mkdirSync(OUT_DIR, { recursive: true });
  let browser: Browser | undefined;
  const bot = await startTestBot();
  const pages = pagesOf(() => browser!, () => bot.url);
  try {
    browser = await launchChromium();
    for (const shot of shots) {
      const page = await shot.show(pages, bot);
      await page.screenshot({ path: path.join(OUT_DIR, shot.file), animations: 'disabled', caret: 'hide' });
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
