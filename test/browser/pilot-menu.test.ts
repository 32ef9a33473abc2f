import { expect } from 'chai';
import type { Browser, Page } from 'playwright-core';
import { removeDir, startTestBot } from '../support/bot.js';
import { describeWithChromium, launchChromium, pagesOf, seen, webchat } from '../support/browser.js';

type Bot = Awaited<ReturnType<typeof startTestBot>>;

/**
 * The first screen a civil servant meets fits a laptop screen: the welcome stays in view above a
 * short menu of four groups, and each group opens its goals in place, in both languages.
 */
describeWithChromium('browser: the first screen of the chat fits', function () {
  this.timeout(120_000);
  let bot: Bot;
  let browser: Browser;
  const pages = pagesOf(
    () => browser,
    () => bot.url,
  );

  before(async () => {
    [bot, browser] = await Promise.all([startTestBot(), launchChromium()]);
  });
  afterEach(() => pages.closeAll());
  after(async () => {
    await browser?.close();
    await bot?.close();
    removeDir(bot.dataDir);
  });

  const open = (query: string, demoUser: string) => pages.chatAs(demoUser, query, { width: 1366, height: 650 });

  /** Where the welcome's bubble sits in the transcript's visible area (Web Chat scrolls inside it). */
  const placeOf = (page: Page, text: string) =>
    page
      .locator('.webchat__bubble')
      .filter({ hasText: text })
      .first()
      .evaluate((el) => {
        const r = el.getBoundingClientRect();
        const box = (el.closest('.webchat__basic-transcript__scrollable') ?? document.documentElement).getBoundingClientRect();
        return { top: r.top - box.top, bottom: r.bottom - box.top, height: box.height };
      });

  for (const [query, lang] of [
    ['', 'ms'],
    ['?lang=en', 'en'],
  ] as const) {
    it(`keeps the welcome in view above a menu of four groups that open in place (${lang})`, async () => {
      const { page, problems } = await open(query, 'demo-applicant');
      const t =
        lang === 'ms'
          ? {
              welcome: 'Selamat datang ke Meja Bantuan MyGPKI',
              groups: [
                'Sijil Digital Pengguna',
                'Sijil Latihan atau Ujian (bukan untuk produksi)',
                'Sijil Digital Pelayan (SSL/TLS)',
                'Meja Bantuan',
              ],
              goal: 'Mohon Sijil Digital Pengguna baharu',
              asked: 'Sila masukkan nombor MyKad anda',
            }
          : {
              welcome: 'Welcome to the MyGPKI Helpdesk',
              groups: [
                'User digital certificates',
                'Training or test certificates (not for production)',
                'Server certificates (SSL/TLS)',
                'Helpdesk',
              ],
              goal: 'Apply for a new user digital certificate',
              asked: 'Please enter your MyKad number',
            };
      await seen(page, t.welcome);
      const menu = webchat.lastCard(page);
      for (const g of t.groups) await menu.getByRole('button', { name: g, exact: true }).waitFor();
      // Only the groups and status/tasks/help: no goal button until a group is opened.
      expect(await menu.getByRole('button').count()).to.equal(7);
      expect(await menu.getByRole('button', { name: t.goal }).count()).to.equal(0);
      // Once Web Chat has scrolled to the menu (the place stops moving), the welcome's whole bubble is still in view above it.
      let welcome = await placeOf(page, t.welcome);
      for (let i = 0, same = 0; i < 40 && same < 3; i++) {
        await page.waitForTimeout(100);
        const now = await placeOf(page, t.welcome);
        same = now.top === welcome.top ? same + 1 : 0;
        welcome = now;
      }
      expect(welcome.top, JSON.stringify(welcome)).to.be.at.least(0);
      expect(welcome.bottom, JSON.stringify(welcome)).to.be.at.most(welcome.height);

      await menu.getByRole('button', { name: t.groups[0]!, exact: true }).click();
      await menu.getByRole('button', { name: t.goal }).click();
      await seen(page, t.asked);
      expect(problems).to.deep.equal([]);
    });
  }
});
