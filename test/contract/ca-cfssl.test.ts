/**
 * The cfssl connector against a real `cfssl serve` with a throwaway CA: the CertificateAuthority
 * contract, then what only a remote CA does (its own refusals, being unreachable, openssl's view).
 */
import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { DomainError, PermanentError } from '../../domain/errors.js';
import { CfsslCertificateAuthority } from '../../infra/ca/cfssl-ca.js';
import { cfsslInstalled, readPem, startCfssl, type CfsslCa } from '../support/cfssl.js';
import { sqliteLedger } from '../support/embedded-ca.js';
import { buildCsr, rsaKeyPair } from '../support/pki.js';
import { certificateAuthorityContract } from './certificate-authority.contract.js';
import { inCi } from './harness.js';

const run = promisify(execFile);

describe('CfsslCertificateAuthority (real cfssl serve)', function () {
  this.timeout(120_000);
  if (!cfsslInstalled()) {
    if (inCi())
      it('cfssl is installed', () => void expect.fail('cfssl (Debian golang-cfssl) is required in CI (CI=true) but is not installed'));
    else it('SKIPPED: cfssl is not installed (apt-get install golang-cfssl); the cfssl connector suites did not run');
    return;
  }
  let server: CfsslCa;
  const dirs: string[] = [];
  const ledgers: { close(): void }[] = [];
  before(async () => {
    server = await startCfssl();
  });
  after(async () => {
    await server?.close();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
    for (const l of ledgers) l.close();
  });
  /** A connector with its own ledger unless one is passed (two connectors on one ledger are two processes). */
  const connector = (overrides: Partial<ConstructorParameters<typeof CfsslCertificateAuthority>[0]> = {}) => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'gpki-cfssl-ledger-'));
    dirs.push(dir);
    const own = overrides.ledger ? undefined : sqliteLedger();
    if (own) ledgers.push(own);
    return new CfsslCertificateAuthority({
      url: server.url,
      authKey: server.authKey,
      rootPem: readPem(server.rootPemFile),
      crlUrl: server.crlUrl,
      dir,
      ...overrides,
      ledger: overrides.ledger ?? own!.ledger,
    });
  };
  const sharedLedger = () => {
    const l = sqliteLedger();
    ledgers.push(l);
    return l.ledger;
  };

  certificateAuthorityContract('cfssl', async () => {
    const ca = connector();
    return { subject: ca, close: () => ca.close() };
  });

  describe('beyond the contract', () => {
    const serverRequest = async (key: string) => ({
      key,
      profile: 'server' as const,
      subject: { commonName: 'portal.mampu.gov.my', organization: 'MAMPU' },
      dnsNames: ['portal.mampu.gov.my'],
      csrPem: buildCsr(await rsaKeyPair(2048), { commonName: 'portal.mampu.gov.my' }),
      validityDays: 200,
    });

    it('issues a server certificate that openssl verifies against the throwaway root', async () => {
      const ca = connector();
      const issued = await ca.issue(await serverRequest(`k-${Date.now()}`));
      const dir = mkdtempSync(path.join(os.tmpdir(), 'gpki-verify-'));
      dirs.push(dir);
      writeFileSync(path.join(dir, 'cert.pem'), issued.certPem);
      const { stdout } = await run('openssl', [
        'verify',
        '-CAfile',
        server.rootPemFile,
        '-untrusted',
        server.issuingPemFile,
        path.join(dir, 'cert.pem'),
      ]);
      expect(stdout.trim()).to.equal(`${path.join(dir, 'cert.pem')}: OK`);
      await ca.close();
    });

    it("passes on the CA's own refusal with its reason", async () => {
      const ca = connector({ profiles: { server: 'no-such-profile' } });
      const e = await ca.issue(await serverRequest(`k-${Date.now()}-bad`)).then(
        () => undefined,
        (x: unknown) => x,
      );
      expect(e).to.be.instanceOf(PermanentError);
      expect((e as PermanentError).code).to.equal('CA_REFUSED');
      expect(String((e as PermanentError).details?.caReason)).to.match(/\(\d+\)/);
      await ca.close();
    });

    it('refuses a wrong auth key (the CA does not sign unauthenticated requests)', async () => {
      const ca = connector({ authKey: '00'.repeat(16) });
      const e = await ca.issue(await serverRequest(`k-${Date.now()}-auth`)).then(
        () => undefined,
        (x: unknown) => x,
      );
      expect((e as DomainError).code).to.equal('CA_REFUSED');
      await ca.close();
    });

    it('says the CA is unavailable (retryable) while cfssl is down, and works again once it is back', async () => {
      const ca = connector();
      await ca.ready();
      await server.stop();
      try {
        const e = await ca.issue(await serverRequest('k-down')).then(
          () => undefined,
          (x: unknown) => x,
        );
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

  describe('the shared ledger (realm cfssl)', () => {
    const serverRequest = async (key: string) => ({
      key,
      profile: 'server' as const,
      subject: { commonName: 'portal.mampu.gov.my', organization: 'MAMPU' },
      dnsNames: ['portal.mampu.gov.my'],
      csrPem: buildCsr(await rsaKeyPair(2048), { commonName: 'portal.mampu.gov.my' }),
      validityDays: 200,
    });

    it('a retry in another process gets the recorded certificate; a revocation there is the first one everywhere', async () => {
      const ledger = sharedLedger();
      const [a, b] = [connector({ ledger }), connector({ ledger })];
      const req = await serverRequest('SC-2026-000501:issue');
      const first = await a.issue(req);
      const again = await b.issue(req);
      expect(again.serial).to.equal(first.serial);
      expect(again.certPem).to.equal(first.certPem);
      const { revokedAt } = await b.revoke(first.serial, 'keyCompromise');
      expect((await a.revoke(first.serial, 'superseded')).revokedAt.getTime()).to.equal(revokedAt.getTime());
      const rows = await ledger.list({ realm: 'cfssl' });
      expect(rows.map((r) => [r.caseId, r.serial, r.status, r.revocation?.reason, r.attempts])).to.deep.equal([
        ['SC-2026-000501', first.serial, 'revoked', 'keyCompromise', 1],
      ]);
    });

    it('records the intent before cfssl answers: an unanswered ask stays listed, and a later success says how often cfssl was asked', async () => {
      // A CA that takes the request and never answers: cfssl may or may not have signed.
      const silent = createServer(() => undefined);
      await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
      const ledger = sharedLedger();
      try {
        const hung = connector({ ledger, url: `http://127.0.0.1:${(silent.address() as AddressInfo).port}`, timeoutMs: 300 });
        const req = await serverRequest('SC-2026-000502:issue');
        const e = await hung.issue(req).then(
          () => undefined,
          (x: unknown) => x,
        );
        expect((e as DomainError).code).to.equal('CA_UNAVAILABLE');
        expect((await ledger.pendingIntents('cfssl')).map((i) => [i.key, i.attempts])).to.deep.equal([['SC-2026-000502:issue', 1]]);
        const issued = await connector({ ledger }).issue(req);
        expect(await ledger.pendingIntents('cfssl')).to.deep.equal([]);
        const [row] = await ledger.list({ realm: 'cfssl' });
        expect(row).to.deep.include({ status: 'issued', serial: issued.serial, attempts: 2 });
      } finally {
        silent.closeAllConnections();
        await new Promise((resolve) => silent.close(resolve));
      }
    });

    it('leaves no intent behind when cfssl refuses or cannot be reached (nothing was signed)', async () => {
      const ledger = sharedLedger();
      const refused = await connector({ ledger, profiles: { server: 'no-such-profile' } })
        .issue(await serverRequest('SC-2026-000503:issue'))
        .then(
          () => undefined,
          (x: unknown) => x,
        );
      expect((refused as DomainError).code).to.equal('CA_REFUSED');
      // A port nobody listens on: the connection is refused before any request is sent.
      const closed = createServer();
      await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
      const port = (closed.address() as AddressInfo).port;
      await new Promise((resolve) => closed.close(resolve));
      const down = await connector({ ledger, url: `http://127.0.0.1:${port}` })
        .issue(await serverRequest('SC-2026-000504:issue'))
        .then(
          () => undefined,
          (x: unknown) => x,
        );
      expect((down as DomainError).code).to.equal('CA_UNAVAILABLE');
      expect(await ledger.list({ realm: 'cfssl' })).to.deep.equal([]);
    });

    it("imports the connector's former ledger file once", async () => {
      const ledger = sharedLedger();
      const old = connector({ ledger: sharedLedger() });
      const issued = await old.issue(await serverRequest('SC-2026-000505:issue'));
      const dir = mkdtempSync(path.join(os.tmpdir(), 'gpki-cfssl-legacy-'));
      dirs.push(dir);
      const line = {
        t: 'issued',
        key: 'SC-2026-000505:issue',
        serial: issued.serial,
        profile: 'server',
        certPem: issued.certPem,
        notBefore: issued.notBefore.toISOString(),
        notAfter: issued.notAfter.toISOString(),
        at: new Date().toISOString(),
      };
      writeFileSync(path.join(dir, 'cfssl-ledger.jsonl'), `${JSON.stringify(line)}\n`);
      const ca = connector({ ledger, dir });
      expect((await ca.issue(await serverRequest('SC-2026-000505:issue'))).serial).to.equal(issued.serial);
      expect(readdirSync(dir)).to.deep.equal(['cfssl-ledger.jsonl.imported']);
    });
  });
});
