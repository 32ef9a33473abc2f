/**
 * The cfssl connector against a real `cfssl serve` with a throwaway CA: the CertificateAuthority
 * contract, then what only a remote CA does (its own refusals, being unreachable, openssl's view).
 */
import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { DomainError, PermanentError } from '../../domain/errors.js';
import { CfsslCertificateAuthority } from '../../infra/ca/cfssl-ca.js';
import { cfsslInstalled, readPem, startCfssl, type CfsslCa } from '../support/cfssl.js';
import { buildCsr, rsaKeyPair } from '../support/pki.js';
import { certificateAuthorityContract } from './certificate-authority.contract.js';
import { inCi } from './harness.js';

const run = promisify(execFile);

describe('CfsslCertificateAuthority (real cfssl serve)', function () {
  this.timeout(120_000);
  if (!cfsslInstalled()) {
    if (inCi()) it('cfssl is installed', () => void expect.fail('cfssl (Debian golang-cfssl) is required in CI (CI=true) but is not installed'));
    else it('SKIPPED: cfssl is not installed (apt-get install golang-cfssl); the cfssl connector suites did not run');
    return;
  }
  let server: CfsslCa;
  const dirs: string[] = [];
  before(async () => {
    server = await startCfssl();
  });
  after(async () => {
    await server?.close();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });
  const connector = (overrides: Partial<ConstructorParameters<typeof CfsslCertificateAuthority>[0]> = {}) => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'gpki-cfssl-ledger-'));
    dirs.push(dir);
    return new CfsslCertificateAuthority({ url: server.url, authKey: server.authKey, rootPem: readPem(server.rootPemFile), crlUrl: server.crlUrl, dir, ...overrides });
  };

  certificateAuthorityContract('cfssl', async () => {
    const ca = connector();
    return { subject: ca, close: () => ca.close() };
  });

  describe('beyond the contract', () => {
    const serverRequest = async (key: string) => ({
      key, profile: 'server' as const, subject: { commonName: 'portal.mampu.gov.my', organization: 'MAMPU' }, dnsNames: ['portal.mampu.gov.my'],
      csrPem: buildCsr(await rsaKeyPair(2048), { commonName: 'portal.mampu.gov.my' }), validityDays: 200,
    });

    it('issues a server certificate that openssl verifies against the throwaway root', async () => {
      const ca = connector();
      const issued = await ca.issue(await serverRequest(`k-${Date.now()}`));
      const dir = mkdtempSync(path.join(os.tmpdir(), 'gpki-verify-'));
      dirs.push(dir);
      writeFileSync(path.join(dir, 'cert.pem'), issued.certPem);
      const { stdout } = await run('openssl', ['verify', '-CAfile', server.rootPemFile, '-untrusted', server.issuingPemFile, path.join(dir, 'cert.pem')]);
      expect(stdout.trim()).to.equal(`${path.join(dir, 'cert.pem')}: OK`);
      await ca.close();
    });

    it('passes on the CA\'s own refusal with its reason', async () => {
      const ca = connector({ profiles: { server: 'no-such-profile' } });
      const e = await ca.issue(await serverRequest(`k-${Date.now()}-bad`)).then(() => undefined, (x: unknown) => x);
      expect(e).to.be.instanceOf(PermanentError);
      expect((e as PermanentError).code).to.equal('CA_REFUSED');
      expect(String((e as PermanentError).details?.caReason)).to.match(/\(\d+\)/);
      await ca.close();
    });

    it('refuses a wrong auth key (the CA does not sign unauthenticated requests)', async () => {
      const ca = connector({ authKey: '00'.repeat(16) });
      const e = await ca.issue(await serverRequest(`k-${Date.now()}-auth`)).then(() => undefined, (x: unknown) => x);
      expect((e as DomainError).code).to.equal('CA_REFUSED');
      await ca.close();
    });

    it('says the CA is unavailable (retryable) while cfssl is down, and works again once it is back', async () => {
      const ca = connector();
      await ca.ready();
      await server.stop();
      try {
        const e = await ca.issue(await serverRequest('k-down')).then(() => undefined, (x: unknown) => x);
        expect(e).to.be.instanceOf(DomainError).and.not.be.instanceOf(PermanentError);
        expect((e as DomainError).code).to.equal('CA_UNAVAILABLE');
      } finally {
        await server.start();
      }
      const issued = await ca.issue(await serverRequest('k-down'));
      expect(issued.serial).to.match(/^[0-9a-f]+$/);
      await ca.close();
    });
  });
});
