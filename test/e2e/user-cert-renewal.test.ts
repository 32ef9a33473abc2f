import { expect } from 'chai';
import { malaysiaParts } from '../../domain/rules/malaysia-time.js';
import { askedField, cardOf, Chat, texts, promptOf } from '../support/chat.js';
import { TestConnector } from '../support/connector.js';
import { startTestBot, TestClock, tinyPng } from '../support/bot.js';
import { issuedCertificate, opensslVerify, startWithApplicantAndAp, stopBotAndConnector } from '../support/certs.js';
import { waitFor } from '../support/wait-for.js';

type Bot = Awaited<ReturnType<typeof startTestBot>>;

/**
 * Renewal over HTTP with an injected clock (DOMAIN.md 2.2): only inside the window (30 days
 * before expiry), pre-filled from the previous application with address, phone and MyKad copy
 * changeable, verified by the AP, issued by the CA, the old certificate left valid and linked.
 * Too early, expired, someone else's and already renewed are explained, with no case created.
 */
describe('e2e: user certificate renewal over HTTP', function () {
  this.timeout(120_000);
  let bot: Bot;
  const clock = new TestClock();
  const connector = new TestConnector();
  let owner: Chat;
  let ap: Chat;

  before(async () => {
    ({ bot, applicant: owner, ap } = await startWithApplicantAndAp(connector, {}, { clock }));
  });
  after(() => stopBotAndConnector(bot, connector));

  const casesOf = async (personId: string) => (await bot.core.cases.listByApplicant(personId)).length;
  const caseIdIn = (text: string) => /\*\*((?:UC|TC)-\d{4}-\d{6})\*\*/.exec(text)![1]!;

  it("says when the window opens, and refuses someone else's certificate, creating no case", async () => {
    const { cert } = await issuedCertificate(bot, 'demo-applicant');
    const before = await casesOf('demo-applicant');
    let r = await owner.submit({ verb: 'start', goal: 'renewUserCert' });
    expect(askedField(r)).to.equal('certificate');
    const list = JSON.stringify(cardOf(promptOf(r)));
    expect(list).to.contain(cert.serial.toUpperCase()).and.contain('Token').and.contain('Sah hingga');
    r = await owner.submit({ verb: 'answer', field: 'certificate', choice: cert.serial });
    const opens = new Date(Date.parse(cert.notAfter) - 30 * 86_400_000);
    // The date as the person reads it: in Malaysian time, whatever the server's time zone and the hour of the run.
    expect(texts(r)).to.contain('belum boleh diperbaharui').and.contain(malaysiaParts(opens).date);
    expect(askedField(r)).to.equal(undefined);

    const tech = new Chat({ botUrl: () => bot.url, connector, userId: 'demo-tech' });
    r = await tech.submit({ verb: 'start', goal: 'renewUserCert', serial: cert.serial });
    expect(texts(r)).to.contain('bukan milik anda');
    await tech.say('English');
    r = await tech.submit({ verb: 'start', goal: 'renewUserCert', serial: cert.serial });
    expect(texts(r)).to.contain('is not yours').and.contain('must make this request');
    expect(await casesOf('demo-applicant')).to.equal(before);
    expect(await casesOf('demo-tech')).to.equal(0);
  });

  it('renews inside the window with the previous details, the AP verifies, and openssl verifies the new certificate', async () => {
    const old = (await bot.core.certificates.listByOwner('demo-applicant'))[0]!;
    clock.set(new Date(Date.parse(old.notAfter) - 20 * 86_400_000));
    let r = await owner.submit({ verb: 'start', goal: 'renewUserCert' });
    r = await owner.submit({ verb: 'answer', field: 'certificate', choice: old.serial });
    expect(texts(r)).to.contain('kita perbaharui sijil');
    expect(askedField(r)).to.equal('address'); // the first application had none
    r = await owner.say('Aras 5, Blok E7, Kompleks E, 62590 Putrajaya');
    // The first copy was deleted once the AP verified it (DOMAIN.md 7.15): a newer one is asked for.
    expect(askedField(r)).to.equal('mykadCopy');
    r = await owner.upload('mykad-baharu.png', 'image/png', tinyPng());
    expect(askedField(r)).to.equal('declaration');
    r = await owner.say('ya');
    expect(askedField(r)).to.equal('confirm');
    let summary = JSON.stringify(cardOf(promptOf(r)));
    expect(summary)
      .to.contain('Ringkasan pembaharuan')
      .and.contain(old.serial.toUpperCase())
      .and.contain('Aminah binti Hassan')
      .and.contain('9001******78');
    r = await owner.say('Ubah maklumat');
    expect(promptOf(r)?.channelData?.prompt?.choices?.map((c) => c.value)).to.deep.equal(['address', 'phone', 'mykadCopy']);
    r = await owner.say('Telefon');
    r = await owner.say('03-8000 1234');
    summary = JSON.stringify(cardOf(promptOf(r)));
    expect(summary).to.contain('0380001234');
    r = await owner.submit({ verb: 'answer', field: 'confirm', choice: 'submit' });
    expect(texts(r)).to.contain('Permohonan pembaharuan anda telah dihantar');
    const caseId = caseIdIn(texts(r));
    const stored = await bot.core.cases.get<Record<string, unknown>>(caseId);
    expect(stored?.data).to.include({
      operation: 'renew',
      renews: old.serial,
      phone: '0380001234',
      address: 'Aras 5, Blok E7, Kompleks E, 62590 Putrajaya',
    });

    const card = await ap.waitFor('renewal card', (a) => JSON.stringify(cardOf(a) ?? {}).includes(caseId));
    expect(JSON.stringify(cardOf(card)))
      .to.contain('Pembaharuan Sijil Digital Pengguna')
      .and.contain('Sijil yang diperbaharui')
      .and.contain(old.serial.toUpperCase());
    r = await ap.submit({ verb: 'approve', caseId, version: (cardOf(card)!.actions as { data: { version: number } }[])[0]!.data.version });
    expect(texts(r)).to.contain(`meluluskan ${caseId}`);
    const issued = await owner.waitFor('renewed notice', (a) => (a.text ?? '').includes('Sijil Digital baharu anda bagi pembaharuan'));
    expect(issued.text).to.contain('Sijil lama kekal sah');

    const done = await bot.core.cases.get(caseId);
    expect(done?.status).to.equal('DIKELUARKAN');
    const fresh = await bot.core.certificates.get(done!.certificateSerial!);
    const oldNow = await bot.core.certificates.get(old.serial);
    expect(oldNow?.status).to.equal('AKTIF');
    expect(oldNow?.successor).to.deep.equal({ serial: fresh!.serial, caseId });
    expect(Date.parse(fresh!.notAfter)).to.be.greaterThan(Date.parse(old.notAfter));
    const chain = await (await fetch(`${bot.url}/pki/ca.pem`)).text();
    const verified = await opensslVerify(chain, fresh!.certPem, clock.now());
    expect(verified.ok, verified.output).to.equal(true);

    // Renewing the same certificate again is explained, not done twice.
    const count = await casesOf('demo-applicant');
    r = await owner.submit({ verb: 'start', goal: 'renewUserCert', serial: old.serial });
    expect(texts(r)).to.contain('telah pun diperbaharui').and.contain(fresh!.serial.toUpperCase());
    expect(await casesOf('demo-applicant')).to.equal(count);
  });

  it('points to a new application once the certificate has expired', async () => {
    const { cert } = await issuedCertificate(bot, 'demo-applicant');
    clock.set(new Date(Date.parse(cert.notAfter) + 86_400_000));
    const count = await casesOf('demo-applicant');
    const r = await owner.submit({ verb: 'start', goal: 'renewUserCert', serial: cert.serial });
    expect(texts(r)).to.contain('telah tamat tempoh').and.contain('permohonan baharu');
    expect(await casesOf('demo-applicant')).to.equal(count);
  });

  it('lets the AP renew for a user of their agency, verifying it by doing so', async () => {
    const { cert } = await issuedCertificate(bot, 'demo-applicant');
    clock.set(new Date(Date.parse(cert.notAfter) - 10 * 86_400_000));
    let r = await ap.submit({ verb: 'start', goal: 'renewUserCert' });
    expect(askedField(r)).to.equal('whoFor');
    r = await ap.say('2');
    r = await ap.say('aminah@moh.gov.my');
    r = await ap.submit({ verb: 'answer', field: 'certificate', choice: cert.serial });
    expect(askedField(r)).to.equal('address');
    r = await ap.say('Aras 3, Blok E1, Kompleks E, 62590 Putrajaya');
    expect(askedField(r)).to.equal('mykadCopy');
    await ap.upload('mykad-aminah.png', 'image/png', tinyPng());
    await ap.say('ya');
    r = await ap.submit({ verb: 'answer', field: 'confirm', choice: 'submit' });
    expect(texts(r)).to.contain('dihantar bagi pihak pengguna');
    const caseId = caseIdIn(texts(r));
    await owner.waitForSeen('on-behalf notice', (a) => (a.text ?? '').includes('Rahman bin Ali') && (a.text ?? '').includes(caseId));
    await owner.waitForSeen('issued', (a) => (a.text ?? '').includes(`pembaharuan ${caseId}`));
    const done = await waitFor('issued case', async () =>
      (await bot.core.cases.get(caseId))?.status === 'DIKELUARKAN' ? bot.core.cases.get(caseId) : undefined,
    );
    expect(done.applicantId).to.equal('demo-applicant');
    expect(done.timeline.map((e) => e.event)).to.deep.equal(['submitted', 'routed', 'approvedOnBehalf', 'sentToCa', 'issued']);
    expect((await bot.core.certificates.get(done.certificateSerial!))?.ownerId).to.equal('demo-applicant');
  });
});
