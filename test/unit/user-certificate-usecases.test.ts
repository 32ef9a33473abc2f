import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import type { UserCertApplication } from '../../domain/cases/user-certificate.js';
import { caseYear } from '../../domain/cases/case.js';
import { MYKAD_COPY_RETENTION_DAYS, purgeStaleMyKadCopies } from '../../domain/usecases/personal-data.js';
import type { CoreDeps } from '../../domain/usecases/deps.js';
import { resubmitUserCertificate, submitUserCertificate } from '../../domain/usecases/user-certificate-apply.js';
import { decideUserCertificate, issueUserCertificate } from '../../domain/usecases/user-certificate-decide.js';
import { listTasks } from '../../domain/usecases/queries.js';
import { verifyAuditChain } from '../../domain/audit.js';
import { loadDirectorySeed } from '../../infra/directory-seed.js';
import { createEmbeddedStore, type EmbeddedStore } from '../../infra/store/embedded/index.js';
import { InlineJobScheduler } from '../../infra/queue/inline.js';
import { freshCa } from '../support/embedded-ca.js';
import { removeDir, tinyPng } from '../support/bot.js';
import { coreDepsOn } from '../support/core-deps.js';

/**
 * The user-certificate use cases on real adapters (embedded store, in-process queue, embedded
 * CA), with the queue left unstarted so the test can see what was enqueued.
 */
