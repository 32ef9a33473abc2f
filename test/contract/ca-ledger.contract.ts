import { expect } from 'chai';
import { randomBytes } from 'node:crypto';
import type { DomainError } from '../../domain/errors.js';
import type { CaIssued, CaLedger } from '../../domain/ports/ca-ledger.js';
import type { Factory, Fixture } from './harness.js';
import { rejection } from './rejection.js';

const serial = (): string => randomBytes(16).toString('hex').replace(/^0+/, '');

/** An issued record; the PEM is opaque to the ledger, so a marker string stands in for it. */
export const issuedRecord = (key: string, over: Partial<CaIssued> = {}): CaIssued => ({
  key,
  serial: serial(),
  profile: 'user',
  subjectCn: 'Aminah binti Ahmad',
  certPem: `PEM of ${key}`,
  notBefore: '2026-05-01T00:00:00.000Z',
  notAfter: '2028-05-01T00:00:00.000Z',
  issuedAt: '2026-05-01T00:00:01.000Z',
  ...over,
});

/** What every CaLedger adapter promises (domain/ports/ca-ledger.ts). */
export function caLedgerContract(adapterName: string, factory: Factory<CaLedger>): void {
  describe(`CaLedger contract: ${adapterName}`, () => {
    let fixture: Fixture<CaLedger>;
    let ledger: CaLedger;
    beforeEach(async () => {
      fixture = await factory();
      ledger = fixture.subject;
    });
    afterEach(async () => fixture.close());

    it('finds nothing that was never recorded', async () => {
      expect(await ledger.findByKey('user', 'UC-2026-000001:issue')).to.equal(undefined);
      expect(await ledger.findBySerial('user', 'abc')).to.equal(undefined);
      expect(await ledger.findRevocation('user', 'abc')).to.equal(undefined);
      expect(await ledger.listRevoked('user')).to.deep.equal([]);
      expect(await ledger.list()).to.deep.equal([]);
      expect(await ledger.getMaterial('user')).to.equal(undefined);
    });

    it('keeps the first certificate recorded for a key and says the second lost', async () => {
      const first = issuedRecord('UC-2026-000001:issue');
      expect(await ledger.recordIssued('user', first)).to.deep.equal({ won: true, record: first });
      const second = issuedRecord('UC-2026-000001:issue', { certPem: 'another' });
      expect(await ledger.recordIssued('user', second)).to.deep.equal({ won: false, record: first });
      expect(await ledger.findByKey('user', first.key)).to.deep.equal(first);
      expect(await ledger.findBySerial('user', first.serial)).to.deep.equal(first);
      expect(await ledger.findBySerial('user', second.serial)).to.equal(undefined);
    });

    it('lets exactly one of concurrent records of one key win, and all callers get the winner', async () => {
      const records = Array.from({ length: 6 }, () => issuedRecord('UC-2026-000002:issue'));
      const results = await Promise.all(records.map((r) => ledger.recordIssued('user', r)));
      expect(results.filter((r) => r.won)).to.have.length(1);
      const winner = results.find((r) => r.won)!.record;
      expect(results.map((r) => r.record.serial)).to.deep.equal(records.map(() => winner.serial));
      expect((await ledger.list()).map((r) => r.serial)).to.deep.equal([winner.serial]);
    });

    it('refuses a serial already recorded for another key, storing nothing for that key', async () => {
      const first = issuedRecord('UC-2026-000003:issue');
      await ledger.recordIssued('user', first);
      const err = (await rejection(
        ledger.recordIssued('user', issuedRecord('UC-2026-000004:issue', { serial: first.serial })),
      )) as DomainError;
      expect(err.code).to.equal('DUPLICATE_KEY');
      expect(err.details?.reason).to.equal('SERIAL_TAKEN');
      expect(await ledger.findByKey('user', 'UC-2026-000004:issue')).to.equal(undefined);
    });

    it('keeps realms apart: keys, serials, revocations, CRL numbers and material', async () => {
      const rec = issuedRecord('UC-2026-000005:issue');
      await ledger.recordIssued('user', rec);
      expect(await ledger.findByKey('training', rec.key)).to.equal(undefined);
      expect((await ledger.recordIssued('training', { ...rec, certPem: 'training copy' })).won).to.equal(true);
      await ledger.recordRevoked('user', { serial: rec.serial, reason: 'keyCompromise', revokedAt: '2026-05-02T00:00:00.000Z' });
      expect(await ledger.listRevoked('training')).to.deep.equal([]);
      expect(await ledger.revision('training')).to.equal(0);
      expect(await ledger.nextCrlNumber('user')).to.equal(1);
      expect(await ledger.nextCrlNumber('training')).to.equal(1);
      await ledger.putMaterialIfAbsent('user', 'user CA');
      expect(await ledger.getMaterial('training')).to.equal(undefined);
      expect((await ledger.list({ realm: 'training' })).map((r) => [r.realm, r.serial])).to.deep.equal([['training', rec.serial]]);
    });

    it('keeps the first revocation, refuses unknown serials, and moves the revision once per revocation', async () => {
      const rec = issuedRecord('UC-2026-000006:issue');
      await ledger.recordIssued('user', rec);
      const r0 = await ledger.revision('user');
      expect(
        await ledger.recordRevoked('user', { serial: 'feed', reason: 'keyCompromise', revokedAt: '2026-05-02T00:00:00.000Z' }),
      ).to.equal(undefined);
      expect(await ledger.revision('user')).to.equal(r0);
      const first = { serial: rec.serial, reason: 'keyCompromise' as const, revokedAt: '2026-05-02T00:00:00.000Z' };
      expect(await ledger.recordRevoked('user', first)).to.deep.equal(first);
      const r1 = await ledger.revision('user');
      expect(r1).to.not.equal(r0);
      expect(await ledger.recordRevoked('user', { ...first, reason: 'superseded', revokedAt: '2026-05-03T00:00:00.000Z' })).to.deep.equal(
        first,
      );
      expect(await ledger.revision('user')).to.equal(r1);
      expect(await ledger.findRevocation('user', rec.serial)).to.deep.equal(first);
      expect(await ledger.listRevoked('user')).to.deep.equal([first]);
    });

    it('hands out increasing CRL numbers, distinct under concurrency, above any floor', async () => {
      const numbers = await Promise.all(Array.from({ length: 10 }, () => ledger.nextCrlNumber('user')));
      expect([...numbers].sort((a, b) => a - b)).to.deep.equal(Array.from({ length: 10 }, (_, i) => i + 1));
      await ledger.advanceCrlNumber('user', 41);
      expect(await ledger.nextCrlNumber('user')).to.equal(42);
      await ledger.advanceCrlNumber('user', 5);
      expect(await ledger.nextCrlNumber('user')).to.equal(43);
      await ledger.advanceCrlNumber('cfssl', 7);
      expect(await ledger.nextCrlNumber('cfssl')).to.equal(8);
    });

    it('counts asks of an intent, completes it with the first certificate, and withdraws asks that signed nothing', async () => {
      const intent = {
        key: 'SC-2026-000007:issue',
        profile: 'server' as const,
        subjectCn: 'portal.mampu.gov.my',
        intentAt: '2026-05-01T00:00:00.000Z',
      };
      expect(await ledger.recordIntent('cfssl', intent)).to.deep.equal({ attempts: 1 });
      expect(await ledger.recordIntent('cfssl', { ...intent, intentAt: '2026-05-01T01:00:00.000Z' })).to.deep.equal({ attempts: 2 });
      expect(await ledger.pendingIntents('cfssl')).to.deep.equal([{ ...intent, attempts: 2 }]);
      expect(await ledger.findByKey('cfssl', intent.key)).to.equal(undefined);
      const [row] = await ledger.list({ realm: 'cfssl' });
      expect(row).to.deep.equal({
        realm: 'cfssl',
        key: intent.key,
        caseId: 'SC-2026-000007',
        profile: 'server',
        subjectCn: intent.subjectCn,
        status: 'intent',
        intentAt: intent.intentAt,
        attempts: 2,
      });
      const rec = issuedRecord(intent.key, { profile: 'server', subjectCn: intent.subjectCn });
      expect((await ledger.recordIssued('cfssl', rec)).won).to.equal(true);
      expect(await ledger.pendingIntents('cfssl')).to.deep.equal([]);
      expect(await ledger.recordIntent('cfssl', intent)).to.deep.equal({ attempts: 2, issued: rec });
      expect((await ledger.recordIssued('cfssl', issuedRecord(intent.key))).won).to.equal(false);
      await ledger.withdrawIntent('cfssl', intent.key);
      expect(await ledger.findByKey('cfssl', intent.key)).to.deep.equal(rec);

      const refused = { ...intent, key: 'SC-2026-000008:issue' };
      await ledger.recordIntent('cfssl', refused);
      await ledger.recordIntent('cfssl', refused);
      await ledger.withdrawIntent('cfssl', refused.key);
      expect((await ledger.pendingIntents('cfssl')).map((i) => i.attempts)).to.deep.equal([1]);
      await ledger.withdrawIntent('cfssl', refused.key);
      expect(await ledger.pendingIntents('cfssl')).to.deep.equal([]);
      expect((await ledger.list({ realm: 'cfssl' })).map((r) => r.key)).to.deep.equal([intent.key]);
    });

    it('lists every key for operators: case, subject, profile, validity, status and revocation, oldest first', async () => {
      const a = issuedRecord('UC-2026-000010:issue', { issuedAt: '2026-05-01T00:00:00.000Z' });
      const b = issuedRecord('run-1:TC-2026-000011:issue', {
        profile: 'training',
        subjectCn: 'Pelatih',
        issuedAt: '2026-05-02T00:00:00.000Z',
      });
      const c = issuedRecord('warm-up', { issuedAt: '2026-05-03T00:00:00.000Z' });
      for (const r of [c, b, a]) await ledger.recordIssued(r.profile === 'training' ? 'training' : 'user', r);
      await ledger.recordRevoked('user', { serial: a.serial, reason: 'cessationOfOperation', revokedAt: '2026-05-04T00:00:00.000Z' });
      const rows = await ledger.list();
      expect(rows.map((r) => [r.realm, r.key, r.caseId, r.status])).to.deep.equal([
        ['user', a.key, 'UC-2026-000010', 'revoked'],
        ['training', b.key, 'TC-2026-000011', 'issued'],
        ['user', c.key, undefined, 'issued'],
      ]);
      expect(rows[0]).to.deep.equal({
        realm: 'user',
        key: a.key,
        caseId: 'UC-2026-000010',
        profile: 'user',
        subjectCn: a.subjectCn,
        status: 'revoked',
        serial: a.serial,
        notBefore: a.notBefore,
        notAfter: a.notAfter,
        issuedAt: a.issuedAt,
        attempts: 0,
        revocation: { reason: 'cessationOfOperation', at: '2026-05-04T00:00:00.000Z' },
      });
      expect((await ledger.list({ realm: 'user' })).map((r) => r.key)).to.deep.equal([a.key, c.key]);
      expect((await ledger.list({ limit: 1 })).map((r) => r.key)).to.deep.equal([a.key]);
    });

    it('stores the CA material of the first writer only and tells the others whose it is', async () => {
      expect(await ledger.putMaterialIfAbsent('user', 'A')).to.deep.equal({ won: true, blob: 'A' });
      expect(await ledger.putMaterialIfAbsent('user', 'B')).to.deep.equal({ won: false, blob: 'A' });
      expect(await ledger.getMaterial('user')).to.equal('A');
      const racers = await Promise.all(['C', 'D', 'E'].map((m) => ledger.putMaterialIfAbsent('training', m)));
      expect(racers.filter((r) => r.won)).to.have.length(1);
      expect(new Set(racers.map((r) => r.blob)).size).to.equal(1);
    });
  });
}
