/**
 * The embedded CA's certificates and CRLs as the OpenSSL binary sees them: an independent
 * implementation checks the chain, the profiles, the CRL signature and revocation checking.
 */
import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { IssueRequest, IssuedCertificate } from '../../domain/ports/certificate-authority.js';
import type { EmbeddedCertificateAuthority } from '../../infra/ca/embedded-ca.js';
import { freshCa, removeDir } from '../support/embedded-ca.js';
import { buildCsr, rsaKeyPair, splitPem, tamperCsrSignature } from '../support/pki.js';
import { expectRefused } from './certificate-authority.contract.js';

const OPENSSL = '/usr/bin/openssl';
const run = promisify(execFile);

/** Runs openssl; resolves with stdout+stderr and the exit code instead of throwing. */
async function openssl(...args: string[]): Promise<{ out: string; code: number }> {
  try {
    const { stdout, stderr } = await run(OPENSSL, args);
    return { out: stdout + stderr, code: 0 };
  } catch (e) {
    const err = e as { stdout?: string; stderr?: string; code?: number };
    return { out: `${err.stdout ?? ''}${err.stderr ?? ''}`, code: err.code ?? -1 };
  }
}

const CRL_URL = 'http://bot.example.gov.my/pki/crl';

describe('EmbeddedCertificateAuthority checked by openssl', function () {
  this.timeout(60_000);
  let ca: EmbeddedCertificateAuthority;
  let caDir: string;
  let work: string;
  const file = (name: string): string => join(work, name);
  const certs: Record<'user' | 'training' | 'server' | 'spare', IssuedCertificate> = {} as never;

  before(async () => {
    ({ ca, dir: caDir } = await freshCa({ crlUrl: CRL_URL }));
    work = await mkdtemp(join(tmpdir(), 'gpki-openssl-'));
    const base = { validityDays: 365, subject: { commonName: 'x' } } as const;
    const requests: Record<keyof typeof certs, IssueRequest> = {
      user: {
        ...base,
        key: 'UC-2026-000001:issue',
        profile: 'user',
        subject: {
          commonName: 'Nurul Huda binti Ismail',
          email: 'nurul@mampu.gov.my',
          organization: 'MAMPU',
          organizationalUnit: 'Bahagian Keselamatan ICT',
        },
        csrPem: buildCsr(await rsaKeyPair(2048)),
      },
      training: {
        ...base,
        key: 'TC-2026-000001:issue',
        profile: 'training',
        validityDays: 90,
        subject: { commonName: 'Pelatih Satu', email: 'pelatih1@mampu.gov.my' },
      },
      server: {
        ...base,
        key: 'SC-2026-000001:issue',
        profile: 'server',
        validityDays: 200,
        subject: { commonName: 'eperolehan.gov.my', organization: 'Kementerian Kewangan' },
        dnsNames: ['eperolehan.gov.my', 'www.eperolehan.gov.my'],
        csrPem: buildCsr(await rsaKeyPair(2048), { commonName: 'eperolehan.gov.my' }),
      },
      spare: { ...base, key: 'UC-2026-000002:issue', profile: 'user', subject: { commonName: 'Spare' } },
    };
    for (const [name, req] of Object.entries(requests) as [keyof typeof certs, IssueRequest][]) {
      certs[name] = await ca.issue(req);
      await writeFile(file(`${name}.pem`), certs[name].certPem);
    }
    const [issuing, root] = splitPem(await ca.caCertificatesPem());
    await writeFile(file('issuing.pem'), issuing!.toString());
    await writeFile(file('root.pem'), root!.toString());
    await writeFile(file('chain.pem'), await ca.caCertificatesPem());
  });

  after(async () => {
    await ca.close();
    await removeDir(caDir);
    await rm(work, { recursive: true, force: true });
  });

  const verify = (name: string, ...extra: string[]): Promise<{ out: string; code: number }> =>
    openssl('verify', '-x509_strict', ...extra, '-CAfile', file('root.pem'), '-untrusted', file('issuing.pem'), file(`${name}.pem`));

  it('verifies user, training and server certificates up to the root', async () => {
    for (const name of ['user', 'training', 'server']) {
      const { out, code } = await verify(name);
      expect(out.trim(), name).to.equal(`${file(`${name}.pem`)}: OK`);
      expect(code).to.equal(0);
    }
  });

  it('accepts each profile only for its purpose', async () => {
    expect((await verify('server', '-purpose', 'sslserver')).out).to.match(/: OK\s*$/);
    expect((await verify('user', '-purpose', 'sslclient')).out).to.match(/: OK\s*$/);
    expect((await verify('user', '-purpose', 'smimesign')).out).to.match(/: OK\s*$/);
    const misuse = await verify('user', '-purpose', 'sslserver');
    expect(misuse.code).to.not.equal(0);
    expect(misuse.out).to.match(/unsuitable certificate purpose/);
  });

  it('shows the key usage, extended key usage and names of each profile', async () => {
    const text = async (name: string): Promise<string> => (await openssl('x509', '-in', file(`${name}.pem`), '-noout', '-text')).out;
    const user = await text('user');
    expect(user).to.match(/Key Usage: critical\s+Digital Signature, Non Repudiation, Key Encipherment/);
    expect(user).to.match(/Extended Key Usage:\s+TLS Web Client Authentication, E-mail Protection/);
    expect(user).to.match(/Subject Alternative Name:\s+email:nurul@mampu\.gov\.my/);
    expect(user).to.match(/Basic Constraints: critical\s+CA:FALSE/);
    expect(user).to.include(
      'Subject: C = MY, O = MAMPU, OU = Bahagian Keselamatan ICT, CN = Nurul Huda binti Ismail, emailAddress = nurul@mampu.gov.my',
    );
    expect(user).to.match(/CRL Distribution Points:\s+Full Name:\s+URI:http:\/\/bot\.example\.gov\.my\/pki\/crl/);
    expect(user).to.match(/Subject Key Identifier/);
    expect(user).to.match(/Authority Key Identifier/);
    expect(user).to.include('Public-Key: (2048 bit)');

    const training = await text('training');
    expect(training).to.include('OU = LATIHAN/UJIAN - TIDAK SAH DI SISI UNDANG-UNDANG, CN = Pelatih Satu');
    expect(training).to.match(/Extended Key Usage:\s+TLS Web Client Authentication, E-mail Protection/);

    const server = await text('server');
    expect(server).to.match(/Key Usage: critical\s+Digital Signature, Key Encipherment\n/);
    expect(server).to.match(/Extended Key Usage:\s+TLS Web Server Authentication\n/);
    expect(server).to.match(/Subject Alternative Name:\s+DNS:eperolehan\.gov\.my, DNS:www\.eperolehan\.gov\.my\n/);
  });

  it('shows pathlen 1 on the root and 0 on the issuing CA, both for signing certificates and CRLs', async () => {
    const root = (await openssl('x509', '-in', file('root.pem'), '-noout', '-text')).out;
    const issuing = (await openssl('x509', '-in', file('issuing.pem'), '-noout', '-text')).out;
    expect(root).to.match(/Basic Constraints: critical\s+CA:TRUE, pathlen:1/);
    expect(issuing).to.match(/Basic Constraints: critical\s+CA:TRUE, pathlen:0/);
    for (const t of [root, issuing]) {
      expect(t).to.match(/Key Usage: critical\s+Certificate Sign, CRL Sign/);
      expect(t).to.include('Public-Key: (3072 bit)');
    }
  });

  describe('CRL', () => {
    let crlText: string;
    before(async () => {
      await ca.revoke(certs.user.serial, 'keyCompromise');
      await ca.revoke(certs.training.serial, 'superseded');
      await ca.revoke(certs.server.serial, 'cessationOfOperation');
      const der = await ca.crlDer();
      await writeFile(file('crl.der'), der);
      crlText = (await openssl('crl', '-inform', 'DER', '-in', file('crl.der'), '-text', '-noout')).out;
      const pem = await openssl('crl', '-inform', 'DER', '-in', file('crl.der'), '-outform', 'PEM');
      await writeFile(file('crl.pem'), pem.out);
    });

    it('lists each revoked serial with its reason', () => {
      const blocks = crlText.split('Serial Number: ').slice(1);
      const reasonOf = (serial: string): string | undefined => {
        const block = blocks.find((b) => b.slice(0, 32).toLowerCase() === serial);
        expect(block, `serial ${serial} in CRL`).to.not.equal(undefined);
        return /CRL Reason Code:\s+(.+)/.exec(block!)?.[1]?.trim();
      };
      expect(blocks).to.have.length(3);
      expect(reasonOf(certs.user.serial)).to.equal('Key Compromise');
      expect(reasonOf(certs.training.serial)).to.equal('Superseded');
      expect(reasonOf(certs.server.serial)).to.equal('Cessation Of Operation');
      expect(crlText).to.match(/Version 2/);
      expect(crlText).to.match(/CRL Number:\s+\d+/);
      expect(crlText).to.match(/Authority Key Identifier/);
    });

    it('carries a signature that verifies against the issuing CA', async () => {
      const { out, code } = await openssl('crl', '-inform', 'DER', '-in', file('crl.der'), '-CAfile', file('chain.pem'), '-noout');
      expect(out).to.match(/verify OK/);
      expect(code).to.equal(0);
    });

    it('makes certificate verification with CRL checking fail for revoked certificates only', async () => {
      const check = (name: string): Promise<{ out: string; code: number }> => verify(name, '-crl_check', '-CRLfile', file('crl.pem'));
      const revoked = await check('user');
      expect(revoked.code).to.not.equal(0);
      expect(revoked.out).to.match(/certificate revoked/);
      expect((await check('spare')).out.trim()).to.equal(`${file('spare.pem')}: OK`);
    });
  });

  describe('CSR refusals', () => {
    it('refuses a request that openssl also finds tampered, and one with a 1024-bit key', async () => {
      const good = buildCsr(await rsaKeyPair(2048));
      const tampered = tamperCsrSignature(good);
      await writeFile(file('good.csr'), good);
      await writeFile(file('tampered.csr'), tampered);
      expect((await openssl('req', '-in', file('good.csr'), '-verify', '-noout')).out).to.match(/verify OK/);
      // OpenSSL 3.0 exits 0 even when the self-signature fails, so read what it says.
      expect((await openssl('req', '-in', file('tampered.csr'), '-verify', '-noout')).out).to.match(/verify failure/);
      const refused = await expectRefused(
        ca.issue({ key: 'UC-2026-000009:issue', profile: 'user', subject: { commonName: 'T' }, csrPem: tampered, validityDays: 30 }),
      );
      expect(refused.details?.reason).to.equal('CSR_BAD_SIGNATURE');
      const small = buildCsr(await rsaKeyPair(1024));
      await writeFile(file('small.csr'), small);
      expect((await openssl('req', '-in', file('small.csr'), '-verify', '-noout')).out).to.match(/verify OK/);
      const tooSmall = await expectRefused(
        ca.issue({ key: 'UC-2026-000010:issue', profile: 'user', subject: { commonName: 'T' }, csrPem: small, validityDays: 30 }),
      );
      expect(tooSmall.details?.reason).to.equal('KEY_TOO_SMALL');
    });
  });
});
