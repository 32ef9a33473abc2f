import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { expect } from 'chai';
import type { CertificateAuthority } from '../../domain/ports/certificate-authority.js';
import type { CoreDeps } from '../../domain/usecases/deps.js';
import type { JobScheduler } from '../../domain/ports/job-scheduler.js';
import { submitRevocation } from '../../domain/usecases/certificate-revoke.js';
import { submitUserCertificate } from '../../domain/usecases/user-certificate-apply.js';
import { decideUserCertificate } from '../../domain/usecases/user-certificate-decide.js';
import { BullMqJobScheduler } from '../../infra/queue/bullmq.js';
import { createEmbeddedStore, type EmbeddedStore } from '../../infra/store/embedded/index.js';
import { removeDir, tinyPng } from '../support/bot.js';
import { crlReasonOf, crlText } from '../support/certs.js';
import { coreDepsOn } from '../support/core-deps.js';
import { botProcess, ChildService, freePort, redisProcess, waitReady } from '../support/processes.js';
import { waitFor } from '../support/wait-for.js';
import { inCi } from '../contract/harness.js';

const run = promisify(execFile);
const REDIS_PORT = 6395;

/** The test process only submits and decides; signing happens in the bot and worker processes. */
const NO_CA: CertificateAuthority = {
  ready: async () => undefined,
  issue: () => Promise.reject(new Error('the test process never signs')),
  revoke: () => Promise.reject(new Error('the test process never revokes')),
  caCertificatesPem: () => Promise.reject(new Error('not here')),
  crlDer: () => Promise.reject(new Error('not here')),
};

interface LedgerRow {
  serial: string;
  caseId?: string;
  key?: string;
  realm?: string;
  revocationReason?: string;
}

/**
 * The scaled-out mode as agencies run it, with real processes: two bot instances and a worker
 * share one DATA_DIR (store and CA) and one Redis (BullMQ, pub/sub, dedupe). The test process is a
 * further producer on the same store and queues: it submits and approves applications, and the
 * processes do the CA work. Faults are real: SIGKILL of the worker and a bot in the middle of CA
 * jobs, and a Redis restarted empty while CA jobs wait.
 */
