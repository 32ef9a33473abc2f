import path from 'node:path';
import { expect } from 'chai';
import type { Browser, Page } from 'playwright-core';
import { lodgeComplaint } from '../../domain/usecases/complaint.js';
import { openEmbeddedDb } from '../../infra/store/embedded/index.js';
import { SqliteSavedReplies } from '../../infra/store/embedded/saved-replies.js';
import { removeDir, startTestBot } from '../support/bot.js';
import { seriousViolations } from '../support/axe.js';
import { consoleSignIn, describeWithChromium, launchChromium, pagesOf } from '../support/browser.js';
import { Chat } from '../support/chat.js';
import { TestConnector } from '../support/connector.js';
import { AGENT_EMAIL, AGENT_NAME, AGENT_PASSWORD, setPasswordByCommand } from '../support/console.js';
import { waitFor } from '../support/wait-for.js';

type Bot = Awaited<ReturnType<typeof startTestBot>>;
const focusedId = (page: Page) => page.evaluate(() => document.activeElement?.id ?? '');

/**
 * The agent console for a working day in Debian's chromium: one language at a time (remembered),
 * words instead of codes, keyboard use, unread counts in the title, a transcript of 120+ lines,
 * the person's open cases linked to the ticket, saved replies, a multi-line reply, and axe-core
 * finding no serious or critical WCAG 2.1 AA problem in either language.
 */
