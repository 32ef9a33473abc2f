import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { expect } from 'chai';
import { verifyAuditChain } from '../../domain/audit.js';
import { maskMyKadInText } from '../../domain/rules/mykad.js';
import { askedField, cardOf, Chat, texts, promptOf } from '../support/chat.js';
import { TestConnector } from '../support/connector.js';
import { removeDir, startTestBot, tinyPng } from '../support/bot.js';

const run = promisify(execFile);
type Bot = Awaited<ReturnType<typeof startTestBot>>;

/**
 * The whole first flow over HTTP, as two people in two conversations: the applicant applies in
 * Malay, the AP returns the application for correction, the applicant corrects it, the AP
 * approves, the CA job issues, and the applicant is told proactively. The bot is restarted in
 * the middle of the application and nothing entered is lost.
 */
describe('e2e: new user certificate over HTTP (embedded mode)', function () {
  this.timeout(120_000);
  let bot: Bot;
  const connector = new TestConnector();
  const year = new Date().getFullYear();

  before(async () => {
    await connector.start();
    bot = await startTestBot();
  });
  after(async () => {
    await bot?.close();
    await connector.stop();
    removeDir(bot.dataDir);
  });

  it('applies, is returned, corrects, is approved, and receives a certificate that openssl verifies', async () => {
    const applicant = new Chat({ botUrl: () => bot.url, connector, userId: 'demo-applicant' });
    const ap = new Chat({ botUrl: () => bot.url, connector, userId: 'demo-ap' });

    // The AP has used the bot before, so it can reach them proactively.
    expect(cardOf((await ap.say('hai'))[0])).to.be.an('object');

    const menu = await applicant.say('hai');
    const menuCard = cardOf(menu.find((a) => cardOf(a)));
    expect(JSON.stringify(menuCard)).to.contain('Mohon Sijil Digital Pengguna baharu');

    let r = await applicant.submit({ verb: 'start', goal: 'newUserCert' });
    expect(askedField(r)).to.equal('mykad');
    expect(promptOf(r)?.channelData?.prompt).to.include({ kind: 'text', inputMode: 'numeric' });

    r = await applicant.say('12345');
    expect(texts(r)).to.contain('Nombor MyKad mesti 12 digit');
    expect(askedField(r)).to.equal('mykad');
    r = await applicant.say('900230-14-5678');
    expect(texts(r)).to.contain('tarikh lahir yang sah');
    r = await applicant.say('900101-14-5678');
    expect(askedField(r)).to.equal('fullName');
    r = await applicant.say('Aminah binti Hassan');
    expect(askedField(r)).to.equal('email');
    r = await applicant.say('aminah@gmail.com');
    expect(texts(r)).to.contain('E-mel peribadi (gmail.com)');
    expect(askedField(r)).to.equal('email');
    r = await applicant.say('aminah@moh.gov.my');
    expect(askedField(r)).to.equal('phone');
    r = await applicant.say('012-345 6789');
    expect(askedField(r)).to.equal('agency');
    expect(promptOf(r)?.channelData?.prompt?.choices?.map((c) => c.value)).to.include('KKM');

    // Restart in the middle of the application: the dialog resumes at the same question.
    const dataDir = bot.dataDir;
    await bot.close();
    bot = await startTestBot({}, dataDir);

    r = await applicant.say('Kementerian Kesihatan Malaysia');
    expect(askedField(r)).to.equal('position');
    r = await applicant.say('Pegawai Teknologi Maklumat F41');
    expect(askedField(r)).to.equal('medium');
    r = await applicant.say('Token');
    expect(askedField(r)).to.equal('applications');
    r = await applicant.say('ePerolehan, 1GFMAS');
    expect(askedField(r)).to.equal('mykadCopy');
    expect(promptOf(r)?.channelData?.prompt).to.include({ kind: 'file' });

    r = await applicant.upload('mykad.pdf', 'application/pdf', Buffer.from('%PDF-1.4\n% not an image\n'));
    expect(texts(r)).to.contain('Hanya gambar JPEG atau PNG');
    expect(askedField(r)).to.equal('mykadCopy');
    const big = Buffer.concat([tinyPng(), Buffer.alloc(3 * 1024 * 1024)]);
    r = await applicant.upload('mykad.png', 'image/png', big);
    expect(texts(r)).to.contain('Fail terlalu besar');
    r = await applicant.upload('mykad.png', 'image/png', tinyPng());
    expect(askedField(r)).to.equal('declaration');
    r = await applicant.say('ya');
    expect(askedField(r)).to.equal('confirm');
    const summary = JSON.stringify(cardOf(promptOf(r)));
    expect(summary).to.contain('9001******78').and.not.contain('900101145678');
    expect(summary).to.contain('Aminah binti Hassan');

    r = await applicant.submit({ verb: 'answer', field: 'confirm', choice: 'submit' });
    const caseId = `UC-${year}-000001`;
    expect(texts(r)).to.contain(caseId);

    // The AP receives the approval card proactively, with the full MyKad number to verify.
    const card1 = await ap.waitFor('approval card', (a) => JSON.stringify(cardOf(a) ?? {}).includes(caseId));
    expect(JSON.stringify(cardOf(card1))).to.contain('900101145678');
    const v1 = versionOn(card1);

    r = await ap.submit({ verb: 'return', caseId, version: v1, fields: 'phone', note: 'Sila beri nombor telefon pejabat' });
    expect(texts(r)).to.contain(`mengembalikan ${caseId}`);

    // The applicant is told and corrects just the phone number.
    const returned = await applicant.waitFor('returned card', (a) =>
      JSON.stringify(cardOf(a) ?? {}).includes('Sila beri nombor telefon pejabat'),
    );
    const correct = (cardOf(returned)!.actions as { data: Record<string, unknown> }[])[0].data;
    r = await applicant.submit(correct);
    expect(askedField(r)).to.equal('phone');
    r = await applicant.say('03-8888 1234');
    expect(askedField(r)).to.equal('declaration');
    r = await applicant.say('ya');
    expect(askedField(r)).to.equal('confirm');
    r = await applicant.submit({ verb: 'answer', field: 'confirm', choice: 'submit' });
    expect(texts(r)).to.contain(`${caseId} dihantar semula`);

    const card2 = await ap.waitFor('second approval card', (a) => JSON.stringify(cardOf(a) ?? {}).includes('0388881234'));
    // The first card is stale now: it cannot approve what the AP did not see.
    r = await ap.submit({ verb: 'approve', caseId, version: v1 });
    expect(texts(r)).to.contain('telah berubah sejak kad ini dihantar');
    r = await ap.submit({ verb: 'approve', caseId, version: versionOn(card2) });
    expect(texts(r)).to.contain(`meluluskan ${caseId}`);
    // A second click learns the outcome instead of deciding twice.
    r = await ap.submit({ verb: 'approve', caseId, version: versionOn(card2) });
    expect(texts(r)).to.contain('telah pun diputuskan');

    const issued = await applicant.waitFor('issued notice', (a) => (a.text ?? '').includes('telah dikeluarkan'));
    const serial = /No\. siri: ([0-9A-F]+)/.exec(issued.text ?? '')?.[1];
    expect(serial).to.match(/^[0-9A-F]+$/);

    // What is stored: the case, its certificate, an intact audit chain.
    const stored = await bot.core.cases.get(caseId);
    expect(stored?.status).to.equal('DIKELUARKAN');
    expect(stored?.timeline.map((e) => e.event)).to.deep.equal([
      'submitted',
      'routed',
      'returned',
      'resubmitted',
      'approved',
      'mykadCopyDeleted',
      'sentToCa',
      'issued',
    ]);
    // Verified, so the MyKad image is no longer kept (DOMAIN.md 7.15); the case keeps only its id.
    const copyId = (stored?.data as { mykadCopyFileId?: string }).mykadCopyFileId;
    expect(copyId).to.be.a('string');
    expect(await bot.core.files.get(copyId!)).to.equal(undefined);
    const cert = await bot.core.certificates.get(serial!.toLowerCase());
    expect(cert?.ownerId).to.equal('demo-applicant');
    expect(verifyAuditChain(await bot.core.audit.list(caseId))).to.deep.equal({ ok: true });

    // What the CA holds: openssl accepts the certificate against the bot's published CA.
    const chainPem = await (await fetch(`${bot.url}/pki/ca.pem`)).text();
    const dir = mkdtempSync(path.join(os.tmpdir(), 'gpki-verify-'));
    const [issuing, root] = chainPem.split(/(?<=-----END CERTIFICATE-----)\s*/).filter((s) => s.includes('BEGIN'));
    writeFileSync(path.join(dir, 'root.pem'), root);
    writeFileSync(path.join(dir, 'issuing.pem'), issuing);
    writeFileSync(path.join(dir, 'cert.pem'), cert!.certPem);
    const { stdout } = await run('openssl', [
      'verify',
      '-CAfile',
      path.join(dir, 'root.pem'),
      '-untrusted',
      path.join(dir, 'issuing.pem'),
      path.join(dir, 'cert.pem'),
    ]);
    expect(stdout.trim()).to.equal(`${path.join(dir, 'cert.pem')}: OK`);
    const { stdout: subject } = await run('openssl', ['x509', '-in', path.join(dir, 'cert.pem'), '-noout', '-subject', '-serial']);
    expect(subject).to.contain('Aminah binti Hassan').and.contain(`serial=${serial}`);
    removeDir(dir);

    // The timeline the applicant can query.
    r = await applicant.say(`status ${caseId}`);
    expect(texts(r)).to.contain('Sijil dikeluarkan').and.contain('Dikembalikan untuk pembetulan');
  });

  it('lets the applicant change any field from the summary, then cancel with nothing submitted', async () => {
    const chat = new Chat({ botUrl: () => bot.url, connector, userId: 'demo-lead' });
    await chat.submit({ verb: 'start', goal: 'newUserCert' });
    for (const answer of [
      '880808-08-8888',
      'Farid bin Ismail',
      'farid@mampu.gov.my',
      '0123456789',
      '2',
      'Ketua Penolong Pengarah F48',
      'softcert',
      '1',
    ])
      await chat.say(answer);
    await chat.upload('ic.png', 'image/png', tinyPng());
    let r = await chat.say('ya');
    expect(askedField(r)).to.equal('confirm');
    expect(JSON.stringify(cardOf(promptOf(r))))
      .to.contain('Unit Pemodenan Tadbiran')
      .and.contain('Sijil perisian (softcert)')
      .and.contain('ePerolehan');
    r = await chat.say('Ubah maklumat');
    expect(askedField(r)).to.equal('whichField');
    r = await chat.say('Telefon');
    expect(askedField(r)).to.equal('phone');
    r = await chat.say('03-8000 8000');
    expect(askedField(r)).to.equal('confirm');
    const summary = JSON.stringify(cardOf(promptOf(r)));
    expect(summary).to.contain('0380008000').and.contain('Farid bin Ismail');
    r = await chat.submit({ verb: 'answer', field: 'confirm', choice: 'cancel' });
    expect(texts(r)).to.contain('Tiada apa-apa dihantar');
    expect(await bot.core.cases.listByApplicant('demo-lead')).to.have.length(0);
  });

  it('keeps MyKad numbers out of the stored transcript', async () => {
    const chat = new Chat({ botUrl: () => bot.url, connector, userId: 'demo-verifier' });
    const first = await chat.submit({ verb: 'start', goal: 'newUserCert' });
    const second = await chat.say('850505-10-5432');
    const { SqliteTranscripts } = await import('../../infra/store/embedded/transcripts.js');
    const { openEmbeddedDb } = await import('../../infra/store/embedded/index.js');
    const db = openEmbeddedDb(path.join(bot.dataDir, 'gpki.db'));
    const transcript = await new SqliteTranscripts({ db }).list(chat.conversationId);
    db.close();
    const all = JSON.stringify(transcript);
    // Each turn once, in order: what came in, then every reply the channel got (written with the
    // turn's state, or after it for anything sent later), none twice.
    expect(transcript.map((e) => e.direction)).to.deep.equal(['in', ...first.map(() => 'out'), 'in', ...second.map(() => 'out')]);
    expect(transcript.filter((e) => e.direction === 'out').map((e) => e.activity.text ?? '')).to.deep.equal(
      [...first, ...second].map((a) => maskMyKadInText(a.text ?? '')),
    );
    expect(all).to.contain('8505******32').and.not.contain('850505105432').and.not.contain('850505-10-5432');
  });
});

function versionOn(a: { attachments?: { content?: Record<string, unknown> }[] }): number {
  const actions = (a.attachments?.[0]?.content?.actions ?? []) as { data: { version: number } }[];
  return actions[0].data.version;
}
