import { expect } from 'chai';
import type { Browser } from 'playwright-core';
import { removeDir, startTestBot, tinyPng } from '../support/bot.js';
import { consoleSignIn, countOf, describeWithChromium, launchChromium, pagesOf, seen, send, webchat } from '../support/browser.js';
import { AGENT_EMAIL, AGENT_NAME, AGENT_PASSWORD, setPasswordByCommand } from '../support/console.js';
import { waitFor } from '../support/wait-for.js';

type Bot = Awaited<ReturnType<typeof startTestBot>>;
const SECOND = { email: 'kavitha@mampu.gov.my', name: 'Kavitha a/p Raman', password: 'kata-laluan-kavitha-1' };

/**
 * The agent console (/console) and Web Chat (/chat) in Debian's chromium, against one bot: a user
 * asks for help mid-application, an agent takes over, fixes the e-mail and hands back.
 */
describeWithChromium('browser: an agent takes over a Web Chat conversation and hands it back', function () {
  this.timeout(120_000);
  let bot: Bot;
  let browser: Browser;
  const pages = pagesOf(
    () => browser,
    () => bot.url,
  );

  before(async () => {
    [bot, browser] = await Promise.all([startTestBot({ AGENT_HOURS: 'always' }), launchChromium()]);
    await bot.core.directory.upsertPerson({
      id: 'agent-2',
      name: SECOND.name,
      email: SECOND.email,
      agencyId: 'MAMPU',
      roles: ['USER', 'HELPDESK_AGENT'],
      identities: [],
    });
    for (const [email, password] of [
      [AGENT_EMAIL, AGENT_PASSWORD],
      [SECOND.email, SECOND.password],
    ]) {
      const set = await setPasswordByCommand({ DATA_DIR: bot.dataDir }, email, password);
      expect(set.code, set.stderr).to.equal(0);
    }
  });
  after(async () => {
    await pages.closeAll();
    await browser?.close();
    await bot?.close();
    if (bot) removeDir(bot.dataDir);
  });

  const open = (pathname: string) => pages.open(pathname);

  it('refuses a person who is not an agent at the sign-in form', async () => {
    const { page, problems } = await open('/console');
    await page.locator('#email').fill('aminah@moh.gov.my');
    await page.locator('#password').fill('apa-apa-sahaja-123');
    await page.locator('#signin-button').click();
    await page.locator('#signin-error').getByText('E-mel atau kata laluan salah').waitFor();
    // With the password a hash would accept, the role still decides (the store is written directly, as the command refuses).
    const { hashPassword } = await import('../../bot/handoff/console-auth.js');
    const { SqliteAgentCredentials } = await import('../../infra/store/embedded/handoff-repository.js');
    const { openEmbeddedDb } = await import('../../infra/store/embedded/index.js');
    const db = openEmbeddedDb(`${bot.dataDir}/gpki.db`);
    try {
      await new SqliteAgentCredentials({ db }).setHash('demo-applicant', await hashPassword('apa-apa-sahaja-123'));
    } finally {
      db.close();
    }
    await page.locator('#signin-button').click();
    await page
      .locator('#signin-error')
      .getByText('Hanya ejen meja bantuan, pegawai agensi peneraju dan pentadbir boleh log masuk')
      .waitFor();
    expect(await page.locator('#desk').isVisible()).to.equal(false);
    expect(problems.filter((p) => !/status of 40[13]/.test(p))).to.deep.equal([]);
  });

  it('serves a user who asked for help mid-application: take (one of two agents wins), talk, correct the e-mail, hand back, finish', async () => {
    const me = await open('/chat');
    const user = me.page;
    await user.locator('#demo-user').selectOption('demo-applicant');
    await user.locator('#start').click();
    await seen(user, 'Selamat datang ke Meja Bantuan MyGPKI');
    await webchat.lastCard(user).getByRole('button', { name: 'Sijil Digital Pengguna' }).click();
    await webchat.lastCard(user).getByRole('button', { name: 'Mohon Sijil Digital Pengguna baharu' }).click();
    await seen(user, 'Sila masukkan nombor MyKad anda');
    await send(user, '900101-14-5678');
    await seen(user, 'Nama penuh seperti dalam MyKad?');
    await send(user, 'Aminah binti Hassan');
    await seen(user, 'Alamat e-mel rasmi anda');
    await send(user, 'aminah.lama@moh.gov.my');
    await seen(user, 'Nombor telefon untuk dihubungi');
    await send(user, 'nak cakap dengan orang');
    await seen(user, /tempat ke-1 dalam giliran/);

    const one = await open('/console');
    const two = await open('/console');
    await consoleSignIn(one.page, AGENT_EMAIL, AGENT_PASSWORD);
    await consoleSignIn(two.page, SECOND.email, SECOND.password);
    for (const { page } of [one, two]) {
      const item = page.locator('#queue li', { hasText: 'Aminah binti Hassan' });
      expect(await item.textContent())
        .to.contain('Kementerian Kesihatan Malaysia')
        .and.contain('Bahasa Melayu')
        .and.contain('Langkah: Telefon')
        .and.not.contain('phone');
      await item.click();
      await page.locator('#form-values dd[data-field="email"]').getByText('aminah.lama@moh.gov.my').waitFor();
      expect(await page.locator('#form-values .asking').textContent()).to.equal('Telefon');
      expect(await page.locator('#form-values dd[data-field="mykad"]').textContent()).to.equal('9001******78');
      await page.locator('#transcript li.user', { hasText: 'nak cakap dengan orang' }).waitFor();
    }

    // Both press "Take" at once: the store gives it to one; the other is told who has it.
    await Promise.all([one, two].map(({ page }) => page.evaluate(() => (document.getElementById('take') as HTMLButtonElement).click())));
    const statuses = await waitFor('both answers', async () => {
      const s = await Promise.all([one, two].map(({ page }) => page.locator('#detail-status').textContent()));
      return s.every(Boolean) ? s : undefined;
    });
    const winnerIndex = statuses.findIndex((s) => s === 'OK');
    expect(winnerIndex).to.be.oneOf([0, 1]);
    const [winner, loser] = winnerIndex === 0 ? [one, two] : [two, one];
    const winnerName = winnerIndex === 0 ? AGENT_NAME : SECOND.name;
    expect(statuses[1 - winnerIndex]).to.contain(`telah diambil oleh ${winnerName}`);
    await loser.page.locator('#queue li .status', { hasText: `Diambil oleh ${winnerName}` }).waitFor();
    const agent = winner.page;

    await seen(user, `${winnerName} (Ejen Meja Bantuan) kini bersama anda`);
    await send(user, 'E-mel saya sudah bertukar, sepatutnya aminah@moh.gov.my');
    await agent.locator('#transcript li.user', { hasText: 'sepatutnya aminah@moh.gov.my' }).waitFor();
    await agent.locator('#message').fill('Baik, saya betulkan sekarang.');
    await agent.locator('#message-form button').click();
    await seen(user, `${winnerName} (Ejen Meja Bantuan): Baik, saya betulkan sekarang.`);

    // The console uses the dialog's validation: webmail is refused, the official address accepted.
    await agent.locator('#correct-field').selectOption('email');
    await agent.locator('#correct-value').fill('aminah@gmail.com');
    await agent.locator('#correct-form button').click();
    await agent.locator('#detail-status.error').waitFor();
    await agent.locator('#correct-value').fill('aminah@moh.gov.my');
    await agent.locator('#correct-form button').click();
    await agent.locator('#form-values dd[data-field="email"]').getByText('aminah@moh.gov.my', { exact: true }).waitFor();

    const phonePrompts = await countOf(user, 'Nombor telefon untuk dihubungi');
    await agent.locator('#handback').click();
    await seen(user, /menyerahkan perbualan ini semula kepada saya/);
    await waitFor('the phone question again', async () => (await countOf(user, 'Nombor telefon untuk dihubungi')) > phonePrompts);

    // From the next step, nothing retyped.
    await send(user, '012-345 6789');
    await seen(user, 'Pilih agensi anda:');
    await webchat.suggestedAction(user, 'Kementerian Kesihatan Malaysia').click();
    await seen(user, 'Jawatan dan gred anda');
    await send(user, 'Pegawai Teknologi Maklumat F41');
    await seen(user, 'Jenis media sijil yang anda perlukan?');
    await webchat.suggestedAction(user, 'Token').click();
    await seen(user, 'Untuk aplikasi kerajaan yang mana?');
    await send(user, 'ePerolehan');
    await seen(user, 'Sila muat naik salinan digital MyKad anda');
    await webchat.fileInput(user).setInputFiles({ name: 'mykad.png', mimeType: 'image/png', buffer: tinyPng() });
    await seen(user, 'Saya mengaku bahawa semua maklumat yang diberikan adalah benar');
    await webchat.suggestedAction(user, 'Ya').click();
    await seen(user, 'Ringkasan permohonan Sijil Digital Pengguna');
    const summary = webchat.lastCard(user);
    expect(await summary.textContent())
      .to.contain('aminah@moh.gov.my')
      .and.not.contain('aminah.lama');
    await summary.getByRole('button', { name: 'Hantar' }).click();
    await seen(user, 'Nombor rujukan');
    const caseId = /UC-\d{4}-\d{6}/.exec(
      (await user.locator('.webchat__bubble', { hasText: 'Nombor rujukan' }).last().textContent()) ?? '',
    )?.[0];
    expect(caseId).to.be.a('string');
    const stored = await bot.core.cases.get<{ email: string; fullName: string; phone: string }>(caseId!);
    expect(stored?.data).to.deep.include({ email: 'aminah@moh.gov.my', fullName: 'Aminah binti Hassan', phone: '0123456789' });

    // The queue is empty again on both consoles.
    for (const { page } of [one, two]) await page.locator('#queue-empty').waitFor({ state: 'visible' });
    // The console's expected refusals (no session yet at first load, the losing take, the refused webmail) are its only errors.
    expect(me.problems).to.deep.equal([]);
    for (const p of [one, two]) expect(p.problems.filter((x) => !/status of (401|409|422)/.test(x))).to.deep.equal([]);
  });
});
