import { randomUUID } from 'node:crypto';
import { redisReachable, REDIS_URL } from '../support/redis.js';
import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { Redis } from 'ioredis';
import type { TrainingCaseData } from '../../domain/cases/operations.js';
import type { CertificateRecord } from '../../domain/certificates.js';
import type { JobScheduler } from '../../domain/ports/job-scheduler.js';
import type { Notification, NotificationChannel } from '../../domain/ports/notifier.js';
import type { CoreDeps } from '../../domain/usecases/deps.js';
import { submitRevocation } from '../../domain/usecases/certificate-revoke.js';
import { expireDownloadJobKey } from '../../domain/usecases/cert-common.js';
import { dayOf, scheduleExpiryScan } from '../../domain/usecases/expiry.js';
import { submitTrainingApplication } from '../../domain/usecases/training.js';
import { decideUserCertificate } from '../../domain/usecases/user-certificate-decide.js';
import type { EmbeddedCertificateAuthority } from '../../infra/ca/embedded-ca.js';
import { loadDirectorySeed } from '../../infra/directory-seed.js';
import { BullMqJobScheduler } from '../../infra/queue/bullmq.js';
import { InlineJobScheduler } from '../../infra/queue/inline.js';
import { createEmbeddedStore, type EmbeddedStore } from '../../infra/store/embedded/index.js';
import { processors, registerProcessors } from '../../jobs/processors.js';
import { removeDir, TestClock } from '../support/bot.js';
import { trainingApplication } from '../support/certs.js';
import { freshCa } from '../support/embedded-ca.js';
import { parseCrl } from '../support/pki.js';
import { waitFor } from '../support/wait-for.js';
import { inCi } from './harness.js';
import { coreDepsOn } from '../support/core-deps.js';

const DAY = 86_400_000;

/** The edge's side of delivery, recorded: what each person would have been shown. */
class RecordingChannel implements NotificationChannel {
  readonly delivered: { personId: string; n: Notification }[] = [];
  async deliver(personId: string, n: Notification): Promise<'delivered'> {
    this.delivered.push({ personId, n });
    return 'delivered';
  }
  types(personId: string): string[] {
    return this.delivered.filter((d) => d.personId === personId).map((d) => d.n.type);
  }
}

/**
 * The new jobs (revoke, training issue and its download expiry, the daily expiry scan) through the
 * real processors on each job runner: the in-process one and BullMQ on Redis.
 */
