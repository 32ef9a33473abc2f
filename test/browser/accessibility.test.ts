import { expect } from 'chai';
import type { Browser, Frame, Locator, Page } from 'playwright-core';
import { removeDir, startTestBot } from '../support/bot.js';
import { issuedCertificate } from '../support/certs.js';
import { describeWithChromium, launchChromium, pagesOf, seen, send, watchProblems, webchat } from '../support/browser.js';
import { startIntranet } from '../support/intranet.js';
import { seriousViolations } from '../support/axe.js';

type Bot = Awaited<ReturnType<typeof startTestBot>>;
const INTRANET_SECRET = 'intranet-shared-secret-for-tests';

async function expectNoViolations(page: Page | Frame, where: string): Promise<void> {
  const found = await seriousViolations(page);
  expect(found, `WCAG 2.1 AA violations on ${where}:\n${found.join('\n')}`).to.deep.equal([]);
}

const isFocused = (target: Locator) => target.evaluate((el) => el === document.activeElement);

/**
 * Presses Tab (or Shift+Tab) until `target` has the keyboard focus, at most `max` times, and
 * checks that the focus shows: `look` (default the target itself) looks different focused than it
 * did before. Only the element's own box is compared, so a ring a container clips away fails.
 */
async function tabTo(page: Page, target: Locator, opts: { max?: number; back?: boolean; look?: Locator } = {}): Promise<void> {
  const look = opts.look ?? target;
  const before = await look.screenshot({ animations: 'disabled' });
  for (let i = 0; i < (opts.max ?? 10) && !(await isFocused(target)); i++) await page.keyboard.press(opts.back ? 'Shift+Tab' : 'Tab');
  expect(await isFocused(target), `${target} did not get the keyboard focus`).to.equal(true);
  const after = await look.screenshot({ animations: 'disabled' });
  expect(after.equals(before), `${target} shows no visible focus indicator`).to.equal(false);
}

const words = {
  ms: {
    welcome: 'Selamat datang ke Meja Bantuan MyGPKI',
    group: 'Sijil Digital Pengguna',
    goal: 'Mohon Sijil Digital Pengguna baharu',
    mykad: 'Sila masukkan nombor MyKad anda',
    name: 'Nama penuh seperti dalam MyKad?',
    email: 'Alamat e-mel rasmi anda',
    phone: 'Nombor telefon untuk dihubungi',
    agency: 'Pilih agensi anda:',
  },
  en: {
    welcome: 'Welcome to the MyGPKI Helpdesk',
    group: 'User digital certificates',
    goal: 'Apply for a new user digital certificate',
    mykad: 'Please enter your MyKad number',
    name: 'Your full name as on your MyKad?',
    email: 'Your official e-mail address',
    phone: 'A phone number to reach you',
    agency: 'Choose your agency:',
  },
} as const;

/**
 * WCAG 2.1 AA as far as axe-core can tell, and the keyboard, on the pages people use without
 * help: the chat (first screen, a menu group opened, the first form steps, in both languages) and
 * the training certificate's one-time download page (the form, a refused password, a used or
 * forged link).
 */
