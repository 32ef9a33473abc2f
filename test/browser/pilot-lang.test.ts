import { expect } from 'chai';
import type { Browser } from 'playwright-core';
import { removeDir, startTestBot } from '../support/bot.js';
import { countOf, describeWithChromium, launchChromium, pagesOf, seen, send, webchat } from '../support/browser.js';

type Bot = Awaited<ReturnType<typeof startTestBot>>;

/**
 * The page's language reaches the bot: `/chat?lang=en` gets English from the greeting on for a
 * person who never chose a language, `/chat` gets Malay, and a language chosen in the bot wins
 * over the page's.
 */
describeWithChromium('browser: the Web Chat page language and the bot', function () {
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

  const open = (query: string, demoUser: string) => pages.chatAs(demoUser, query, { width: 1000, height: 900 });

  it('/chat?lang=en: the bot greets and answers in English without the person choosing a language', async () => {
    expect((await bot.core.directory.getPerson('demo-applicant'))?.locale).to.equal(undefined);
    const { page, problems } = await open('?lang=en', 'demo-applicant');
    await seen(page, 'Welcome to the MyGPKI Helpdesk, Aminah binti Hassan.');
    await seen(page, 'How can I help?');
    await send(page, 'hi');
    await send(page, 'menu');
    await webchat.lastCard(page).getByRole('button', { name: 'User digital certificates' }).click();
    await seen(page, 'Apply for a new user digital certificate');
    await send(page, 'status');
    await seen(page, /You have no applications yet\.|Your applications:/);
    expect(await countOf(page, 'Apa yang boleh saya bantu?')).to.equal(0);
    expect(await countOf(page, 'Selamat datang ke Meja Bantuan MyGPKI')).to.equal(0);
    // Nothing was chosen for the person: the page's language is not a choice made in the bot.
    expect(await countOf(page, 'OK, I will continue in English.')).to.equal(0);
    expect((await bot.core.directory.getPerson('demo-applicant'))?.locale).to.equal(undefined);
    expect(problems).to.deep.equal([]);
  });

  it('/chat (no lang): the bot greets and answers in Malay', async () => {
    const { page, problems } = await open('', 'demo-tech');
    await seen(page, 'Selamat datang ke Meja Bantuan MyGPKI, ');
    await send(page, 'hi');
    await send(page, 'status');
    await seen(page, /Anda belum ada permohonan\.|Permohonan anda:/);
    expect(await countOf(page, 'How can I help?')).to.equal(0);
    expect(await countOf(page, 'Welcome to the MyGPKI Helpdesk')).to.equal(0);
    expect(problems).to.deep.equal([]);
  });

  it('a language chosen in the bot wins over the page: Malay chosen, then /chat?lang=en still answers in Malay', async () => {
    const first = await open('', 'demo-verifier');
    await seen(first.page, 'Selamat datang ke Meja Bantuan MyGPKI');
    await send(first.page, 'Bahasa Melayu');
    await seen(first.page, 'Baik, saya akan berbahasa Melayu.');
    expect((await bot.core.directory.getPerson('demo-verifier'))?.locale).to.equal('ms');

    const { page, problems } = await open('?lang=en', 'demo-verifier');
    await seen(page, 'Selamat datang ke Meja Bantuan MyGPKI');
    await send(page, 'status');
    await seen(page, /Anda belum ada permohonan\.|Permohonan anda:/);
    expect(await countOf(page, 'Welcome to the MyGPKI Helpdesk')).to.equal(0);
    expect((await bot.core.directory.getPerson('demo-verifier'))?.locale).to.equal('ms');
    expect(problems).to.deep.equal([]);
  });
});
