import type { CertificateProfile, RevocationReason } from '../certificates.js';

/**
 * Which CA a ledger record belongs to. Each realm is a CA of its own: serials, CRL numbers,
 * revocations and key material never cross realms.
 */
export type CaRealm = 'user' | 'training' | 'cfssl';

export const CA_REALMS: readonly CaRealm[] = ['user', 'training', 'cfssl'];

/** A certificate the CA handed out for an idempotency key. Immutable once recorded. */
export interface CaIssued {
  /** The operation's idempotency key, e.g. `UC-2026-000001:issue`. */
  key: string;
  /** Lower-case hex, no leading zeros. */
  serial: string;
  profile: CertificateProfile;
  subjectCn: string;
  certPem: string;
  /** ISO-8601 instants. */
  notBefore: string;
  notAfter: string;
  issuedAt: string;
}

export interface CaRevocation {
  /** Lower-case hex, no leading zeros. */
  serial: string;
  reason: RevocationReason;
  /** ISO-8601, whole seconds. */
  revokedAt: string;
}

/** An operation recorded before a remote CA was asked (cfssl); `attempts` counts the asks. */
export interface CaIntent {
  key: string;
  profile: CertificateProfile;
  subjectCn: string;
  /** When the first attempt was recorded. */
  intentAt: string;
  attempts: number;
}

/** One row of the operator's view (`npm run ca -- list`). */
export interface CaLedgerRow {
  realm: CaRealm;
  key: string;
  /** The case the key belongs to (`UC-2026-000001` of `UC-2026-000001:issue`), when it names one. */
  caseId?: string;
  profile: CertificateProfile;
  subjectCn: string;
  /** `intent`: a remote CA was asked and no certificate was recorded (see the README on cfssl). */
  status: 'issued' | 'revoked' | 'intent';
  serial?: string;
  notBefore?: string;
  notAfter?: string;
  issuedAt?: string;
  intentAt?: string;
  /** Remote asks recorded for the key; more than one may mean a certificate nobody recorded. */
  attempts: number;
  revocation?: { reason: RevocationReason; at: string };
}

/** `UC-2026-000001` of `UC-2026-000001:issue` (or of `<prefix>:UC-2026-000001:issue`). */
export function caseIdOfKey(key: string): string | undefined {
  return /(?:^|:)([A-Z]{2}-\d{4}-\d{6})(?::|$)/.exec(key)?.[1];
}

/**
 * The record of what a certificate authority issued and revoked, shared by every process and host
 * that runs the CA (SQLite in the embedded store, MongoDB scaled out). It is the CA's source of
 * truth: a process never trusts a snapshot of it taken at start.
 *
 * Promises, per realm:
 * - `recordIssued` is first-wins per key: a second record for a key stores nothing and returns
 *   the first with `won: false`. Serials are unique; a serial already recorded for another key
 *   throws `DomainError('DUPLICATE_KEY', { reason: 'SERIAL_TAKEN' })` and the CA picks another.
 * - `recordRevoked` is first-wins per serial and returns the stored revocation (the first one);
 *   a serial that was never recorded as issued returns undefined and stores nothing.
 * - `revision` changes whenever a revocation is recorded, by any process (never goes back).
 * - `nextCrlNumber` returns a number no caller in any process got before, greater than every one
 *   handed out and than any `advanceCrlNumber` floor.
 * - `recordIntent` stores the key before a remote CA is asked and counts the asks; it returns the
 *   certificate if one was recorded for the key meanwhile.
 * - `putMaterialIfAbsent` stores the realm's CA material (an opaque blob: certificates and sealed
 *   keys) only if none is stored, and returns what is stored, with `won` telling whose it is.
 * - `withdrawIntent` un-counts one ask the remote CA certainly answered with no certificate (a
 *   refusal, a connection never made); an intent with no ask left disappears.
 * - Lookups of what was never recorded return undefined. Certificates and revocations are never
 *   deleted.
 */
export interface CaLedger {
  findByKey(realm: CaRealm, key: string): Promise<CaIssued | undefined>;
  findBySerial(realm: CaRealm, serial: string): Promise<CaIssued | undefined>;
  recordIssued(realm: CaRealm, issued: CaIssued): Promise<{ won: boolean; record: CaIssued }>;
  recordIntent(realm: CaRealm, intent: Omit<CaIntent, 'attempts'>): Promise<{ attempts: number; issued?: CaIssued }>;
  withdrawIntent(realm: CaRealm, key: string): Promise<void>;
  /** Keys asked of a remote CA with no certificate recorded, oldest first. */
  pendingIntents(realm: CaRealm): Promise<CaIntent[]>;
  recordRevoked(realm: CaRealm, revocation: CaRevocation): Promise<CaRevocation | undefined>;
  findRevocation(realm: CaRealm, serial: string): Promise<CaRevocation | undefined>;
  listRevoked(realm: CaRealm): Promise<CaRevocation[]>;
  revision(realm: CaRealm): Promise<number>;
  nextCrlNumber(realm: CaRealm): Promise<number>;
  /** Makes every later `nextCrlNumber` greater than `atLeast` (history imported from elsewhere). */
  advanceCrlNumber(realm: CaRealm, atLeast: number): Promise<void>;
  /** Every key of a realm (or all realms), issued or only intended, oldest first. */
  list(query?: { realm?: CaRealm; limit?: number }): Promise<CaLedgerRow[]>;
  getMaterial(realm: CaRealm): Promise<string | undefined>;
  putMaterialIfAbsent(realm: CaRealm, blob: string): Promise<{ won: boolean; blob: string }>;
}
