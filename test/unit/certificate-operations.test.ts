import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import type { TrainingCaseData } from '../../domain/cases/operations.js';
import type { CertificateRecord } from '../../domain/certificates.js';
import type { CoreDeps } from '../../domain/usecases/deps.js';
import { issueCertificate } from '../../domain/usecases/certificate-issue.js';
import { checkRevocable, revokeForCase, submitRevocation } from '../../domain/usecases/certificate-revoke.js';
import { submitRenewal } from '../../domain/usecases/certificate-renew.js';
import { submitReplacement } from '../../domain/usecases/certificate-replace.js';
import { sendExpiryReminders } from '../../domain/usecases/expiry.js';
import { expireTrainingDownload, redeemTrainingDownload, submitTrainingApplication } from '../../domain/usecases/training.js';
import { decideUserCertificate } from '../../domain/usecases/user-certificate-decide.js';
import { listAgencyCases, listTasks } from '../../domain/usecases/queries.js';
import { loadDirectorySeed } from '../../infra/directory-seed.js';
import { FileStoreKeyEscrow } from '../../infra/keys/escrow.js';
import { InlineJobScheduler } from '../../infra/queue/inline.js';
import { createEmbeddedStore, type EmbeddedStore } from '../../infra/store/embedded/index.js';
import type { EmbeddedCertificateAuthority } from '../../infra/ca/embedded-ca.js';
import { freshCa } from '../support/embedded-ca.js';
import { removeDir, TestClock } from '../support/bot.js';
import { trainingApplication } from '../support/certs.js';
import { coreDepsOn } from '../support/core-deps.js';

const DAY = 86_400_000;

/**
 * Renewal, revocation, replacement, training delivery and reminders on real adapters (embedded
 * store, in-process queue left unstarted so the test runs the CA jobs itself, embedded CAs).
 */