describe('e2e: scaled out, as one system under crashes and Redis restarts', function () {
  this.timeout(600_000);
  const prefix = `faults-${randomUUID().slice(0, 8)}`;
  const redisUrl = `redis://127.0.0.1:${REDIS_PORT}`;
  let dir = '';
  let redis: ChildService;
  let botA: ChildService;
  let botB: ChildService;
  let worker: ChildService;
  let urlA = '';
  let urlB = '';
  let store: EmbeddedStore;
  let jobs: BullMqJobScheduler;
  let core: CoreDeps;

  const envFor = (port: number): Record<string, string> => ({
    DATA_DIR: dir,
    PORT: String(port),
    REDIS_URL: redisUrl,
    QUEUE_PREFIX: prefix,
    LOG_LEVEL: 'info',
    RECOVERY_INTERVAL_SECONDS: '5',
    JOB_LOCK_SECONDS: '5',
    SHUTDOWN_GRACE_SECONDS: '5',
  });

  before(async function () {
    const haveRedis = await run('redis-server', ['--version']).then(
      () => true,
      () => false,
    );
    if (!haveRedis) {
      if (inCi()) throw new Error('redis-server is required under CI=true');
      this.skip();
    }
    dir = mkdtempSync(path.join(os.tmpdir(), 'gpki-faults-'));
    redis = redisProcess(REDIS_PORT).start();
    await redis.waitForOutput('redis to accept connections', /Ready to accept connections/);
    const [portA, portB] = [await freePort(), await freePort()];
    urlA = `http://127.0.0.1:${portA}`;
    urlB = `http://127.0.0.1:${portB}`;
    botA = botProcess(envFor(portA)).start();
    // The first start creates the CA and the demo directory; the others join what it made.
    await waitReady(urlA, 120_000);
    botB = botProcess(envFor(portB)).start();
    worker = botProcess(envFor(0), 'worker').start();
    await waitReady(urlB, 120_000);
    await worker.waitForOutput('the worker to start', /worker started/);
    store = createEmbeddedStore({ file: path.join(dir, 'gpki.db'), filesDir: path.join(dir, 'files') });
    jobs = new BullMqJobScheduler({ connection: redisUrl, prefix });
    core = coreDepsOn(store, jobs, { ca: NO_CA });
  });

  after(async () => {
    await Promise.all([botA, botB, worker].filter(Boolean).map((p) => p.stop(5000)));
    await jobs?.close();
    await store?.close();
    await redis?.kill9();
    if (dir) removeDir(dir);
  });

  /** Submits and approves a new user certificate application; its CA job goes to Redis (through `deps`). */
  async function approvedApplication(deps: CoreDeps = core): Promise<string> {
    const file = await core.files.put({ ownerId: 'demo-applicant', name: 'ic.png', contentType: 'image/png', bytes: tinyPng() });
    const r = await submitUserCertificate(core, 'demo-applicant', {
      mykad: '900101145678',
      fullName: 'Aminah binti Hassan',
      email: 'aminah@moh.gov.my',
      phone: '0123456789',
      agencyId: 'KKM',
      position: 'Pegawai F41',
      medium: 'token',
      applications: ['ePerolehan'],
      mykadCopyFileId: file.id,
      declaration: true,
    });
    if (!r.ok) throw new Error(`submit: ${r.error}`);
    const d = await decideUserCertificate(deps, { caseId: r.value.id, actorId: 'demo-ap', decision: 'approve' });
    if (!d.ok) throw new Error(`approve: ${d.error}`);
    return r.value.id;
  }

  async function waitIssued(caseIds: string[], timeoutMs = 120_000): Promise<void> {
    await waitFor(
      `${caseIds.length} certificates to be issued`,
      async () => {
        const cases = await Promise.all(caseIds.map((id) => store.cases.get(id)));
        return cases.every((c) => c?.status === 'DIKELUARKAN');
      },
      { timeoutMs, intervalMs: 200 },
    );
  }

  /** `npm run ca -- list --json`, the operator's view of the CA's ledger. */
  async function caList(): Promise<LedgerRow[]> {
    const { stdout } = await run(process.execPath, ['--import', 'tsx', 'bot/certificates/ca-cli.ts', 'list', '--json', '--realm', 'user'], {
      env: { PATH: process.env.PATH ?? '', DATA_DIR: dir, LOG_LEVEL: 'silent' },
    });
    return JSON.parse(stdout) as LedgerRow[];
  }

  it('issues every approved application exactly once while the worker (and once a bot) is killed with SIGKILL mid-job', async () => {
    const all: string[] = [];
    for (let round = 0; round < 3; round++) {
      const batch: string[] = [];
      for (let i = 0; i < 5; i++) batch.push(await approvedApplication());
      all.push(...batch);
      // At a random moment of the batch's CA jobs.
      await new Promise((r) => setTimeout(r, Math.floor(Math.random() * 120)));
      await worker.kill9();
      if (round === 1) await botB.kill9();
      worker.start();
      if (round === 1) botB.start();
      await waitIssued(batch);
    }
    await waitReady(urlB, 120_000);
    const rows = await caList();
    for (const caseId of all) {
      const c = await store.cases.get(caseId);
      const forCase = rows.filter((r) => r.caseId === caseId);
      expect(forCase, `certificates for ${caseId}`).to.have.length(1);
      expect(forCase[0].serial).to.equal(c?.certificateSerial);
      expect(await store.certificates.get(forCase[0].serial), `stored certificate of ${caseId}`).to.not.equal(undefined);
    }
    // No orphan: every certificate the CA signed belongs to a case that holds it.
    for (const r of rows) {
      const c = r.caseId ? await store.cases.get(r.caseId) : undefined;
      expect(c?.certificateSerial, `owner of serial ${r.serial}`).to.equal(r.serial);
    }
  });

  it('lists six key-compromise revocations on the CRL of every instance within seconds', async () => {
    const issued: string[] = [];
    for (let i = 0; i < 6; i++) issued.push(await approvedApplication());
    await waitIssued(issued);
    const serials: string[] = [];
    const revocations: string[] = [];
    for (const caseId of issued) {
      const serial = (await store.cases.get(caseId))!.certificateSerial!;
      serials.push(serial);
      const r = await submitRevocation(core, { actorId: 'demo-applicant', serial, realm: 'user', choice: 'lostOrDisclosed' });
      if (!r.ok) throw new Error(`revoke: ${r.error}`);
      expect(r.value.path).to.equal('immediate');
      revocations.push(r.value.c.id);
    }
    await waitFor(
      'the six revocations to be done',
      async () => {
        const cases = await Promise.all(revocations.map((id) => store.cases.get(id)));
        return cases.every((c) => c?.status === 'SIJIL_DIBATALKAN');
      },
      { timeoutMs: 60_000, intervalMs: 200 },
    );
    for (const url of [urlA, urlB]) {
      await waitFor(
        `every revocation on ${url}/pki/crl`,
        async () => {
          const text = await crlText(`${url}/pki/crl`);
          return serials.every((s) => crlReasonOf(text, s) === 'Key Compromise');
        },
        { timeoutMs: 5000, intervalMs: 250 },
      );
    }
  });

  it('issues the certificates whose CA jobs were waiting when Redis restarted empty, after the recovery sweep', async () => {
    // Nothing processes jobs while they wait: every process is stopped.
    await Promise.all([botA.stop(), botB.stop(), worker.stop()]);
    const waiting = [await approvedApplication(), await approvedApplication()];
    expect((await jobs.counts('ca')).waiting).to.be.at.least(2);
    await redis.kill9();
    redis.start();
    await redis.waitForOutput('redis to accept connections again', /Ready to accept connections/);
    const afterRestart = await waitFor('the producer to reconnect', () => jobs.counts('ca'), { timeoutMs: 15_000, intervalMs: 200 });
    expect(afterRestart.waiting, 'the jobs are gone with Redis').to.equal(0);
    for (const id of waiting) expect((await store.cases.get(id))?.status).to.equal('DIHANTAR_KE_CA');
    botA.start();
    worker.start();
    await waitReady(urlA, 120_000);
    await waitIssued(waiting, 60_000);
    // The daily expiry scan was lost too; the sweep scheduled it again.
    await waitFor(
      'the expiry scan to be scheduled again',
      async () => {
        const c = await jobs.counts('expiry');
        return c.delayed + c.waiting + c.completed + c.active > 0;
      },
      { timeoutMs: 15_000 },
    );
  });

  it('enqueues again, without a restart, a CA job lost while every process runs', async () => {
    botB.start();
    await waitReady(urlB, 120_000);
    // The case is written as sent to the CA but its job never reaches Redis: the process that
    // approved it died between the two writes.
    const lostEnqueue = { enqueue: async () => ({ id: 'lost', duplicate: false }) } as unknown as JobScheduler;
    const dying = coreDepsOn(store, lostEnqueue, { ca: NO_CA });
    const id = await approvedApplication(dying);
    expect((await store.cases.get(id))?.status).to.equal('DIHANTAR_KE_CA');
    // RECOVERY_INTERVAL_SECONDS=5: the periodic sweep of a running process finds it.
    await waitIssued([id], 30_000);
  });
});
