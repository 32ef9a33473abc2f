import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { assessCsr, checkDomainsForType, type CsrExpectation } from '../../domain/rules/server-csr.js';
import { readCsr } from '../../infra/ca/csr-facts.js';
import { breakSignature, OpensslCsrs } from '../support/openssl-csr.js';

const run = promisify(execFile);
const codes = (ps: { code: string }[]) => ps.map((p) => p.code);
const want = (domains: string[], type: CsrExpectation['type'] = 'single', keySeenBefore = false) => ({
  type,
  domains,
  allowedSuffixes: ['gov.my'],
  keySeenBefore,
  maxBytes: 2 * 1024 * 1024,
});

describe('server-certificate names (domain rules)', () => {
  const check = (type: CsrExpectation['type'], names: string[]) => codes(checkDomainsForType(type, names, ['gov.my']));
  it('accepts one FQDN for single, two or more for multi, one *. name for wildcard', () => {
    expect(check('single', ['portal.mampu.gov.my'])).to.deep.equal([]);
    expect(check('multi', ['a.mampu.gov.my', 'b.mampu.gov.my'])).to.deep.equal([]);
    expect(check('wildcard', ['*.mampu.gov.my'])).to.deep.equal([]);
  });
  it('refuses counts and wildcards that do not fit the type', () => {
    expect(check('single', ['a.mampu.gov.my', 'b.mampu.gov.my'])).to.deep.equal(['TYPE_COUNT']);
    expect(check('multi', ['a.mampu.gov.my'])).to.deep.equal(['TYPE_COUNT']);
    expect(check('wildcard', ['www.mampu.gov.my'])).to.deep.equal(['TYPE_WILDCARD_MISSING']);
    expect(check('single', ['*.mampu.gov.my'])).to.deep.equal(['TYPE_WILDCARD_UNEXPECTED']);
  });
  it('refuses a wildcard anywhere but the whole leftmost label', () => {
    expect(check('wildcard', ['a.*.mampu.gov.my'])).to.include('NAME_WILDCARD_POSITION');
    expect(check('wildcard', ['w*.mampu.gov.my'])).to.include('NAME_WILDCARD_POSITION');
    expect(check('wildcard', ['*.*.mampu.gov.my'])).to.include('NAME_WILDCARD_POSITION');
  });
  it('refuses IP addresses, internal and single-label names, foreign suffixes and the bare suffix', () => {
    expect(check('single', ['10.1.2.3'])).to.deep.equal(['NAME_IP_ADDRESS']);
    expect(check('single', ['intranet'])).to.deep.equal(['NAME_INTERNAL']);
    expect(check('single', ['server.mampu.local'])).to.deep.equal(['NAME_INTERNAL']);
    expect(check('single', ['portal.example.com'])).to.deep.equal(['NAME_SUFFIX']);
    expect(check('single', ['evilgov.my'])).to.deep.equal(['NAME_SUFFIX']);
    expect(check('wildcard', ['*.gov.my'])).to.deep.equal(['NAME_SUFFIX']);
    expect(check('single', ['bad_name.gov.my'])).to.deep.equal(['NAME_INVALID']);
  });
  it('honours a configured suffix list', () => {
    expect(codes(checkDomainsForType('single', ['portal.uitm.edu.my'], ['gov.my', 'edu.my']))).to.deep.equal([]);
  });
});

