import { expect } from 'chai';
import type { TrainingApplication } from '../../domain/cases/operations.js';
import type { UserCertApplication } from '../../domain/cases/user-certificate.js';
import { submitUserCertificate } from '../../domain/usecases/user-certificate-apply.js';
import { decideUserCertificate } from '../../domain/usecases/user-certificate-decide.js';
import { APPLY_USER_CERT_DIALOG, ApplyUserCertificateDialog, type ApplyOptions } from '../../dialogs/user-certificate/apply-dialog.js';
import { fromAnyApplication } from '../../dialogs/user-certificate/fields.js';
import { askedField, DialogDriver, msg, openWorld, play, textsOf, tinyPng, type Row, type World } from './support.js';

const PDF = Buffer.from('%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n');

/**
 * The application form (DOMAIN.md 2.1, 2.6): a new user certificate, a training certificate, and
 * the correction of a returned application, each through DialogTestClient on the real use cases.
 */
describe('ApplyUserCertificateDialog', function () {
  this.timeout(30_000);
  let w: World;
  beforeEach(async () => {
    w = await openWorld();
  });
  afterEach(async () => {
    await w.close();
  });

  const dialog = () => new ApplyUserCertificateDialog({ core: w.core, reader: w.reader }, w.prefs);
  const start = (options: ApplyOptions, personId = 'demo-applicant') => new DialogDriver(w, personId, dialog(), { options });
  const cases = () => w.store.cases.listByApplicant('demo-applicant');

  /** A new user certificate, every answer typed the way people type them. */
  const userRows = (): Row[] => [
    ['mohon sijil', 'mykad'],
    ['900101-14-5678', 'fullName'],
    ['Aminah binti Hassan', 'email'],
    ['aminah@moh.gov.my', 'phone'],
    ['012-345 6789', 'agency'],
    ['Kementerian Kesihatan Malaysia', 'position'],
    ['Pegawai Teknologi Maklumat F41', 'medium'],
    ['1', 'applications'],
    ['ePerolehan, HRMIS', 'mykadCopy'],
    [w.reader.upload(tinyPng(), { name: 'mykad.png' }), 'declaration'],
    ['ya', 'confirm'],
  ];

  it('takes a new user-certificate application field by field and submits it to the AP', async () => {
    const d = start(ApplyUserCertificateDialog.fresh('user'));
    await play(d, userRows());
    expect(await cases()).to.have.length(0);
    const last = await d.send({ type: 'message', value: { verb: 'answer', field: 'confirm', choice: 'submit' } });
    expect(askedField(last)).to.equal(undefined);
    expect(d.status).to.equal('complete');
    const [c] = await cases();
    expect(d.result).to.equal(c!.id);
    expect(textsOf(last)).to.equal(msg('submitted', { caseId: c!.id }));
    expect(c).to.deep.include({ kind: 'UC', applicantId: 'demo-applicant', agencyId: 'KKM' });
    const data = c!.data as unknown as UserCertApplication;
    expect(data).to.deep.include({
      mykad: '900101145678',
      fullName: 'Aminah binti Hassan',
      email: 'aminah@moh.gov.my',
      agencyId: 'KKM',
      position: 'Pegawai Teknologi Maklumat F41',
      medium: 'token',
      applications: ['ePerolehan', 'HRMIS'],
      declaration: true,
    });
    expect(data.phone.replace(/\D/g, '')).to.equal('0123456789');
    expect((await w.store.files.get(data.mykadCopyFileId))?.bytes.equals(tinyPng())).to.equal(true);
  });

  it('asks a training applicant no MyKad, labels the summary not for production, and opens a TC case', async () => {
    const d = start(ApplyUserCertificateDialog.fresh('training'));
    const rows: Row[] = [
      ['sijil latihan', 'fullName'],
      ['Aminah binti Hassan', 'email'],
      ['aminah@moh.gov.my', 'phone'],
      ['03-8888 1234', 'agency'],
      ['1', 'position'],
      ['Pembangun Sistem F41', 'purpose'],
      ['Ujian integrasi ePerolehan', 'declaration'],
      ['setuju', 'confirm'],
    ];
    const summary = await play(d, rows);
    expect(JSON.stringify(summary.flatMap((r) => r.attachments ?? [])))
      .to.include(msg('training.label'))
      .and.include(msg('summary.title.training.new'));
    const done = await play(d, [['Hantar', null]]);
    const [c] = await cases();
    expect(textsOf(done)).to.equal(msg('submitted.training', { caseId: c!.id }));
    expect(c).to.deep.include({ kind: 'TC', agencyId: 'KKM' });
    expect(c!.data as unknown as TrainingApplication).to.deep.include({
      fullName: 'Aminah binti Hassan',
      purpose: 'Ujian integrasi ePerolehan',
      position: 'Pembangun Sistem F41',
    });
    expect(c!.data).to.not.have.property('mykad');
  });

  for (const [says, at] of [
    ['batal', 'phone'],
    ['cancel', 'declaration'],
    ['tak jadi', 'confirm'],
  ] as const) {
    it(`stops at "${at}" on "${says}" with nothing submitted`, async () => {
      const d = start(ApplyUserCertificateDialog.fresh('user'));
      const rows = userRows();
      await play(d, rows.slice(0, rows.findIndex(([, asks]) => asks === at) + 1));
      const r = await d.send(says);
      expect(textsOf(r)).to.equal(msg('cancel.done'));
      expect(askedField(r)).to.equal(undefined);
      expect(d.client.dialogContext.activeDialog).to.equal(undefined);
      expect(await cases()).to.have.length(0);
    });
  }

  it('re-asks a refused answer with its reason and keeps every answer given before it', async () => {
    const d = start(ApplyUserCertificateDialog.fresh('user'));
    const bad: [string, string, string][] = [];
    const refusals = new Map<string, [unknown, string][]>([
      [
        'mykad',
        [
          ['1234', msg('invalid.MYKAD_FORMAT')],
          ['901301145678', msg('invalid.MYKAD_DATE')],
        ],
      ],
      ['email', [['aminah@gmail.com', msg('invalid.EMAIL_WEBMAIL', { domain: 'gmail.com' })]]],
      ['agency', [['Kementerian Tiada', msg('invalid.choice')]]],
      [
        'applications',
        [
          [
            'ePerolehan, SistemX',
            msg('invalid.applications', { unknown: 'SistemX', choices: 'ePerolehan, 1GFMAS, eSPKB, MyGovUC, HRMIS, LAIN' }),
          ],
        ],
      ],
      [
        'mykadCopy',
        [
          [w.reader.upload(PDF, { name: 'ic.pdf', contentType: 'application/pdf' }), msg('invalid.FILE_TYPE')],
          ['ini dia', msg('invalid.FILE_NONE')],
        ],
      ],
      ['declaration', [['tidak', msg('invalid.declaration')]]],
    ]);
    for (const [says, asks] of userRows()) {
      const r = await d.send(says);
      expect(askedField(r), textsOf(r)).to.equal(asks);
      for (const [wrong, reason] of refusals.get(asks ?? '') ?? []) {
        const again = await d.send(wrong as string);
        expect(again[0]?.text, `answer to ${asks}`).to.equal(reason);
        expect(askedField(again), `re-ask of ${asks}`).to.equal(asks);
        bad.push([asks!, String(typeof wrong === 'string' ? wrong : 'upload'), reason]);
      }
    }
    expect(bad).to.have.length(8);
    await play(d, [['Hantar', null]]);
    const [c] = await cases();
    expect(c!.data).to.deep.include({
      mykad: '900101145678',
      email: 'aminah@moh.gov.my',
      agencyId: 'KKM',
      applications: ['ePerolehan', 'HRMIS'],
    });
  });

  it('switches language at a question without losing the answers given', async () => {
    const d = start(ApplyUserCertificateDialog.fresh('user'));
    await play(d, userRows().slice(0, 3));
    const switched = await d.send('english please');
    expect(switched.map((r) => r.text)).to.deep.equal([
      msg('lang.switched', {}, 'en'),
      `${msg('prompt.email', {}, 'en')}\n\n${msg('prefill.text', { value: 'aminah@moh.gov.my' }, 'en')}`,
    ]);
    expect(askedField(switched)).to.equal('email');
    expect(w.prefs.chosen.get('demo-applicant')).to.equal('en');
    const rest = userRows()
      .slice(3)
      .map(([says, asks]) => [says === 'ya' ? 'yes' : says, asks] as Row);
    await play(d, rest);
    const done = await play(d, [['Submit', null]]);
    const [c] = await cases();
    expect(textsOf(done)).to.equal(msg('submitted', { caseId: c!.id }, 'en'));
    expect(c!.data).to.deep.include({ mykad: '900101145678', fullName: 'Aminah binti Hassan' });
  });

  it('changes one field from the summary and keeps the rest', async () => {
    const d = start(ApplyUserCertificateDialog.fresh('user'));
    await play(d, userRows());
    await play(d, [
      ['Ubah maklumat', 'whichField'],
      [msg('field.phone'), 'phone'],
      ['03-8000 8000', 'confirm'],
      ['Hantar', null],
    ]);
    const [c] = await cases();
    const data = c!.data as unknown as UserCertApplication;
    expect(data.phone.replace(/\D/g, '')).to.equal('0380008000');
    expect(data).to.deep.include({
      fullName: 'Aminah binti Hassan',
      position: 'Pegawai Teknologi Maklumat F41',
      applications: ['ePerolehan', 'HRMIS'],
    });
  });

  it('summary "Batal" ends the form with nothing submitted', async () => {
    const d = start(ApplyUserCertificateDialog.fresh('user'));
    await play(d, userRows());
    const r = await d.send('Batal');
    expect(textsOf(r)).to.equal(msg('cancel.done'));
    expect(d.status).to.equal('complete');
    expect(await cases()).to.have.length(0);
  });

  describe('correction mode', () => {
    /** An application the AP returned asking for a new phone number. */
    async function returned(): Promise<string> {
      const copy = await w.store.files.put({ ownerId: 'demo-applicant', name: 'ic.png', contentType: 'image/png', bytes: tinyPng() });
      const app: UserCertApplication = {
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
      };
      const s = await submitUserCertificate(w.core, 'demo-applicant', app);
      if (!s.ok) throw new Error(s.error);
      const r = await decideUserCertificate(w.core, {
        caseId: s.value.id,
        actorId: 'demo-ap',
        decision: 'return',
        note: 'Nombor telefon tidak aktif',
        fields: ['phone'],
      });
      if (!r.ok) throw new Error(r.error);
      return s.value.id;
    }
    const correcting = async (caseId: string): Promise<ApplyOptions> => {
      const c = (await w.store.cases.get<UserCertApplication>(caseId))!;
      const copy = await w.store.files.get(c.data.mykadCopyFileId);
      return {
        mode: 'correct',
        caseId,
        values: fromAnyApplication(c.data, copy?.meta.size ?? 0),
        ask: ['phone', 'declaration'],
        realm: 'user',
      };
    };

    it('asks only the returned field, then resubmits the same case with the rest unchanged', async () => {
      const caseId = await returned();
      const d = start(await correcting(caseId));
      const done = await play(d, [
        ['betulkan', 'phone'],
        ['tak tahu', 'phone'],
        ['019-222 3333', 'declaration'],
        ['ya', 'confirm'],
        ['Hantar', null],
      ]);
      expect(textsOf(done)).to.equal(msg('resubmitted', { caseId }));
      expect(d.result).to.equal(caseId);
      const c = (await w.store.cases.get<UserCertApplication>(caseId))!;
      expect(c.status).to.not.equal('PERLU_PEMBETULAN');
      expect(c.data.phone.replace(/\D/g, '')).to.equal('0192223333');
      expect(c.data).to.deep.include({ fullName: 'Aminah binti Hassan', position: 'Pegawai F41', mykad: '900101145678' });
      expect(await cases()).to.have.length(1);
    });

    it('refuses a typed-over phone with the reason, and a cancel leaves the case as returned', async () => {
      const caseId = await returned();
      const d = start(await correcting(caseId));
      await d.send('betulkan');
      const r = await d.send('abc');
      expect(r[0]?.text).to.equal(msg('invalid.PHONE_FORMAT'));
      expect(askedField(r)).to.equal('phone');
      await d.send('019-222 3333');
      const cancelled = await d.send('batal');
      expect(textsOf(cancelled)).to.equal(msg('cancel.done'));
      const c = (await w.store.cases.get<UserCertApplication>(caseId))!;
      expect(c.status).to.equal('PERLU_PEMBETULAN');
      expect(c.data.phone).to.equal('0123456789');
    });
  });

  it('is registered under the id the goals begin', () => {
    expect(dialog().id).to.equal(APPLY_USER_CERT_DIALOG);
  });
});
