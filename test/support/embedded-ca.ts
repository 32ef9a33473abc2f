/**
 * Embedded CA fixtures: the 3072-bit CA keys take seconds to generate, so one CA directory is
 * created per test process and every fixture works on its own copy of it, with its own ledger
 * (an in-memory SQLite database unless the test brings one).
 */
import { rmSync } from 'node:fs';
import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EmbeddedCertificateAuthority, type EmbeddedCaOptions } from '../../infra/ca/embedded-ca.js';
import { SqliteCaLedger } from '../../infra/store/embedded/ca-ledger.js';
import { openEmbeddedDb, type Db } from '../../infra/store/embedded/db.js';

export interface LogLine {
  msg?: string;
  obj: object;
}

interface Template {
  base: string;
  dir: string;
  /** What the CA logged while creating itself (two concurrent ready() calls). */
  creationLog: LogLine[];
}

/** The CA_KEY_SECRET of every test CA. */
export const TEST_CA_KEY_SECRET = 'test-ca-key-secret-not-for-production';

/** A ledger on its own SQLite database: `:memory:` by default, or a file shared by connections. */
export function sqliteLedger(file = ':memory:'): { ledger: SqliteCaLedger; db: Db; close(): void } {
  const db = openEmbeddedDb(file);
  return { ledger: new SqliteCaLedger({ db }), db, close: () => void (db.open && db.close()) };
}

export type CaOptions = Partial<Omit<EmbeddedCaOptions, 'dir'>>;

/**
 * An embedded CA on `dir`: realm `user`, the test secret, and a fresh in-memory ledger unless
 * `options.ledger` is given (a ledger made here is closed with the CA).
 */
export function caOn(dir: string, options: CaOptions = {}): EmbeddedCertificateAuthority {
  const own = options.ledger ? undefined : sqliteLedger();
  const ca = new EmbeddedCertificateAuthority({
    dir,
    realm: 'user',
    keySecret: TEST_CA_KEY_SECRET,
    ...options,
    ledger: options.ledger ?? own!.ledger,
  });
  if (own) {
    const close = ca.close.bind(ca);
    ca.close = async () => {
      await close();
      own.close();
    };
  }
  return ca;
}

let template: Promise<Template> | undefined;
let copies = 0;

export function caTemplate(): Promise<Template> {
  template ??= (async () => {
    const base = await mkdtemp(join(tmpdir(), 'gpki-ca-test-'));
    const dir = join(base, 'template');
    const creationLog: LogLine[] = [];
    const ca = caOn(dir, { logger: { info: (obj, msg) => creationLog.push({ obj, msg }) } });
    await Promise.all([ca.ready(), ca.ready()]);
    await ca.close();
    // Exit handlers must be synchronous.
    process.once('exit', () => rmSync(base, { recursive: true, force: true }));
    return { base, dir, creationLog };
  })();
  return template;
}

/** A new directory holding a copy of the template CA (no certificates issued yet). */
export async function freshCaDir(): Promise<string> {
  const t = await caTemplate();
  const dir = join(t.base, `ca-${++copies}`);
  await cp(t.dir, dir, { recursive: true });
  return dir;
}

export async function freshCa(options: CaOptions = {}): Promise<{ ca: EmbeddedCertificateAuthority; dir: string }> {
  const dir = await freshCaDir();
  return { ca: caOn(dir, options), dir };
}

export const removeDir = (dir: string): Promise<void> => rm(dir, { recursive: true, force: true });
