/**
 * Certificate requests made the way technical officers make them: with the `openssl req` binary.
 * Each helper writes into one temp folder the caller removes.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export type KeySpec = 'rsa:2048' | 'rsa:1024' | 'rsa:3072' | 'ec:P-256' | 'ec:P-384' | 'ec:P-521';

export class OpensslCsrs {
  readonly dir = mkdtempSync(path.join(os.tmpdir(), 'gpki-csr-'));
  private n = 0;

  /** A new private key file (never leaves the temp folder). */
  async key(spec: KeySpec = 'rsa:2048'): Promise<string> {
    const file = path.join(this.dir, `k${++this.n}.pem`);
    const [algo, param] = spec.split(':');
    const opts = algo === 'rsa' ? ['-pkeyopt', `rsa_keygen_bits:${param}`] : ['-pkeyopt', `ec_paramgen_curve:${param}`];
    await run('openssl', ['genpkey', '-algorithm', algo === 'rsa' ? 'RSA' : 'EC', ...opts, '-out', file]);
    return file;
  }

  /**
   * A CSR for `cn` with `san` entries as openssl writes them (`DNS:a.gov.my`, `IP:10.0.0.1`);
   * an empty `san` writes no extension. Returns PEM text, or DER bytes with `der`.
   */
  async csr(opts: { key?: string; cn: string; san?: string[]; digest?: 'sha256' | 'sha1' | 'sha384'; der?: boolean }): Promise<Buffer> {
    const key = opts.key ?? (await this.key());
    const out = path.join(this.dir, `r${++this.n}.${opts.der ? 'der' : 'pem'}`);
    const san = opts.san ?? [`DNS:${opts.cn}`];
    await run('openssl', [
      'req',
      '-new',
      '-key',
      key,
      '-subj',
      `/O=Agensi Ujian/CN=${opts.cn}`,
      `-${opts.digest ?? 'sha256'}`,
      ...(san.length ? ['-addext', `subjectAltName=${san.join(',')}`] : []),
      '-outform',
      opts.der ? 'DER' : 'PEM',
      '-out',
      out,
    ]);
    return readFileSync(out);
  }

  remove(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** A DER request with one byte of its signature flipped: still parses, no longer verifies. */
export function breakSignature(der: Buffer): Buffer {
  const copy = Buffer.from(der);
  copy[copy.length - 5] ^= 0x01;
  return copy;
}
