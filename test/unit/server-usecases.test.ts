import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import type { ServerDeps } from '../../domain/usecases/server-deps.js';
import {
  decideServerCase,
  provideServerCsr,
  submitServerApplication,
  type ServerApplicationInput,
} from '../../domain/usecases/server-certificate.js';
import { issueServerCertificate } from '../../domain/usecases/server-certificate-ca.js';
import { PermanentError } from '../../domain/errors.js';
import type { CertificateAuthority } from '../../domain/ports/certificate-authority.js';
import { loadDirectorySeed } from '../../infra/directory-seed.js';
import { createEmbeddedStore, type EmbeddedStore } from '../../infra/store/embedded/index.js';
import { InlineJobScheduler } from '../../infra/queue/inline.js';
import { csrReader } from '../../infra/ca/csr-facts.js';
import { freshCa } from '../support/embedded-ca.js';
import { removeDir } from '../support/bot.js';
import { OpensslCsrs } from '../support/openssl-csr.js';
import { coreDepsOn } from '../support/core-deps.js';

/**
 * Server-certificate use cases on real adapters (embedded store, unstarted in-process queue,
 * embedded CA): what the dialogs cannot be trusted to enforce is enforced here again.
 */
describe('server-certificate use cases', function () {
  this.timeout(60_000);
  let dir: string;
  let store: EmbeddedStore;
  let jobs: InlineJobScheduler;
  let deps: ServerDeps;
  const csrs = new OpensslCsrs();
  after(() => csrs.remove());
  const input = (patch: Partial<ServerApplicationInput> = {}): ServerApplicationInput => ({
    certType: 'single',
    systemName: 'Portal Temujanji',
    domains: ['temujanji.moh.gov.my'],
    justification: 'Sistem pembayaran dalam talian agensi',
    techId: 'demo-tech',
    verifierId: 'demo-verifier',
    ...patch,
  });

  beforeEach(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'gpki-sc-'));
    store = createEmbeddedStore({ file: path.join(dir, 'gpki.db'), filesDir: path.join(dir, 'files') });
    jobs = new InlineJobScheduler({ file: path.join(dir, 'gpki.db') });
    const { ca } = await freshCa();
    deps = {
      ...coreDepsOn(store, jobs, { ca }),
      server: {
        csrReader,
        keyFingerprints: store.keyFingerprints,
        policy: { domainSuffixes: ['gov.my'], validityDays: 200, renewalWindowDays: 30 },
      },
    };
    await loadDirectorySeed(store.directory, JSON.parse(readFileSync('infra/seed/demo-directory.json', 'utf8')));
  });
  afterEach(async () => {
    await jobs.close();
    await store.close();
    removeDir(dir);
  });

  it('refuses an application whose officers are not three different people, or whose names do not fit', async () => {
    expect(await submitServerApplication(deps, 'demo-applicant', input({ verifierId: 'demo-tech' }))).to.deep.include({
      ok: false,
      error: 'SAME_PERSON',
    });
    expect(await submitServerApplication(deps, 'demo-applicant', input({ techId: 'demo-applicant' }))).to.deep.include({
      ok: false,
      error: 'SAME_PERSON',
    });
    expect(await submitServerApplication(deps, 'demo-applicant', input({ verifierId: 'nobody' }))).to.deep.include({
      ok: false,
      error: 'PERSON_UNKNOWN',
    });
    expect(await submitServerApplication(deps, 'demo-applicant', input({ domains: ['*.moh.gov.my'] }))).to.deep.include({
      ok: false,
      error: 'NAMES_INVALID',
    });
    expect(await store.cases.listByApplicant('demo-applicant')).to.have.length(0);
  });

  it('takes the CSR only from the named technical officer, and a key only once across cases', async () => {
    const a = await submitServerApplication(deps, 'demo-applicant', input());
    const b = await submitServerApplication(deps, 'demo-applicant', input());
    if (!a.ok || !b.ok) throw new Error('setup');
    const key = await csrs.key('ec:P-256');
    const csr = await csrs.csr({ key, cn: 'temujanji.moh.gov.my' });
    expect(await provideServerCsr(deps, { caseId: a.value.id, actorId: 'demo-verifier', input: csr })).to.deep.include({
      ok: false,
      error: 'NOT_TECH',
    });
    expect((await provideServerCsr(deps, { caseId: a.value.id, actorId: 'demo-tech', input: csr })).ok).to.equal(true);
    const reused = await provideServerCsr(deps, { caseId: b.value.id, actorId: 'demo-tech', input: csr });
    expect(reused.ok).to.equal(false);
    expect(!reused.ok && reused.problems?.map((p) => p.code)).to.deep.equal(['CSR_KEY_REUSED']);
    expect(await provideServerCsr(deps, { caseId: a.value.id, actorId: 'demo-tech', input: csr })).to.deep.include({
      ok: false,
      error: 'NOT_WAITING',
    });
  });

  it('lets only the named verifying officer endorse and only a lead-agency officer approve', async () => {
    const a = await submitServerApplication(deps, 'demo-applicant', input());
    if (!a.ok) throw new Error('setup');
    await provideServerCsr(deps, { caseId: a.value.id, actorId: 'demo-tech', input: await csrs.csr({ cn: 'temujanji.moh.gov.my' }) });
    const decide = (actorId: string, decision: 'endorse' | 'approve', note?: string) =>
      decideServerCase(deps, { caseId: a.value.id, actorId, decision, note });
    expect(await decide('demo-ap', 'endorse')).to.deep.include({ ok: false, error: 'NOT_YOURS' });
    expect(await decide('demo-tech', 'endorse')).to.deep.include({ ok: false, error: 'SELF_APPROVAL' });
    expect(await decide('demo-verifier', 'approve')).to.deep.include({ ok: false, error: 'ALREADY_DECIDED' });
    expect((await decide('demo-verifier', 'endorse')).ok).to.equal(true);
    expect(await decide('demo-ap', 'approve')).to.deep.include({ ok: false, error: 'ROLE_REQUIRED' });
    expect((await decide('demo-lead', 'approve')).ok).to.equal(true);
    expect((await store.cases.get(a.value.id))?.status).to.equal('DIHANTAR_KE_CA');
    expect(await jobs.counts('ca')).to.deep.include({ waiting: 1 });
  });

  it("fails the case with the CA's reason on a refusal, and keeps it for a retry when the CA is unavailable", async () => {
    const a = await submitServerApplication(deps, 'demo-applicant', input());
    if (!a.ok) throw new Error('setup');
    await provideServerCsr(deps, { caseId: a.value.id, actorId: 'demo-tech', input: await csrs.csr({ cn: 'temujanji.moh.gov.my' }) });
    await decideServerCase(deps, { caseId: a.value.id, actorId: 'demo-verifier', decision: 'endorse' });
    await decideServerCase(deps, { caseId: a.value.id, actorId: 'demo-lead', decision: 'approve' });
    const real = deps.ca;
    const { DomainError } = await import('../../domain/errors.js');
    const down: CertificateAuthority = {
      ...real,
      ready: () => real.ready(),
      caCertificatesPem: () => real.caCertificatesPem(),
      crlDer: () => real.crlDer(),
      revoke: (s, r) => real.revoke(s, r),
      issue: async () => {
        throw new DomainError('CA_UNAVAILABLE', 'connection refused');
      },
    };
    const e = await issueServerCertificate({ ...deps, ca: down }, a.value.id).then(
      () => undefined,
      (x: unknown) => x,
    );
    expect((e as { code?: string }).code).to.equal('CA_UNAVAILABLE');
    expect((await store.cases.get(a.value.id))?.timeline.filter((t) => t.event === 'caDelayed')).to.have.length(1);
    await issueServerCertificate({ ...deps, ca: down }, a.value.id).catch(() => undefined);
    expect((await store.cases.get(a.value.id))?.timeline.filter((t) => t.event === 'caDelayed')).to.have.length(1);
    const refusing: CertificateAuthority = {
      ...down,
      issue: async () => {
        throw new PermanentError('CA_REFUSED', 'no', { caReason: 'policy violation (5300)' });
      },
    };
    expect(await issueServerCertificate({ ...deps, ca: refusing }, a.value.id)).to.equal('refused');
    const failed = await store.cases.get(a.value.id);
    expect(failed).to.deep.include({ status: 'GAGAL', reason: 'policy violation (5300)' });
  });
});
