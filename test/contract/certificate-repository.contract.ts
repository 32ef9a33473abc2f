import { expect } from 'chai';
import type { CertificateRecord } from '../../domain/certificates.js';
import type { CertificateRepository } from '../../domain/ports/certificate-repository.js';
import type { Factory, Fixture } from './harness.js';

function cert(serial: string, over: Partial<CertificateRecord> = {}): CertificateRecord {
  return {
    serial,
    ownerId: 'p-owner',
    caseId: 'UC-2026-000001',
    profile: 'user',
    subjectCommonName: 'AMINAH BINTI HASSAN',
    notBefore: '2026-01-01T00:00:00.000Z',
    notAfter: '2027-01-01T00:00:00.000Z',
    status: 'AKTIF',
    certPem: `-----BEGIN CERTIFICATE-----\n${serial}\n-----END CERTIFICATE-----\n`,
    ...over,
  };
}

const serials = (list: CertificateRecord[]) => list.map((c) => c.serial);

/** The CertificateRepository contract: upsert by serial, lookups, lists by notAfter ascending. */
export function certificateRepositoryContract(adapterName: string, factory: Factory<CertificateRepository>): void {
  describe(`CertificateRepository contract (${adapterName})`, () => {
    let fx: Fixture<CertificateRepository>;
    let repo: CertificateRepository;
    beforeEach(async () => {
      fx = await factory();
      repo = fx.subject;
    });
    afterEach(async () => {
      await fx.close();
    });

    it('save then get returns the record with every field', async () => {
      const c = cert('0a1b2c', {
        medium: 'token',
        revocation: { reason: 'keyCompromise', at: '2026-05-01T00:00:00.000Z' },
        status: 'DIBATALKAN',
      });
      await repo.save(c);
      expect(await repo.get('0a1b2c')).to.deep.equal(c);
    });

    it('get of an unknown serial returns undefined', async () => {
      await repo.save(cert('01'));
      expect(await repo.get('02')).to.equal(undefined);
    });

    it('saving the same serial twice keeps one record, the last written', async () => {
      await repo.save(cert('aa', { ownerId: 'p-first' }));
      const last = cert('aa', { ownerId: 'p-second', status: 'DIGANTI', notAfter: '2028-01-01T00:00:00.000Z' });
      await repo.save(last);
      expect(await repo.get('aa')).to.deep.equal(last);
      expect(await repo.listByOwner('p-first')).to.deep.equal([]);
      expect(await repo.listByOwner('p-second')).to.deep.equal([last]);
      expect(serials(await repo.listExpiringBetween(new Date('2000-01-01'), new Date('2100-01-01')))).to.deep.equal(['aa']);
    });

    it("listByOwner returns only the owner's certificates, by notAfter ascending", async () => {
      // Serials in the opposite order to the dates, so sorting by serial cannot pass.
      await repo.save(cert('a1', { notAfter: '2028-03-01T00:00:00.000Z' }));
      await repo.save(cert('c3', { notAfter: '2026-09-01T00:00:00.000Z' }));
      await repo.save(cert('x9', { ownerId: 'p-other', notAfter: '2026-01-01T00:00:00.000Z' }));
      await repo.save(cert('b2', { notAfter: '2027-02-01T00:00:00.000Z' }));
      expect(serials(await repo.listByOwner('p-owner'))).to.deep.equal(['c3', 'b2', 'a1']);
      expect(await repo.listByOwner('nobody')).to.deep.equal([]);
    });

    it('listExpiringBetween includes notAfter == from, excludes notAfter == to, by notAfter ascending', async () => {
      const from = new Date('2026-12-01T00:00:00.000Z');
      const to = new Date('2026-12-31T00:00:00.000Z');
      await repo.save(cert('at-to', { notAfter: to.toISOString() }));
      await repo.save(cert('a-last', { notAfter: '2026-12-30T23:59:59.999Z', ownerId: 'p-b' }));
      await repo.save(cert('before', { notAfter: '2026-11-30T23:59:59.999Z' }));
      await repo.save(cert('z-at-from', { notAfter: from.toISOString() }));
      await repo.save(cert('m-middle', { notAfter: '2026-12-15T08:00:00.000Z' }));
      expect(serials(await repo.listExpiringBetween(from, to))).to.deep.equal(['z-at-from', 'm-middle', 'a-last']);
      expect(await repo.listExpiringBetween(to, to)).to.deep.equal([]);
    });

    it('listExpiringBetween compares instants, not text', async () => {
      // The same instant written with an offset: 2026-12-10T08:00+08:00 is 2026-12-10T00:00Z.
      await repo.save(cert('offset', { notAfter: '2026-12-10T08:00:00+08:00' }));
      await repo.save(cert('utc', { notAfter: '2026-12-09T20:00:00.000Z' }));
      const found = await repo.listExpiringBetween(new Date('2026-12-09T23:00:00.000Z'), new Date('2026-12-10T01:00:00.000Z'));
      expect(serials(found)).to.deep.equal(['offset']);
    });
  });
}
