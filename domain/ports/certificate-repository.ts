import type { CertificateRecord } from '../certificates.js';

/**
 * Issued certificates.
 *
 * Promises: `save` upserts by serial (saving the same serial twice keeps one record, the last
 * written); `get` returns `undefined` when unknown; lists are ordered by `notAfter` ascending.
 */
export interface CertificateRepository {
  save(cert: CertificateRecord): Promise<void>;
  get(serial: string): Promise<CertificateRecord | undefined>;
  listByOwner(ownerId: string): Promise<CertificateRecord[]>;
  /** Certificates whose `notAfter` lies in [from, to). */
  listExpiringBetween(from: Date, to: Date): Promise<CertificateRecord[]>;
}
