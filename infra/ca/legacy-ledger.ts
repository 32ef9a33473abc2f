/**
 * The JSON Lines ledger a CA directory kept before the ledger moved to the shared store. Opening a
 * CA imports it once (idempotently: the store's first-wins rules make a repeated import a no-op)
 * and renames it `<file>.imported`, so existing deployments keep every certificate, revocation
 * and CRL number.
 */
import { X509Certificate } from 'node:crypto';
import { readFile, rename } from 'node:fs/promises';
import type { CertificateProfile, RevocationReason } from '../../domain/certificates.js';
import { isDomainError } from '../../domain/errors.js';
import type { CaLedger, CaRealm } from '../../domain/ports/ca-ledger.js';

type LegacyEntry =
  | {
      t: 'issued';
      key: string;
      serial: string;
      profile: CertificateProfile;
      certPem: string;
      notBefore: string;
      notAfter: string;
      at: string;
    }
  | { t: 'revoked'; serial: string; reason: RevocationReason; at: string }
  | { t: 'crl'; number: number; at: string };

/** The CN of a certificate's subject ('' when it has none). */
export function commonNameOf(certPem: string): string {
  const line = new X509Certificate(certPem).subject.split('\n').find((l) => l.startsWith('CN='));
  return line ? line.slice(3) : '';
}

/**
 * Entries of a legacy ledger, or undefined when there is none. A torn last line (a crash in the
 * middle of an append) was never acknowledged to anyone and is skipped; a bad line elsewhere is
 * corruption and fails the import.
 */
async function readEntries(file: string): Promise<LegacyEntry[] | undefined> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
  const complete = text.slice(0, text.lastIndexOf('\n') + 1);
  return complete
    .split('\n')
    .filter((l) => l.length > 0)
    .map((line, i) => {
      try {
        return JSON.parse(line) as LegacyEntry;
      } catch {
        throw new Error(`CA ledger ${file} is corrupt at line ${i + 1}`);
      }
    });
}

/** Imports `file` into the realm's ledger and renames it; returns how many entries it held. */
export async function importLegacyLedger(file: string, ledger: CaLedger, realm: CaRealm): Promise<number | undefined> {
  const entries = await readEntries(file);
  if (!entries) return undefined;
  let crlNumber = 0;
  // Issued first: a revocation is recorded only for a serial the store knows.
  for (const e of entries) {
    if (e.t !== 'issued') continue;
    const record = {
      key: e.key,
      serial: e.serial,
      profile: e.profile,
      subjectCn: commonNameOf(e.certPem),
      certPem: e.certPem,
      notBefore: e.notBefore,
      notAfter: e.notAfter,
      issuedAt: e.at,
    };
    // A second certificate for a key, or a serial already imported under another key, was never
    // the one handed out: the first record stands.
    await ledger.recordIssued(realm, record).catch((x: unknown) => {
      if (!(isDomainError(x) && x.code === 'DUPLICATE_KEY')) throw x;
    });
  }
  for (const e of entries) {
    if (e.t === 'revoked') await ledger.recordRevoked(realm, { serial: e.serial, reason: e.reason, revokedAt: e.at });
    else if (e.t === 'crl') crlNumber = Math.max(crlNumber, e.number);
  }
  if (crlNumber > 0) await ledger.advanceCrlNumber(realm, crlNumber);
  // Another process sharing the directory may have imported and renamed it first.
  await rename(file, `${file}.imported`).catch((x: unknown) => {
    if ((x as NodeJS.ErrnoException).code !== 'ENOENT') throw x;
  });
  return entries.length;
}
