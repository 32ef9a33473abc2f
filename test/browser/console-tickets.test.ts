import { expect } from 'chai';
import type { Browser } from 'playwright-core';
import { lodgeComplaint } from '../../domain/usecases/complaint.js';
import { removeDir, startTestBot } from '../support/bot.js';
import { consoleSignIn, describeWithChromium, launchChromium, pagesOf, seen, webchat } from '../support/browser.js';
import { AGENT_EMAIL, AGENT_PASSWORD, setPasswordByCommand } from '../support/console.js';

type Bot = Awaited<ReturnType<typeof startTestBot>>;

/**
 * The ticket panel of the agent console in Debian's chromium: an agent opens a Web Chat user's
 * complaint, acknowledges it (a refused action keeps the typed text), resolves it, and the user
 * sees the resolution with its confirm/reopen card in Web Chat.
 */
describeWithChromium('browser: an agent resolves a ticket from the console and the Web Chat user sees it', function () {
  this.timeout(120_000);
  let bot: Bot;
  let browser: Browser;
  const pages = pagesOf(
    () => browser,
    () => bot.url,
  );

  before(async () => {
    [bot, browser] = await Promise.all([startTestBot(), launchChromium()]);
    const set = await setPasswordByCommand({ DATA_DIR: bot.dataDir }, AGENT_EMAIL, AGENT_PASSWORD);
    expect(set.code, set.stderr).to.equal(0);
  });
  after(async () => {
    await pages.closeAll();
    await browser?.close();
    await bot?.close();
    if (bot) removeDir(bot.dataDir);
  });

  const open = (pathname: string) => pages.open(pathname);

  it('lists the ticket, shows its details, refuses a reply without text, resolves it, and the user sees the resolution', async () => {
    const me = await open('/chat');
    const user = me.page;
    await user.locator('#demo-user').selectOption('demo-applicant');
    await user.locator('#start').click();
    await seen(user, 'Selamat datang ke Meja Bantuan MyGPKI');
    // The complaint as the complaint dialog lodges it (that dialog has its own tests).
    const lodged = await lodgeComplaint(bot.hd, {
      actorId: 'demo-applicant',
      category: 'token',
      application: 'ePerolehan',
      description: 'Token tidak dikesan di semua komputer pejabat.',
    });
    if (!lodged.ok) throw new Error(lodged.error);
    const id = lodged.value.id;

    const desk = await open('/console');
    const agent = desk.page;
    await consoleSignIn(agent, AGENT_EMAIL, AGENT_PASSWORD);
    const item = agent.locator('#tickets li', { hasText: id });
    await item.waitFor();
    expect(await item.textContent())
      .to.contain('Baharu')
      .and.contain('Aminah binti Hassan')
      .and.contain('Kementerian Kesihatan Malaysia')
      .and.contain('Token atau kad pintar')
      .and.contain('ePerolehan');
    await item.click();
    await agent.locator('#ticket-title').getByText(id).waitFor();
    expect(await agent.locator('#ticket-description').textContent()).to.equal('Token tidak dikesan di semua komputer pejabat.');
    await agent.locator('#ticket-timeline li[data-event="lodged"]').getByText('Aduan dihantar').waitFor();

    await agent.locator('#ticket-acknowledge').click();
    await agent.locator('#ticket-status').getByText(`Tiket ${id} diterima. Pengguna telah dimaklumkan.`).waitFor();
    await agent.locator('#ticket-facts[data-status="DITERIMA"]').waitFor();
    await seen(user, /telah diterima oleh meja bantuan/);

    // A reply needs text: refused in both languages, the ticket unchanged, the text box kept for another try.
    await agent.locator('#ticket-reply').click();
    await agent.locator('#ticket-status.error').getByText('Sila isi mesej atau catatan dahulu').waitFor();
    // One language at a time: the same refusal in English once the agent switches, then back to Malay.
    expect(await agent.locator('#ticket-status').textContent()).to.not.contain('Please fill in');
    await agent.locator('#lang').click();
    await agent.locator('#ticket-status.error').getByText('Please fill in the message or note first').waitFor();
    await agent.locator('#lang').click();
    await agent.locator('#ticket-status.error').getByText('Sila isi mesej atau catatan dahulu').waitFor();
    expect((await bot.core.cases.get(id))?.status).to.equal('DITERIMA');

    await agent.locator('#ticket-text').fill('Sila pasang semula pemacu token dan mulakan semula komputer');
    await agent.locator('#ticket-resolve').click();
    await agent.locator('#ticket-status').getByText(`Tiket ${id} ditanda selesai`).waitFor();
    await agent.locator('#ticket-facts[data-status="SELESAI"]').waitFor();
    await agent.locator('#ticket-timeline li[data-event="resolved"]').getByText('Sila pasang semula pemacu token').waitFor();
    expect(await agent.locator('#ticket-text').inputValue()).to.equal('');
    expect((await bot.core.cases.get(id))?.status).to.equal('SELESAI');

    // The Web Chat user sees the resolution and the card to confirm or reopen it.
    await seen(user, /ditanda selesai/);
    await seen(user, /Sila pasang semula pemacu token dan mulakan semula komputer/);
    // The notice's text says it is resolved; the card beside it does not repeat that text.
    const card = webchat.card(user, 'Ya, sudah selesai');
    await card.getByRole('button', { name: 'Ya, sudah selesai' }).waitFor();

    // The user confirms: the ticket closes and the console's list drops it live (SSE).
    await card.getByRole('button', { name: 'Ya, sudah selesai' }).click();
    await seen(user, `Tiket ${id} ditutup`);
    await agent.locator('#tickets-empty').waitFor({ state: 'visible' });
    expect(me.problems).to.deep.equal([]);
    // The console's only errors are the expected ones: no session at first load, the refused reply.
    expect(desk.problems.filter((p) => !/status of (401|422)/.test(p))).to.deep.equal([]);
  });
});
