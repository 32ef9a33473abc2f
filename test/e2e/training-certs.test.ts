import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { expect } from 'chai';
import type { TrainingCaseData } from '../../domain/cases/operations.js';
import { askedField, cardOf, Chat, texts, promptOf } from '../support/chat.js';
import type { SentActivity } from '../support/connector.js';
import { TestConnector } from '../support/connector.js';
import { startTestBot, TestClock } from '../support/bot.js';
import { crlReasonOf, crlText, opensslVerify, subjectOf, startWithApplicantAndAp, stopBotAndConnector } from '../support/certs.js';

const run = promisify(execFile);
type Bot = Awaited<ReturnType<typeof startTestBot>>;
const versionOf = (a: SentActivity) => (cardOf(a)!.actions as { data: { version: number } }[])[0]!.data.version;
const linkOf = (a: SentActivity) => (cardOf(a)!.actions as { url: string }[])[0]!.url;

/**
 * Training/test certificates over HTTP (DOMAIN.md 2.6): their own CA and CRL under
 * /pki/training, `TC` cases endorsed by the AP, labelled not for production in the subject and
 * every message, and delivered as PKCS#12 through a one-time, expiring page where the holder
 * chooses the password; the private key is deleted once downloaded. Renewal, revocation and
 * replacement work as for user certificates.
 */