describe('CSR checks on requests made with openssl req', function () {
  this.timeout(60_000);
  const o = new OpensslCsrs();
  after(() => o.remove());
  const assess = (input: Buffer, w: ReturnType<typeof want>) => codes(assessCsr(readCsr(input), { ...w, sizeBytes: input.length }));

  it('accepts a good RSA-2048 request, PEM and DER alike', async () => {
    const key = await o.key('rsa:2048');
    expect(assess(await o.csr({ key, cn: 'portal.mampu.gov.my' }), want(['portal.mampu.gov.my']))).to.deep.equal([]);
    expect(assess(await o.csr({ key, cn: 'portal.mampu.gov.my', der: true }), want(['portal.mampu.gov.my']))).to.deep.equal([]);
  });
  it('accepts EC P-256 and P-384 requests, multi-domain and wildcard', async () => {
    const multi = await o.csr({ key: await o.key('ec:P-256'), cn: 'a.mampu.gov.my', san: ['DNS:a.mampu.gov.my', 'DNS:b.mampu.gov.my'] });
    expect(assess(multi, want(['b.mampu.gov.my', 'a.mampu.gov.my'], 'multi'))).to.deep.equal([]);
    const wild = await o.csr({ key: await o.key('ec:P-384'), cn: '*.mampu.gov.my', digest: 'sha384' });
    expect(assess(wild, want(['*.mampu.gov.my'], 'wildcard'))).to.deep.equal([]);
  });
  it('refuses a 1024-bit RSA key', async () => {
    expect(assess(await o.csr({ key: await o.key('rsa:1024'), cn: 'a.mampu.gov.my' }), want(['a.mampu.gov.my']))).to.deep.equal([
      'CSR_KEY_TOO_SMALL',
    ]);
  });
  it('refuses a SHA-1 signature', async () => {
    expect(assess(await o.csr({ cn: 'a.mampu.gov.my', digest: 'sha1' }), want(['a.mampu.gov.my']))).to.deep.equal(['CSR_WEAK_HASH']);
  });
  it('refuses an EC key on another curve', async () => {
    expect(assess(await o.csr({ key: await o.key('ec:P-521'), cn: 'a.mampu.gov.my' }), want(['a.mampu.gov.my']))).to.deep.equal([
      'CSR_EC_CURVE',
    ]);
  });
  it("refuses SANs that are not the application's names", async () => {
    const r = assessCsr(readCsr(await o.csr({ cn: 'a.mampu.gov.my', san: ['DNS:a.mampu.gov.my', 'DNS:other.mampu.gov.my'] })), {
      ...want(['a.mampu.gov.my']),
      sizeBytes: 1,
    });
    expect(codes(r)).to.include('CSR_NAMES_MISMATCH');
    expect(r.find((p) => p.code === 'CSR_NAMES_MISMATCH')?.params).to.include({ extra: 'other.mampu.gov.my', missing: '-' });
  });
  it('refuses a wildcard in the middle, an IP SAN and a request with no SAN', async () => {
    expect(assess(await o.csr({ cn: 'a.*.mampu.gov.my' }), want(['a.*.mampu.gov.my'], 'wildcard'))).to.include('NAME_WILDCARD_POSITION');
    expect(
      assess(await o.csr({ cn: 'a.mampu.gov.my', san: ['DNS:a.mampu.gov.my', 'IP:10.0.0.7'] }), want(['a.mampu.gov.my'])),
    ).to.deep.equal(['NAME_IP_ADDRESS']);
    expect(assess(await o.csr({ cn: 'a.mampu.gov.my', san: [] }), want(['a.mampu.gov.my']))).to.deep.equal(['CSR_NO_SAN']);
  });
  it('refuses a broken signature (one flipped byte) and a reused key', async () => {
    const der = await o.csr({ cn: 'a.mampu.gov.my', der: true });
    expect(assess(breakSignature(der), want(['a.mampu.gov.my']))).to.deep.equal(['CSR_BAD_SIGNATURE']);
    expect(assess(der, want(['a.mampu.gov.my'], 'single', true))).to.deep.equal(['CSR_KEY_REUSED']);
  });
  it('lists every problem of a request with several', async () => {
    const bad = await o.csr({
      key: await o.key('rsa:1024'),
      cn: 'x.mampu.gov.my',
      digest: 'sha1',
      san: ['DNS:x.mampu.gov.my', 'IP:192.168.1.1'],
    });
    expect(assess(bad, want(['a.mampu.gov.my']))).to.have.members([
      'CSR_KEY_TOO_SMALL',
      'CSR_WEAK_HASH',
      'NAME_IP_ADDRESS',
      'CSR_NAMES_MISMATCH',
    ]);
  });
  it('refuses what is not a CSR, and a file over the size limit', async () => {
    expect(assess(Buffer.from('hello'), want(['a.mampu.gov.my']))).to.deep.equal(['CSR_UNPARSABLE']);
    expect(codes(assessCsr(undefined, { ...want(['a.mampu.gov.my']), sizeBytes: 3 * 1024 * 1024 }))).to.deep.equal(['CSR_TOO_LARGE']);
  });

  describe('npm run csr:check', () => {
    const cli = async (args: string[]): Promise<{ code: number; out: string }> => {
      try {
        const { stdout } = await run('npm', ['run', '-s', 'csr:check', '--', ...args], { cwd: path.resolve(import.meta.dirname, '../..') });
        return { code: 0, out: stdout };
      } catch (e) {
        const err = e as { code: number; stdout: string; stderr: string };
        return { code: err.code, out: err.stdout + err.stderr };
      }
    };
    it('exits 0 for an acceptable CSR', async () => {
      const file = path.join(o.dir, 'good.csr');
      writeFileSync(file, await o.csr({ cn: 'portal.mampu.gov.my', san: ['DNS:portal.mampu.gov.my', 'DNS:www.mampu.gov.my'] }));
      const r = await cli([file, '--type', 'multi', '--domain', 'portal.mampu.gov.my', '--domain', 'www.mampu.gov.my']);
      expect(r).to.deep.include({ code: 0 });
      expect(r.out).to.contain('CSR DITERIMA').and.contain('CSR ACCEPTED');
    });
    it('exits 1 and prints every failure code with both explanations', async () => {
      const file = path.join(o.dir, 'bad.der');
      writeFileSync(file, await o.csr({ key: await o.key('rsa:1024'), cn: '10.0.0.1', digest: 'sha1', san: ['IP:10.0.0.1'], der: true }));
      const r = await cli([file, '--type', 'single', '--domain', 'portal.mampu.gov.my']);
      expect(r.code).to.equal(1);
      for (const code of ['CSR_KEY_TOO_SMALL', 'CSR_WEAK_HASH', 'NAME_IP_ADDRESS', 'CSR_NO_SAN']) expect(r.out).to.contain(code);
      expect(r.out).to.contain('Kunci RSA terlalu pendek').and.contain('The RSA key is too short');
    });
    it('exits 2 with the usage on missing arguments', async () => {
      const r = await cli([path.join(o.dir, 'good.csr')]);
      expect(r.code).to.equal(2);
      expect(r.out).to.contain('usage: npm run csr:check');
    });
  });
});
