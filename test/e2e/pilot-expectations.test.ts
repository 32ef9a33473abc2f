import { expect } from 'chai';
import { askedField, cardOf, Chat, promptOf, texts } from '../support/chat.js';
import type { SentActivity } from '../support/connector.js';
import { TestConnector } from '../support/connector.js';
import { removeDir, startTestBot } from '../support/bot.js';
import { issuedCertificate } from '../support/certs.js';
import { loadConfig } from '../../infra/config.js';

type Bot = Awaited<ReturnType<typeof startTestBot>>;
const PORTAL = 'https://portal.pilot.gov.my/gpki_portal';

/**
 * Pilot item 11, "what people expect and do not find", over HTTP in both languages: what each
 * medium means at the medium question, what to do once a certificate is issued, how to import a
 * training PKCS#12, a warning about a certificate already held, and the directory's details
 * offered instead of typed again.
 */
describe('e2e: what people expect and do not find', function () {
  this.timeout(120_000);
  let bot: Bot;
  const connector = new TestConnector();

  before(async () => {
    await connector.start();
    bot = await startTestBot({ MYGPKI_PORTAL_URL: PORTAL });
  });
  after(async () => {
    await bot?.close();
    await connector.stop();
    removeDir(bot.dataDir);
  });

  /** Starts a new user-certificate application and answers every question up to the medium. */
  async function toMedium(chat: Chat): Promise<SentActivity[]> {
    let r = await chat.submit({ verb: 'start', goal: 'newUserCert' });
    const answers: Record<string, string> = {
      mykad: '900101-14-5678',
      fullName: 'Aminah binti Hassan',
      email: 'aminah@moh.gov.my',
      phone: '012-345 6789',
      agency: 'KKM',
      position: 'Pegawai Teknologi Maklumat F41',
    };
    for (let i = 0; i < 12 && askedField(r) !== 'medium'; i++) {
      const field = askedField(r) ?? '';
      expect(answers, `unexpected question ${field}`).to.have.property(field);
      r = await chat.say(answers[field]!);
    }
    expect(askedField(r)).to.equal('medium');
    return r;
  }

  describe('a. the media explained at the medium question', () => {
    it('explains token, softcert and Roaming ID in one plain line each, in Malay', async () => {
      const chat = new Chat({ botUrl: () => bot.url, connector, userId: 'demo-applicant' });
      const r = await toMedium(chat);
      const q = promptOf(r)?.text ?? '';
      expect(q).to.contain('Jenis media sijil yang anda perlukan?');
      expect(q).to.contain('**Token**: peranti USB');
      expect(q).to.contain('**Sijil perisian (softcert)**: fail sijil yang anda muat turun dari portal MyGPKI');
      expect(q).to.contain('**Roaming ID**: tiada peranti atau fail');
      // The choices are unchanged: the explanation is text, the answer still a button.
      expect(promptOf(r)?.channelData?.prompt?.choices?.map((c) => c.value)).to.deep.equal(['token', 'softcert', 'roaming']);
      expect(askedField(await chat.say('batal'))).to.equal(undefined);
    });

    it('explains them in English for a person who chose English', async () => {
      const chat = new Chat({ botUrl: () => bot.url, connector, userId: 'demo-tech' });
      await chat.say('english');
      const r = await toMedium(chat);
      const q = promptOf(r)?.text ?? '';
      expect(q).to.contain('Which certificate medium do you need?');
      expect(q).to.contain('**Token**: a USB device');
      expect(q).to.contain('**Software certificate (softcert)**: a certificate file you download from the MyGPKI portal');
      expect(q).to.contain('**Roaming ID**: no device or file to keep');
      expect(texts(await chat.say('cancel'))).to.not.contain('Jenis media');
    });
  });

  describe('b. next steps and the portal in the issued notice', () => {
    it('tells a token holder in Malay to collect the token from the AP and confirm receipt on the portal', async () => {
      const chat = new Chat({ botUrl: () => bot.url, connector, userId: 'demo-applicant' });
      await chat.say('menu');
      const { caseId } = await issuedCertificate(bot, 'demo-applicant', { patch: { medium: 'token' } });
      const n = await chat.waitFor('issued notice', (a) => (a.text ?? '').includes(`${caseId} telah dikeluarkan`));
      expect(n.text).to.match(/No\. siri: [0-9A-F]+/);
      expect(n.text).to.contain('Langkah seterusnya (token): AP agensi anda akan menyerahkan token kepada anda');
      expect(n.text).to.contain(`sahkan penerimaan token di portal MyGPKI: ${PORTAL}`);
      expect(n.text).to.not.contain('muat turun sijil');
    });

    it('tells a softcert holder in English to set the PIN and download it on the portal', async () => {
      const chat = new Chat({ botUrl: () => bot.url, connector, userId: 'demo-tech' });
      await chat.say('english');
      const { caseId } = await issuedCertificate(bot, 'demo-tech', {
        patch: { medium: 'softcert', email: 'lim.weijie@moh.gov.my', fullName: 'Lim Wei Jie' },
      });
      const n = await chat.waitFor('issued notice', (a) => (a.text ?? '').includes(`application ${caseId} has been issued`));
      expect(n.text).to.contain(
        `Next steps (softcert): sign in to the MyGPKI portal (${PORTAL}), set your certificate PIN and download the certificate`,
      );
      expect(n.text).to.contain('Never share your PIN here');
    });

    it('tells a Roaming ID holder in Malay to sign in on the portal and set the PIN', async () => {
      const chat = new Chat({ botUrl: () => bot.url, connector, userId: 'demo-verifier' });
      await chat.say('menu');
      const { caseId } = await issuedCertificate(bot, 'demo-verifier', {
        patch: { medium: 'roaming', email: 'siti.omar@moh.gov.my', fullName: 'Siti Nurhaliza binti Omar' },
      });
      const n = await chat.waitFor('issued notice', (a) => (a.text ?? '').includes(`${caseId} telah dikeluarkan`));
      expect(n.text).to.contain(`Langkah seterusnya (Roaming ID): log masuk ke portal MyGPKI (${PORTAL}) dan tetapkan PIN sijil anda`);
    });

    it('defaults the portal to the MyGPKI production portal and refuses an address that is not one', () => {
      expect(loadConfig({}).portalUrl).to.equal('https://mygpki.gov.my/gpki_portal');
      expect(() => loadConfig({ MYGPKI_PORTAL_URL: 'mygpki.gov.my' })).to.throw(/MYGPKI_PORTAL_URL/);
    });
  });

  describe('c. how to import the training .p12, on the download page', () => {
    it('shows the Windows and Firefox import steps in both languages, and keeps them after a refused password', async () => {
      const chat = new Chat({ botUrl: () => bot.url, connector, userId: 'demo-applicant' });
      await chat.say('menu');
      const { caseId } = await issuedCertificate(bot, 'demo-applicant', { realm: 'training' });
      const card = await chat.waitForSeen(
        'download card',
        (a) => JSON.stringify(cardOf(a) ?? {}).includes(caseId) && JSON.stringify(cardOf(a)).includes('PKCS#12'),
      );
      const link = (cardOf(card)!.actions as { url: string }[])[0]!.url;

      const page = await (await fetch(link)).text();
      expect(page).to.contain('Selepas muat turun: cara import fail .p12').and.contain('After the download: how to import the .p12 file');
      expect(page).to.contain('Klik dua kali fail .p12 yang dimuat turun.').and.contain('Double-click the downloaded .p12 file.');
      expect(page).to.contain('Certificate Import Wizard akan dibuka').and.contain('The Certificate Import Wizard opens');
      expect(page).to.contain('Taip kata laluan yang anda pilih di halaman ini').and.contain('Type the password you chose on this page');
      expect(page).to.contain('Pelayar Firefox').and.contain('Firefox browser');
      expect(page).to.contain('Dalam tab Your Certificates, klik Import').and.contain('On the Your Certificates tab, click Import');
      // The steps sit after the form: the download leaves this page on screen.
      expect(page.indexOf('</form>')).to.be.below(page.indexOf('After the download'));

      const refused = await (
        await fetch(link, { method: 'POST', body: new URLSearchParams({ password: 'rahsia-latihan-1', confirm: 'lain-lain-sekali' }) })
      ).text();
      expect(refused).to.contain('Kedua-dua kata laluan tidak sama').and.contain('Double-click the downloaded .p12 file.');

      const res = await fetch(link, {
        method: 'POST',
        body: new URLSearchParams({ password: 'rahsia-latihan-1', confirm: 'rahsia-latihan-1' }),
      });
      expect(res.headers.get('content-type')).to.equal('application/x-pkcs12');
      await res.arrayBuffer();
    });
  });

  describe('d. a warning about a valid certificate already held, at a new application', () => {
    it('names the certificate in Malay, points to renewal or replacement, and stops on "tidak"', async () => {
      const chat = new Chat({ botUrl: () => bot.url, connector, userId: 'demo-applicant' });
      const held = (await bot.core.certificates.listByOwner('demo-applicant')).find(
        (c) => c.profile !== 'training' && c.medium === 'token',
      )!;
      let r = await chat.submit({ verb: 'start', goal: 'newUserCert' });
      expect(askedField(r)).to.equal('held');
      const q = promptOf(r)?.text ?? '';
      expect(q).to.contain('Anda sudah memegang Sijil Digital Pengguna yang masih sah');
      expect(q).to.contain(`No. siri …${held.serial.toUpperCase().slice(-8)}, Token, sah hingga `);
      expect(q).to.contain('"Perbaharui sijil pengguna"').and.contain('"Ganti sijil pengguna"');
      r = await chat.say('tidak');
      expect(texts(r)).to.contain('permohonan baharu tidak diteruskan');
      expect(askedField(r)).to.not.equal('mykad');
    });

    it('warns in English and goes on to the application on "yes"', async () => {
      const chat = new Chat({ botUrl: () => bot.url, connector, userId: 'demo-tech' });
      let r = await chat.submit({ verb: 'start', goal: 'newUserCert' });
      expect(askedField(r)).to.equal('held');
      expect(promptOf(r)?.text)
        .to.contain('You already hold a valid user digital certificate')
        .and.contain('Software certificate (softcert), valid until');
      expect(promptOf(r)?.text).to.contain('"Renew a user certificate"').and.contain('"Replace a user certificate"');
      r = await chat.say('yes');
      expect(askedField(r)).to.equal('mykad');
      await chat.say('cancel');
    });

    it('does not warn someone who holds no user certificate', async () => {
      const chat = new Chat({ botUrl: () => bot.url, connector, userId: 'demo-lead' });
      await chat.say('menu');
      const r = await chat.submit({ verb: 'start', goal: 'newUserCert' });
      expect(askedField(r)).to.equal('mykad');
      await chat.say('batal');
    });
  });
  describe("e. the directory's name, e-mail and agency offered as one-tap answers", () => {
    it('offers them in Malay, and a tap on the offered answer answers the question', async () => {
      const chat = new Chat({ botUrl: () => bot.url, connector, userId: 'demo-lead' });
      let r = await chat.submit({ verb: 'start', goal: 'newUserCert' });
      expect(askedField(r)).to.equal('mykad');
      r = await chat.say('900101-14-5678');
      expect(askedField(r)).to.equal('fullName');
      expect(promptOf(r)?.text).to.contain('Dalam direktori agensi anda: Farid bin Ismail');
      expect((promptOf(r)?.suggestedActions as { actions?: { value: string }[] } | undefined)?.actions?.map((a) => a.value)).to.deep.equal([
        'Farid bin Ismail',
      ]);
      r = await chat.say('Farid bin Ismail');
      expect(askedField(r)).to.equal('email');
      expect(promptOf(r)?.text).to.contain('Dalam direktori agensi anda: farid@mampu.gov.my');
      r = await chat.say('farid@mampu.gov.my');
      expect(askedField(r)).to.equal('phone');
      // No phone in the directory: nothing offered.
      expect(promptOf(r)?.text).to.not.contain('direktori');
      r = await chat.say('012-345 6789');
      expect(askedField(r)).to.equal('agency');
      expect(promptOf(r)?.text).to.contain('Agensi anda dalam direktori: Unit Pemodenan Tadbiran dan Perancangan Pengurusan Malaysia');
      expect(askedField(await chat.say('batal'))).to.equal(undefined);
    });

    it('offers them in English, and a typed answer other than the offer is taken instead', async () => {
      const chat = new Chat({ botUrl: () => bot.url, connector, userId: 'demo-lead' });
      await chat.say('english');
      let r = await chat.submit({ verb: 'start', goal: 'newUserCert' });
      r = await chat.say('900101-14-5678');
      expect(promptOf(r)?.text).to.contain('Your agency directory has: Farid bin Ismail');
      r = await chat.say('Mohd Farid bin Ismail');
      expect(askedField(r)).to.equal('email');
      r = await chat.say('farid.ismail@mampu.gov.my');
      r = await chat.say('012-345 6789');
      expect(promptOf(r)?.text).to.contain(
        'Your agency in the directory: Malaysian Administrative Modernisation and Management Planning Unit',
      );
      for (let i = 0; i < 8 && askedField(r) !== 'mykadCopy'; i++) {
        const answers: Record<string, string> = {
          agency: 'MAMPU',
          position: 'Pegawai Teknologi Maklumat F41',
          medium: 'token',
          applications: 'HRMIS',
        };
        r = await chat.say(answers[askedField(r) ?? ''] ?? 'cancel');
      }
      expect(askedField(r)).to.equal('mykadCopy');
      await chat.say('cancel');
    });

    it('does not offer an address the form would refuse (webmail in the directory)', async () => {
      const person = (await bot.core.directory.getPerson('demo-lead'))!;
      await bot.core.directory.upsertPerson({
        ...person,
        id: 'demo-webmail',
        email: 'farid@gmail.com',
        identities: [{ channelId: '*', userId: 'demo-webmail' }],
      });
      const chat = new Chat({ botUrl: () => bot.url, connector, userId: 'demo-webmail' });
      let r = await chat.submit({ verb: 'start', goal: 'newUserCert' });
      r = await chat.say('900101-14-5678');
      r = await chat.say('Farid bin Ismail');
      expect(askedField(r)).to.equal('email');
      expect(promptOf(r)?.text).to.not.contain('direktori');
      expect(promptOf(r)?.suggestedActions).to.equal(undefined);
      await chat.say('batal');
    });
  });
});
