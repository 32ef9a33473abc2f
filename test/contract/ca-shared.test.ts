/**
 * One embedded CA for every process and host: instances on separate connections to one store
 * (and their own CA directories) issue, revoke and publish as one CA, checked from outside with
 * openssl; the CA keys travel through the store sealed under CA_KEY_SECRET; two processes starting
 * at once on an empty DATA_DIR end with one CA.
 */
import { expect } from 'chai';
import { execFile, spawn } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { rmSync } from 'node:fs';
import { cp, mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import type { DomainError } from '../../domain/errors.js';
import type { IssueRequest } from '../../domain/ports/certificate-authority.js';
import type { EmbeddedCertificateAuthority } from '../../infra/ca/embedded-ca.js';
import { caOn, freshCaDir, sqliteLedger, TEST_CA_KEY_SECRET } from '../support/embedded-ca.js';
import { rejection } from './rejection.js';

const run = promisify(execFile);

const request = (key: string): IssueRequest => ({
  key,
  profile: 'user',
  subject: { commonName: 'Rahim bin Osman', email: 'rahim@jpa.gov.my', organization: 'JPA' },
  validityDays: 365,
});

/** Revoked serials and reasons as `openssl crl -text` prints them. */
async function opensslCrl(der: Buffer, dir: string): Promise<string> {
  const file = join(dir, `crl-${Date.now()}.der`);
  await writeFile(file, der);
  return (await run('openssl', ['crl', '-inform', 'DER', '-in', file, '-noout', '-text'])).stdout;
}

/** A CA directory of another CA than the template's (made once: 3072-bit keys take seconds). */
let stranger: Promise<string> | undefined;
const strangerCa = (): Promise<string> =>
  (stranger ??= (async () => {
    const dir = join(await mkdtemp(join(tmpdir(), 'gpki-ca-stranger-')), 'ca');
    process.once('exit', () => rmSync(dirname(dir), { recursive: true, force: true }));
    const ca = caOn(dir);
    await ca.ready();
    await ca.close();
    return dir;
  })());

describe('one embedded CA across processes and hosts', function () {
  this.timeout(120_000);
  let base: string;
  let dbFile: string;
  const opened: { close(): unknown }[] = [];
  /** A CA instance with its own connection to the shared store file, like another process. */
  const instance = (dir: string, over: Parameters<typeof caOn>[1] = {}): EmbeddedCertificateAuthority => {
    const store = sqliteLedger(dbFile);
    opened.push(store);
    const ca = caOn(dir, { ledger: store.ledger, ...over });
    opened.push(ca);
    return ca;
  };
  /** The store as an operator's tool would read it, on a connection of its own. */
  const peek = () => {
    const store = sqliteLedger(dbFile);
    opened.push(store);
    return store.ledger;
  };
  beforeEach(async () => {
    base = await mkdtemp(join(tmpdir(), 'gpki-ca-shared-'));
    dbFile = join(base, 'gpki.db');
  });
  afterEach(async () => {
    for (const o of opened.splice(0).reverse()) await o.close();
    await rm(base, { recursive: true, force: true });
  });

  it("B revokes what A issued, A's CRL lists it at once, and one key issued on both gives one certificate", async () => {
    const a = instance(await freshCaDir());
    await a.ready();
    // B is another host: no local copy, so it takes the CA from the store and keeps it (0600 keys).
    const bDir = join(base, 'host-b', 'ca');
    const b = instance(bDir);
    expect(await b.caCertificatesPem()).to.equal(await a.caCertificatesPem());
    expect((await stat(join(bDir, 'issuing.key.pem'))).mode & 0o777).to.equal(0o600);
    expect((await stat(bDir)).mode & 0o777).to.equal(0o700);

    expect(await opensslCrl(await a.crlDer(), base)).to.contain('No Revoked Certificates');
    const issued = await a.issue(request('UC-2026-000001:issue'));
    const { revokedAt } = await b.revoke(issued.serial, 'keyCompromise');
    const text = await opensslCrl(await a.crlDer(), base);
    expect(text)
      .to.contain(`Serial Number: ${issued.serial.toUpperCase().padStart(32, '0')}`)
      .and.contain('Key Compromise');
    expect((await a.revoke(issued.serial, 'superseded')).revokedAt.getTime()).to.equal(revokedAt.getTime());

    const [onA, onB] = await Promise.all([a.issue(request('UC-2026-000002:issue')), b.issue(request('UC-2026-000002:issue'))]);
    expect(onB.serial).to.equal(onA.serial);
    expect(onB.certPem).to.equal(onA.certPem);
    const rows = await peek().list({ realm: 'user' });
    expect(rows.filter((r) => r.key === 'UC-2026-000002:issue').map((r) => r.serial)).to.deep.equal([onA.serial]);

    // CRLs built by either instance after each revocation: numbered by one counter, increasing.
    const numbers: number[] = [];
    for (const [i, ca] of [b, a, b].entries()) {
      const more = await a.issue(request(`UC-2026-00001${i}:issue`));
      await ca.revoke(more.serial, 'cessationOfOperation');
      const printed = await opensslCrl(await ca.crlDer(), base);
      expect(printed).to.contain(`Serial Number: ${more.serial.toUpperCase().padStart(32, '0')}`);
      numbers.push(Number(/X509v3 CRL Number:\s*\n\s*(\d+)/.exec(printed)![1]));
    }
    expect(numbers).to.deep.equal([...numbers].sort((x, y) => x - y));
    expect(new Set(numbers).size).to.equal(3);
  });

  it('refuses to start with a CA directory that holds a different CA than the store', async () => {
    await instance(await freshCaDir()).ready();
    const strangerDir = join(base, 'stranger');
    await cp(await strangerCa(), strangerDir, { recursive: true });
    const err = (await rejection(instance(strangerDir).ready())) as DomainError;
    expect(err.code).to.equal('CONFIG_INVALID');
    expect(err.details?.reason).to.equal('CA_MATERIAL_MISMATCH');
    expect(err.message).to.contain(strangerDir).and.contain('different user CA');
  });

  it('the bot process refuses to start (exit 78) when DATA_DIR/ca holds another CA than its store', async () => {
    const dataDir = join(base, 'data');
    await mkdir(dataDir);
    const store = sqliteLedger(join(dataDir, 'gpki.db'));
    opened.push(store);
    // The store's CA (sealed under the secret the bot keeps in DATA_DIR), and a stranger's files.
    await caOn(await freshCaDir(), { ledger: store.ledger, keySecret: 'kept-secret-of-this-data-dir' }).ready();
    await writeFile(join(dataDir, '.ca-key-secret'), 'kept-secret-of-this-data-dir', { mode: 0o600 });
    await cp(await strangerCa(), join(dataDir, 'ca'), { recursive: true });
    const child = spawn(process.execPath, ['--import', 'tsx', 'bot/main.ts'], {
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', DATA_DIR: dataDir, PORT: '0', LOG_LEVEL: 'silent' },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let err = '';
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    expect(code).to.equal(78);
    expect(err).to.contain(`CA directory ${join(dataDir, 'ca')} holds a different user CA`);
  });

  it('names CA_KEY_SECRET when the configured secret does not open the keys in the store', async () => {
    await instance(await freshCaDir()).ready();
    const err = (await rejection(instance(join(base, 'host-c'), { keySecret: 'another-secret-0123456789' }).ready())) as DomainError;
    expect(err.code).to.equal('CONFIG_INVALID');
    expect(err.details?.key).to.equal('CA_KEY_SECRET');
    expect(await readdir(join(base, 'host-c'))).to.deep.equal([]);
  });

  it('keeps the private keys sealed in the store: no PEM key in the database file', async () => {
    const a = instance(await freshCaDir());
    await a.ready();
    const blob = (await peek().getMaterial('user'))!;
    expect(blob).to.not.contain('PRIVATE KEY');
    expect(JSON.parse(blob)).to.include.keys('rootPem', 'issuingPem', 'rootKey', 'issuingKey');
    expect((await readFile(dbFile)).toString('latin1')).to.not.contain('BEGIN PRIVATE KEY');
  });

  it('two processes starting at once on an empty DATA_DIR end with one CA', async () => {
    const caDir = join(base, 'ca');
    const modules = ['../../infra/store/embedded/db.ts', '../../infra/store/embedded/ca-ledger.ts', '../../infra/ca/embedded-ca.ts'].map(
      (m) => new URL(m, import.meta.url).href,
    );
    const code = `
      const [{ openEmbeddedDb }, { SqliteCaLedger }, { EmbeddedCertificateAuthority }] = await Promise.all(${JSON.stringify(modules)}.map((m) => import(m)));
      const ca = new EmbeddedCertificateAuthority({ dir: ${JSON.stringify(caDir)}, realm: 'user', keySecret: ${JSON.stringify(TEST_CA_KEY_SECRET)}, ledger: new SqliteCaLedger({ db: openEmbeddedDb(${JSON.stringify(dbFile)}) }) });
      process.stdout.write(JSON.stringify({ chain: await ca.caCertificatesPem() }));`;
    const start = () =>
      new Promise<string>((resolve, reject) => {
        const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], {
          stdio: ['ignore', 'pipe', 'pipe'],
        });
        let out = '';
        let err = '';
        child.stdout.on('data', (c: Buffer) => (out += c.toString()));
        child.stderr.on('data', (c: Buffer) => (err += c.toString()));
        child.on('exit', (status) =>
          status === 0 ? resolve((JSON.parse(out) as { chain: string }).chain) : reject(new Error(`child exited ${status}: ${err}`)),
        );
      });
    const [one, two] = await Promise.all([start(), start()]);
    expect(two).to.equal(one);
    const onDisk = `${await readFile(join(caDir, 'issuing.pem'), 'utf8')}${await readFile(join(caDir, 'root.pem'), 'utf8')}`;
    expect(onDisk).to.equal(one);
    const stored = JSON.parse((await peek().getMaterial('user'))!) as { rootPem: string };
    expect(new X509Certificate(stored.rootPem).fingerprint256).to.equal(
      new X509Certificate(await readFile(join(caDir, 'root.pem'))).fingerprint256,
    );
  });
});
