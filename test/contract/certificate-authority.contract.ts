/**
 * What every CertificateAuthority adapter promises (embedded, cfssl, ...). Uses only the port:
 * results are checked with node:crypto's X509Certificate and a CRL reader independent of any CA.
 */
import { expect } from 'chai';
import { X509Certificate, randomBytes, randomUUID } from 'node:crypto';
import { PermanentError } from '../../domain/errors.js';
import type { CertificateAuthority, IssueRequest } from '../../domain/ports/certificate-authority.js';
import { buildCsr, crlSignedBy, parseCrl, rsaKeyPair, splitPem, tamperCsrSignature } from '../support/pki.js';
import type { Factory, Fixture } from './harness.js';

const CLIENT_AUTH = '1.3.6.1.5.5.7.3.2';
const EMAIL_PROTECTION = '1.3.6.1.5.5.7.3.4';
const SERVER_AUTH = '1.3.6.1.5.5.7.3.1';
const DAY_MS = 86_400_000;

/** Resolves to the refusal; fails the test when `p` resolves or fails any other way. */
export async function expectRefused(p: Promise<unknown>): Promise<PermanentError> {
  const outcome = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(outcome, 'expected PermanentError(CA_REFUSED)').to.be.instanceOf(PermanentError);
  expect((outcome as PermanentError).code).to.equal('CA_REFUSED');
  return outcome as PermanentError;
}

const fingerprints = (pem: string): string[] => splitPem(pem).map((c) => c.fingerprint256);
/** Serials compared as numbers written in hex: DER pads with 00, OpenSSL prints whole bytes. */
const serialOf = (hex: string): string => hex.toLowerCase().replace(/^0+(?=.)/, '');

