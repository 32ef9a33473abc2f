import { expect } from 'chai';
import type { Case, CaseKind, NewCase } from '../../domain/cases/case.js';
import { caseYear } from '../../domain/cases/case.js';
import { verifyAuditChain } from '../../domain/audit.js';
import type { AuditLog } from '../../domain/ports/audit-log.js';
import type { CaseRepository } from '../../domain/ports/case-repository.js';
import type { Factory, Fixture } from './harness.js';
import { rejection } from './rejection.js';

interface Data {
  fullName: string;
  tags?: string[];
  nested?: { a: number; b: { c: boolean } };
}

function newCase(over: Partial<NewCase<Data>> = {}): NewCase<Data> {
  return {
    kind: 'UC',
    status: 'SUBMITTED',
    applicantId: 'p-applicant',
    agencyId: 'KKM',
    data: { fullName: 'Aminah binti Hassan' },
    timeline: [{ at: '2026-03-01T02:00:00.000Z', event: 'submitted', actorId: 'p-applicant', status: 'SUBMITTED' }],
    createdAt: '2026-03-01T02:00:00.000Z',
    ...over,
  };
}

const inYear = (year: number, kind: CaseKind = 'UC') => newCase({ kind, createdAt: `${year}-06-15T00:00:00.000Z` });

