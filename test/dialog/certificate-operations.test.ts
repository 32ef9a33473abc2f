import { expect } from 'chai';
import type { Dialog } from 'botbuilder-dialogs';
import type { CertificateRecord } from '../../domain/certificates.js';
import type { OperationFields } from '../../domain/cases/operations.js';
import { issueCertificate } from '../../domain/usecases/certificate-issue.js';
import { submitTrainingApplication } from '../../domain/usecases/training.js';
import { submitUserCertificate } from '../../domain/usecases/user-certificate-apply.js';
import { decideUserCertificate } from '../../domain/usecases/user-certificate-decide.js';
import type { OperationOptions } from '../../dialogs/certificates/operation-dialog.js';
import { day } from '../../dialogs/certificates/refusals.js';
import { RenewCertificateDialog } from '../../dialogs/certificates/renew-dialog.js';
import { ReplaceCertificateDialog } from '../../dialogs/certificates/replace-dialog.js';
import { RevokeCertificateDialog } from '../../dialogs/certificates/revoke-dialog.js';
import { ApplyUserCertificateDialog } from '../../dialogs/user-certificate/apply-dialog.js';
import { askedField, DialogDriver, msg, openWorld, play, textsOf, tinyPng, type World } from './support.js';

const DAY = 86_400_000;

/**
 * Renewal, replacement and revocation (DOMAIN.md 2.2 to 2.4) through their dialogs, on
 * certificates issued the way the first flow issues them (applied, approved, issued by the
 * embedded CA), with the clock moved where a rule needs it.
 */