describeWithChromium('browser: accessibility of the chat and the training download page', function () {
  this.timeout(120_000);
  let bot: Bot;
  let browser: Browser;
  const pages = pagesOf(
    () => browser,
    () => bot.url,
  );

  before(async () => {
    [bot, browser] = await Promise.all([
      startTestBot({ INTRANET_SHARED_SECRET: INTRANET_SECRET, WEB_FRAME_ANCESTORS: 'http://127.0.0.1:*' }),
      launchChromium(),
    ]);
  });
  afterEach(() => pages.closeAll());
  after(async () => {
    await browser?.close();
    await bot?.close();
    removeDir(bot.dataDir);
  });

  /** The menu card (its buttons rendered) after the welcome. */
  async function menuShown(page: Page, lang: 'ms' | 'en'): Promise<Locator> {
    await seen(page, words[lang].welcome);
    const menu = webchat.lastCard(page);
    await menu.getByRole('button', { name: words[lang].group, exact: true }).waitFor();
    return menu;
  }

  /**
   * The download page of a training certificate just issued to demo-applicant, reached as the
   * holder reaches it: from the button of the "ready" card in the chat, which opens a new tab.
   */
  async function downloadPage(): Promise<{ page: Page; problems: string[] }> {
    const { page } = await pages.chatAs('demo-applicant');
    await menuShown(page, 'ms');
    const { caseId } = await issuedCertificate(bot, 'demo-applicant', { realm: 'training' });
    const button = webchat.card(page, caseId).getByRole('button', { name: 'Muat turun sijil (PKCS#12)' });
    const [tab] = await Promise.all([page.context().waitForEvent('page'), button.click()]);
    const problems = watchProblems(tab);
    await tab.getByRole('heading', { level: 1 }).waitFor();
    return { page: tab, problems };
  }

  describe('axe-core finds no serious or critical WCAG 2.1 AA violation', () => {
    it('on the demo user picker', async () => {
      const { page, problems } = await pages.open('/chat');
      await page.locator('#demo-user option').first().waitFor({ state: 'attached' });
      await expectNoViolations(page, 'the demo user picker');
      expect(problems).to.deep.equal([]);
    });

    for (const [query, lang] of [
      ['', 'ms'],
      ['?lang=en', 'en'],
    ] as const) {
      it(`on the chat's welcome and menu, an opened group and the first form steps (${lang})`, async () => {
        const t = words[lang];
        const { page, problems } = await pages.chatAs('demo-applicant', query, { width: 1000, height: 700 });
        const menu = await menuShown(page, lang);
        await expectNoViolations(page, `the welcome and menu (${lang})`);

        await menu.getByRole('button', { name: t.group, exact: true }).click();
        await menu.getByRole('button', { name: t.goal }).waitFor();
        await expectNoViolations(page, `the menu with a group opened (${lang})`);

        await menu.getByRole('button', { name: t.goal }).click();
        await seen(page, t.mykad);
        await expectNoViolations(page, `the MyKad step (${lang})`);

        // On to a step answered with suggested actions.
        for (const [answer, next] of [
          ['900101-14-5678', t.name],
          ['Aminah binti Hassan', t.email],
          ['aminah@moh.gov.my', t.phone],
          ['012-345 6789', t.agency],
        ]) {
          await send(page, answer);
          await seen(page, next);
        }
        await webchat.suggestedAction(page, 'Kementerian Kesihatan Malaysia').waitFor();
        await expectNoViolations(page, `the agency step with suggested actions (${lang})`);
        expect(problems).to.deep.equal([]);
      });
    }

    it('on the training certificate download page: the form, a refused password, a used link and a forged link', async () => {
      const { page, problems } = await downloadPage();
      const link = page.url();
      await expectNoViolations(page, 'the download form');

      await page.getByLabel('Pilih kata laluan').fill('rahsia-latihan-1');
      await page.getByLabel('Taip kata laluan sekali lagi').fill('lain-lain-sekali');
      await page.getByRole('button', { name: /Muat turun/ }).click();
      await page.getByText('Kedua-dua kata laluan tidak sama').waitFor();
      await expectNoViolations(page, 'the download form after a refused password');

      await fetch(link, { method: 'POST', body: new URLSearchParams({ password: 'rahsia-latihan-1', confirm: 'rahsia-latihan-1' }) }).then(
        (r) => r.arrayBuffer(),
      );
      await page.goto(link);
      await page.getByText('telah pun dimuat turun').waitFor();
      await expectNoViolations(page, 'the page of a link already used');

      await page.goto(link.replace(/sig=[^&]+/, 'sig=AAAA'));
      await page.getByText('telah tamat tempoh atau tidak sah').waitFor();
      await expectNoViolations(page, 'the page of a forged or expired link');
      // The pages answer 400, 410 and 403 on purpose; the browser logs each as a failed load.
      expect(problems.filter((p) => !/status of (400|403|410) /.test(p))).to.deep.equal([]);
    });
  });

  describe('the keyboard alone', () => {
    it('starts a chat, opens a menu group and a goal from the card, and answers in the send box, with the focus in sight', async () => {
      const t = words.ms;
      const { page, problems } = await pages.open('/chat', { width: 1000, height: 700 });
      const start = page.locator('#start');
      // The picker's list has the focus when it opens; Tab reaches the start button.
      await page.locator('#demo-user option').first().waitFor({ state: 'attached' });
      expect(await isFocused(page.locator('#demo-user'))).to.equal(true);
      await tabTo(page, start, { max: 1 });
      await page.keyboard.press('Enter');
      const menu = await menuShown(page, 'ms');

      // The start button is gone: the focus is in the send box, not lost on the page.
      const box = webchat.sendBox(page);
      await page.waitForFunction(() => document.activeElement?.classList.contains('webchat__send-box-text-box__input'));

      // Back to the transcript, Enter into the newest card (the menu), Space opens a group in place.
      await tabTo(page, page.locator('.webchat__basic-transcript'), { back: true, max: 3 });
      await page.keyboard.press('Enter');
      const group = menu.getByRole('button', { name: t.group, exact: true });
      expect(await isFocused(group)).to.equal(true);
      await page.keyboard.press('Space');
      await menu.getByRole('button', { name: t.goal }).waitFor();
      const goal = menu.getByRole('button', { name: t.goal });
      await tabTo(page, goal, { max: 6 });
      await page.keyboard.press('Enter');
      await seen(page, t.mykad);
      // The card is drawn again as the answer arrives; the focus stays on the button pressed.
      await page.waitForTimeout(300);
      expect(await isFocused(goal)).to.equal(true);

      // Escape leaves the card; Tab goes on to the send box, where typing and Enter answer.
      await page.keyboard.press('Escape');
      await tabTo(page, box, { max: 3, look: page.locator('.webchat__send-box') });
      await page.keyboard.type('900101-14-5678');
      await page.keyboard.press('Enter');
      await seen(page, t.name);
      expect(problems).to.deep.equal([]);
    });

    it('opens the chat embedded in an intranet page from its button, and Tab goes on into the chat', async () => {
      const tech = (await bot.core.directory.getPerson('demo-tech'))!;
      const intranet = await startIntranet({ botUrl: bot.url, secret: INTRANET_SECRET, signedIn: () => tech });
      try {
        const context = await browser.newContext({ viewport: { width: 1000, height: 700 } });
        const page = await context.newPage();
        const problems = watchProblems(page);
        await page.goto(`${intranet.url}/portal`);
        const button = page.getByRole('button', { name: 'Meja Bantuan MyGPKI' });
        await tabTo(page, button, { max: 2 });
        await page.keyboard.press('Enter');
        const widget = page.frameLocator('iframe[title="Meja Bantuan MyGPKI"]');
        await seen(widget, `Selamat datang ke Meja Bantuan MyGPKI, ${tech.name}`);
        await page.keyboard.press('Tab');
        expect(await page.evaluate(() => document.activeElement?.tagName)).to.equal('IFRAME');
        await expectNoViolations(page, 'the intranet page with the chat open');
        await expectNoViolations(
          page.frames().find((f) => f.url().includes('/chat?'))!,
          'the embedded chat',
        );
        expect(problems).to.deep.equal([]);
        await context.close();
      } finally {
        await intranet.close();
      }
    });

    it("reaches the download page's fields and button with Tab and downloads with Enter", async () => {
      const { page, problems } = await downloadPage();
      await tabTo(page, page.getByLabel('Pilih kata laluan'), { max: 3 });
      await page.keyboard.type('rahsia-latihan-1');
      await tabTo(page, page.getByLabel('Taip kata laluan sekali lagi'), { max: 1 });
      await page.keyboard.type('rahsia-latihan-1');
      await tabTo(page, page.getByRole('button', { name: /Muat turun/ }), { max: 1 });
      const [file] = await Promise.all([page.waitForEvent('download'), page.keyboard.press('Enter')]);
      expect(file.suggestedFilename()).to.match(/\.p12$/);
      expect(problems).to.deep.equal([]);
    });
  });
});