/** The CaseRepository contract: numbering, optimistic concurrency, lookups and list order. */
export function caseRepositoryContract(adapterName: string, factory: Factory<CaseRepository>): void {
  describe(`CaseRepository contract (${adapterName})`, () => {
    let fx: Fixture<CaseRepository>;
    let repo: CaseRepository;
    beforeEach(async () => {
      fx = await factory();
      repo = fx.subject;
    });
    afterEach(async () => {
      await fx.close();
    });

    it('create assigns the first number of the kind and year, version 1, and stores every field', async () => {
      const input = newCase({
        data: { fullName: 'Aminah', tags: ['x', 'y'], nested: { a: 1, b: { c: true } } },
        reason: 'because',
        certificateSerial: '0a1b',
        correction: { fields: ['email'], note: 'typo', byId: 'p-ap', at: '2026-03-02T00:00:00.000Z' },
      });
      const created = await repo.create(input);
      expect(created.id).to.equal('UC-2026-000001');
      expect(created.version).to.equal(1);
      expect(created.createdAt).to.equal('2026-03-01T02:00:00.000Z');
      expect(created.updatedAt).to.be.a('string');
      expect(created).to.deep.include({
        kind: 'UC',
        status: 'SUBMITTED',
        applicantId: 'p-applicant',
        agencyId: 'KKM',
        data: input.data,
        reason: 'because',
        certificateSerial: '0a1b',
        correction: input.correction,
        timeline: input.timeline,
      });
      expect(await repo.get<Data>(created.id)).to.deep.equal(created);
    });

    it("create without createdAt sets it (from the adapter's clock) and numbers the case in its year", async () => {
      const { createdAt: _omit, ...rest } = newCase();
      const created = await repo.create(rest);
      expect(Number.isNaN(Date.parse(created.createdAt))).to.equal(false);
      expect(created.id).to.equal(`UC-${caseYear(created.createdAt)}-000001`);
    });

    it('numbers a case by the Malaysian calendar year: 31 Dec 16:00 UTC is already 1 January in MYT', async () => {
      const late = await repo.create(newCase({ createdAt: '2026-12-31T15:59:59.000Z' }));
      const newYear = await repo.create(newCase({ createdAt: '2026-12-31T16:00:00.000Z' }));
      expect([late.id, newYear.id]).to.deep.equal(['UC-2026-000001', 'UC-2027-000001']);
    });

    it('50 concurrent creates of one kind and year get 000001..000050, no duplicates, no gaps', async () => {
      const created = await Promise.all(Array.from({ length: 50 }, () => repo.create(inYear(2026))));
      const ids = created.map((c) => c.id).sort();
      const expected = Array.from({ length: 50 }, (_, i) => `UC-2026-${String(i + 1).padStart(6, '0')}`);
      expect(ids).to.deep.equal(expected);
      for (const id of expected) expect((await repo.get(id))?.id).to.equal(id);
    });

    it('numbers are counted per kind and per year', async () => {
      const ids: string[] = [];
      for (const c of [inYear(2026), inYear(2026, 'SC'), inYear(2027), inYear(2026), inYear(2027, 'SC'), inYear(2026, 'AD')]) {
        ids.push((await repo.create(c)).id);
      }
      expect(ids).to.deep.equal([
        'UC-2026-000001',
        'SC-2026-000001',
        'UC-2027-000001',
        'UC-2026-000002',
        'SC-2027-000001',
        'AD-2026-000001',
      ]);
    });

    it('get of an unknown id returns undefined', async () => {
      await repo.create(newCase());
      expect(await repo.get('UC-2026-999999')).to.equal(undefined);
    });

    it('update stores the case with version + 1 and returns it', async () => {
      const created = await repo.create(newCase());
      const updated = await repo.update({ ...created, status: 'APPROVED', data: { fullName: 'Aminah Hassan' } });
      expect(updated.version).to.equal(2);
      expect(updated.status).to.equal('APPROVED');
      const stored = await repo.get<Data>(created.id);
      expect(stored).to.deep.equal(updated);
      expect(stored?.data.fullName).to.equal('Aminah Hassan');
      const again = await repo.update({ ...updated, status: 'ISSUED' });
      expect(again.version).to.equal(3);
      expect((await repo.get(created.id))?.status).to.equal('ISSUED');
    });

    it('a stale update throws CASE_STALE and leaves the stored case unchanged', async () => {
      const created = await repo.create(newCase());
      const first = await repo.update({ ...created, status: 'APPROVED' });
      const err = await rejection(repo.update({ ...created, status: 'REJECTED', reason: 'late writer' }));
      expect(err.code).to.equal('CASE_STALE');
      expect(await repo.get(created.id)).to.deep.equal(first);
    });

    it('of 10 concurrent updates from one version exactly one wins', async () => {
      const created = await repo.create(newCase());
      const results = await Promise.allSettled(Array.from({ length: 10 }, (_, i) => repo.update({ ...created, status: `S${i}` })));
      const won = results.filter((r): r is PromiseFulfilledResult<Case<Data>> => r.status === 'fulfilled');
      const lost = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
      expect(won).to.have.length(1);
      expect(lost.map((r) => (r.reason as { code?: string }).code)).to.deep.equal(Array(9).fill('CASE_STALE'));
      const stored = await repo.get(created.id);
      expect(stored?.version).to.equal(2);
      expect(stored?.status).to.equal(won[0].value.status);
    });

    it('update of an unknown case throws CASE_NOT_FOUND and creates nothing', async () => {
      const ghost: Case<Data> = {
        ...newCase(),
        id: 'UC-2026-000777',
        version: 1,
        createdAt: '2026-03-01T02:00:00.000Z',
        updatedAt: '2026-03-01T02:00:00.000Z',
      };
      const err = await rejection(repo.update(ghost));
      expect(err.code).to.equal('CASE_NOT_FOUND');
      expect(await repo.get(ghost.id)).to.equal(undefined);
    });

    it("listByApplicant returns only that applicant's cases, by case number ascending", async () => {
      await repo.create(inYear(2027));
      await repo.create(inYear(2026, 'SC'));
      await repo.create(newCase({ applicantId: 'someone-else' }));
      await repo.create(inYear(2026));
      await repo.create(inYear(2025, 'TC'));
      const ids = (await repo.listByApplicant('p-applicant')).map((c) => c.id);
      expect(ids).to.deep.equal(['SC-2026-000001', 'TC-2025-000001', 'UC-2026-000002', 'UC-2027-000001']);
      expect(await repo.listByApplicant('nobody')).to.deep.equal([]);
    });

    it('listByStatus filters by statuses, kind and agency, by case number ascending', async () => {
      await repo.create(newCase({ kind: 'SC', status: 'PENDING_VERIFIER' }));
      await repo.create(newCase({ status: 'PENDING_AP' }));
      await repo.create(newCase({ status: 'PENDING_AP', agencyId: 'MAMPU' }));
      await repo.create(newCase({ status: 'ISSUED' }));
      await repo.create(newCase({ kind: 'AD', status: 'PENDING_AP', agencyId: undefined }));
      const ids = async (s: string[], f?: { kind?: CaseKind; agencyId?: string }) => (await repo.listByStatus(s, f)).map((c) => c.id);
      expect(await ids(['PENDING_AP', 'PENDING_VERIFIER'])).to.deep.equal([
        'AD-2026-000001',
        'SC-2026-000001',
        'UC-2026-000001',
        'UC-2026-000002',
      ]);
      expect(await ids(['PENDING_AP'], { kind: 'UC' })).to.deep.equal(['UC-2026-000001', 'UC-2026-000002']);
      expect(await ids(['PENDING_AP'], { agencyId: 'MAMPU' })).to.deep.equal(['UC-2026-000002']);
      expect(await ids(['PENDING_AP', 'ISSUED'], { kind: 'UC', agencyId: 'KKM' })).to.deep.equal(['UC-2026-000001', 'UC-2026-000003']);
      expect(await ids([])).to.deep.equal([]);
      expect(await ids(['CLOSED'])).to.deep.equal([]);
    });

    it('listByStatus sees the status written by the last update', async () => {
      const c = await repo.create(newCase({ status: 'PENDING_AP' }));
      await repo.update({ ...c, status: 'APPROVED' });
      expect(await repo.listByStatus(['PENDING_AP'])).to.deep.equal([]);
      expect((await repo.listByStatus(['APPROVED'])).map((x) => x.version)).to.deep.equal([2]);
    });
  });
}

