import { expect } from 'chai';
import type { ServerCertData } from '../../domain/cases/server-certificate.js';
import { decideServerCase, provideServerCsr, submitServerApplication } from '../../domain/usecases/server-certificate.js';
import { issueServerCertificate } from '../../domain/usecases/server-certificate-ca.js';
import { esc } from '../../ui/cards/adaptive.js';
import { ApplyServerCertificateDialog } from '../../dialogs/server-certificate/apply-dialog.js';
import { ProvideCsrDialog } from '../../dialogs/server-certificate/csr-dialog.js';
import { ServerCertOperationDialog, type ServerOperationOptions } from '../../dialogs/server-certificate/operation-dialog.js';
import { OpensslCsrs } from '../support/openssl-csr.js';
import { askedField, DialogDriver, msg, openWorld, play, textsOf, type Row, type World } from './support.js';

const DAY = 86_400_000;

/**
 * Server certificates (DOMAIN.md 2.5): the application with its three different people, the
 * technical officer's CSR checked as it arrives, and renewal and revocation of an issued one.
 */
describe('server-certificate dialogs', function () {
  this.timeout(60_000);
  let w: World;
  const csrs = new OpensslCsrs();
  after(() => csrs.remove());
  beforeEach(async () => {
    w = await openWorld({ ca: true });
  });
  afterEach(async () => {
    await w.close();
  });

  const serverCases = async () => (await w.store.cases.listByApplicant('demo-applicant')).filter((c) => c.kind === 'SC');
  const application = async (): Promise<string> => {
    const r = await submitServerApplication(w.server, 'demo-applicant', {
      certType: 'single',
      systemName: 'Portal Temujanji',
      domains: ['temujanji.moh.gov.my'],
      justification: 'Sistem pembayaran dalam talian agensi',
      techId: 'demo-tech',
      verifierId: 'demo-verifier',
    });
    if (!r.ok) throw new Error(r.error);
    return r.value.id;
  };

  describe('ApplyServerCertificateDialog', () => {
    const apply = () => new DialogDriver(w, 'demo-applicant', new ApplyServerCertificateDialog(w.server, w.prefs));
    const rows = (): Row[] => [
      ['sijil pelayan', 'certType'],
      [msg('server.type.single'), 'systemName'],
      ['Portal Temujanji', 'domains'],
      ['temujanji.moh.gov.my', 'justification'],
      ['Sistem pembayaran dalam talian agensi', 'tech'],
      ['lim.weijie@moh.gov.my', 'verifier'],
      ['siti.omar@moh.gov.my', 'confirm'],
    ];

    it('names the officers by e-mail, shows a summary and asks the technical officer for the CSR', async () => {
      const d = apply();
      const summary = await play(d, rows());
      expect(JSON.stringify(summary[0]?.attachments))
        .to.include('Lim Wei Jie')
        .and.include('Portal Temujanji')
        .and.include('Siti Nurhaliza');
      expect(await serverCases()).to.have.length(0);
      const done = await play(d, [['Hantar', null]]);
      const [c] = await serverCases();
      expect(textsOf(done)).to.equal(msg('server.submitted', { caseId: c!.id, tech: esc('Lim Wei Jie') }));
      expect(c!.data).to.deep.include({
        certType: 'single',
        systemName: 'Portal Temujanji',
        domains: ['temujanji.moh.gov.my'],
        techId: 'demo-tech',
        verifierId: 'demo-verifier',
      });
    });

    it('re-asks names that do not fit the type and officers who are not three different people', async () => {
      const d = apply();
      await play(d, rows().slice(0, 3));
      const wildcard = await d.send('*.moh.gov.my');
      expect(wildcard[0]?.text).to.match(new RegExp(`^${msg('server.invalid.domains')}\\n- `));
      expect(askedField(wildcard)).to.equal('domains');
      const outside = await d.send('temujanji.example.com');
      expect(askedField(outside)).to.equal('domains');
      await play(d, [
        ['temujanji.moh.gov.my', 'justification'],
        ['Sistem pembayaran dalam talian agensi', 'tech'],
      ]);
      const refusals: [string, string, string][] = [
        ['aminah@moh.gov.my', msg('server.invalid.techIsApplicant'), 'tech'],
        ['tiada.sesiapa@moh.gov.my', msg('server.invalid.personUnknown', { email: 'tiada.sesiapa@moh.gov.my' }), 'tech'],
      ];
      for (const [says, reason, field] of refusals) {
        const r = await d.send(says);
        expect([r[0]?.text, askedField(r)], says).to.deep.equal([reason, field]);
      }
      await play(d, [['lim.weijie@moh.gov.my', 'verifier']]);
      const same = await d.send('lim.weijie@moh.gov.my');
      expect([same[0]?.text, askedField(same)]).to.deep.equal([msg('server.invalid.verifierIsTech'), 'verifier']);
      await play(d, [
        ['siti.omar@moh.gov.my', 'confirm'],
        ['1', null],
      ]);
      const [c] = await serverCases();
      expect(c!.data).to.deep.include({
        systemName: 'Portal Temujanji',
        domains: ['temujanji.moh.gov.my'],
        techId: 'demo-tech',
        verifierId: 'demo-verifier',
      });
    });

    it('submits nothing on "batal" midway or "Batal" at the summary', async () => {
      const midway = apply();
      await play(midway, rows().slice(0, 5));
      expect(textsOf(await midway.send('batal'))).to.equal(msg('cancel.done'));
      expect(midway.client.dialogContext.activeDialog).to.equal(undefined);
      const atSummary = apply();
      await play(atSummary, rows());
      expect(textsOf(await play(atSummary, [['Batal', null]]))).to.equal(msg('cancel.done'));
      expect(await serverCases()).to.have.length(0);
    });
  });

  describe('ProvideCsrDialog', () => {
    const provide = (caseId: string, personId = 'demo-tech') =>
      new DialogDriver(w, personId, new ProvideCsrDialog({ ...w.server, reader: w.reader }, w.prefs), { options: { caseId } });

    it('explains a refused CSR problem by problem and takes a good one, by upload or pasted', async () => {
      const caseId = await application();
      const d = provide(caseId);
      await play(d, [['hantar csr', 'csr']]);
      const none = await d.send('saya tiada fail');
      expect([none[0]?.text, askedField(none)]).to.deep.equal([msg('server.csr.none'), 'csr']);
      const weak = await csrs.csr({ key: await csrs.key('rsa:1024'), cn: 'temujanji.moh.gov.my' });
      const refused = await d.send(w.reader.upload(weak, { name: 'weak.csr', contentType: 'application/pkcs10' }));
      expect(refused[0]?.text)
        .to.match(/^CSR ditolak: 1 masalah ditemui\.\n- .+\n/)
        .and.include(msg('server.csr.tryAgain'));
      expect(askedField(refused)).to.equal('csr');
      const before = (await w.store.cases.get(caseId))!;
      const good = await csrs.csr({ cn: 'temujanji.moh.gov.my' });
      const done = await play(d, [[good.toString('utf8'), null]]);
      expect(textsOf(done)).to.equal(msg('server.csr.accepted', { caseId }));
      const after = (await w.store.cases.get<ServerCertData>(caseId))!;
      expect(after.status).to.not.equal(before.status);
      expect(after.version).to.be.greaterThan(before.version);
    });

    it('tells anyone but the named technical officer that it is not theirs, and "batal" leaves the case waiting', async () => {
      const caseId = await application();
      const before = (await w.store.cases.get(caseId))!;
      const other = provide(caseId, 'demo-verifier');
      await play(other, [['hantar csr', 'csr']]);
      const refused = await play(other, [[(await csrs.csr({ cn: 'temujanji.moh.gov.my' })).toString('utf8'), null]]);
      expect(textsOf(refused)).to.equal(msg('server.csr.NOT_TECH', { caseId }));
      const d = provide(caseId);
      await play(d, [['hantar csr', 'csr']]);
      expect(textsOf(await d.send('batal'))).to.equal(msg('cancel.done'));
      const after = (await w.store.cases.get(caseId))!;
      expect([after.status, after.version]).to.deep.equal([before.status, before.version]);
    });
  });

  describe('ServerCertOperationDialog', () => {
    /** A server certificate issued for demo-applicant's application (valid 200 days). */
    async function issued(): Promise<string> {
      const caseId = await application();
      expect(
        (await provideServerCsr(w.server, { caseId, actorId: 'demo-tech', input: await csrs.csr({ cn: 'temujanji.moh.gov.my' }) })).ok,
      ).to.equal(true);
      expect((await decideServerCase(w.server, { caseId, actorId: 'demo-verifier', decision: 'endorse' })).ok).to.equal(true);
      expect((await decideServerCase(w.server, { caseId, actorId: 'demo-lead', decision: 'approve' })).ok).to.equal(true);
      expect(await issueServerCertificate(w.server, caseId)).to.equal('issued');
      return (await w.store.cases.get(caseId))!.certificateSerial!;
    }
    const operate = (options: ServerOperationOptions, personId = 'demo-applicant') =>
      new DialogDriver(w, personId, new ServerCertOperationDialog(w.server, w.prefs), { options });
    const opsOn = async (serial: string, op: string) =>
      (await serverCases()).filter(
        (c) => (c.data as unknown as ServerCertData).operation === op && JSON.stringify(c.data).includes(serial),
      );

    it("revokes a decommissioned server's certificate after the verifier, once confirmed", async () => {
      const serial = await issued();
      const d = operate({ op: 'revoke' });
      await play(d, [['batalkan sijil pelayan', 'serial']]);
      const bad = await d.send('yang itu');
      expect([bad[0]?.text, askedField(bad)]).to.deep.equal([msg('invalid.choice'), 'serial']);
      await play(d, [['1', 'reason']]);
      const why = await d.send('entah');
      expect([why[0]?.text, askedField(why)]).to.deep.equal([msg('invalid.choice'), 'reason']);
      const confirm = await play(d, [[msg('server.revokeChoice.decommissioned'), 'confirm']]);
      expect(textsOf(confirm)).to.include(serial.toUpperCase());
      const done = await play(d, [['ya', null]]);
      const [c] = await opsOn(serial, 'revoke');
      expect(textsOf(done)).to.equal(msg('server.revoke.submitted.awaitingVerifier', { caseId: c!.id, serial: serial.toUpperCase() }));
    });

    it('refuses a renewal before the window with the date it opens, and submits one inside it', async () => {
      const serial = await issued();
      const early = operate({ op: 'renew' });
      await play(early, [
        ['perbaharui sijil pelayan', 'serial'],
        ['1', 'confirm'],
      ]);
      const refused = await play(early, [['ya', null]]);
      expect(textsOf(refused)).to.include(serial.toUpperCase()).and.include('30 hari sebelum luput');
      expect(await opsOn(serial, 'renew')).to.have.length(0);
      w.clock.set(new Date(w.clock.now().getTime() + 185 * DAY));
      const d = operate({ op: 'renew' }, 'demo-tech');
      await play(d, [
        ['perbaharui', 'serial'],
        ['1', 'confirm'],
      ]);
      const done = await play(d, [['ya', null]]);
      const [c] = await opsOn(serial, 'renew');
      expect(textsOf(done)).to.equal(msg('server.renew.submitted', { caseId: c!.id }));
      expect(d.result).to.equal(c!.id);
      expect(c!.data).to.deep.include({ renews: serial, domains: ['temujanji.moh.gov.my'], techId: 'demo-tech' });
    });

    it('keeps the certificate on "tidak" and on "batal"', async () => {
      const serial = await issued();
      const no = operate({ op: 'revoke', serial });
      await play(no, [
        ['batalkan', 'reason'],
        ['1', 'confirm'],
      ]);
      expect(textsOf(await play(no, [['tidak', null]]))).to.equal(msg('cancel.done'));
      const cancelled = operate({ op: 'revoke', serial });
      await play(cancelled, [['batalkan', 'reason']]);
      expect(textsOf(await cancelled.send('batal'))).to.equal(msg('cancel.done'));
      expect(await opsOn(serial, 'revoke')).to.have.length(0);
      expect((await w.store.certificates.get(serial))?.status).to.equal('AKTIF');
    });

    it('says so when the person has no server certificate', async () => {
      expect(textsOf(await play(operate({ op: 'revoke' }), [['batalkan', null]]))).to.equal(msg('server.op.none'));
    });
  });
});