describe('certificate operation dialogs', function () {
  this.timeout(60_000);
  let w: World;
  beforeEach(async () => {
    w = await openWorld({ ca: true });
  });
  afterEach(async () => {
    await w.close();
  });

  /** A certificate of demo-applicant: applied for, approved by demo-ap, issued by the CA. */
  async function issued(realm: 'user' | 'training' = 'user'): Promise<CertificateRecord> {
    const copy = await w.store.files.put({ ownerId: 'demo-applicant', name: 'ic.png', contentType: 'image/png', bytes: tinyPng() });
    const s =
      realm === 'training'
        ? await submitTrainingApplication(w.core, {
            actorId: 'demo-applicant',
            application: {
              fullName: 'Aminah binti Hassan',
              email: 'aminah@moh.gov.my',
              phone: '0123456789',
              agencyId: 'KKM',
              position: 'Pembangun Sistem F41',
              purpose: 'Ujian integrasi ePerolehan',
              declaration: true,
            },
          })
        : await submitUserCertificate(w.core, 'demo-applicant', {
            mykad: '900101145678',
            fullName: 'Aminah binti Hassan',
            email: 'aminah@moh.gov.my',
            phone: '0123456789',
            agencyId: 'KKM',
            position: 'Pegawai F41',
            medium: 'token',
            applications: ['ePerolehan'],
            mykadCopyFileId: copy.id,
            declaration: true,
          });
    if (!s.ok) throw new Error(s.error);
    const d = await decideUserCertificate(w.core, { caseId: s.value.id, actorId: 'demo-ap', decision: 'approve' });
    if (!d.ok) throw new Error(d.error);
    expect(await issueCertificate(w.core, s.value.id)).to.equal('issued');
    const serial = (await w.store.cases.get(s.value.id))!.certificateSerial!;
    return (await w.store.certificates.get(serial))!;
  }
  const casesOf = async (op: string) =>
    (await w.store.cases.listByApplicant('demo-applicant')).filter((c) => (c.data as OperationFields).operation === op);
  const driver = (dialog: Dialog, options: OperationOptions, personId = 'demo-applicant') =>
    new DialogDriver(w, personId, dialog, { options, also: [new ApplyUserCertificateDialog({ core: w.core, reader: w.reader }, w.prefs)] });

  describe('ApplyUserCertificateDialog with a valid certificate held', () => {
    const apply = () =>
      new DialogDriver(w, 'demo-applicant', new ApplyUserCertificateDialog({ core: w.core, reader: w.reader }, w.prefs), {
        options: ApplyUserCertificateDialog.fresh('user'),
      });

    it('warns once about the certificate held, and "tidak" stops with nothing submitted', async () => {
      const cert = await issued();
      const d = apply();
      const warned = await play(d, [['mohon sijil baharu', 'held']]);
      expect(textsOf(warned)).to.include(`…${cert.serial.toUpperCase().slice(-8)}`);
      const unclear = await d.send('mungkin');
      expect([unclear[0]?.text, askedField(unclear)]).to.deep.equal([msg('invalid.choice'), 'held']);
      const stopped = await play(d, [['tidak', null]]);
      expect(textsOf(stopped)).to.equal(msg('held.stopped'));
      expect(await w.store.cases.listByApplicant('demo-applicant')).to.have.length(1);
    });

    it('goes on to the form on "ya"', async () => {
      await issued();
      await play(apply(), [
        ['mohon sijil baharu', 'held'],
        ['ya', 'mykad'],
      ]);
    });
  });

  describe('RenewCertificateDialog', () => {
    const renew = (options: OperationOptions = { realm: 'user' }) => driver(new RenewCertificateDialog(w.core, w.prefs), options);

    it('renews inside the window: lists the certificate, pre-fills the form and asks only what may change', async () => {
      const cert = await issued();
      w.clock.set(new Date(Date.parse(cert.notAfter) - 20 * DAY));
      const d = renew();
      const list = await play(d, [['perbaharui sijil', 'certificate']]);
      expect(JSON.stringify(list[0]?.attachments)).to.include(cert.serial.toUpperCase());
      const started = await play(d, [['1', 'address']]);
      expect(textsOf(started)).to.include(msg('renew.start', { serial: cert.serial.toUpperCase() }));
      const done = await play(d, [
        ['No. 1, Jalan Tun Razak, 62000 Putrajaya', 'mykadCopy'],
        [w.reader.upload(tinyPng()), 'declaration'],
        ['ya', 'confirm'],
        ['Hantar', null],
      ]);
      const [c] = await casesOf('renew');
      expect(textsOf(done)).to.equal(msg('submitted.renew', { caseId: c!.id }));
      expect(d.result).to.equal(c!.id);
      expect(c!.data).to.deep.include({
        renews: cert.serial,
        fullName: 'Aminah binti Hassan',
        mykad: '900101145678',
        address: 'No. 1, Jalan Tun Razak, 62000 Putrajaya',
      });
    });

    it('explains when the window opens and starts nothing when it is too early', async () => {
      const cert = await issued();
      const d = renew();
      await play(d, [['perbaharui', 'certificate']]);
      const r = await play(d, [[cert.serial.toUpperCase(), null]]);
      expect(textsOf(r)).to.include(cert.serial.toUpperCase()).and.include(day(cert.notAfter));
      expect(await casesOf('renew')).to.have.length(0);
    });

    it('re-asks an unrecognised certificate answer, and a cancel in the pre-filled form submits nothing', async () => {
      const cert = await issued();
      w.clock.set(new Date(Date.parse(cert.notAfter) - 10 * DAY));
      const d = renew();
      await d.send('perbaharui');
      const again = await d.send('yang lama tu');
      expect(again[0]?.text).to.equal(msg('invalid.certificate'));
      expect(askedField(again)).to.equal('certificate');
      await play(d, [
        ['1', 'address'],
        ['No. 1, Jalan Tun Razak, 62000 Putrajaya', 'mykadCopy'],
      ]);
      const r = await d.send('batal');
      expect(textsOf(r)).to.equal(msg('cancel.done'));
      expect(d.client.dialogContext.activeDialog).to.equal(undefined);
      expect(await casesOf('renew')).to.have.length(0);
    });

    it('says there is nothing to renew to a person without certificates', async () => {
      const r = await play(renew(), [['perbaharui', null]]);
      expect(textsOf(r)).to.equal(msg('certs.none.renew'));
    });
  });

  describe('RevokeCertificateDialog', () => {
    const revoke = (options: OperationOptions = { realm: 'user' }, personId?: string) =>
      driver(new RevokeCertificateDialog(w.core, w.prefs), options, personId);

    it('revokes a lost token at once after the consequence is confirmed', async () => {
      const cert = await issued();
      const d = revoke();
      const asked = await play(d, [
        ['batalkan sijil', 'certificate'],
        ['1', 'reason'],
        [msg('revokeChoice.lostOrDisclosed'), 'confirmRevoke'],
      ]);
      expect(textsOf(asked)).to.include(
        msg('revoke.consequence', { serial: cert.serial.toUpperCase(), reason: msg('reason.keyCompromise'), how: msg('revoke.now') }),
      );
      const done = await play(d, [['ya', null]]);
      const [c] = await casesOf('revoke');
      expect(textsOf(done)).to.equal(msg('revoke.submitted.immediate', { caseId: c!.id, serial: cert.serial.toUpperCase() }));
      expect(c).to.deep.include({ status: 'DIHANTAR_KE_CA' });
      expect(c!.data).to.deep.include({ serial: cert.serial, choice: 'lostOrDisclosed', reason: 'keyCompromise' });
    });

    it('refuses a reason only the AP may give, with why, and keeps the chosen certificate', async () => {
      const cert = await issued();
      const d = revoke();
      await play(d, [
        ['batalkan sijil', 'certificate'],
        ['1', 'reason'],
      ]);
      const r = await d.send(msg('revokeChoice.accessWithdrawn'));
      expect(r[0]?.text).to.equal(msg('refusal.REASON_NOT_ALLOWED'));
      expect(askedField(r)).to.equal('reason');
      const confirm = await play(d, [[msg('revokeChoice.noLongerNeeded'), 'confirmRevoke']]);
      expect(textsOf(confirm)).to.include(cert.serial.toUpperCase());
      const done = await play(d, [['ya', null]]);
      const [c] = await casesOf('revoke');
      expect(textsOf(done)).to.equal(msg('revoke.submitted.awaitingAp', { caseId: c!.id, serial: cert.serial.toUpperCase() }));
    });

    it('keeps the certificate on "tidak" at the confirmation and on "batal" at the reason', async () => {
      const cert = await issued();
      const kept = revoke();
      await play(kept, [
        ['batalkan sijil', 'certificate'],
        ['1', 'reason'],
        ['1', 'confirmRevoke'],
      ]);
      expect(textsOf(await play(kept, [['tidak', null]]))).to.equal(msg('revoke.kept'));
      const cancelled = revoke();
      await play(cancelled, [
        ['batalkan sijil', 'certificate'],
        ['1', 'reason'],
      ]);
      expect(textsOf(await cancelled.send('batal'))).to.equal(msg('cancel.done'));
      expect(await casesOf('revoke')).to.have.length(0);
      expect((await w.store.certificates.get(cert.serial))?.status).to.equal('AKTIF');
    });

    it('lets an AP act for a user of their own agency only, named by e-mail', async () => {
      const cert = await issued();
      const d = revoke({ realm: 'user' }, 'demo-ap');
      await play(d, [
        ['batalkan sijil', 'whoFor'],
        [msg('whoFor.other'), 'holderEmail'],
      ]);
      const other = await d.send('farid@mampu.gov.my');
      expect(other[0]?.text).to.equal(msg('invalid.holderOtherAgency'));
      const unknown = await d.send('tiada.sesiapa@moh.gov.my');
      expect(unknown[0]?.text).to.equal(msg('invalid.holderUnknown'));
      expect(askedField(unknown)).to.equal('holderEmail');
      const list = await play(d, [['aminah@moh.gov.my', 'certificate']]);
      expect(JSON.stringify(list[0]?.attachments)).to.include(cert.serial.toUpperCase());
      await play(d, [
        ['1', 'reason'],
        [msg('revokeChoice.accessWithdrawn'), 'confirmRevoke'],
      ]);
      const done = await play(d, [['ya', null]]);
      const [c] = await casesOf('revoke');
      expect(textsOf(done)).to.equal(msg('revoke.submitted.apApproves', { caseId: c!.id, serial: cert.serial.toUpperCase() }));
      expect(c!.data).to.deep.include({ requestedBy: 'demo-ap' });
    });

    it('labels every message about a training certificate as not for production', async () => {
      await issued('training');
      const d = revoke({ realm: 'training' });
      const list = await play(d, [['batalkan sijil latihan', 'certificate']]);
      expect(JSON.stringify(list[0]?.attachments)).to.include(msg('training.label'));
      const asked = await play(d, [
        ['1', 'reason'],
        [msg('revokeChoice.noLongerNeeded'), 'confirmRevoke'],
      ]);
      expect(textsOf(asked)).to.include(msg('training.tag'));
      const done = await play(d, [['ya', null]]);
      expect(textsOf(done)).to.include(msg('training.tag'));
      const [c] = await casesOf('revoke');
      expect(c).to.deep.include({ kind: 'TC' });
    });
  });

  describe('ReplaceCertificateDialog', () => {
    const replace = (options: OperationOptions = { realm: 'user' }) => driver(new ReplaceCertificateDialog(w.core, w.prefs), options);

    it('replaces a damaged token: consequence, confirmation, then the pre-filled form', async () => {
      const cert = await issued();
      const d = replace();
      const asked = await play(d, [
        ['ganti sijil', 'certificate'],
        ['1', 'trigger'],
        [msg('replaceAnswer.damaged'), 'confirmReplace'],
      ]);
      expect(textsOf(asked)).to.include(
        msg('replace.consequence', {
          serial: cert.serial.toUpperCase(),
          reason: msg('reason.superseded'),
          when: msg('replace.revokeAfterAp'),
        }),
      );
      const done = await play(d, [
        ['ya', 'address'],
        ['No. 1, Jalan Tun Razak, 62000 Putrajaya', 'mykadCopy'],
        [w.reader.upload(tinyPng()), 'declaration'],
        ['ya', 'confirm'],
        ['Hantar', null],
      ]);
      const [c] = await casesOf('replace');
      expect(textsOf(done)).to.equal(msg('submitted.replace', { caseId: c!.id }));
      expect(c!.data).to.deep.include({ replaces: cert.serial, trigger: 'damaged', fullName: 'Aminah binti Hassan' });
      expect((await w.store.certificates.get(cert.serial))?.status).to.equal('AKTIF');
    });

    it('explains a blocked token instead of replacing it, and re-asks an unknown trigger', async () => {
      await issued();
      const d = replace();
      await play(d, [
        ['ganti sijil', 'certificate'],
        ['1', 'trigger'],
      ]);
      const again = await d.send('entahlah');
      expect(again[0]?.text).to.equal(msg('invalid.choice'));
      expect(askedField(again)).to.equal('trigger');
      const r = await play(d, [[msg('replaceAnswer.blockedToken'), null]]);
      expect(textsOf(r)).to.equal(msg('replace.blockedToken'));
      expect(await casesOf('replace')).to.have.length(0);
    });

    it('keeps the certificate when the consequence is declined, and on a cancel in the form', async () => {
      const cert = await issued();
      const declined = replace();
      await play(declined, [
        ['ganti', 'certificate'],
        ['1', 'trigger'],
        [msg('replaceAnswer.faulty'), 'confirmReplace'],
      ]);
      expect(textsOf(await play(declined, [['tidak', null]]))).to.equal(msg('replace.kept'));
      const cancelled = replace();
      await play(cancelled, [
        ['ganti', 'certificate'],
        ['1', 'trigger'],
        [msg('replaceAnswer.faulty'), 'confirmReplace'],
        ['ya', 'address'],
      ]);
      expect(textsOf(await cancelled.send('cancel'))).to.equal(msg('cancel.done'));
      expect(await casesOf('replace')).to.have.length(0);
      expect((await w.store.certificates.get(cert.serial))?.status).to.equal('AKTIF');
    });
  });
});
