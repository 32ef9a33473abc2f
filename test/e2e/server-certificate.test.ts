import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { expect } from 'chai';
import { verifyAuditChain } from '../../domain/audit.js';
import { askedField, cardOf, promptOf, texts } from '../support/chat.js';
import { TestConnector } from '../support/connector.js';
import {
  applyForServerCert,
  caseIdIn,
  DOMAINS,
  endorseApproveAndReceive,
  hasCase,
  openCsrTask,
  pemOf,
  people,
  versionOn,
  type People,
} from '../support/server-flow.js';
import { removeDir, startTestBot, TestClock } from '../support/bot.js';
import { breakSignature, OpensslCsrs } from '../support/openssl-csr.js';
import { opensslVerify } from '../support/certs.js';

const run = promisify(execFile);
type Bot = Awaited<ReturnType<typeof startTestBot>>;

/**
 * Server certificates over HTTP, four people in four conversations: the applicant applies, the
 * technical officer's CSRs are checked as they arrive, the verifying officer endorses (or returns),
 * the lead agency approves, the CA job issues; then renewal and revocation.
 */
describe('e2e: server certificates over HTTP (embedded CA)', function () {
  this.timeout(180_000);
  let bot: Bot;
  const connector = new TestConnector();
  const csrs = new OpensslCsrs();
  const clock = new TestClock();
  let p: People;
  let firstSerial = '';
  let firstKey = '';

  before(async () => {
    await connector.start();
    bot = await startTestBot({}, undefined, { clock });
    p = people(() => bot.url, connector);
    for (const c of [p.applicant, p.tech, p.verifier, p.lead]) await c.say('hai');
  });
  after(async () => {
    await bot?.close();
    await connector.stop();
    removeDir(bot.dataDir);
    csrs.remove();
  });

  it('offers server certificates in the menu and by intent', async () => {
    const menu = await p.applicant.say('menu');
    expect(JSON.stringify(menu)).to.contain('Mohon sijil pelayan baharu').and.contain('"goal":"newServerCert"');
    const r = await p.applicant.say('saya nak mohon sijil pelayan SSL untuk portal agensi');
    expect(askedField(r)).to.equal('certType');
    await p.applicant.say('batal');
  });

  it('applies, refuses every bad CSR with its reason, returns, endorses, approves and issues', async () => {
    const caseId = await applyForServerCert(p, { mistakes: true });
    await openCsrTask(p, caseId);
    // The technical officer can stop and come back to the task from `tugasan`; nothing changes meanwhile.
    let r = await p.tech.say('batal');
    expect(texts(r)).to.contain('Tiada apa-apa dihantar');
    expect((await bot.core.cases.get(caseId))?.status).to.equal('MENUNGGU_CSR');
    r = await p.tech.say('tugasan');
    const again = r.find(
      (a) => JSON.stringify(cardOf(a) ?? {}).includes('"verb":"serverCsr"') && JSON.stringify(cardOf(a)).includes(caseId),
    );
    r = await p.tech.submit((cardOf(again)!.actions as { data: Record<string, unknown> }[])[0]!.data);
    expect(askedField(r)).to.equal('csr');
    const upload = async (name: string, bytes: Buffer) => texts(await p.tech.upload(name, 'application/pkcs10', bytes));
    const cn = DOMAINS[0]!;
    const san = DOMAINS.map((d) => `DNS:${d}`);

    expect(await upload('weak.csr', await csrs.csr({ key: await csrs.key('rsa:1024'), cn, san }))).to.contain(
      'Kunci RSA terlalu pendek (1024 bit)',
    );
    expect(await upload('sha1.csr', await csrs.csr({ cn, san, digest: 'sha1' }))).to.contain('cincangan lemah (sha1)');
    expect(await upload('wrong.csr', await csrs.csr({ cn, san: [san[0]!, 'DNS:lain.moh.gov.my'] }))).to.contain(
      'Tiada dalam CSR: www.temujanji.moh.gov.my. Lebihan dalam CSR: lain.moh.gov.my',
    );
    expect(await upload('middle.csr', await csrs.csr({ cn, san: [...san, 'DNS:a.*.moh.gov.my'] }))).to.contain(
      '"a.*.moh.gov.my": aksara * hanya dibenarkan',
    );
    expect(await upload('ip.csr', await csrs.csr({ cn, san: [...san, 'IP:10.20.30.40'] }))).to.contain('"10.20.30.40" ialah alamat IP');
    expect(await upload('broken.der', breakSignature(await csrs.csr({ cn, san, der: true })))).to.contain('Tandatangan CSR tidak sah');
    expect(await upload('notes.txt', Buffer.from('hello, this is not a CSR'))).to.contain('bukan permintaan sijil (CSR) PKCS#10');
    // Several problems at once are all listed.
    const many = await upload(
      'many.csr',
      await csrs.csr({ key: await csrs.key('rsa:1024'), cn, san: [...san, 'IP:10.0.0.1'], digest: 'sha1' }),
    );
    expect(many).to.contain('3 masalah').and.contain('terlalu pendek').and.contain('cincangan lemah').and.contain('alamat IP');
    expect((await bot.core.cases.get(caseId))?.status).to.equal('MENUNGGU_CSR');

    // A good RSA-2048 CSR, pasted as PEM.
    const firstKeyFile = await csrs.key('rsa:2048');
    r = await p.tech.say((await csrs.csr({ key: firstKeyFile, cn, san })).toString());
    expect(texts(r)).to.contain(`CSR bagi **${caseId}** lulus semua semakan`);

    // Separation of duties: neither the applicant nor the technical officer may endorse.
    const card = await p.verifier.waitFor(
      'endorse card',
      (a) => hasCase(caseId)(a) && JSON.stringify(cardOf(a) ?? {}).includes('"decision":"endorse"'),
    );
    expect(JSON.stringify(cardOf(card))).to.contain('RSA-2048');
    r = await p.applicant.submit({ verb: 'serverDecide', decision: 'endorse', caseId, version: versionOn(card) });
    expect(texts(r)).to.contain('pengasingan tugas');
    r = await p.tech.submit({ verb: 'serverDecide', decision: 'endorse', caseId, version: versionOn(card) });
    expect(texts(r)).to.contain('pengasingan tugas');
    r = await p.lead.submit({ verb: 'serverDecide', decision: 'endorse', caseId, version: versionOn(card) });
    expect(texts(r)).to.contain('bukan pegawai yang dinamakan');
    expect((await bot.core.cases.get(caseId))?.status).to.equal('MENUNGGU_PENGESAHAN');

    // The verifying officer returns it for a new CSR; a return needs a note.
    r = await p.verifier.submit({ verb: 'serverDecide', decision: 'return', caseId, version: versionOn(card) });
    expect(texts(r)).to.contain('Sila nyatakan catatan');
    r = await p.verifier.submit({
      verb: 'serverDecide',
      decision: 'return',
      caseId,
      version: versionOn(card),
      note: 'Sila guna kunci EC P-256',
    });
    expect(texts(r)).to.contain(`mengembalikan ${caseId}`);
    await p.applicant.waitFor('returned notice', (a) => (a.text ?? '').includes('Sila guna kunci EC'));
    await openCsrTask(p, caseId);
    firstKey = await csrs.key('ec:P-256');
    r = await p.tech.upload('server.der', 'application/pkcs10', await csrs.csr({ key: firstKey, cn, san, der: true }));
    expect(texts(r)).to.contain('lulus semua semakan');

    const { serial, files } = await endorseApproveAndReceive(p, caseId);
    firstSerial = serial;
    await p.applicant.waitFor('issued notice to applicant', (a) => (a.text ?? '').includes(`No. siri: ${serial}`));

    // What is stored.
    const stored = await bot.core.cases.get(caseId);
    expect(stored?.status).to.equal('DIKELUARKAN');
    expect(stored?.timeline.map((e) => e.event)).to.deep.equal([
      'submitted',
      'csrRequested',
      'csrAccepted',
      'returnedForCsr',
      'csrAccepted',
      'endorsed',
      'leadApproved',
      'issued',
    ]);
    expect(verifyAuditChain(await bot.core.audit.list(caseId))).to.deep.equal({ ok: true });
    const cert = await bot.core.certificates.get(serial.toLowerCase());
    expect(cert).to.include({ profile: 'server', ownerId: 'demo-tech', status: 'AKTIF' });

    // What the CA issued: the files verify with openssl, for exactly the application's names and key.
    const certPem = pemOf(files, '.crt.pem');
    expect(certPem).to.equal(cert!.certPem);
    expect((await opensslVerify(pemOf(files, '.chain.pem'), certPem)).ok).to.equal(true);
    const dir = mkdtempSync(path.join(os.tmpdir(), 'gpki-x509-'));
    writeFileSync(path.join(dir, 'c.pem'), certPem);
    const { stdout } = await run('openssl', [
      'x509',
      '-in',
      path.join(dir, 'c.pem'),
      '-noout',
      '-ext',
      'subjectAltName,extendedKeyUsage',
      '-pubkey',
    ]);
    const { stdout: pub } = await run('openssl', ['pkey', '-in', firstKey, '-pubout']);
    removeDir(dir);
    expect(stdout)
      .to.contain('DNS:temujanji.moh.gov.my, DNS:www.temujanji.moh.gov.my')
      .and.contain('TLS Web Server Authentication')
      .and.contain(pub.trim());

    // The technical officer fetches the files again later.
    r = await p.tech.say(`status ${caseId}`);
    expect(texts(r)).to.contain('Diluluskan oleh agensi peneraju');
    expect(r.find((a) => (a.attachments ?? []).length === 2 && (a.text ?? '').includes(serial))).to.not.equal(undefined);
  });

  it('renews only inside the window, with a new key, through the same chain', async () => {
    let r = await p.tech.submit({ verb: 'start', goal: 'renewServerCert' });
    expect(askedField(r)).to.equal('serial');
    r = await p.tech.say('1');
    expect(askedField(r)).to.equal('confirm');
    r = await p.tech.say('ya');
    expect(texts(r)).to.contain('hanya dibuka dalam tempoh 30 hari sebelum luput');

    clock.advanceDays(185);
    r = await p.applicant.submit({ verb: 'start', goal: 'renewServerCert' });
    r = await p.applicant.say('1');
    r = await p.applicant.say('ya');
    const caseId = caseIdIn(r)!;
    expect(texts(r)).to.contain('pasangan kunci BAHARU');
    await openCsrTask(p, caseId);
    const cn = DOMAINS[0]!;
    const san = DOMAINS.map((d) => `DNS:${d}`);
    r = await p.tech.upload('old-key.csr', 'application/pkcs10', await csrs.csr({ key: firstKey, cn, san }));
    expect(texts(r)).to.contain('telah digunakan dalam permohonan atau sijil terdahulu');
    r = await p.tech.upload('other-names.csr', 'application/pkcs10', await csrs.csr({ cn, san: [san[0]!] }));
    expect(texts(r)).to.contain('Tiada dalam CSR: www.temujanji.moh.gov.my');
    r = await p.tech.upload(
      'new.csr',
      'application/pkcs10',
      await csrs.csr({ key: await csrs.key('ec:P-384'), cn, san, digest: 'sha384' }),
    );
    expect(texts(r)).to.contain('lulus semua semakan');
    const { serial } = await endorseApproveAndReceive(p, caseId);
    const renewal = await bot.core.cases.get(caseId);
    expect(renewal?.data).to.deep.include({ operation: 'renew', renews: firstSerial.toLowerCase(), certType: 'multi', domains: DOMAINS });
    expect((await bot.core.certificates.get(firstSerial.toLowerCase()))?.successor?.serial).to.equal(serial.toLowerCase());
    firstSerial = serial;
  });

  it("revokes on the verifying officer's endorsement, with the reason the applicant gave", async () => {
    let r = await p.applicant.submit({ verb: 'start', goal: 'revokeServerCert' });
    expect(askedField(r)).to.equal('serial');
    const choices = promptOf(r)?.channelData?.prompt?.choices ?? [];
    const older = choices.find((c) => c.value !== firstSerial.toLowerCase())!;
    r = await p.applicant.say(older.title);
    expect(askedField(r)).to.equal('reason');
    r = await p.applicant.say('Pelayan/sistem ditamatkan');
    r = await p.applicant.say('ya');
    const caseId = caseIdIn(r)!;
    expect(texts(r)).to.contain('dihantar kepada pegawai pengesah');
    const card = await p.verifier.waitFor(
      'revocation endorse card',
      (a) => hasCase(caseId)(a) && JSON.stringify(cardOf(a) ?? {}).includes('"decision":"endorse"'),
    );
    expect(JSON.stringify(cardOf(card))).to.not.contain('"decision":"return"');
    r = await p.verifier.submit({ verb: 'serverDecide', decision: 'endorse', caseId, version: versionOn(card) });
    await p.applicant.waitFor('revoked notice', (a) => (a.text ?? '').includes(caseId) && (a.text ?? '').includes('telah dibatalkan'));
    const cert = await bot.core.certificates.get(older.value);
    expect(cert?.status).to.equal('DIBATALKAN');
    expect(cert?.revocation?.reason).to.equal('cessationOfOperation');
  });

  it('revokes at once on key compromise and informs the verifying officer', async () => {
    let r = await p.tech.submit({ verb: 'start', goal: 'revokeServerCert' });
    r = await p.tech.say('1');
    r = await p.tech.say('Kunci persendirian terdedah atau hilang');
    expect(texts(r)).to.contain('SERTA-MERTA');
    r = await p.tech.say('ya');
    const caseId = caseIdIn(r)!;
    expect(texts(r)).to.contain('sedang dibatalkan SERTA-MERTA');
    await p.verifier.waitFor(
      'informed',
      (a) => (a.text ?? '').includes(caseId) && (a.text ?? '').includes('Perakuan anda tidak diperlukan'),
    );
    // The revocation is carried out by a job that may finish while the tech's own turn is still
    // answering, so its notice can arrive among that turn's replies: look at the whole conversation.
    await p.tech.waitForSeen('revoked', (a) => (a.text ?? '').includes(caseId) && (a.text ?? '').includes('telah dibatalkan'));
    const stored = await bot.core.cases.get(caseId);
    expect(stored?.timeline.map((e) => e.event)).to.deep.equal(['submitted', 'fastTracked', 'revoked']);
    expect((await bot.core.certificates.get(firstSerial.toLowerCase()))?.revocation?.reason).to.equal('keyCompromise');
    // The CA's CRL lists it with reason keyCompromise.
    const crl = Buffer.from(await (await fetch(`${bot.url}/pki/crl`)).arrayBuffer());
    const dir = mkdtempSync(path.join(os.tmpdir(), 'gpki-crl-'));
    writeFileSync(path.join(dir, 'crl.der'), crl);
    const { stdout } = await run('openssl', ['crl', '-inform', 'DER', '-in', path.join(dir, 'crl.der'), '-noout', '-text']);
    removeDir(dir);
    expect(stdout.replace(/\s+/g, ' ')).to.contain(`Serial Number: ${firstSerial}`).and.contain('Key Compromise');
  });

  it('keeps what the applicant entered across a restart, and cancels with nothing submitted', async () => {
    const before = (await bot.core.cases.listByApplicant('demo-applicant')).length;
    await p.applicant.submit({ verb: 'start', goal: 'newServerCert' });
    await p.applicant.say('Wildcard');
    let r = await p.applicant.say('Portal Rasmi KKM');
    expect(askedField(r)).to.equal('domains');
    const dataDir = bot.dataDir;
    await bot.close();
    bot = await startTestBot({}, dataDir, { clock });
    r = await p.applicant.say('www.moh.gov.my');
    expect(texts(r)).to.contain('Sijil wildcard memerlukan nama yang bermula dengan "*."');
    r = await p.applicant.say('*.moh.gov.my');
    expect(askedField(r)).to.equal('justification');
    r = await p.applicant.say('batal');
    expect(texts(r)).to.contain('Tiada apa-apa dihantar');
    expect(await bot.core.cases.listByApplicant('demo-applicant')).to.have.length(before);
  });
});