describe('e2e: training/test certificates over HTTP', function () {
  this.timeout(120_000);
  let bot: Bot;
  const clock = new TestClock();
  const connector = new TestConnector();
  let dev: Chat;
  let ap: Chat;
  const year = () => clock.now().getUTCFullYear();

  before(async () => {
    // 20-day certificates sit inside the 30-day renewal window from the start.
    ({ bot, applicant: dev, ap } = await startWithApplicantAndAp(connector, { TRAINING_CERT_VALIDITY_DAYS: '20' }, { clock }));
  });
  after(() => stopBotAndConnector(bot, connector));

  async function endorse(caseId: string): Promise<SentActivity> {
    const card = await ap.waitForSeen('endorsement card', (a) => JSON.stringify(cardOf(a) ?? {}).includes(`${caseId}**`));
    const json = JSON.stringify(cardOf(card));
    expect(json).to.contain('BUKAN UNTUK PRODUKSI');
    const r = await ap.submit({ verb: 'approve', caseId, version: versionOf(card) });
    expect(texts(r)).to.contain(caseId);
    return dev.waitForSeen(
      'download card',
      (a) => JSON.stringify(cardOf(a) ?? {}).includes('Muat turun sijil (PKCS#12)') && JSON.stringify(cardOf(a)).includes(caseId),
    );
  }

  /** Opens the page, then posts a password; returns the PKCS#12 bytes. */
  async function download(link: string, password: string): Promise<Buffer> {
    const page = await fetch(link);
    expect(page.status).to.equal(200);
    const body = new URLSearchParams({ password, confirm: password });
    const res = await fetch(link, { method: 'POST', body });
    expect(res.status).to.equal(200);
    expect(res.headers.get('content-type')).to.equal('application/x-pkcs12');
    return Buffer.from(await res.arrayBuffer());
  }

  async function certOf(p12: Buffer, password: string): Promise<{ certPem: string; keyPem: string }> {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'gpki-p12-'));
    try {
      writeFileSync(path.join(dir, 'c.p12'), p12);
      const certs = await run('openssl', ['pkcs12', '-in', path.join(dir, 'c.p12'), '-passin', `pass:${password}`, '-nokeys', '-clcerts']);
      const key = await run('openssl', ['pkcs12', '-in', path.join(dir, 'c.p12'), '-passin', `pass:${password}`, '-nocerts', '-nodes']);
      return { certPem: /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----\n?/.exec(certs.stdout)![0], keyPem: key.stdout };
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }

  it('applies, is endorsed, and downloads a PKCS#12 once with a password chosen on the page; the key is then gone', async () => {
    let r = await dev.submit({ verb: 'start', goal: 'newTrainingCert' });
    expect(askedField(r)).to.equal('fullName');
    for (const answer of [
      'Aminah binti Hassan',
      'aminah@moh.gov.my',
      '012-345 6789',
      'Kementerian Kesihatan Malaysia',
      'Pembangun Sistem F41',
    ])
      r = await dev.say(answer);
    expect(askedField(r)).to.equal('purpose');
    r = await dev.say('Ujian integrasi ePerolehan');
    r = await dev.say('ya');
    expect(JSON.stringify(cardOf(promptOf(r))))
      .to.contain('Sijil Latihan/Ujian (BUKAN UNTUK PRODUKSI)')
      .and.contain('Ujian integrasi ePerolehan');
    r = await dev.submit({ verb: 'answer', field: 'confirm', choice: 'submit' });
    const caseId = `TC-${year()}-000001`;
    expect(texts(r)).to.contain(caseId).and.contain('BUKAN UNTUK PRODUKSI');

    const ready = await endorse(caseId);
    expect(JSON.stringify(cardOf(ready)))
      .to.contain('LATIHAN/UJIAN')
      .and.contain('jangan sekali-kali taip kata laluan di sini');
    const link = linkOf(ready);
    const keyId = (await bot.core.cases.get<TrainingCaseData>(caseId))!.data.delivery!.keyId!;
    expect(await bot.core.keys.csr(keyId, 'x')).to.be.a('string');

    const page = await (await fetch(link)).text();
    expect(page).to.contain('BUKAN UNTUK KEGUNAAN PRODUKSI').and.contain('NOT FOR PRODUCTION USE').and.contain('type="password"');
    let res = await fetch(link, { method: 'POST', body: new URLSearchParams({ password: 'pendek', confirm: 'pendek' }) });
    expect(res.status).to.equal(400);
    expect(await res.text())
      .to.contain('Kata laluan terlalu pendek')
      .and.contain('type="password"');
    res = await fetch(link, { method: 'POST', body: new URLSearchParams({ password: 'rahsia-latihan-1', confirm: 'rahsia-latihan-2' }) });
    expect(await res.text()).to.contain('tidak sama');
    const p12 = await download(link, 'rahsia-latihan-1');

    // Once only; the key is deleted and the case says so.
    res = await fetch(link);
    expect(res.status).to.equal(410);
    expect(await res.text()).to.contain('telah pun dimuat turun');
    expect(await bot.core.keys.csr(keyId, 'x')).to.equal(undefined);
    const stored = await bot.core.cases.get<TrainingCaseData>(caseId);
    expect(stored?.data.keyId).to.equal(undefined);
    expect(stored?.data.delivery?.state).to.equal('downloaded');
    expect(stored?.timeline.map((e) => e.event)).to.deep.equal([
      'submitted',
      'routed',
      'approved',
      'sentToCa',
      'keyGenerated',
      'issued',
      'downloaded',
    ]);

    // The file holds the key and the certificate, which chains to the training root only.
    const { certPem, keyPem } = await certOf(p12, 'rahsia-latihan-1');
    expect(keyPem).to.contain('PRIVATE KEY');
    const subject = await subjectOf(certPem);
    expect(subject).to.contain('OU=TRAINING/TEST - NOT FOR PRODUCTION USE').and.contain('OU=LATIHAN/UJIAN');
    const trainingChain = await (await fetch(`${bot.url}/pki/training/ca.pem`)).text();
    const productionChain = await (await fetch(`${bot.url}/pki/ca.pem`)).text();
    expect((await opensslVerify(trainingChain, certPem, clock.now())).ok).to.equal(true);
    expect((await opensslVerify(productionChain, certPem, clock.now())).ok).to.equal(false);
    expect(trainingChain).to.not.equal(productionChain);
  });

  it('renews, replaces (old one revoked as superseded) and revokes (keyCompromise on the training CRL only)', async () => {
    const first = (await bot.core.certificates.listByOwner('demo-applicant')).find((c) => c.profile === 'training')!;
    let r = await dev.submit({ verb: 'start', goal: 'renewTrainingCert' });
    expect(JSON.stringify(cardOf(promptOf(r)))).to.contain('LATIHAN/UJIAN');
    r = await dev.submit({ verb: 'answer', field: 'certificate', choice: first.serial });
    expect(askedField(r)).to.equal('declaration');
    r = await dev.say('ya');
    expect(JSON.stringify(cardOf(promptOf(r)))).to.contain('Ringkasan pembaharuan Sijil Latihan/Ujian');
    r = await dev.submit({ verb: 'answer', field: 'confirm', choice: 'submit' });
    const renewal = `TC-${year()}-000002`;
    expect(texts(r)).to.contain(renewal);
    await download(linkOf(await endorse(renewal)), 'rahsia-latihan-2');
    const renewed = (await bot.core.cases.get(renewal))!.certificateSerial!;
    expect((await bot.core.certificates.get(first.serial))?.successor?.serial).to.equal(renewed);

    r = await dev.submit({ verb: 'start', goal: 'replaceTrainingCert' });
    r = await dev.submit({ verb: 'answer', field: 'certificate', choice: renewed });
    expect(promptOf(r)?.channelData?.prompt?.choices?.map((c) => c.value)).to.deep.equal([
      'lost',
      'disclosed',
      'forgotPassword',
      'wrongDetails',
    ]);
    r = await dev.say('Terlupa kata laluan fail PKCS#12');
    r = await dev.say('ya');
    r = await dev.say('ya');
    r = await dev.submit({ verb: 'answer', field: 'confirm', choice: 'submit' });
    const replacement = `TC-${year()}-000003`;
    expect(texts(r)).to.contain(replacement);
    await download(linkOf(await endorse(replacement)), 'rahsia-latihan-3');
    const replacedBy = (await bot.core.cases.get(replacement))!.certificateSerial!;

    r = await dev.submit({ verb: 'start', goal: 'revokeTrainingCert' });
    r = await dev.submit({ verb: 'answer', field: 'certificate', choice: replacedBy });
    r = await dev.say('1');
    expect(texts(r)).to.contain('TIDAK boleh diundur').and.contain('LATIHAN/UJIAN');
    r = await dev.say('ya');
    expect(texts(r)).to.contain('dihantar terus kepada CA').and.contain('BUKAN UNTUK PRODUKSI');
    await dev.waitForSeen(
      'revoked',
      (a) => (a.text ?? '').includes(`Sijil ${replacedBy.toUpperCase()} telah dibatalkan`) && (a.text ?? '').includes('LATIHAN/UJIAN'),
    );

    const training = await crlText(`${bot.url}/pki/training/crl`);
    expect(crlReasonOf(training, renewed)).to.equal('Superseded');
    expect(crlReasonOf(training, replacedBy)).to.equal('Key Compromise');
    const production = await crlText(`${bot.url}/pki/crl`);
    expect(crlReasonOf(production, replacedBy)).to.equal(undefined);
    expect(training).to.contain('Latihan');
  });

  it('refuses a download link once it has expired', async () => {
    let r = await dev.submit({ verb: 'start', goal: 'newTrainingCert' });
    for (const answer of [
      'Aminah binti Hassan',
      'aminah@moh.gov.my',
      '0123456789',
      '1',
      'Penguji Sistem F29',
      'Ujian penerimaan 1GFMAS',
      'ya',
    ])
      r = await dev.say(answer);
    r = await dev.submit({ verb: 'answer', field: 'confirm', choice: 'submit' });
    const caseId = /\*\*(TC-\d{4}-\d{6})\*\*/.exec(texts(r))![1]!;
    const link = linkOf(await endorse(caseId));
    clock.advanceDays(1.1);
    const res = await fetch(link);
    expect(res.status).to.equal(410);
    expect(await res.text())
      .to.contain('telah tamat tempoh')
      .and.contain('has expired');
    const post = await fetch(link, {
      method: 'POST',
      body: new URLSearchParams({ password: 'rahsia-latihan-9', confirm: 'rahsia-latihan-9' }),
    });
    expect(post.status).to.equal(410);
    const forged = await fetch(link.replace(/sig=[^&]+/, 'sig=AAAA'));
    expect(forged.status).to.equal(403);
  });
});
