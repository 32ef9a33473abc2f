import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { removeDir, startTestBot, tinyPng } from '../support/bot.js';
import { startIntranet } from '../support/intranet.js';
import { countOf, describeWithChromium, lastBubble, launchChromium, seen, send, watchProblems, webchat } from '../support/browser.js';

type Bot = Awaited<ReturnType<typeof startTestBot>>;
const INTRANET_SECRET = 'intranet-shared-secret-for-tests';

/**
 * The real Web Chat client (botframework-webchat's bundle, served by the bot) in Debian's
 * chromium, against the bot's own Direct Line: over the WebSocket stream and over polling only.
 */
describeWithChromium("browser: Web Chat against the bot's own Direct Line", function () {
  this.timeout(120_000);
  let bot: Bot;
  let browser: Browser;
  const contexts: BrowserContext[] = [];
  const shots = mkdtempSync(path.join(os.tmpdir(), 'gpki-shots-'));

  before(async () => {
    [bot, browser] = await Promise.all([
      startTestBot({ INTRANET_SHARED_SECRET: INTRANET_SECRET, WEB_FRAME_ANCESTORS: 'http://127.0.0.1:*' }),
      launchChromium(),
    ]);
  });
  afterEach(async () => {
    await Promise.all(contexts.splice(0).map((c) => c.close()));
  });
  after(async () => {
    await browser?.close();
    await bot?.close();
    removeDir(bot.dataDir);
    removeDir(shots);
  });

  /** A separate browser profile (cookies, sessionStorage) per person, as two people on two PCs. */
  async function personPage(query: string): Promise<{ page: Page; problems: string[]; sockets: string[]; polls: string[] }> {
    const context = await browser.newContext({ viewport: { width: 1000, height: 900 } });
    contexts.push(context);
    const page = await context.newPage();
    page.setDefaultTimeout(15_000);
    const problems = watchProblems(page);
    const sockets: string[] = [];
    const polls: string[] = [];
    page.on('websocket', (ws) => sockets.push(ws.url()));
    page.on('request', (r) => {
      if (r.method() === 'GET' && /\/v3\/directline\/conversations\/[^/]+\/activities/.test(r.url())) polls.push(r.url());
    });
    await page.goto(`${bot.url}/chat${query}`);
    return { page, problems, sockets, polls };
  }

  async function startAs(page: Page, demoUser: string): Promise<void> {
    await page.locator('#demo-user').selectOption(demoUser);
    await page.locator('#start').click();
    await seen(page, 'Selamat datang ke Meja Bantuan MyGPKI');
  }

  const inputMode = (page: Page, mode: string | null) =>
    page
      .locator(mode ? `.webchat__send-box-text-box__input[inputmode="${mode}"]` : '.webchat__send-box-text-box__input:not([inputmode])')
      .waitFor({ state: 'attached' });
  const conversationOf = (page: Page) =>
    page.evaluate(() => JSON.parse(sessionStorage.getItem('gpki.chat.session') ?? '{}').conversationId as string | undefined);

  for (const transport of ['websocket', 'polling'] as const) {
    it(`applies with a MyKad upload and a card, is approved by the AP in another session, sees the result live, and survives a reload (${transport})`, async () => {
      const query = transport === 'polling' ? '?transport=polling' : '';
      const ap = await personPage(query);
      const me = await personPage(query);

      // The AP opens the chat first, so the bot knows where to reach them.
      await startAs(ap.page, 'demo-ap');
      await startAs(me.page, 'demo-applicant');
      const user = me.page;

      // The menu's first screen holds the groups; a group opens its goals in place.
      await webchat.lastCard(user).getByRole('button', { name: 'Sijil Digital Pengguna' }).click();
      await webchat.lastCard(user).getByRole('button', { name: 'Mohon Sijil Digital Pengguna baharu' }).click();
      if (transport === 'polling') {
        // The websocket run issued this applicant a certificate: a new application first warns about it.
        await seen(user, 'Anda sudah memegang Sijil Digital Pengguna yang masih sah');
        await send(user, 'ya');
      }
      await seen(user, 'Sila masukkan nombor MyKad anda');
      // The MyKad prompt asks for a numeric keyboard; no file is asked, so no upload button.
      await inputMode(user, 'numeric');
      expect(await webchat.uploadButton(user).count()).to.equal(0);
      await send(user, '900101-14-5678');
      await seen(user, 'Nama penuh seperti dalam MyKad?');
      await inputMode(user, null);
      await send(user, 'Aminah binti Hassan');
      await seen(user, 'Alamat e-mel rasmi anda');
      await inputMode(user, 'email');
      await send(user, 'aminah@moh.gov.my');
      await seen(user, 'Nombor telefon untuk dihubungi');
      await inputMode(user, 'tel');

      // A reload resumes the same conversation: earlier messages come back, the hint too.
      const before = await conversationOf(user);
      const greetings = await countOf(user, 'Selamat datang ke Meja Bantuan MyGPKI');
      await user.reload();
      await seen(user, 'Aminah binti Hassan');
      await seen(user, 'Nombor telefon untuk dihubungi');
      await inputMode(user, 'tel');
      expect(await conversationOf(user)).to.equal(before);
      expect(await countOf(user, 'Selamat datang ke Meja Bantuan MyGPKI')).to.equal(greetings);
      await send(user, '012-345 6789');

      await seen(user, 'Pilih agensi anda:');
      await webchat.suggestedAction(user, 'Kementerian Kesihatan Malaysia').click();
      await seen(user, 'Jawatan dan gred anda');
      await send(user, 'Pegawai Teknologi Maklumat F41');
      await seen(user, 'Jenis media sijil yang anda perlukan?');
      await webchat.suggestedAction(user, 'Token').click();
      await seen(user, 'Untuk aplikasi kerajaan yang mana?');
      await send(user, 'ePerolehan, 1GFMAS');

      // The file prompt shows the upload button, limited to the types the bot accepts.
      await seen(user, 'Sila muat naik salinan digital MyKad anda');
      await webchat.uploadButton(user).waitFor();
      expect(await webchat.fileInput(user).getAttribute('accept')).to.contain('image/png');
      // A file over the limit is stopped in the page with the reason, not sent and not lost as "send failed".
      const big = Buffer.concat([tinyPng(), Buffer.alloc(bot.config.uploadMaxBytes)]);
      await webchat.fileInput(user).setInputFiles({ name: 'mykad-besar.png', mimeType: 'image/png', buffer: big });
      await user.locator('#file-hint.file-hint--error', { hasText: 'Fail itu terlalu besar' }).waitFor();
      expect(await user.locator('.webchat__bubble', { hasText: 'mykad-besar.png' }).count()).to.equal(0);
      await webchat.uploadButton(user).waitFor();
      await webchat.fileInput(user).setInputFiles({ name: 'mykad.png', mimeType: 'image/png', buffer: tinyPng() });
      await seen(user, 'Saya mengaku bahawa semua maklumat yang diberikan adalah benar');
      expect(await webchat.uploadButton(user).count()).to.equal(0);
      await webchat.suggestedAction(user, 'Ya').click();

      await seen(user, 'Ringkasan permohonan Sijil Digital Pengguna');
      const summary = webchat.lastCard(user);
      expect(await summary.textContent())
        .to.contain('9001******78')
        .and.contain('Aminah binti Hassan');
      await summary.getByRole('button', { name: 'Hantar' }).click();
      await seen(user, 'Nombor rujukan');
      const caseId = /UC-\d{4}-\d{6}/.exec((await lastBubble(user, 'Nombor rujukan').textContent()) ?? '')?.[0];
      expect(caseId).to.be.a('string');

      // The AP's approval card arrives in their open chat without a reload.
      const card = webchat.card(ap.page, caseId!);
      await card.getByRole('button', { name: 'Lulus' }).waitFor();
      // Web Chat shows what the Direct Line history keeps, and it keeps no MyKad in full: the AP
      // compares the masked digits with the copy the card links to.
      expect(await card.textContent())
        .to.contain('9001******78')
        .and.not.contain('900101145678');
      const shot = path.join(shots, `approval-${transport}.png`);
      await card.scrollIntoViewIfNeeded();
      await ap.page.screenshot({ path: shot });
      const png = readFileSync(shot);
      expect(png.subarray(0, 8).toString('hex')).to.equal('89504e470d0a1a0a');
      expect(png.length).to.be.greaterThan(10_000);

      await card.getByRole('button', { name: 'Lulus' }).click();
      await seen(ap.page, `Anda meluluskan ${caseId}`);

      // The applicant is told proactively once the CA job has issued the certificate.
      await seen(user, `${caseId} telah dikeluarkan`, 30_000);

      // Each transport is what it says: a stream for the one, activity polls and no socket for the other.
      for (const p of [ap, me]) {
        if (transport === 'websocket') expect(p.sockets.some((u) => u.includes('/v3/directline/conversations/'))).to.equal(true);
        else {
          expect(p.sockets).to.deep.equal([]);
          expect(p.polls.length).to.be.greaterThan(3);
        }
        expect(p.problems).to.deep.equal([]);
      }
    });
  }

  it('switches the page, Web Chat and the bot to English and back', async () => {
    const { page, problems } = await personPage('');
    await startAs(page, 'demo-lead');
    expect(await page.locator('h1').textContent()).to.equal('Meja Bantuan MyGPKI');
    expect(await webchat.sendBox(page).getAttribute('placeholder')).to.equal('Taip mesej anda');

    await page.getByRole('button', { name: 'Switch to English' }).click();
    await seen(page, 'OK, I will continue in English.');
    // The English menu: its groups, each opening its goals in place.
    await webchat.lastCard(page).getByRole('button', { name: 'User digital certificates' }).click();
    await seen(page, 'Apply for a new user digital certificate');
    expect(await page.locator('h1').textContent()).to.equal('MyGPKI Helpdesk');
    expect(await page.locator('html').getAttribute('lang')).to.equal('en');
    await page.locator('.webchat__send-box-text-box__input[placeholder="Type your message"]').waitFor();

    // Typing the switch word works as well as the button, and flips the page with the bot.
    await send(page, 'Bahasa Melayu');
    await seen(page, 'Baik, saya akan berbahasa Melayu.');
    await page.locator('h1', { hasText: 'Meja Bantuan MyGPKI' }).waitFor();
    await page.locator('.webchat__send-box-text-box__input[placeholder="Taip mesej anda"]').waitFor();
    expect(problems).to.deep.equal([]);
  });

  it('resumes the same conversation with a fresh token when the saved token no longer works', async () => {
    const { page, problems } = await personPage('');
    await startAs(page, 'demo-agent');
    await send(page, 'tugasan');
    await seen(page, 'Tiada kelulusan yang menunggu anda.');
    const conversation = await conversationOf(page);
    // Spoil the saved token before the page's script reads it, as a token expired while the tab slept.
    await page.addInitScript(() => {
      const s = JSON.parse(sessionStorage.getItem('gpki.chat.session') ?? '{}') as { token?: string };
      sessionStorage.setItem('gpki.chat.session', JSON.stringify({ ...s, token: `x${s.token ?? ''}` }));
    });
    await page.reload();
    await seen(page, 'Tiada kelulusan yang menunggu anda.');
    expect(await conversationOf(page)).to.equal(conversation);
    expect(await countOf(page, 'Selamat datang ke Meja Bantuan MyGPKI')).to.equal(1);
    await send(page, 'status');
    await seen(page, 'Anda belum ada permohonan.');
    // The refused token is the only complaint: the page recovered by itself.
    expect(problems.filter((p) => !/status of 401/.test(p))).to.deep.equal([]);
  });

  it('embeds in an intranet page: a token from a signed assertion, a reload resumes, another person starts afresh', async () => {
    const verifier = (await bot.core.directory.getPerson('demo-verifier'))!;
    const tech = (await bot.core.directory.getPerson('demo-tech'))!;
    let signedIn = verifier;
    const intranet = await startIntranet({ botUrl: bot.url, secret: INTRANET_SECRET, signedIn: () => signedIn });
    try {
      const context = await browser.newContext();
      contexts.push(context);
      const page = await context.newPage();
      page.setDefaultTimeout(15_000);
      const problems = watchProblems(page);
      const widget = page.frameLocator('iframe[title="Meja Bantuan MyGPKI"]');
      const open = async () => {
        await page.goto(`${intranet.url}/portal`);
        await page.getByRole('button', { name: 'Meja Bantuan MyGPKI' }).click();
      };

      await open();
      await seen(widget, `Selamat datang ke Meja Bantuan MyGPKI, ${verifier.name}`);
      await send(widget, 'tugasan');
      await seen(widget, 'Tiada kelulusan yang menunggu anda.');

      await open();
      await seen(widget, 'Tiada kelulusan yang menunggu anda.');
      expect(await countOf(widget, 'Selamat datang ke Meja Bantuan MyGPKI')).to.equal(1);

      // Someone else signs in to the intranet on the same PC and tab: never the previous chat.
      signedIn = tech;
      await open();
      await seen(widget, `Selamat datang ke Meja Bantuan MyGPKI, ${tech.name}`);
      expect(await countOf(widget, 'Tiada kelulusan yang menunggu anda.')).to.equal(0);

      await widget.locator('#close').click();
      await page.locator('#gpki-chat-panel').waitFor({ state: 'hidden' });
      // The one refusal is the bot's 403 for the previous person's conversation, which embed.js then replaced.
      expect(problems.filter((p) => !/status of 403/.test(p))).to.deep.equal([]);
    } finally {
      await intranet.close();
    }
  });
});