describe('user-certificate use cases', function () {
  this.timeout(60_000);
  let dir: string;
  let store: EmbeddedStore;
  let jobs: InlineJobScheduler;
  let deps: CoreDeps;

  beforeEach(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'gpki-uc-'));
    store = createEmbeddedStore({ file: path.join(dir, 'gpki.db'), filesDir: path.join(dir, 'files') });
    jobs = new InlineJobScheduler({ file: path.join(dir, 'gpki.db') });
    const { ca } = await freshCa();
    deps = {
      // Training work is tested in certificate-operations.test.ts; this suite never reaches it.
      ...coreDepsOn(store, jobs, { ca }),
    };
    await loadDirectorySeed(store.directory, JSON.parse(readFileSync('infra/seed/demo-directory.json', 'utf8')));
    await store.directory.upsertPerson({ id: 'other-ap', name: 'AP Lain', agencyId: 'MAMPU', roles: ['USER', 'AP'], identities: [] });
  });
  afterEach(async () => {
    await jobs.close();
    await store.close();
    removeDir(dir);
  });

  async function application(ownerId: string, patch: Partial<UserCertApplication> = {}): Promise<UserCertApplication> {
    const file = await store.files.put({ ownerId, name: 'mykad.png', contentType: 'image/png', bytes: tinyPng() });
    return {
      mykad: '900101-14-5678',
      fullName: 'Aminah binti Hassan',
      email: 'aminah@moh.gov.my',
      phone: '012-3456789',
      agencyId: 'KKM',
      position: 'Pegawai F41',
      medium: 'token',
      applications: ['ePerolehan'],
      mykadCopyFileId: file.id,
      declaration: true,
      ...patch,
    };
  }

  async function submitted(ownerId = 'demo-applicant') {
    const r = await submitUserCertificate(deps, ownerId, await application(ownerId));
    if (!r.ok) throw new Error(r.error);
    return r.value;
  }

  it('checks the whole application again on the server', async () => {
    expect(
      await submitUserCertificate(deps, 'demo-applicant', await application('demo-applicant', { email: 'aminah@gmail.com' })),
    ).to.deep.include({ ok: false, error: 'INVALID_FIELD' });
    expect(await submitUserCertificate(deps, 'demo-applicant', await application('someone-else'))).to.deep.include({
      ok: false,
      error: 'FILE_MISSING',
    });
    expect(await submitUserCertificate(deps, 'demo-applicant', await application('demo-applicant', { agencyId: 'NOPE' }))).to.deep.include({
      ok: false,
      error: 'AGENCY_UNKNOWN',
    });
    expect(await store.cases.listByApplicant('demo-applicant')).to.have.length(0);
  });

  it('numbers the case, normalises the data, audits, and asks only the agency APs', async () => {
    const c = await submitted();
    expect(c.id).to.equal(`UC-${caseYear(new Date())}-000001`);
    expect(c.status).to.equal('MENUNGGU_PENGESAHAN_AP');
    expect(c.data.mykad).to.equal('900101145678');
    expect(c.data.phone).to.equal('0123456789');
    const audit = await store.audit.list(c.id);
    expect(audit.map((e) => e.action)).to.deep.equal(['submitted', 'routed']);
    expect(verifyAuditChain(audit)).to.deep.equal({ ok: true });
    expect((await jobs.counts('notify')).waiting).to.equal(1);
    expect((await listTasks(deps, 'demo-ap')).map((x) => x.id)).to.deep.equal([c.id]);
    expect(await listTasks(deps, 'other-ap')).to.deep.equal([]);
  });

  it('lets nobody decide their own application, and only an AP of the same agency decide at all', async () => {
    const own = await submitted('demo-ap');
    expect((await jobs.counts('notify')).waiting).to.equal(0);
    expect(await decideUserCertificate(deps, { caseId: own.id, actorId: 'demo-ap', decision: 'approve' })).to.deep.include({
      ok: false,
      error: 'SELF_APPROVAL',
    });
    const c = await submitted();
    expect(await decideUserCertificate(deps, { caseId: c.id, actorId: 'demo-tech', decision: 'approve' })).to.deep.include({
      ok: false,
      error: 'ROLE_REQUIRED',
    });
    expect(await decideUserCertificate(deps, { caseId: c.id, actorId: 'other-ap', decision: 'approve' })).to.deep.include({
      ok: false,
      error: 'WRONG_AGENCY',
    });
    expect((await store.cases.get(c.id))?.status).to.equal('MENUNGGU_PENGESAHAN_AP');
  });

  it('needs a note to return or reject, and fields to return', async () => {
    const c = await submitted();
    expect(await decideUserCertificate(deps, { caseId: c.id, actorId: 'demo-ap', decision: 'reject' })).to.deep.include({
      ok: false,
      error: 'NOTE_REQUIRED',
    });
    expect(await decideUserCertificate(deps, { caseId: c.id, actorId: 'demo-ap', decision: 'return', note: 'x' })).to.deep.include({
      ok: false,
      error: 'FIELDS_REQUIRED',
    });
    expect(
      await decideUserCertificate(deps, {
        caseId: c.id,
        actorId: 'demo-ap',
        decision: 'return',
        note: 'x',
        fields: ['declaration', 'bogus'],
      }),
    ).to.deep.include({ ok: false, error: 'FIELDS_REQUIRED' });
    const r = await decideUserCertificate(deps, { caseId: c.id, actorId: 'demo-ap', decision: 'reject', note: 'Bukan kakitangan' });
    expect(r.ok && r.value.status).to.equal('DITOLAK');
    expect(r.ok && r.value.reason).to.equal('Bukan kakitangan');
  });

  it('lets exactly one of two simultaneous decisions win', async () => {
    await store.directory.upsertPerson({ id: 'ap-2', name: 'AP Dua', agencyId: 'KKM', roles: ['USER', 'AP'], identities: [] });
    const c = await submitted();
    const [a, b] = await Promise.all([
      decideUserCertificate(deps, { caseId: c.id, actorId: 'demo-ap', decision: 'approve', seenVersion: c.version }),
      decideUserCertificate(deps, { caseId: c.id, actorId: 'ap-2', decision: 'reject', note: 'tidak', seenVersion: c.version }),
    ]);
    expect([a.ok, b.ok].filter(Boolean)).to.have.length(1);
    const loser = a.ok ? b : a;
    expect(loser).to.deep.include({ ok: false, error: 'ALREADY_DECIDED' });
  });

  it('accepts corrections only to the returned fields, then issues exactly once', async () => {
    const c = await submitted();
    const ret = await decideUserCertificate(deps, {
      caseId: c.id,
      actorId: 'demo-ap',
      decision: 'return',
      note: 'Telefon pejabat',
      fields: ['phone'],
    });
    expect(ret.ok && ret.value.correction?.fields).to.deep.equal(['phone']);
    expect(
      await resubmitUserCertificate(deps, { caseId: c.id, actorId: 'demo-applicant', changes: { email: 'x@moh.gov.my' } }),
    ).to.deep.include({ ok: false, error: 'FIELD_NOT_REQUESTED' });
    expect(await resubmitUserCertificate(deps, { caseId: c.id, actorId: 'demo-ap', changes: { phone: '0388881234' } })).to.deep.include({
      ok: false,
      error: 'NOT_APPLICANT',
    });
    expect(await resubmitUserCertificate(deps, { caseId: c.id, actorId: 'demo-applicant', changes: { phone: '12' } })).to.deep.include({
      ok: false,
      error: 'INVALID_FIELD',
    });
    const again = await resubmitUserCertificate(deps, { caseId: c.id, actorId: 'demo-applicant', changes: { phone: '03-8888 1234' } });
    expect(again.ok && again.value.data.phone).to.equal('0388881234');
    expect(again.ok && again.value.correction).to.equal(undefined);
    const ok = await decideUserCertificate(deps, { caseId: c.id, actorId: 'demo-ap', decision: 'approve' });
    expect(ok.ok && ok.value.status).to.equal('DIHANTAR_KE_CA');
    expect((await jobs.counts('ca')).waiting).to.equal(1);
    expect(await issueUserCertificate(deps, c.id)).to.equal('issued');
    expect(await issueUserCertificate(deps, c.id)).to.equal('nothing-to-do');
    const certs = await store.certificates.listByOwner('demo-applicant');
    expect(certs).to.have.length(1);
    expect(certs[0]).to.include({ caseId: c.id, profile: 'user', medium: 'token', status: 'AKTIF' });
    expect((await store.cases.get(c.id))?.certificateSerial).to.equal(certs[0].serial);
  });

  describe('MyKad copies are not kept (DOMAIN.md 7.15)', () => {
    const events = async (id: string) => (await store.cases.get(id))!.timeline.map((e) => e.event);
    const fileOf = async (id: string) => (await store.cases.get<UserCertApplication>(id))!.data.mykadCopyFileId;

    it('deletes the copy once the AP approves, says so on the timeline, and keeps the audit chain whole', async () => {
      const c = await submitted();
      expect(await store.files.get(c.data.mykadCopyFileId)).to.not.equal(undefined);
      const r = await decideUserCertificate(deps, { caseId: c.id, actorId: 'demo-ap', decision: 'approve' });
      expect(r.ok).to.equal(true);
      expect(await store.files.get(c.data.mykadCopyFileId)).to.equal(undefined);
      expect(await events(c.id)).to.include.members(['approved', 'mykadCopyDeleted']);
      expect(verifyAuditChain(await store.audit.list(c.id)).ok).to.equal(true);
    });

    it('deletes the copy of a rejected application too', async () => {
      const c = await submitted();
      await decideUserCertificate(deps, { caseId: c.id, actorId: 'demo-ap', decision: 'reject', note: 'Bukan pegawai agensi ini' });
      expect(await store.files.get(c.data.mykadCopyFileId)).to.equal(undefined);
      expect(await events(c.id)).to.include('mykadCopyDeleted');
    });

    it('keeps the copy while the case is returned, and deletes the old one when a new copy replaces it', async () => {
      const c = await submitted();
      await decideUserCertificate(deps, {
        caseId: c.id,
        actorId: 'demo-ap',
        decision: 'return',
        note: 'Salinan kabur',
        fields: ['mykadCopy'],
      });
      expect(await store.files.get(c.data.mykadCopyFileId)).to.not.equal(undefined);
      const fresh = await store.files.put({ ownerId: 'demo-applicant', name: 'mykad2.png', contentType: 'image/png', bytes: tinyPng() });
      const r = await resubmitUserCertificate(deps, { caseId: c.id, actorId: 'demo-applicant', changes: { mykadCopyFileId: fresh.id } });
      expect(r.ok).to.equal(true);
      expect(await store.files.get(c.data.mykadCopyFileId)).to.equal(undefined);
      expect(await fileOf(c.id)).to.equal(fresh.id);
      expect(await store.files.get(fresh.id)).to.not.equal(undefined);
    });

    it(`deletes copies still waiting after ${MYKAD_COPY_RETENTION_DAYS} days, once; the returned case can still be resubmitted`, async () => {
      let now = new Date('2026-03-01T02:00:00.000Z');
      deps.clock = { now: () => now };
      const old = await submitted();
      now = new Date('2026-04-01T02:00:00.000Z');
      const recent = await submitted();
      await decideUserCertificate(deps, {
        caseId: old.id,
        actorId: 'demo-ap',
        decision: 'return',
        note: 'Nombor telefon salah',
        fields: ['phone'],
      });

      now = new Date(Date.parse(old.createdAt) + (MYKAD_COPY_RETENTION_DAYS - 1) * 86_400_000);
      expect(await purgeStaleMyKadCopies(deps)).to.deep.equal({ deleted: 0 });
      now = new Date(Date.parse(old.createdAt) + (MYKAD_COPY_RETENTION_DAYS + 1) * 86_400_000);
      expect(await purgeStaleMyKadCopies(deps)).to.deep.equal({ deleted: 1 });
      expect(await purgeStaleMyKadCopies(deps)).to.deep.equal({ deleted: 0 });
      expect(await store.files.get(old.data.mykadCopyFileId)).to.equal(undefined);
      expect(await store.files.get(recent.data.mykadCopyFileId)).to.not.equal(undefined);
      expect(await events(old.id)).to.include('mykadCopyDeleted');

      // The copy was checked at submission; correcting another field does not ask for it again.
      const r = await resubmitUserCertificate(deps, { caseId: old.id, actorId: 'demo-applicant', changes: { phone: '012-7654321' } });
      expect(r.ok).to.equal(true);
      expect((await store.cases.get(old.id))!.status).to.equal('MENUNGGU_PENGESAHAN_AP');
    });
  });
});