/** A case repository and the audit log of the same store (updateWithAudit writes to both). */
export interface CasesAndAudit {
  cases: CaseRepository;
  audit: AuditLog;
}

const moved = (action: string, status?: string) => ({
  at: '2026-03-02T00:00:00.000Z',
  actorId: 'p-ap',
  action,
  ...(status ? { data: { status } } : {}),
});

/** The combined write of CaseRepository.updateWithAudit: the case and its audit entry, both or neither. */
export function caseAuditContract(adapterName: string, factory: Factory<CasesAndAudit>): void {
  describe(`CaseRepository.updateWithAudit contract (${adapterName})`, () => {
    let fx: Fixture<CasesAndAudit>;
    let cases: CaseRepository;
    let audit: AuditLog;
    beforeEach(async () => {
      fx = await factory();
      ({ cases, audit } = fx.subject);
    });
    afterEach(async () => {
      await fx.close();
    });

    it('stores the case with version + 1 and appends the entry to the same chain as AuditLog.append', async () => {
      const created = await cases.create(newCase());
      const submitted = await audit.append({ caseId: created.id, ...moved('submitted', 'SUBMITTED') });
      const updated = await cases.updateWithAudit({ ...created, status: 'APPROVED' }, moved('approved', 'APPROVED'));
      expect(updated.version).to.equal(2);
      expect(await cases.get(created.id)).to.deep.equal(updated);
      const chain = await audit.list(created.id);
      expect(chain.map((e) => [e.seq, e.action, e.data])).to.deep.equal([
        [1, 'submitted', { status: 'SUBMITTED' }],
        [2, 'approved', { status: 'APPROVED' }],
      ]);
      expect(chain[1]).to.deep.include({ caseId: created.id, actorId: 'p-ap', at: '2026-03-02T00:00:00.000Z', prevHash: submitted.hash });
      await audit.append({ caseId: created.id, ...moved('noted') });
      expect(verifyAuditChain(await audit.list(created.id))).to.deep.equal({ ok: true });
    });

    it('a stale version writes neither the case nor the audit entry', async () => {
      const created = await cases.create(newCase());
      const first = await cases.updateWithAudit({ ...created, status: 'APPROVED' }, moved('approved', 'APPROVED'));
      const err = await rejection(cases.updateWithAudit({ ...created, status: 'REJECTED' }, moved('rejected', 'REJECTED')));
      expect(err.code).to.equal('CASE_STALE');
      expect(await cases.get(created.id)).to.deep.equal(first);
      expect((await audit.list(created.id)).map((e) => e.action)).to.deep.equal(['approved']);
    });

    it('an unknown case throws CASE_NOT_FOUND and appends nothing', async () => {
      const ghost: Case<Data> = {
        ...newCase(),
        id: 'UC-2026-000777',
        version: 1,
        createdAt: '2026-03-01T02:00:00.000Z',
        updatedAt: '2026-03-01T02:00:00.000Z',
      };
      expect((await rejection(cases.updateWithAudit(ghost, moved('approved')))).code).to.equal('CASE_NOT_FOUND');
      expect(await cases.get(ghost.id)).to.equal(undefined);
      expect(await audit.list(ghost.id)).to.deep.equal([]);
    });

    it('of 10 concurrent audited updates from one version exactly one is stored, with exactly one entry', async () => {
      const created = await cases.create(newCase());
      const results = await Promise.allSettled(
        Array.from({ length: 10 }, (_, i) => cases.updateWithAudit({ ...created, status: `S${i}` }, moved(`decided-${i}`))),
      );
      const won = results.filter((r): r is PromiseFulfilledResult<Case<Data>> => r.status === 'fulfilled');
      expect(won).to.have.length(1);
      expect(
        results.filter((r) => r.status === 'rejected').map((r) => ((r as PromiseRejectedResult).reason as { code?: string }).code),
      ).to.deep.equal(Array(9).fill('CASE_STALE'));
      const chain = await audit.list(created.id);
      expect(chain.map((e) => e.action)).to.deep.equal([`decided-${won[0].value.status.slice(1)}`]);
      expect((await cases.get(created.id))?.version).to.equal(2);
    });

    it('audited updates interleaved with plain appends from many writers keep one verifiable chain', async () => {
      const created = await cases.create(newCase());
      let current = created;
      const appends: Promise<unknown>[] = [];
      for (let i = 0; i < 5; i++) {
        appends.push(audit.append({ caseId: created.id, ...moved(`note-${i}`) }));
        current = await cases.updateWithAudit({ ...current, status: `S${i}` }, moved(`step-${i}`));
      }
      await Promise.all(appends);
      const chain = await audit.list(created.id);
      expect(chain).to.have.length(10);
      expect(chain.filter((e) => e.action.startsWith('step-')).map((e) => e.action)).to.deep.equal([
        'step-0',
        'step-1',
        'step-2',
        'step-3',
        'step-4',
      ]);
      expect(verifyAuditChain(chain)).to.deep.equal({ ok: true });
    });
  });
}
