import { expect } from 'chai';
import { askedField, cardOf, Chat, texts, promptOf } from '../support/chat.js';
import { TestConnector } from '../support/connector.js';
import { startTestBot, tinyPng } from '../support/bot.js';
import {
  crlReasonOf,
  crlText,
  FlakyCa,
  issuedCertificate,
  opensslVerify,
  subjectOf,
  startWithApplicantAndAp,
  stopBotAndConnector,
} from '../support/certs.js';
import { waitFor } from '../support/wait-for.js';

type Bot = Awaited<ReturnType<typeof startTestBot>>;
const versionOf = (a: { attachments?: { content?: Record<string, unknown> }[] }) =>
  (a.attachments![0]!.content!.actions as { data: { version: number } }[])[0]!.data.version;

/**
 * Replacement over HTTP (DOMAIN.md 2.4): one case, two halves. A lost token reported by its owner
 * is revoked at once (keyCompromise) and the new certificate issued after AP verification; a
 * damaged one is revoked (superseded) after verification; a failing issue half is retried and the
 * holder told; a blocked token or forgotten PIN is explained, not replaced; an AP may replace for
 * a user of their agency.
 */
describe('e2e: user certificate replacement over HTTP', function () {
  this.timeout(120_000);
  let bot: Bot;
  const flaky = new FlakyCa();
  const connector = new TestConnector();
  let owner: Chat;
  let ap: Chat;
  let chain: string;

  before(async () => {
    ({ bot, applicant: owner, ap } = await startWithApplicantAndAp(connector, {}, { decorateCa: flaky.decorate }));
    chain = await (await fetch(`${bot.url}/pki/ca.pem`)).text();
  });
  after(() => stopBotAndConnector(bot, connector));

  const caseIdIn = (text: string) => /\*\*(UC-\d{4}-\d{6})\*\*/.exec(text)![1]!;

  async function start(chat: Chat, serial: string, answer: string) {
    let r = await chat.submit({ verb: 'start', goal: 'replaceUserCert' });
    r = await chat.submit({ verb: 'answer', field: 'certificate', choice: serial });
    expect(askedField(r)).to.equal('trigger');
    r = await chat.say(answer);
    return r;
  }

  it('explains the unblock and PIN reset procedures instead of replacing, with no case', async () => {
    const { cert } = await issuedCertificate(bot, 'demo-applicant');
    const before = (await bot.core.cases.listByApplicant('demo-applicant')).length;
    let r = await owner.submit({ verb: 'start', goal: 'replaceUserCert' });
    r = await owner.submit({ verb: 'answer', field: 'certificate', choice: cert.serial });
    expect(promptOf(r)?.channelData?.prompt?.choices?.map((c) => c.value)).to.deep.equal([
      'lost',
      'stolen',
      'damaged',
      'faulty',
      'wrongDetails',
      'blockedToken',
      'forgotPin',
    ]);
    r = await owner.say('Token disekat (PIN salah berulang kali)');
    expect(texts(r)).to.contain('SO PIN').and.contain('tidak boleh diwakilkan');
    r = await start(owner, cert.serial, 'Terlupa PIN sijil');
    expect(texts(r)).to.contain('Reset PIN').and.contain('PIN sementara');
    expect((await bot.core.cases.listByApplicant('demo-applicant')).length).to.equal(before);
    expect((await bot.core.certificates.get(cert.serial))?.status).to.equal('AKTIF');
  });

  it('revokes a lost token at once (keyCompromise), then issues the new certificate after AP verification', async () => {
    const { cert: old } = await issuedCertificate(bot, 'demo-applicant');
    let r = await start(owner, old.serial, 'Token/kad pintar atau fail sijil hilang');
    expect(texts(r)).to.contain('SERTA-MERTA');
    r = await owner.say('Ya');
    expect(askedField(r)).to.equal('address');
    r = await owner.say('Aras 5, Blok E7, Kompleks E, 62590 Putrajaya');
    // The copy verified for the first certificate is gone (DOMAIN.md 7.15): a new one is asked for.
    expect(askedField(r)).to.equal('mykadCopy');
    await owner.upload('mykad.png', 'image/png', tinyPng());
    r = await owner.say('ya');
    expect(JSON.stringify(cardOf(promptOf(r)))).to.contain('Ringkasan penggantian');
    r = await owner.submit({ verb: 'answer', field: 'confirm', choice: 'submit' });
    expect(texts(r)).to.contain('sedang dibatalkan SERTA-MERTA');
    const caseId = caseIdIn(texts(r));

    await owner.waitForSeen('old revoked', (a) => (a.text ?? '').includes(`Sijil lama ${old.serial.toUpperCase()} telah dibatalkan`));
    await ap.waitForSeen('AP informed', (a) => (a.text ?? '').includes('Makluman') && (a.text ?? '').includes(caseId));
    const card = await ap.waitForSeen('replacement card', (a) => JSON.stringify(cardOf(a) ?? {}).includes(`${caseId}**`));
    expect(JSON.stringify(cardOf(card)))
      .to.contain('Penggantian Sijil Digital Pengguna')
      .and.contain('Telah dibatalkan pada');
    expect(crlReasonOf(await crlText(`${bot.url}/pki/crl`), old.serial)).to.equal('Key Compromise');

    r = await ap.submit({ verb: 'approve', caseId, version: versionOf(card) });
    expect(texts(r)).to.contain(`mengesahkan ${caseId}`);
    await owner.waitFor('replacement issued', (a) => (a.text ?? '').includes(`Sijil Digital pengganti bagi ${caseId}`));
    const done = await bot.core.cases.get(caseId);
    expect(done?.status).to.equal('DIKELUARKAN');
    expect(done?.timeline.map((e) => e.event)).to.deep.equal([
      'submitted',
      'revokingUrgently',
      'oldRevoked',
      'approved',
      'mykadCopyDeleted',
      'revokingOld',
      'oldRevocationConfirmed',
      'issued',
    ]);
    const fresh = await bot.core.certificates.get(done!.certificateSerial!);
    expect((await opensslVerify(chain, fresh!.certPem)).ok).to.equal(true);
    const oldNow = await bot.core.certificates.get(old.serial);
    expect(oldNow).to.deep.include({ status: 'DIBATALKAN', successor: { serial: fresh!.serial, caseId } });
  });

  it('revokes a damaged token after verification (superseded), retries a failing issue half and tells the holder', async () => {
    const { cert: old } = await issuedCertificate(bot, 'demo-applicant');
    let r = await start(owner, old.serial, 'Token/kad pintar rosak');
    expect(texts(r)).to.contain('selepas AP meluluskan');
    await owner.say('ya');
    await owner.say('Aras 5, Blok E7, Kompleks E, 62590 Putrajaya');
    await owner.upload('mykad.png', 'image/png', tinyPng());
    await owner.say('ya');
    r = await owner.submit({ verb: 'answer', field: 'confirm', choice: 'submit' });
    expect(texts(r)).to.contain('Permohonan penggantian anda telah dihantar');
    const caseId = caseIdIn(texts(r));
    const card = await ap.waitFor('replacement card', (a) => JSON.stringify(cardOf(a) ?? {}).includes(`${caseId}**`));
    expect(JSON.stringify(cardOf(card))).to.contain('Akan dibatalkan selepas kelulusan');
    expect((await bot.core.certificates.get(old.serial))?.status).to.equal('AKTIF');

    flaky.failIssues(1);
    await ap.submit({ verb: 'approve', caseId, version: versionOf(card) });
    // Notices are delivered by concurrent jobs, so their order is not part of the promise.
    const told = (what: string, text: string) =>
      waitFor(what, () => connector.activities(owner.conversationId).some((a) => (a.text ?? '').includes(text)), { timeoutMs: 15_000 });
    await told('old revoked', `Sijil lama ${old.serial.toUpperCase()} telah dibatalkan`);
    await told('told of the delay', `belum dapat mengeluarkan sijil baharu bagi ${caseId}`);
    await told('replacement issued', `Sijil Digital pengganti bagi ${caseId}`);
    expect(flaky.remaining).to.equal(0);
    const done = await bot.core.cases.get(caseId);
    expect(done?.timeline.map((e) => e.event)).to.deep.equal([
      'submitted',
      'routed',
      'approved',
      'mykadCopyDeleted',
      'revokingOld',
      'oldRevoked',
      'issueDelayed',
      'issued',
    ]);
    // Told once, not at every retry.
    expect(connector.activities(owner.conversationId).filter((a) => (a.text ?? '').includes(`sijil baharu bagi ${caseId}`))).to.have.length(
      1,
    );
    expect(crlReasonOf(await crlText(`${bot.url}/pki/crl`), old.serial)).to.equal('Superseded');
    expect((await opensslVerify(chain, (await bot.core.certificates.get(done!.certificateSerial!))!.certPem)).ok).to.equal(true);
  });

  it('lets the AP replace a certificate with wrong details for a user of their agency', async () => {
    const { cert: old } = await issuedCertificate(bot, 'demo-applicant');
    let r = await ap.submit({ verb: 'start', goal: 'replaceUserCert' });
    await ap.say('Untuk pengguna agensi saya');
    await ap.say('aminah@moh.gov.my');
    r = await ap.submit({ verb: 'answer', field: 'certificate', choice: old.serial });
    r = await ap.say('Maklumat pada sijil salah');
    expect(texts(r)).to.contain('selepas AP meluluskan');
    await ap.say('ya');
    await ap.say('Aras 5, Blok E7, Kompleks E, 62590 Putrajaya');
    await ap.upload('mykad-aminah.png', 'image/png', tinyPng());
    r = await ap.say('ya');
    r = await ap.say('Ubah maklumat');
    expect(promptOf(r)?.channelData?.prompt?.choices?.map((c) => c.value)).to.include.members(['fullName', 'mykad', 'position']);
    await ap.say('Nama penuh');
    r = await ap.say('Aminah binti Hassan Ali');
    r = await ap.submit({ verb: 'answer', field: 'confirm', choice: 'submit' });
    expect(texts(r)).to.contain('dihantar bagi pihak pengguna');
    const caseId = caseIdIn(texts(r));
    await owner.waitForSeen('on-behalf notice', (a) => (a.text ?? '').includes(caseId) && (a.text ?? '').includes('Rahman bin Ali'));
    const done = await waitFor(
      'replacement done',
      async () => {
        const c = await bot.core.cases.get(caseId);
        return c?.status === 'DIKELUARKAN' ? c : undefined;
      },
      { timeoutMs: 20_000 },
    );
    const fresh = await bot.core.certificates.get(done.certificateSerial!);
    expect(await subjectOf(fresh!.certPem)).to.contain('CN=Aminah binti Hassan Ali');
    expect(crlReasonOf(await crlText(`${bot.url}/pki/crl`), old.serial)).to.equal('Superseded');
    expect(done.timeline.map((e) => e.event)).to.deep.equal([
      'submitted',
      'routed',
      'approvedOnBehalf',
      'revokingOld',
      'oldRevoked',
      'issued',
    ]);
  });
});
