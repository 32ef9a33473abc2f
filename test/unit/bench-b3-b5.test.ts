import { X509Certificate } from 'node:crypto';
import { expect } from 'chai';
import { Redis } from 'ioredis';
import { runB3 } from '../../bench/b3-jobs.js';
import { runB5 } from '../../bench/b5-memory.js';
import { inCi } from '../contract/harness.js';
import { redisReachable, REDIS_URL } from '../support/redis.js';

/**
 * The B3 and B5 benchmark modules run end to end at tiny sizes and do the work they claim.
 * Nothing here looks at a time, a rate or a memory figure: benchmarks measure, tests check behaviour.
 */
const redisUp = await redisReachable();

describe('bench: B3 and B5 at tiny sizes', function () {
  this.timeout(240_000);

  if (!redisUp) {
    if (inCi())
      it('Redis is reachable', () => {
        throw new Error(`Redis is required in CI (CI=true) but does not answer at ${REDIS_URL}`);
      });
    else it(`SKIPPED B3: Redis not reachable at ${REDIS_URL}`);
  } else {
    it('B3 issues, records and announces a certificate for every approved case on BullMQ and in process, and leaves nothing in Redis', async () => {
      const seen: { bullmq: number; inline: number } = { bullmq: 0, inline: 0 };
      const r = await runB3({
        caJobs: 20,
        noopJobs: 50,
        warmupCaJobs: 2,
        async inspect({ store, ca, caseIds }) {
          const issuing = new X509Certificate((await ca.caCertificatesPem()).split(/(?<=-----END CERTIFICATE-----)/)[0]!.trim());
          for (const runner of ['bullmq', 'inline'] as const) {
            for (const id of caseIds[runner]) {
              const c = await store.cases.get(id);
              expect(c?.status, id).to.equal('DIKELUARKAN');
              expect(c?.timeline.map((e) => e.event)).to.include('issued');
              const cert = await store.certificates.get(c!.certificateSerial!);
              expect(cert, id).to.include({ caseId: id, ownerId: 'demo-applicant', status: 'AKTIF' });
              const x509 = new X509Certificate(cert!.certPem);
              expect(x509.verify(issuing.publicKey), `${id} signed by the issuing CA`).to.equal(true);
              expect(x509.subject).to.contain('Pemohon Penanda Aras');
              seen[runner]++;
            }
          }
        },
      });
      expect(seen).to.deep.equal({ bullmq: 20, inline: 20 });
      expect(r).to.include({ id: 'B3', caJobs: 20, noopJobs: 50 });
      expect(r.verified).to.deep.equal({ bullmq: 20, inline: 20 });
      for (const k of ['ratio', 'caJobsPerSecondBullmq', 'noopJobsPerSecondBullmq', 'caJobsPerSecondInline'] as const)
        expect(r[k]).to.be.a('number').and.satisfy(Number.isFinite);
      const redis = new Redis(REDIS_URL);
      try {
        expect(await redis.keys(`${r.redisPrefix}:*`)).to.deep.equal([]);
      } finally {
        await redis.quit();
      }
    });
  }

  it('B5 starts the bot, parks conversations mid-dialog and reports the RSS figures', async () => {
    const r = await runB5({ conversations: 60, settleMs: 500 });
    expect(r).to.include({ id: 'B5', conversations: 60, turnsPerConversation: 7 });
    expect(r.idleRssMb).to.be.greaterThan(0);
    for (const k of ['peakRssOverIdleMb', 'settledRssOverIdleMb', 'peakRssMb', 'settledRssMb'] as const)
      expect(r[k]).to.be.a('number').and.satisfy(Number.isFinite);
  });
});
