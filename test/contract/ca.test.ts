/**
 * The embedded CA: the port contract, then what only this adapter promises (files on disk,
 * restarts, refusal reasons). The same certificates are checked with the OpenSSL binary in
 * ca-openssl.test.ts.
 */
import { expect } from 'chai';
import { X509Certificate, generateKeyPairSync } from 'node:crypto';
import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { EmbeddedCertificateAuthority } from '../../infra/ca/embedded-ca.js';
import type { IssueRequest } from '../../domain/ports/certificate-authority.js';
import { caOn, caTemplate, freshCa, freshCaDir, removeDir, sqliteLedger } from '../support/embedded-ca.js';
import { buildCsr, ecKeyPair, parseCrl, rsaKeyPair, splitPem, tamperCsrSignature } from '../support/pki.js';
import { certificateAuthorityContract, expectRefused } from './certificate-authority.contract.js';

const request = (key: string, overrides: Partial<IssueRequest> = {}): IssueRequest => ({
  key,
  profile: 'user',
  subject: { commonName: 'Rahim bin Osman', email: 'rahim@jpa.gov.my', organization: 'JPA' },
  validityDays: 365,
  ...overrides,
});

describe('EmbeddedCertificateAuthority', function () {
  this.timeout(60_000);

  certificateAuthorityContract('embedded', async () => {
    const { ca, dir } = await freshCa();
    return {
      subject: ca,
      close: async () => {
        await ca.close();
        await removeDir(dir);
      },
    };
  });

  describe('first start', () => {
    it('creates the CA once for concurrent ready() calls and never logs a key', async () => {
      const { creationLog } = await caTemplate();
      expect(creationLog.filter((l) => l.msg === 'embedded CA created')).to.have.length(1);
      expect(JSON.stringify(creationLog)).to.not.match(/PRIVATE KEY|BEGIN/);
    });

    it('writes the CA keys as PEM readable by the owner only', async () => {
      const { dir } = await caTemplate();
      for (const file of ['root.key.pem', 'issuing.key.pem']) {
        expect((await stat(join(dir, file))).mode & 0o777, file).to.equal(0o600);
        expect(await readFile(join(dir, file), 'utf8')).to.match(/^-----BEGIN PRIVATE KEY-----/);
      }
      expect((await stat(dir)).mode & 0o777).to.equal(0o700);
    });

    it('makes RSA-3072 CA certificates valid for ten (root) and five (issuing) years', async () => {
      const { dir } = await caTemplate();
      const ca = caOn(dir);
      const [issuing, root] = splitPem(await ca.caCertificatesPem());
      await ca.close();
      for (const cert of [issuing!, root!]) {
        expect(cert.publicKey.asymmetricKeyDetails?.modulusLength).to.equal(3072);
      }
      const years = (c: X509Certificate): number => new Date(c.validTo).getUTCFullYear() - new Date(c.validFrom).getUTCFullYear();
      expect(years(root!)).to.equal(10);
      expect(years(issuing!)).to.equal(5);
      expect(root!.subject).to.include('O=MyGPKI Embedded CA');
    });
  });

  describe('restart on the same directory and store', () => {
    it('keeps the CA, the certificate issued for a key, revocations and the CRL number', async () => {
      const dir = await freshCaDir();
      const dbFile = join(dir, 'store.db');
      let store = sqliteLedger(dbFile);
      const ca = caOn(dir, { ledger: store.ledger });
      const issued = await ca.issue(request('UC-2026-000101:issue'));
      const { revokedAt } = await ca.revoke(issued.serial, 'superseded');
      const crlBefore = parseCrl(await ca.crlDer());
      const chain = await ca.caCertificatesPem();
      await ca.close();
      store.close();

      store = sqliteLedger(dbFile);
      const again = caOn(dir, { ledger: store.ledger });
      try {
        expect(await again.caCertificatesPem()).to.equal(chain);
        const reissued = await again.issue(request('UC-2026-000101:issue', { validityDays: 30 }));
        expect(reissued.serial).to.equal(issued.serial);
        expect(reissued.certPem).to.equal(issued.certPem);
        expect((await again.revoke(issued.serial, 'keyCompromise')).revokedAt.getTime()).to.equal(revokedAt.getTime());
        const crl = parseCrl(await again.crlDer());
        expect(crl.entries.map((e) => e.serial.toLowerCase())).to.deep.equal([issued.serial]);
        expect(crl.entries[0]!.reasonCode).to.equal(4);
        expect(crl.crlNumber).to.be.greaterThan(crlBefore.crlNumber!);
      } finally {
        await again.close();
        store.close();
        await removeDir(dir);
      }
    });

    it('imports the ledger.jsonl of an existing deployment once (a torn last line skipped) and renames it', async () => {
      // The history an earlier version wrote: made by a CA of the same directory on another ledger.
      const { ca: before, dir } = await freshCa();
      const issued = await before.issue(request('UC-2026-000102:issue'));
      const revokedAt = '2026-05-02T03:04:05.000Z';
      await before.close();
      const entries = [
        {
          t: 'issued',
          key: 'UC-2026-000102:issue',
          serial: issued.serial,
          profile: 'user',
          certPem: issued.certPem,
          notBefore: issued.notBefore.toISOString(),
          notAfter: issued.notAfter.toISOString(),
          at: '2026-05-01T00:00:00.000Z',
        },
        { t: 'revoked', serial: issued.serial, reason: 'keyCompromise', at: revokedAt },
        { t: 'crl', number: 41, at: '2026-05-02T03:04:06.000Z' },
      ];
      await writeFile(join(dir, 'ledger.jsonl'), `${entries.map((e) => JSON.stringify(e)).join('\n')}\n{"t":"issued","key":"UC-2026-0`);
      const store = sqliteLedger();
      const ca = caOn(dir, { ledger: store.ledger });
      try {
        expect((await ca.issue(request('UC-2026-000102:issue'))).serial).to.equal(issued.serial);
        expect((await ca.revoke(issued.serial, 'superseded')).revokedAt.toISOString()).to.equal(revokedAt);
        const crl = parseCrl(await ca.crlDer());
        expect(crl.crlNumber).to.equal(42);
        expect(crl.entries.map((e) => [e.serial.toLowerCase(), e.reasonCode])).to.deep.equal([[issued.serial, 1]]);
        expect((await readdir(dir)).filter((f) => f.startsWith('ledger'))).to.deep.equal(['ledger.jsonl.imported']);
        const [row] = await store.ledger.list();
        expect(row).to.deep.include({
          caseId: 'UC-2026-000102',
          subjectCn: 'Rahim bin Osman',
          status: 'revoked',
          issuedAt: '2026-05-01T00:00:00.000Z',
        });
      } finally {
        await ca.close();
        store.close();
        await removeDir(dir);
      }
    });
  });

  describe('idempotency', () => {
    it('records one certificate for a key issued by many concurrent calls', async () => {
      const store = sqliteLedger();
      const { ca, dir } = await freshCa({ ledger: store.ledger });
      try {
        const results = await Promise.all(Array.from({ length: 8 }, () => ca.issue(request('UC-2026-000201:issue'))));
        expect(new Set(results.map((r) => r.serial)).size).to.equal(1);
        expect((await store.ledger.list({ realm: 'user' })).map((r) => r.serial)).to.deep.equal([results[0]!.serial]);
      } finally {
        await ca.close();
        store.close();
        await removeDir(dir);
      }
    });
  });

  describe('refusals', () => {
    let ca: EmbeddedCertificateAuthority;
    let dir: string;
    before(async () => ({ ca, dir } = await freshCa()));
    after(async () => {
      await ca.close();
      await removeDir(dir);
    });
    let n = 0;
    const reasonOf = async (overrides: Partial<IssueRequest>): Promise<unknown> =>
      (await expectRefused(ca.issue(request(`KEY-${++n}`, overrides)))).details?.reason;

    it('names why a CSR is refused', async () => {
      expect(await reasonOf({ csrPem: buildCsr(await rsaKeyPair(1024)) })).to.equal('KEY_TOO_SMALL');
      expect(await reasonOf({ csrPem: tamperCsrSignature(buildCsr(await rsaKeyPair())) })).to.equal('CSR_BAD_SIGNATURE');
      // EC is accepted on P-256 and P-384 only (DOMAIN.md 4.4).
      expect(
        await reasonOf({ csrPem: buildCsr(generateKeyPairSync('ec', { namedCurve: 'P-521' }), { algorithm: 'sha256-ecdsa' }) }),
      ).to.equal('UNSUPPORTED_KEY_TYPE');
      expect(await reasonOf({ csrPem: buildCsr(await rsaKeyPair(), { algorithm: 'sha1-rsa' }) })).to.equal('WEAK_SIGNATURE_HASH');
      expect(await reasonOf({ csrPem: 'not a CSR' })).to.equal('CSR_UNPARSABLE');
    });

    it('certifies the key of an EC P-256 request (server keys may be EC)', async () => {
      const keys = await ecKeyPair();
      const issued = await ca.issue(request(`KEY-${++n}`, { csrPem: buildCsr(keys, { algorithm: 'sha256-ecdsa' }) }));
      const certified = new X509Certificate(issued.certPem).publicKey.export({ type: 'spki', format: 'der' });
      expect(certified.equals(keys.publicKey.export({ type: 'spki', format: 'der' }))).to.equal(true);
    });

    it('refuses every one-bit corruption of a CSR with CA_REFUSED, never another error', async () => {
      const der = Buffer.from(buildCsr(await rsaKeyPair()).replace(/-----[^-]+-----|\s+/g, ''), 'base64');
      const reasons = new Set<unknown>();
      for (let bit = 0; bit < der.length * 8; bit += 3) {
        const bad = Buffer.from(der);
        bad[bit >> 3] ^= 1 << (bit & 7);
        const csrPem = `-----BEGIN CERTIFICATE REQUEST-----\n${bad.toString('base64')}\n-----END CERTIFICATE REQUEST-----\n`;
        reasons.add(await reasonOf({ csrPem }));
      }
      expect(reasons).to.include.members(['CSR_UNPARSABLE', 'CSR_BAD_SIGNATURE']);
    });

    it('names why a request is refused', async () => {
      expect(await reasonOf({ profile: 'server', dnsNames: [] })).to.equal('DNS_NAMES_REQUIRED');
      expect(await reasonOf({ profile: 'server', dnsNames: ['bad_name.gov.my'] })).to.equal('INVALID_DNS_NAME');
      expect(await reasonOf({ profile: 'server', dnsNames: ['www.*.gov.my'] })).to.equal('INVALID_DNS_NAME');
      expect(await reasonOf({ validityDays: 0 })).to.equal('INVALID_VALIDITY');
      expect(await reasonOf({ subject: { commonName: 'x'.repeat(65) } })).to.equal('INVALID_SUBJECT');
      expect(await reasonOf({ subject: { commonName: 'A', email: 'not-an-email' } })).to.equal('INVALID_SUBJECT');
    });

    it('refuses unknown serials and non-revocation reasons by name', async () => {
      const unknown = await expectRefused(ca.revoke('4abc', 'keyCompromise'));
      expect(unknown.details?.reason).to.equal('UNKNOWN_SERIAL');
      const issued = await ca.issue(request('UC-2026-000301:issue'));
      const bad = await expectRefused(ca.revoke(issued.serial, 'removeFromCRL'));
      expect(bad.details?.reason).to.equal('INVALID_REASON');
    });
  });

  describe('clock', () => {
    it('reuses a CRL until a revocation or crlMaxAgeSeconds, then publishes the next number', async () => {
      let now = new Date();
      const { ca, dir } = await freshCa({ clock: () => now, crlMaxAgeSeconds: 600, crlNextUpdateDays: 2 });
      try {
        const first = await ca.crlDer();
        expect((await ca.crlDer()).equals(first)).to.equal(true);
        const parsed = parseCrl(first);
        expect(parsed.nextUpdate!.getTime() - parsed.thisUpdate.getTime()).to.equal(2 * 86_400_000);
        now = new Date(now.getTime() + 601_000);
        const aged = parseCrl(await ca.crlDer());
        expect(aged.crlNumber).to.equal(parsed.crlNumber! + 1);
        expect(aged.thisUpdate.getTime()).to.equal(Math.floor(now.getTime() / 1000) * 1000);
        const issued = await ca.issue(request('UC-2026-000402:issue'));
        await ca.revoke(issued.serial, 'privilegeWithdrawn');
        const afterRevocation = parseCrl(await ca.crlDer());
        expect(afterRevocation.crlNumber).to.equal(aged.crlNumber! + 1);
        expect(afterRevocation.entries.map((e) => e.reasonCode)).to.deep.equal([9]);
      } finally {
        await ca.close();
        await removeDir(dir);
      }
    });

    it('never lets a certificate outlive the issuing CA', async () => {
      const { dir } = await caTemplate();
      const probe = caOn(dir);
      const [issuing] = splitPem(await probe.caCertificatesPem());
      await probe.close();
      const issuingEnd = new Date(issuing!.validTo);
      const nearEnd = new Date(issuingEnd.getTime() - 100 * 86_400_000);
      const { ca, dir: copy } = await freshCa({ clock: () => nearEnd });
      try {
        const issued = await ca.issue(request('UC-2026-000401:issue', { validityDays: 365 }));
        expect(issued.notAfter.getTime()).to.equal(issuingEnd.getTime());
        expect(issued.notBefore.getTime()).to.be.at.most(nearEnd.getTime());
      } finally {
        await ca.close();
        await removeDir(copy);
      }
    });
  });
});