describeWithChromium('browser: the agent console for a working day', function () {
  this.timeout(240_000);
  const connector = new TestConnector();
  let bot: Bot;
  let browser: Browser;
  const pages = pagesOf(
    () => browser,
    () => bot.url,
  );

  before(async () => {
    await connector.start();
    [bot, browser] = await Promise.all([startTestBot({ AGENT_HOURS: 'always', AGENT_WAIT_SECONDS: '3600' }), launchChromium()]);
    const set = await setPasswordByCommand({ DATA_DIR: bot.dataDir }, AGENT_EMAIL, AGENT_PASSWORD);
    expect(set.code, set.stderr).to.equal(0);
  });
  after(async () => {
    await pages.closeAll();
    await browser?.close();
    await bot?.close();
    await connector.stop();
    if (bot) removeDir(bot.dataDir);
  });

  it('shows the sign-in screen in one language at a time, remembers the choice, and axe finds no serious problem in either', async () => {
    const { page, problems } = await pages.open('/console');
    await page.locator('#signin').waitFor();
    expect(await page.locator('html').getAttribute('lang')).to.equal('ms');
    expect(await page.locator('#signin-heading').textContent()).to.equal('Log masuk');
    expect(await page.locator('body').innerText()).to.not.contain('Sign in');
    expect(await seriousViolations(page)).to.deep.equal([]);

    await page.locator('#lang').click();
    await page.locator('#signin-heading').getByText('Sign in').waitFor();
    expect(await page.locator('html').getAttribute('lang')).to.equal('en');
    expect(await page.title()).to.equal('MyGPKI Agent Console');
    expect(await page.locator('label[for="password"]').textContent()).to.equal('Password');
    expect(await seriousViolations(page)).to.deep.equal([]);
    await page.reload();
    await page.locator('#signin-heading').getByText('Sign in').waitFor();
    expect(await page.locator('html').getAttribute('lang')).to.equal('en');
    expect(problems.filter((p) => !/status of 401/.test(p))).to.deep.equal([]);
  });

  it('serves a conversation and a ticket by keyboard, with words for codes, unread counts, 120 numbered lines, saved replies and a multi-line reply', async () => {
    const lodged = await lodgeComplaint(bot.hd, {
      actorId: 'demo-applicant',
      category: 'token',
      application: 'ePerolehan',
      description: 'Token tidak dikesan.',
    });
    if (!lodged.ok) throw new Error(lodged.error);
    const ticketId = lodged.value.id;
    const user = new Chat({ botUrl: () => bot.url, connector, userId: 'demo-applicant' });
    await user.submit({ verb: 'start', goal: 'newUserCert' });
    await user.say('900101-14-5678');
    await user.say('Aminah binti Hassan');
    await user.say('aminah.lama@moh.gov.my');
    await user.say('nak cakap dengan orang');

    const { page, problems } = await pages.open('/console');
    await consoleSignIn(page, AGENT_EMAIL, AGENT_PASSWORD);
    // The person lodged a ticket the agent has not opened: one unread update, in the list and the title.
    await page.locator(`#tickets li[data-ticket="${ticketId}"] .badge`).getByText('1').waitFor();
    await waitFor('the unread count in the title', async () => (await page.title()) === '(1) Konsol Ejen MyGPKI' || undefined);

    // Keyboard: the skip link first, then the queue entry is a button; Enter opens it and focus moves to its heading.
    await page.reload();
    await page.locator('#desk').waitFor();
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.className)).to.equal('skip');
    await page.keyboard.press('Enter');
    expect(await focusedId(page)).to.equal('main-content');
    const entry = page.locator('#queue li button.entry', { hasText: 'Aminah binti Hassan' });
    expect(await entry.innerText())
      .to.match(/Menunggu \d+ minit/)
      .and.contain('Pengguna meminta ejen')
      .and.contain('Langkah: Telefon')
      .and.not.match(/\bphone\b|\brequest\b/);
    await entry.focus();
    await page.keyboard.press('Enter');
    await page.locator('#detail-title').getByText('Aminah binti Hassan').waitFor();
    await waitFor('focus on the heading', async () => (await focusedId(page)) === 'detail-title' || undefined);
    expect(await page.locator('#form-values').innerText())
      .to.contain('E-mel rasmi')
      .and.contain('No. MyKad')
      .and.not.match(/\bemail\b|\bmykad\b/);
    expect(await page.locator('#correct-field option[value="email"]').textContent()).to.equal('E-mel rasmi');

    // The person's open ticket, linked: Enter on it opens the ticket's detail.
    const link = page.locator(`#detail-cases li[data-case="${ticketId}"] button`);
    expect(await link.textContent()).to.equal(`${ticketId} · Tiket aduan · Baharu`);
    await link.focus();
    await page.keyboard.press('Enter');
    await page.locator('#ticket-title').getByText(ticketId).waitFor();
    await waitFor('focus on the ticket heading', async () => (await focusedId(page)) === 'ticket-title' || undefined);
    await page.locator(`#ticket-cases li[data-case="${ticketId}"]`).waitFor();
    await waitFor('the ticket read', async () => (await page.title()) === 'Konsol Ejen MyGPKI' || undefined);
    expect(await seriousViolations(page)).to.deep.equal([]);

    // Take the conversation; while the ticket is open, the person's messages count as unread.
    await entry.click();
    await page.locator('#take').click();
    await page.locator('#message').waitFor();
    await page.locator(`#detail-cases li[data-case="${ticketId}"] button`).click();
    await page.locator('#ticket-title').getByText(ticketId).waitFor();
    for (const n of [1, 2, 3]) await user.say(`mesej belum dibaca ${n}`);
    await entry.locator('.badge').getByText('3').waitFor();
    await waitFor('three unread in the title', async () => (await page.title()) === '(3) Konsol Ejen MyGPKI' || undefined);
    await entry.click();
    await page.locator('#transcript li.user', { hasText: 'mesej belum dibaca 3' }).waitFor();
    expect(await entry.locator('.badge').count()).to.equal(0);
    expect(await page.title()).to.equal('Konsol Ejen MyGPKI');

    // 120 lines and more: numbered in their own column, each with who and the Malaysian time.
    for (let n = 1; n <= 115; n++) await user.say(`baris ${n}`);
    await page.locator('#transcript li.user', { hasText: 'baris 115' }).waitFor();
    const lines = page.locator('#transcript li');
    expect(await lines.count()).to.be.greaterThanOrEqual(120);
    const row = async (i: number) =>
      lines.nth(i).evaluate((li) => {
        const n = li.querySelector('.n') as HTMLElement;
        return {
          n: n.textContent,
          cut: n.scrollWidth > n.clientWidth,
          numberRight: Math.round(n.getBoundingClientRect().right),
          textLeft: Math.round((li.querySelector('.who') as HTMLElement).getBoundingClientRect().left),
          time: li.querySelector('time')?.textContent,
          title: li.querySelector('time')?.getAttribute('title'),
          who: li.querySelector('.who')?.textContent,
        };
      });
    const [ninth, last] = [await row(8), await row(119)];
    expect(ninth.n).to.equal('9');
    expect(last.n).to.equal('120');
    expect(last.cut).to.equal(false);
    expect(last.numberRight).to.equal(ninth.numberRight);
    expect(last.textLeft).to.equal(ninth.textLeft);
    expect(last.time).to.match(/^\d{2}:\d{2}$/);
    expect(last.title).to.match(/^\d{2}\/\d{2}\/\d{4} \d{2}:\d{2} \(waktu Malaysia\)$/);
    expect(last.who).to.equal('Aminah binti Hassan');

    // A saved reply, made from the console, inserted by keyboard, extended with Shift+Enter and sent with Enter.
    await page.locator('#reply-new').click();
    await page.locator('#reply-title').fill('Token tidak dikesan');
    await page.locator('#reply-text').fill('Sila cuba:\n1. Port USB lain');
    await page.locator('#reply-save').click();
    await page.locator('#replies li', { hasText: 'Token tidak dikesan' }).waitFor();
    await page.locator('#reply-pick option', { hasText: 'Token tidak dikesan' }).waitFor({ state: 'attached' });
    await page.locator('#reply-insert').focus();
    await page.keyboard.press('Enter');
    expect(await focusedId(page)).to.equal('message');
    await page.keyboard.press('Shift+Enter');
    await page.keyboard.type('2. Mulakan semula komputer');
    await page.keyboard.press('Escape');
    expect(await page.locator('#message').inputValue()).to.equal('Sila cuba:\n1. Port USB lain\n2. Mulakan semula komputer');
    await page.keyboard.press('Enter');
    const got = await user.waitFor('the multi-line reply', (a) => (a.text ?? '').includes('Mulakan semula komputer'));
    expect(got.text).to.equal(`${AGENT_NAME} (Ejen Meja Bantuan): Sila cuba:\n1. Port USB lain\n2. Mulakan semula komputer`);
    await page.locator('#transcript li.bot', { hasText: 'Mulakan semula komputer' }).waitFor();
    expect(await page.locator('#message').inputValue()).to.equal('');
    expect((await bot.core.cases.get(ticketId))?.status).to.equal('BARU');

    // Edit and delete (a second, deliberate press); the store follows.
    const saved = page.locator('#replies li', { hasText: 'Token tidak dikesan' });
    await saved.locator('button.edit').click();
    await page.locator('#reply-title').fill('Token tidak dikesan (USB)');
    await page.locator('#reply-save').click();
    await page.locator('#replies li', { hasText: 'Token tidak dikesan (USB)' }).waitFor();
    const stored = async () => {
      const db = openEmbeddedDb(path.join(bot.dataDir, 'gpki.db'));
      try {
        return await new SqliteSavedReplies({ db }).list();
      } finally {
        db.close();
      }
    };
    expect((await stored()).map((r) => [r.title, r.text, r.locale])).to.deep.equal([
      ['Token tidak dikesan (USB)', 'Sila cuba:\n1. Port USB lain', 'ms'],
    ]);

    // Axe on the desk with the conversation open, in Malay and then in English; everything follows the language.
    expect(await seriousViolations(page)).to.deep.equal([]);
    await page.locator('#lang').click();
    await page.locator('#detail h3', { hasText: 'Transcript' }).waitFor();
    expect(await page.locator('html').getAttribute('lang')).to.equal('en');
    await page.locator('#detail-facts dd', { hasText: `Taken by ${AGENT_NAME}` }).waitFor();
    await page.locator('#form-values dt', { hasText: 'Official e-mail' }).waitFor();
    expect(await page.locator('#desk').innerText()).to.not.match(/Transkrip|Giliran|Catatan|E-mel rasmi|Pengguna meminta ejen/);
    expect(await seriousViolations(page)).to.deep.equal([]);
    await page.locator(`#detail-cases li[data-case="${ticketId}"] button`).click();
    await page.locator('#ticket-facts dd', { hasText: 'New' }).waitFor();
    expect(await seriousViolations(page)).to.deep.equal([]);
    await page.locator('#lang').click();
    await page.locator('#ticket-facts dd', { hasText: 'Baharu' }).waitFor();
    expect(await seriousViolations(page)).to.deep.equal([]);

    await saved.locator('button.delete').click();
    expect(await stored()).to.have.length(1);
    await saved.locator('button.delete').click();
    await page.locator('#replies-empty').waitFor({ state: 'visible' });
    expect(await stored()).to.deep.equal([]);
    expect(problems.filter((p) => !/status of 401/.test(p))).to.deep.equal([]);
  });
});
