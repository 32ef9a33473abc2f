import { expect } from 'chai';
import { randomBytes } from 'node:crypto';
import type { KeyFingerprints } from '../../domain/ports/key-fingerprints.js';
import type { Factory, Fixture } from './harness.js';

const fp = (): string => randomBytes(32).toString('hex');

/** What every KeyFingerprints adapter promises: one case per key, atomically, and lookups. */
export function keyFingerprintsContract(adapterName: string, factory: Factory<KeyFingerprints>): void {
  describe(`KeyFingerprints contract: ${adapterName}`, () => {
    let fixture: Fixture<KeyFingerprints>;
    beforeEach(async () => {
      fixture = await factory();
    });
    afterEach(async () => fixture.close());

    it('gives a key to the first case and names that case to any other', async () => {
      const k = fp();
      expect(await fixture.subject.lookup(k)).to.equal(undefined);
      expect(await fixture.subject.claim(k, 'SC-2026-000001')).to.deep.equal({ claimed: true });
      expect(await fixture.subject.claim(k, 'SC-2026-000002')).to.deep.equal({ claimed: false, caseId: 'SC-2026-000001' });
      expect((await fixture.subject.lookup(k))?.caseId).to.equal('SC-2026-000001');
    });

    it('lets the same case claim its key again (a retried upload)', async () => {
      const k = fp();
      await fixture.subject.claim(k, 'SC-2026-000003');
      expect(await fixture.subject.claim(k, 'SC-2026-000003')).to.deep.equal({ claimed: true });
    });

    it('compares fingerprints without regard to case', async () => {
      const k = fp();
      await fixture.subject.claim(k.toUpperCase(), 'SC-2026-000004');
      expect((await fixture.subject.lookup(k))?.caseId).to.equal('SC-2026-000004');
    });

    it('lets exactly one of concurrent claims win', async () => {
      const k = fp();
      const results = await Promise.all(['SC-2026-000010', 'SC-2026-000011', 'SC-2026-000012'].map((c) => fixture.subject.claim(k, c)));
      expect(results.filter((r) => r.claimed)).to.have.length(1);
    });
  });
}
