import { expect } from 'chai';
import { auditHash, GENESIS_HASH, verifyAuditChain } from '../../domain/audit.js';
import type { AuditInput, AuditLog } from '../../domain/ports/audit-log.js';
import type { Factory, Fixture } from './harness.js';

function input(caseId: string, action: string, data?: Record<string, unknown>): AuditInput {
  const e: AuditInput = { caseId, at: '2026-03-01T00:00:00.000Z', actorId: 'p-ap', action };
  if (data !== undefined) e.data = data;
  return e;
}

/** The AuditLog contract: hash chain per case, seq under concurrency, list order, immutability. */
export function auditLogContract(adapterName: string, factory: Factory<AuditLog>): void {
  describe(`AuditLog contract (${adapterName})`, () => {
    let fx: Fixture<AuditLog>;
    let log: AuditLog;
    beforeEach(async () => {
      fx = await factory();
      log = fx.subject;
    });
    afterEach(async () => {
      await fx.close();
    });

    it('the first entry of a case has seq 1 and links to GENESIS_HASH', async () => {
      const e = await log.append(input('UC-2026-000001', 'submitted', { channel: 'msteams' }));
      expect(e).to.deep.include({ caseId: 'UC-2026-000001', seq: 1, prevHash: GENESIS_HASH, actorId: 'p-ap', action: 'submitted' });
      expect(e.data).to.deep.equal({ channel: 'msteams' });
      expect(e.hash).to.equal(auditHash(GENESIS_HASH, e));
    });

    it('each entry links to the previous one of the same case; list returns the chain in seq order', async () => {
      const a = await log.append(input('UC-2026-000001', 'submitted'));
      const b = await log.append(input('UC-2026-000001', 'approved', { by: 'p-ap', nested: { n: [1, 2] } }));
      const c = await log.append(input('UC-2026-000001', 'issued', { serial: '0a' }));
      expect([b.seq, c.seq]).to.deep.equal([2, 3]);
      expect(b.prevHash).to.equal(a.hash);
      expect(c.prevHash).to.equal(b.hash);
      const listed = await log.list('UC-2026-000001');
      expect(listed).to.deep.equal([a, b, c]);
      expect(verifyAuditChain(listed)).to.deep.equal({ ok: true });
    });

    it('chains are per case', async () => {
      await log.append(input('UC-2026-000001', 'submitted'));
      await log.append(input('UC-2026-000001', 'approved'));
      const other = await log.append(input('SC-2026-000001', 'submitted'));
      expect(other.seq).to.equal(1);
      expect(other.prevHash).to.equal(GENESIS_HASH);
      expect((await log.list('SC-2026-000001')).map((e) => e.action)).to.deep.equal(['submitted']);
      expect(await log.list('KN-2026-000001')).to.deep.equal([]);
    });

    it('20 concurrent appends to one case get seq 1..20 and a chain that verifies', async () => {
      const appended = await Promise.all(Array.from({ length: 20 }, (_, i) => log.append(input('UC-2026-000009', `step-${i}`, { i }))));
      expect(appended.map((e) => e.seq).sort((x, y) => x - y)).to.deep.equal(Array.from({ length: 20 }, (_, i) => i + 1));
      const listed = await log.list('UC-2026-000009');
      expect(listed.map((e) => e.seq)).to.deep.equal(Array.from({ length: 20 }, (_, i) => i + 1));
      expect(listed.map((e) => e.action).sort()).to.deep.equal(Array.from({ length: 20 }, (_, i) => `step-${i}`).sort());
      expect(verifyAuditChain(listed)).to.deep.equal({ ok: true });
    });

    it('heads: the last entry of every case, one per case, sorted by case id', async () => {
      expect(await log.heads()).to.deep.equal([]);
      await log.append(input('UC-2026-000002', 'submitted'));
      const sc = await log.append(input('SC-2026-000001', 'submitted'));
      await log.append(input('UC-2026-000001', 'submitted'));
      await log.append(input('UC-2026-000002', 'approved'));
      const last = await log.append(input('UC-2026-000002', 'issued'));
      const uc1 = (await log.list('UC-2026-000001'))[0]!;
      expect(await log.heads()).to.deep.equal([
        { caseId: 'SC-2026-000001', seq: 1, hash: sc.hash },
        { caseId: 'UC-2026-000001', seq: 1, hash: uc1.hash },
        { caseId: 'UC-2026-000002', seq: 3, hash: last.hash },
      ]);
    });

    it('what append and list return cannot change the stored chain', async () => {
      const e = await log.append(input('UC-2026-000001', 'submitted', { note: 'original' }));
      e.action = 'forged';
      (e.data as Record<string, unknown>).note = 'forged';
      const listed = await log.list('UC-2026-000001');
      listed[0].actorId = 'someone-else';
      listed.pop();
      const again = await log.list('UC-2026-000001');
      expect(again).to.have.length(1);
      expect(again[0]).to.deep.include({ action: 'submitted', actorId: 'p-ap', data: { note: 'original' } });
      expect(verifyAuditChain(again)).to.deep.equal({ ok: true });
    });
  });
}