describe('certificate operation use cases', function () {
  this.timeout(60_000);
  let dir: string;
  let store: EmbeddedStore;
  let jobs: InlineJobScheduler;
  let deps: CoreDeps;
  let cas: EmbeddedCertificateAuthority[];
  const clock = new TestClock(new Date('2027-01-10T02:00:00.000Z'));

  beforeEach(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'gpki-ops-'));
    store = createEmbeddedStore({ file: path.join(dir, 'gpki.db'), filesDir: path.join(dir, 'files') });
    jobs = new InlineJobScheduler({ file: path.join(dir, 'gpki.db') });
    const [{ ca }, { ca: trainingCa }] = await Promise.all([freshCa({ clock: () => clock.now() }), freshCa({ clock: () => clock.now() })]);
    cas = [ca, trainingCa];
    deps = {
      ...coreDepsOn(store, jobs, { ca, trainingCa, clock }),
    };
    await loadDirectorySeed(store.directory, JSON.parse(readFileSync('infra/seed/demo-directory.json', 'utf8')));
    await store.directory.upsertPerson({ id: 'other-ap', name: 'AP Lain', agencyId: 'MAMPU', roles: ['USER', 'AP'], identities: [] });
  });
  afterEach(async () => {
    for (const ca of cas) await ca.close();
    await jobs.close();
    await store.close();
    removeDir(dir);
  });

  /** A valid user certificate of demo-applicant, stored as the first flow stores it. */
  async function userCert(patch: Partial<CertificateRecord> = {}): Promise<CertificateRecord> {
    const issued = await deps.ca.issue({
      key: `k-${Math.random()}`,
      profile: 'user',
      subject: { commonName: 'Aminah binti Hassan' },
      validityDays: 365,
    });
    const c = await store.cases.create({
      kind: 'UC',
      status: 'DIKELUARKAN',
      applicantId: 'demo-applicant',
      agencyId: 'KKM',
      data: {},
      timeline: [],
    });
    const cert: CertificateRecord = {
      serial: issued.serial,
      ownerId: 'demo-applicant',
      caseId: c.id,
      profile: 'user',
      medium: 'token',
      subjectCommonName: 'Aminah binti Hassan',
      notBefore: issued.notBefore.toISOString(),
      notAfter: issued.notAfter.toISOString(),
      status: 'AKTIF',
      certPem: issued.certPem,
      ...patch,
    };
    await store.certificates.save(cert);
    return cert;
  }
  const caseCount = async () => (await store.cases.listByApplicant('demo-applicant')).length;

  it('refuses revocations the requester is not entitled to, creating no case', async () => {
    const cert = await userCert();
    const before = await caseCount();
    const base = { serial: cert.serial, realm: 'user' as const };
    expect(await submitRevocation(deps, { ...base, actorId: 'demo-tech', choice: 'noLongerNeeded' })).to.deep.include({
      ok: false,
      error: 'NOT_OWNER',
    });
    expect(await submitRevocation(deps, { ...base, actorId: 'other-ap', choice: 'noLongerNeeded' })).to.deep.include({
      ok: false,
      error: 'NOT_OWNER',
    });
    expect(await submitRevocation(deps, { ...base, actorId: 'demo-applicant', choice: 'accessWithdrawn' })).to.deep.include({
      ok: false,
      error: 'REASON_NOT_ALLOWED',
    });
    expect(
      await submitRevocation(deps, { ...base, realm: 'training', actorId: 'demo-applicant', choice: 'noLongerNeeded' }),
    ).to.deep.include({ ok: false, error: 'WRONG_REALM' });
    expect(
      await submitRevocation(deps, { ...base, serial: 'abcdef', actorId: 'demo-applicant', choice: 'noLongerNeeded' }),
    ).to.deep.include({ ok: false, error: 'CERT_NOT_FOUND' });
    expect(await caseCount()).to.equal(before);

    const waiting = await submitRevocation(deps, { ...base, actorId: 'demo-applicant', choice: 'noLongerNeeded' });
    expect(waiting.ok && waiting.value.path).to.equal('awaitingAp');
    expect(await submitRevocation(deps, { ...base, actorId: 'demo-applicant', choice: 'lostOrDisclosed' })).to.deep.include({
      ok: false,
      error: 'ALREADY_REQUESTED',
    });
    expect(await submitRenewal(deps, { ...base, actorId: 'demo-applicant', application: {} as never })).to.deep.include({
      ok: false,
      error: 'TOO_EARLY',
    });
    expect(await caseCount()).to.equal(before + 1);
    // The AP sees it as a task and among the agency's cases; an AP of another agency sees neither.
    expect((await listTasks(deps, 'demo-ap')).map((c) => c.id)).to.include(waiting.ok ? waiting.value.c.id : '');
    expect((await listAgencyCases(deps, 'demo-ap')).map((c) => c.id)).to.include(waiting.ok ? waiting.value.c.id : '');
    expect(await listAgencyCases(deps, 'other-ap')).to.deep.equal([]);
  });

  it('revokes exactly once, keeps the record in step with the CA, and fails the case on a CA refusal', async () => {
    const cert = await userCert();
    const r = await submitRevocation(deps, { serial: cert.serial, realm: 'user', actorId: 'demo-applicant', choice: 'lostOrDisclosed' });
    expect(r.ok && r.value.c.status).to.equal('DIHANTAR_KE_CA');
    const id = r.ok ? r.value.c.id : '';
    expect(await revokeForCase(deps, id)).to.equal('revoked');
    expect(await revokeForCase(deps, id)).to.equal('nothing-to-do');
    expect((await store.certificates.get(cert.serial))?.revocation?.reason).to.equal('keyCompromise');
    expect(await checkRevocable(deps, { actorId: 'demo-applicant', serial: cert.serial, realm: 'user' })).to.deep.include({
      ok: false,
      error: 'ALREADY_REVOKED',
    });

    // A certificate the CA never issued: the CA refuses for good, the case fails and says why.
    const ghost = await userCert({ serial: 'deadbeef' });
    const g = await submitRevocation(deps, { serial: ghost.serial, realm: 'user', actorId: 'demo-applicant', choice: 'lostOrDisclosed' });
    const gid = g.ok ? g.value.c.id : '';
    expect(await revokeForCase(deps, gid)).to.equal('refused');
    expect(await store.cases.get(gid)).to.deep.include({ status: 'GAGAL', reason: 'CA_REFUSED' });
  });

  it('refuses a blocked token as a replacement, and an expired certificate', async () => {
    const cert = await userCert();
    const old = await userCert({ notAfter: new Date(clock.now().getTime() - DAY).toISOString() });
    const before = await caseCount();
    expect(
      await submitReplacement(deps, {
        serial: cert.serial,
        realm: 'user',
        actorId: 'demo-applicant',
        trigger: 'blockedToken',
        application: {} as never,
      }),
    ).to.deep.include({ ok: false, error: 'NOT_A_REPLACEMENT' });
    expect(
      await submitReplacement(deps, {
        serial: cert.serial,
        realm: 'user',
        actorId: 'demo-applicant',
        trigger: 'forgotPassword',
        application: {} as never,
      }),
    ).to.deep.include({ ok: false, error: 'NOT_A_REPLACEMENT' });
    expect(
      await submitReplacement(deps, {
        serial: old.serial,
        realm: 'user',
        actorId: 'demo-applicant',
        trigger: 'damaged',
        application: {} as never,
      }),
    ).to.deep.include({ ok: false, error: 'EXPIRED' });
    expect(await caseCount()).to.equal(before);
  });

  it('keeps a training key sealed until its one download, which exactly one of two simultaneous requests gets', async () => {
    const r = await submitTrainingApplication(deps, { actorId: 'demo-applicant', application: trainingApplication() });
    const id = r.ok ? r.value.id : '';
    await decideUserCertificate(deps, { caseId: id, actorId: 'demo-ap', decision: 'approve' });
    expect(await issueCertificate(deps, id)).to.equal('issued');
    expect(await issueCertificate(deps, id)).to.equal('nothing-to-do');
    const c = (await store.cases.get<TrainingCaseData>(id))!;
    const keyId = c.data.delivery!.keyId!;
    const sealed = (await store.files.get(keyId))!;
    expect(sealed.bytes.toString('latin1')).to.not.contain('PRIVATE KEY');
    expect(sealed.meta.ownerId).to.equal('key-escrow:demo-applicant');
    expect(
      await new FileStoreKeyEscrow({ files: store.files, secret: 'another-secret-0123456789' }).csr(keyId, 'x').catch(() => 'refused'),
    ).to.equal('refused');
    expect((await store.certificates.get(c.certificateSerial!))?.profile).to.equal('training');

    const [a, b] = await Promise.all([
      redeemTrainingDownload(deps, { caseId: id, password: 'rahsia-latihan', confirm: 'rahsia-latihan' }),
      redeemTrainingDownload(deps, { caseId: id, password: 'rahsia-latihan', confirm: 'rahsia-latihan' }),
    ]);
    expect([a.ok, b.ok].filter(Boolean)).to.have.length(1);
    expect(a.ok ? b : a).to.deep.include({ ok: false, error: 'USED' });
    expect(await store.files.get(keyId)).to.equal(undefined);
  });

  it('deletes an undownloaded training key when its link expires and tells the holder', async () => {
    const r = await submitTrainingApplication(deps, { actorId: 'demo-applicant', application: trainingApplication() });
    const id = r.ok ? r.value.id : '';
    await decideUserCertificate(deps, { caseId: id, actorId: 'demo-ap', decision: 'approve' });
    await issueCertificate(deps, id);
    const keyId = (await store.cases.get<TrainingCaseData>(id))!.data.delivery!.keyId!;
    expect(await expireTrainingDownload(deps, id)).to.equal('nothing-to-do'); // not yet
    clock.advanceDays(1.01);
    expect(await expireTrainingDownload(deps, id)).to.equal('expired');
    expect(await store.files.get(keyId)).to.equal(undefined);
    expect((await store.cases.get<TrainingCaseData>(id))!.data.delivery).to.deep.include({ state: 'expired' });
    expect(await redeemTrainingDownload(deps, { caseId: id, password: 'rahsia-latihan', confirm: 'rahsia-latihan' })).to.deep.include({
      ok: false,
      error: 'EXPIRED',
    });
  });

  it('sends each reminder once, however often the scan runs, and none for renewed certificates', async () => {
    const due = await userCert({ notAfter: new Date(clock.now().getTime() + 13.5 * DAY).toISOString() });
    await userCert({
      notAfter: new Date(clock.now().getTime() + 20 * DAY).toISOString(),
      successor: { serial: 'ab', caseId: 'UC-2027-000009' },
    });
    await userCert({ notAfter: new Date(clock.now().getTime() + 200 * DAY).toISOString() });
    expect(await sendExpiryReminders(deps)).to.deep.equal({ sent: 1 });
    expect(await sendExpiryReminders(deps)).to.deep.equal({ sent: 0 });
    expect((await store.certificates.get(due.serial))?.remindersSent).to.deep.equal([14]);
    expect((await jobs.counts('notify')).waiting).to.equal(1);
  });
});