function certificateJobSuite(name: string, openJobs: (file: string) => { jobs: JobScheduler; cleanup(): Promise<void> }): void {
  describe(`certificate jobs on ${name}`, function () {
    this.timeout(60_000);
    let dir: string;
    let store: EmbeddedStore;
    let jobs: JobScheduler;
    let cleanup: () => Promise<void>;
    let deps: CoreDeps;
    let cas: EmbeddedCertificateAuthority[];
    let channel: RecordingChannel;
    const clock = new TestClock();

    beforeEach(async () => {
      dir = mkdtempSync(path.join(os.tmpdir(), 'gpki-certjobs-'));
      store = createEmbeddedStore({ file: path.join(dir, 'gpki.db'), filesDir: path.join(dir, 'files') });
      ({ jobs, cleanup } = openJobs(path.join(dir, 'gpki.db')));
      const [{ ca }, { ca: trainingCa }] = await Promise.all([
        freshCa({ clock: () => clock.now() }),
        freshCa({ clock: () => clock.now() }),
      ]);
      cas = [ca, trainingCa];
      deps = {
        ...coreDepsOn(store, jobs, { ca, trainingCa, clock }),
      };
      await loadDirectorySeed(store.directory, JSON.parse(readFileSync('infra/seed/demo-directory.json', 'utf8')));
      channel = new RecordingChannel();
      registerProcessors(jobs, processors({ core: deps, channel }));
      await jobs.start();
    });
    afterEach(async () => {
      await jobs.close();
      await cleanup();
      for (const ca of cas) await ca.close();
      await store.close();
      removeDir(dir);
    });

    async function userCert(notAfter: Date): Promise<CertificateRecord> {
      const issued = await deps.ca.issue({
        key: randomUUID(),
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
        notAfter: notAfter.toISOString(),
        status: 'AKTIF',
        certPem: issued.certPem,
      };
      await store.certificates.save(cert);
      return cert;
    }

    it('revokes through the ca/revoke job: the CRL lists the serial with its reason, the owner and the AP are told', async () => {
      const cert = await userCert(new Date(clock.now().getTime() + 300 * DAY));
      const r = await submitRevocation(deps, { actorId: 'demo-applicant', serial: cert.serial, realm: 'user', choice: 'lostOrDisclosed' });
      const id = r.ok ? r.value.c.id : '';
      await waitFor('the revocation', async () => (await store.cases.get(id))?.status === 'SIJIL_DIBATALKAN', { timeoutMs: 15_000 });
      const crl = parseCrl(await deps.ca.crlDer());
      expect(crl.entries.map((e) => [e.serial.replace(/^0+/, '').toLowerCase(), e.reasonCode])).to.deep.include([cert.serial, 1]);
      await waitFor(
        'both notices',
        () => channel.types('demo-applicant').includes('certificateRevoked') && channel.types('demo-ap').includes('revocationInformed'),
      );
    });

    it('issues a training certificate through ca/issue, delivers its link and schedules the expiry of its key', async () => {
      const r = await submitTrainingApplication(deps, { actorId: 'demo-applicant', application: trainingApplication() });
      const id = r.ok ? r.value.id : '';
      await decideUserCertificate(deps, { caseId: id, actorId: 'demo-ap', decision: 'approve' });
      await waitFor('the training certificate', async () => (await store.cases.get(id))?.status === 'DIKELUARKAN', { timeoutMs: 15_000 });
      await waitFor('the download notice', () => channel.types('demo-applicant').includes('trainingReady'));
      expect((await jobs.counts('ca')).delayed).to.equal(1); // the key's expiry, 24 h out
      const c = (await store.cases.get<TrainingCaseData>(id))!;
      expect((await store.certificates.get(c.certificateSerial!))?.profile).to.equal('training');
      expect(await deps.keys.csr(c.data.delivery!.keyId!, 'x')).to.be.a('string');

      // Once its time has come (here: sooner, by its own key's rerun), the job deletes the key.
      clock.advanceDays(1.1);
      await jobs.enqueue({ queue: 'ca', name: 'expireDownload', payload: { caseId: id }, key: `${expireDownloadJobKey(id)}:now` });
      await waitFor('the key to be deleted', async () => (await store.cases.get<TrainingCaseData>(id))?.data.delivery?.state === 'expired');
      // The case records the expiry just before the key is destroyed: wait for both.
      await waitFor('the key to be destroyed', async () => (await deps.keys.csr(c.data.delivery!.keyId!, 'x')) === undefined);
      await waitFor('the expiry notice', () => channel.types('demo-applicant').includes('downloadExpired'));
    });

    it('runs the daily expiry scan once a day, reminds once, and schedules the next day', async () => {
      const cert = await userCert(new Date(clock.now().getTime() + 6.5 * DAY));
      await scheduleExpiryScan(deps);
      await waitFor('the reminder', () => channel.types('demo-applicant').includes('expiryReminder'), { timeoutMs: 15_000 });
      expect(channel.delivered.find((d) => d.n.type === 'expiryReminder')?.n).to.deep.include({ serial: cert.serial, days: 7 });
      await waitFor("tomorrow's scan", async () => (await jobs.counts('expiry')).delayed === 1);
      const next = await scheduleExpiryScan(deps);
      expect(next > dayOf(clock.now())).to.equal(true); // today's is known: tomorrow's is the one scheduled
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(channel.types('demo-applicant').filter((t) => t === 'expiryReminder')).to.have.length(1);
      expect((await store.certificates.get(cert.serial))?.remindersSent).to.deep.equal([7]);
    });
  });
}

certificateJobSuite('the in-process runner', (file) => {
  const jobs = new InlineJobScheduler({ file, pollMs: 100, concurrency: 2 });
  return { jobs, cleanup: async () => undefined };
});

if (await redisReachable()) {
  certificateJobSuite('BullMQ', () => {
    const prefix = `gpki-test-certjobs-${randomUUID().slice(0, 8)}`;
    const jobs = new BullMqJobScheduler({ connection: REDIS_URL, prefix, concurrency: 2 });
    return {
      jobs,
      async cleanup() {
        const redis = new Redis(REDIS_URL);
        let cursor = '0';
        do {
          const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 500);
          if (keys.length > 0) await redis.del(...keys);
          cursor = next;
        } while (cursor !== '0');
        await redis.quit();
      },
    };
  });
} else {
  describe('certificate jobs on BullMQ', () => {
    if (inCi())
      it('Redis is reachable', () => {
        throw new Error(`Redis is required in CI (CI=true) but does not answer at ${REDIS_URL}`);
      });
    else it(`SKIPPED: Redis not reachable at ${REDIS_URL}`);
  });
}
