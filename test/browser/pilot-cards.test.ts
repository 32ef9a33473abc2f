import { expect } from 'chai';
import type { Browser, Page } from 'playwright-core';
import { agentAct, lodgeComplaint } from '../../domain/usecases/complaint.js';
import { submitUserCertificate } from '../../domain/usecases/user-certificate-apply.js';
import { removeDir, startTestBot } from '../support/bot.js';
import { countOf, describeWithChromium, launchChromium, pagesOf, seen, webchat } from '../support/browser.js';
import { userApplication } from '../support/certs.js';

type Bot = Awaited<ReturnType<typeof startTestBot>>;

/**
 * Web Chat in Debian's chromium: a decided card is replaced in place for everyone who got it (as
 * Teams refreshes it), and a helpdesk reply shows once, inside the page's width, with no card
 * button repeated as a suggested reply.
 */
describeWithChromium('browser: decided cards and helpdesk notices in Web Chat', function () {
  this.timeout(120_000);
  let bot: Bot;
  let browser: Browser;
  const pages = pagesOf(
    () => browser,
    () => bot.url,
  );

  before(async () => {
    [bot, browser] = await Promise.all([startTestBot(), launchChromium()]);
    // A second AP of the applicant's agency, who gets the same approval card.
    const ap = (await bot.core.directory.getPerson('demo-ap'))!;
    await bot.core.directory.upsertPerson({
      ...ap,
      id: 'demo-ap2',
      name: 'Faridah binti Osman',
      email: 'faridah@moh.gov.my',
      identities: [{ channelId: '*', userId: 'demo-ap2' }],
    });
  });
  after(async () => {
    await pages.closeAll();
    await browser?.close();
    await bot?.close();
    if (bot) removeDir(bot.dataDir);
  });

  async function startAs(demoUser: string, viewport?: { width: number; height: number }): Promise<{ page: Page; problems: string[] }> {
    const opened = await pages.chatAs(demoUser, '', viewport);
    await seen(opened.page, 'Selamat datang ke Meja Bantuan MyGPKI');
    return opened;
  }

  it("replaces the approval card in both APs' pages with the outcome once one AP approves", async () => {
    const ap1 = await startAs('demo-ap');
    const ap2 = await startAs('demo-ap2');
    const r = await submitUserCertificate(bot.core, 'demo-applicant', await userApplication(bot, 'demo-applicant'));
    if (!r.ok) throw new Error(r.error);
    const id = r.value.id;
    const apName = (await bot.core.directory.getPerson('demo-ap'))!.name;
    const card1 = webchat.card(ap1.page, id);
    const card2 = webchat.card(ap2.page, id);
    await card1.getByRole('button', { name: 'Lulus' }).waitFor();
    await card2.getByRole('button', { name: 'Lulus' }).waitFor();

    await card1.getByRole('button', { name: 'Lulus' }).click();
    await seen(ap1.page, `Anda meluluskan ${id}`);
    // Both pages: the card now names the outcome and has no decision buttons left.
    for (const p of [ap1.page, ap2.page]) {
      const card = webchat.card(p, id);
      await card
        .getByText(/Diluluskan|diluluskan/)
        .first()
        .waitFor();
      expect(await card.textContent()).to.contain(apName);
      expect(await card.getByRole('button', { name: 'Lulus' }).count()).to.equal(0);
      expect(await card.getByRole('button', { name: 'Tolak' }).count()).to.equal(0);
      // One card for the case, replaced in place, not a second one added.
      expect(await p.locator('.webchat__bubble .ac-adaptiveCard', { hasText: id }).count()).to.equal(1);
    }
    expect(ap1.problems).to.deep.equal([]);
    expect(ap2.problems).to.deep.equal([]);
  });

  it("shows a helpdesk reply once, inside the chat's width, with no card buttons repeated as suggested replies", async () => {
    const { page, problems } = await startAs('demo-applicant', { width: 420, height: 800 });
    const lodged = await lodgeComplaint(bot.hd, {
      actorId: 'demo-applicant',
      category: 'token',
      application: 'ePerolehan',
      description: 'Token tidak dikesan.',
    });
    if (!lodged.ok) throw new Error(lodged.error);
    const reply = 'Sila pasang semula pemacu token dan mulakan semula komputer anda, kemudian cuba sekali lagi dengan port USB yang lain';
    const done = await agentAct(bot.hd, { caseId: lodged.value.id, actorId: 'demo-agent', action: 'reply', text: reply });
    expect(done.ok).to.equal(true);
    await seen(page, /membalas aduan/);
    const card = webchat.card(page, 'Hantar jawapan');
    await card.getByRole('button', { name: 'Hantar jawapan' }).waitFor();
    expect(await countOf(page, reply)).to.equal(1);
    expect(await page.locator('.webchat__suggested-action').count()).to.equal(0);
    // Nothing in the card reaches past its right edge.
    const overflow = await card.evaluate((el) => {
      const right = el.getBoundingClientRect().right;
      return [...el.querySelectorAll('*')].filter((e) => e.getBoundingClientRect().right > right + 1).length;
    });
    expect(overflow).to.equal(0);
    expect(problems).to.deep.equal([]);
  });
});