export function certificateAuthorityContract(adapterName: string, factory: Factory<CertificateAuthority>): void {
  describe(`CertificateAuthority contract: ${adapterName}`, function () {
    this.timeout(60_000);
    // Keys unique per run, so the suite also works against a remote CA with a shared database.
    const run = randomUUID();
    let n = 0;
    const key = (): string => `${run}:UC-2026-${String(++n).padStart(6, '0')}:issue`;
    let fixture: Fixture<CertificateAuthority>;
    let ca: CertificateAuthority;

    const userRequest = (overrides: Partial<IssueRequest> = {}): IssueRequest => ({
      key: key(),
      profile: 'user',
      subject: { commonName: 'Aminah binti Ahmad', email: 'aminah@mampu.gov.my', organization: 'MAMPU' },
      validityDays: 365,
      ...overrides,
    });

    async function caCerts(): Promise<{ issuing: X509Certificate; root: X509Certificate }> {
      const [issuing, root] = splitPem(await ca.caCertificatesPem());
      return { issuing: issuing!, root: root! };
    }

    beforeEach(async () => {
      fixture = await factory();
      ca = fixture.subject;
      await ca.ready();
    });
    afterEach(async () => fixture.close());

    it('publishes the issuing CA first, then the self-signed root it chains to', async () => {
      const certs = splitPem(await ca.caCertificatesPem());
      expect(certs).to.have.length(2);
      const { issuing, root } = await caCerts();
      expect(issuing.ca && root.ca).to.equal(true);
      expect(issuing.checkIssued(root)).to.equal(true);
      expect(issuing.verify(root.publicKey)).to.equal(true);
      expect(root.verify(root.publicKey)).to.equal(true);
    });

    it('issues a user certificate for a key it generates, exactly as it reports it', async () => {
      const issued = await ca.issue(userRequest());
      const cert = new X509Certificate(issued.certPem);
      expect(issued.serial).to.match(/^[0-9a-f]+$/);
      expect(issued.serial).to.equal(serialOf(cert.serialNumber));
      expect(issued.notBefore.getTime()).to.equal(new Date(cert.validFrom).getTime());
      expect(issued.notAfter.getTime()).to.equal(new Date(cert.validTo).getTime());
      expect(cert.subject).to.include('CN=Aminah binti Ahmad');
      expect(cert.checkEmail('aminah@mampu.gov.my')).to.equal('aminah@mampu.gov.my');
      expect(cert.keyUsage).to.include.members([CLIENT_AUTH, EMAIL_PROTECTION]);
      expect(cert.ca).to.equal(false);
      const { issuing } = await caCerts();
      expect(cert.checkIssued(issuing)).to.equal(true);
      expect(cert.verify(issuing.publicKey)).to.equal(true);
      expect(fingerprints(issued.chainPem)).to.deep.equal(fingerprints(await ca.caCertificatesPem()));
    });

    it('certifies the public key of a CSR', async () => {
      const keys = await rsaKeyPair(2048);
      const issued = await ca.issue(userRequest({ csrPem: buildCsr(keys) }));
      const certified = new X509Certificate(issued.certPem).publicKey.export({ type: 'spki', format: 'der' });
      expect(certified.equals(keys.publicKey.export({ type: 'spki', format: 'der' }))).to.equal(true);
    });

    it('names every DNS name in a server certificate, for server authentication', async () => {
      const dnsNames = ['portal.mampu.gov.my', 'www.portal.mampu.gov.my'];
      const issued = await ca.issue({
        key: key(),
        profile: 'server',
        subject: { commonName: 'portal.mampu.gov.my', organization: 'MAMPU' },
        dnsNames,
        csrPem: buildCsr(await rsaKeyPair(2048), { commonName: 'portal.mampu.gov.my' }),
        validityDays: 200,
      });
      const cert = new X509Certificate(issued.certPem);
      for (const name of dnsNames) expect(cert.checkHost(name)).to.equal(name);
      expect(cert.checkHost('other.mampu.gov.my')).to.equal(undefined);
      expect(cert.keyUsage).to.include(SERVER_AUTH);
    });

    it('refuses a server certificate without DNS names', async () => {
      await expectRefused(ca.issue({ key: key(), profile: 'server', subject: { commonName: 'x.gov.my' }, validityDays: 90 }));
    });

    it('marks a training certificate as test-only in its subject', async () => {
      const issued = await ca.issue(userRequest({ profile: 'training' }));
      expect(new X509Certificate(issued.certPem).subject).to.match(/LATIHAN|UJIAN/);
    });

    it('never issues for more than three years', async () => {
      const issued = await ca.issue(userRequest({ validityDays: 10 * 365 }));
      const days = (issued.notAfter.getTime() - issued.notBefore.getTime()) / DAY_MS;
      expect(days).to.be.at.most(3 * 366);
      expect(days).to.be.greaterThan(2 * 365);
    });

    it('returns the same certificate for the same key, also when asked concurrently', async () => {
      const req = userRequest();
      const concurrent = await Promise.all([ca.issue(req), ca.issue(req), ca.issue(req)]);
      expect(new Set(concurrent.map((c) => c.serial)).size).to.equal(1);
      const again = await ca.issue({ ...req, validityDays: 30 });
      expect(again.serial).to.equal(concurrent[0]!.serial);
      expect(again.certPem).to.equal(concurrent[0]!.certPem);
      const other = await ca.issue(userRequest());
      expect(other.serial).to.not.equal(again.serial);
    });

    it('refuses a CSR whose signature does not verify', async () => {
      const csrPem = tamperCsrSignature(buildCsr(await rsaKeyPair(2048)));
      await expectRefused(ca.issue(userRequest({ csrPem })));
    });

    it('refuses a CSR with an RSA key shorter than 2048 bits', async () => {
      await expectRefused(ca.issue(userRequest({ csrPem: buildCsr(await rsaKeyPair(1024)) })));
    });

    it('refuses a CSR that cannot be parsed', async () => {
      const garbage = `-----BEGIN CERTIFICATE REQUEST-----\n${randomBytes(300).toString('base64')}\n-----END CERTIFICATE REQUEST-----\n`;
      await expectRefused(ca.issue(userRequest({ csrPem: garbage })));
      await expectRefused(ca.issue(userRequest({ csrPem: 'hello' })));
    });

    it('revokes once: the second revocation reports the first time', async () => {
      const issued = await ca.issue(userRequest());
      const first = await ca.revoke(issued.serial, 'keyCompromise');
      expect(first.revokedAt).to.be.instanceOf(Date);
      const second = await ca.revoke(issued.serial, 'superseded');
      expect(second.revokedAt.getTime()).to.equal(first.revokedAt.getTime());
    });

    it('lists every revocation in a v2 CRL signed by the issuing CA', async () => {
      const [a, b] = await Promise.all([ca.issue(userRequest()), ca.issue(userRequest())]);
      const before = parseCrl(await ca.crlDer());
      await Promise.all([ca.revoke(a!.serial, 'keyCompromise'), ca.revoke(b!.serial, 'cessationOfOperation')]);
      const crl = parseCrl(await ca.crlDer());
      const { issuing } = await caCerts();
      expect(crlSignedBy(crl, issuing)).to.equal(true);
      expect(crl.version).to.equal(2);
      expect(crl.nextUpdate!.getTime()).to.be.greaterThan(crl.thisUpdate.getTime());
      const reasons = new Map(crl.entries.map((e) => [serialOf(e.serial), e.reasonCode]));
      expect(reasons.get(a!.serial)).to.equal(1);
      expect(reasons.get(b!.serial)).to.equal(5);
      expect(crl.crlNumber).to.be.greaterThan(before.crlNumber ?? -1);
    });

    it('refuses to revoke a serial it never issued', async () => {
      await expectRefused(ca.revoke(`7f${randomBytes(15).toString('hex')}`, 'keyCompromise'));
    });
  });
}
