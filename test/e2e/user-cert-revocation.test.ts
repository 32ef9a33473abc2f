import { expect } from 'chai';
import { askedField, cardOf, Chat, texts, promptOf } from '../support/chat.js';
import { TestConnector } from '../support/connector.js';
import { startTestBot } from '../support/bot.js';
import {
  crlReasonOf,
  crlText,
  issuedCertificate,
  userApplication,
  startWithApplicantAndAp,
  stopBotAndConnector,
} from '../support/certs.js';
import { submitRevocation } from '../../domain/usecases/certificate-revoke.js';
import { submitUserCertificate } from '../../domain/usecases/user-certificate-apply.js';
import { decideUserCertificate } from '../../domain/usecases/user-certificate-decide.js';
import { waitFor } from '../support/wait-for.js';

type Bot = Awaited<ReturnType<typeof startTestBot>>;

/**
 * Revocation over HTTP (DOMAIN.md 2.3, 4.5): the interview maps to an RFC 5280 reason, the owner's
 * key-compromise report goes to the CA at once, other reasons wait for the AP, an AP may revoke
 * for a user of their agency (and only an AP may say "access withdrawn"), and the served CRL
 * (read by openssl) lists each revoked serial with its reason. Refusals create no case.
 */
describe('e2e: user certificate revocation over HTTP', function () {
  this.timeout(120_000);
  let bot: Bot;
  const connector = new TestConnector();
  let owner: Chat;
  let ap: Chat;

  before(async () => {
    ({ bot, applicant: owner, ap } = await startWithApplicantAndAp(connector));
  });
  after(() => stopBotAndConnector(bot, connector));

  const casesOf = async (personId: string) => (await bot.core.cases.listByApplicant(personId)).length;

  /** Starts a revocation and picks `serial` from the certificate card. */
  async function pick(chat: Chat, serial: string) {
    let r = await chat.submit({ verb: 'start', goal: 'revokeUserCert' });
    expect(askedField(r)).to.equal('certificate');
    // Find the prompt itself: a proactive notice about an earlier case may arrive in the same turn.
    const prompt = r.find((a) => a.channelData?.prompt?.field === 'certificate');
    expect(JSON.stringify(cardOf(prompt)))
      .to.contain(serial.toUpperCase())
      .and.contain('Pilih sijil untuk dibatalkan');
    r = await chat.submit({ verb: 'answer', field: 'certificate', choice: serial });
    return r;
  }

  it("revokes at once on the owner's key-compromise report, informs the AP, and the CRL says keyCompromise", async () => {
    const { cert } = await issuedCertificate(bot, 'demo-applicant');
    let r = await pick(owner, cert.serial);
    expect(askedField(r)).to.equal('reason');
    const offered = promptOf(r)?.channelData?.prompt?.choices?.map((c) => c.value);
    expect(offered).to.deep.equal(['lostOrDisclosed', 'changedDetails', 'replaced', 'noLongerNeeded']);
    r = await owner.say('Token hilang/dicuri atau kunci terdedah');
    expect(texts(r)).to.contain('TIDAK boleh diundur').and.contain('serta-merta');
    expect(askedField(r)).to.equal('confirmRevoke');
    r = await owner.say('Ya');
    expect(texts(r)).to.contain('dihantar terus kepada CA');
    const caseId = /\*\*(UC-\d{4}-\d{6})\*\*/.exec(texts(r))![1]!;

    await owner.waitForSeen('revoked notice', (a) =>
      (a.text ?? '').includes(`Sijil ${cert.serial.toUpperCase()} telah dibatalkan oleh CA`),
    );
    const informed = await ap.waitFor('AP informed', (a) => (a.text ?? '').includes('Makluman') && (a.text ?? '').includes(caseId));
    expect(cardOf(informed)).to.equal(undefined); // informed, not asked

    const stored = await bot.core.cases.get(caseId);
    expect(stored?.status).to.equal('SIJIL_DIBATALKAN');
    expect(stored?.timeline.map((e) => e.event)).to.deep.equal(['submitted', 'fastTracked', 'revoked']);
    expect(stored?.data).to.include({ operation: 'revoke', reason: 'keyCompromise', serial: cert.serial });
    const after = await bot.core.certificates.get(cert.serial);
    expect(after?.status).to.equal('DIBATALKAN');
    expect(after?.revocation?.reason).to.equal('keyCompromise');
    expect(crlReasonOf(await crlText(`${bot.url}/pki/crl`), cert.serial)).to.equal('Key Compromise');
  });

  it('explains an already revoked certificate and a reason only the AP may give, creating no case', async () => {
    const revoked = (await bot.core.certificates.listByOwner('demo-applicant')).find((c) => c.status === 'DIBATALKAN')!;
    const { cert } = await issuedCertificate(bot, 'demo-applicant');
    const before = await casesOf('demo-applicant');

    let r = await owner.submit({ verb: 'start', goal: 'revokeUserCert' });
    expect(askedField(r)).to.equal('certificate');
    expect(JSON.stringify(cardOf(promptOf(r)))).to.not.contain(revoked.serial.toUpperCase());
    r = await owner.say(revoked.serial.toUpperCase());
    expect(texts(r)).to.contain('telah pun dibatalkan pada').and.contain('kunci terjejas');
    expect(askedField(r)).to.equal(undefined);

    r = await pick(owner, cert.serial);
    r = await owner.say('Akses ditarik balik oleh agensi');
    expect(texts(r)).to.contain('hanya boleh diberikan oleh AP agensi anda');
    expect(askedField(r)).to.equal('reason');
    r = await owner.say('batal');
    expect(await casesOf('demo-applicant')).to.equal(before);

    // In English too.
    r = await owner.submit({ verb: 'start', goal: 'revokeUserCert', serial: revoked.serial });
    expect(texts(r)).to.contain('telah pun dibatalkan');
    await owner.say('English');
    r = await owner.submit({ verb: 'start', goal: 'revokeUserCert', serial: revoked.serial });
    expect(texts(r)).to.contain('was already revoked on');
    await owner.say('Bahasa Melayu');
    expect(await casesOf('demo-applicant')).to.equal(before);
  });

  it("refuses someone else's certificate with the way forward", async () => {
    const { cert } = await issuedCertificate(bot, 'demo-applicant');
    const other = new Chat({ botUrl: () => bot.url, connector, userId: 'demo-tech' });
    const r = await other.submit({ verb: 'start', goal: 'revokeUserCert', serial: cert.serial });
    expect(texts(r)).to.contain('bukan milik anda').and.contain('AP agensinya');
    expect(await casesOf('demo-tech')).to.equal(0);
    expect((await bot.core.certificates.get(cert.serial))?.status).to.equal('AKTIF');
  });

  it('sends other reasons to the AP, whose approval revokes (cessationOfOperation) and whose rejection keeps the certificate', async () => {
    const { cert: retire } = await issuedCertificate(bot, 'demo-applicant');
    let r = await pick(owner, retire.serial);
    r = await owner.say('Bersara/berhenti/tidak lagi diperlukan');
    expect(texts(r)).to.contain('perlu meluluskan');
    r = await owner.say('ya');
    expect(texts(r)).to.contain('dihantar kepada AP agensi anda');
    const caseId = /\*\*(UC-\d{4}-\d{6})\*\*/.exec(texts(r))![1]!;
    expect((await bot.core.cases.get(caseId))?.status).to.equal('MENUNGGU_PENGESAHAN_AP');

    const card = await ap.waitFor('revocation approval card', (a) => JSON.stringify(cardOf(a) ?? {}).includes(caseId));
    const json = JSON.stringify(cardOf(card));
    expect(json)
      .to.contain('Pembatalan Sijil Digital Pengguna')
      .and.contain(retire.serial.toUpperCase())
      .and.contain('tidak lagi diperlukan');
    const verbs = (cardOf(card)!.actions as { data: { verb: string; version: number } }[]).map((a) => a.data.verb);
    expect(verbs).to.deep.equal(['approve', 'reject']); // nothing to return for correction
    r = await ap.submit({ verb: 'approve', caseId, version: (cardOf(card)!.actions as { data: { version: number } }[])[0]!.data.version });
    expect(texts(r)).to.contain('CA akan membatalkan sijil');
    await owner.waitFor('revoked', (a) => (a.text ?? '').includes(`Sijil ${retire.serial.toUpperCase()} telah dibatalkan`));
    expect((await bot.core.cases.get(caseId))?.timeline.map((e) => e.event)).to.deep.equal([
      'submitted',
      'routed',
      'approved',
      'sentToCa',
      'revoked',
    ]);

    const { cert: keep } = await issuedCertificate(bot, 'demo-applicant');
    await pick(owner, keep.serial);
    await owner.say('Pertukaran jabatan/maklumat berubah');
    r = await owner.say('ya');
    const rejectId = /\*\*(UC-\d{4}-\d{6})\*\*/.exec(texts(r))![1]!;
    const card2 = await ap.waitFor('second card', (a) => JSON.stringify(cardOf(a) ?? {}).includes(rejectId));
    r = await ap.submit({
      verb: 'reject',
      caseId: rejectId,
      version: (cardOf(card2)!.actions as { data: { version: number } }[])[0]!.data.version,
      note: 'Masih bertugas di sini',
    });
    expect(texts(r)).to.contain(`menolak ${rejectId}`);
    await owner.waitFor('rejection', (a) => (a.text ?? '').includes('Masih bertugas di sini'));
    expect((await bot.core.certificates.get(keep.serial))?.status).to.equal('AKTIF');

    const crl = await crlText(`${bot.url}/pki/crl`);
    expect(crlReasonOf(crl, retire.serial)).to.equal('Cessation Of Operation');
    expect(crlReasonOf(crl, keep.serial)).to.equal(undefined);
  });

  it("shows the AP, in tugasan, the approvals waiting and the agency's other cases in progress", async () => {
    const { cert } = await issuedCertificate(bot, 'demo-applicant');
    const waiting = await submitRevocation(bot.core, { actorId: 'demo-applicant', serial: cert.serial, realm: 'user', choice: 'replaced' });
    const returned = await submitUserCertificate(bot.core, 'demo-applicant', await userApplication(bot, 'demo-applicant'));
    if (!waiting.ok || !returned.ok) throw new Error('setup');
    await decideUserCertificate(bot.core, {
      caseId: returned.value.id,
      actorId: 'demo-ap',
      decision: 'return',
      note: 'Salinan kabur',
      fields: ['mykadCopy'],
    });

    const r = await ap.say('tugasan');
    expect(texts(r)).to.contain('menunggu pengesahan anda');
    expect(r.some((a) => JSON.stringify(cardOf(a) ?? {}).includes(`${waiting.value.c.id}**`))).to.equal(true);
    expect(texts(r))
      .to.contain('Kes agensi anda yang sedang berjalan')
      .and.contain(`**${returned.value.id}** (permohonan baharu): Perlu pembetulan, Aminah binti Hassan`);
    // Someone without the AP role sees neither.
    expect(texts(await owner.say('tugasan')))
      .to.contain('Tiada kelulusan')
      .and.not.contain('Kes agensi');
    // The AP acts on it from there: rejecting leaves the certificate valid.
    await ap.submit({ verb: 'reject', caseId: waiting.value.c.id, version: waiting.value.c.version, note: 'Tiada sijil baharu lagi' });
    expect((await bot.core.cases.get(waiting.value.c.id))?.status).to.equal('DITOLAK');
    expect((await bot.core.certificates.get(cert.serial))?.status).to.equal('AKTIF');
  });

  it('lets the AP revoke for a user of their agency with privilegeWithdrawn, at once, telling the user', async () => {
    const { cert } = await issuedCertificate(bot, 'demo-applicant');
    let r = await ap.submit({ verb: 'start', goal: 'revokeUserCert' });
    expect(askedField(r)).to.equal('whoFor');
    r = await ap.say('Untuk pengguna agensi saya');
    expect(askedField(r)).to.equal('holderEmail');
    r = await ap.say('farid@mampu.gov.my');
    expect(texts(r)).to.contain('bukan daripada agensi anda');
    r = await ap.say('aminah@moh.gov.my');
    expect(askedField(r)).to.equal('certificate');
    r = await ap.submit({ verb: 'answer', field: 'certificate', choice: cert.serial });
    expect(promptOf(r)?.channelData?.prompt?.choices?.map((c) => c.value)).to.include('accessWithdrawn');
    r = await ap.say('Akses ditarik balik oleh agensi');
    expect(texts(r)).to.contain('permintaan anda ialah kelulusannya');
    r = await ap.say('Ya');
    expect(texts(r)).to.contain('diluluskan atas nama anda');
    const caseId = /\*\*(UC-\d{4}-\d{6})\*\*/.exec(texts(r))![1]!;

    await owner.waitForSeen('on-behalf notice', (a) => (a.text ?? '').includes('Rahman bin Ali') && (a.text ?? '').includes(caseId));
    await owner.waitForSeen('revoked', (a) => (a.text ?? '').includes(`Sijil ${cert.serial.toUpperCase()} telah dibatalkan`));
    const stored = await bot.core.cases.get(caseId);
    expect(stored?.applicantId).to.equal('demo-applicant');
    expect(stored?.timeline.map((e) => [e.event, e.actorId])).to.deep.equal([
      ['submitted', 'demo-ap'],
      ['routed', 'system'],
      ['approvedOnBehalf', 'demo-ap'],
      ['sentToCa', 'system'],
      ['revoked', 'system'],
    ]);
    await waitFor(
      'the CRL to list it',
      async () => crlReasonOf(await crlText(`${bot.url}/pki/crl`), cert.serial) === 'Privilege Withdrawn',
    );

    // The AP follows the agency's cases in `tugasan`, and the owner sees the case's timeline.
    r = await owner.say(`status ${caseId}`);
    expect(texts(r)).to.contain('Sijil dibatalkan').and.contain('Rahman bin Ali');
  });
});
