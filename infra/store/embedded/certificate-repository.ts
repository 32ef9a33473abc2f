import type { CertificateRecord } from '../../../domain/certificates.js';
import { DomainError } from '../../../domain/errors.js';
import type { CertificateRepository } from '../../../domain/ports/certificate-repository.js';
import type { Db } from './db.js';

/** One row of `certificates`; `not_after_ms` makes range queries independent of ISO formatting. */
interface CertificateRow {
  serial: string;
  owner_id: string;
  case_id: string;
  not_after_ms: number;
  body: string;
}

function toRow(c: CertificateRecord): CertificateRow {
  const notAfterMs = Date.parse(c.notAfter);
  if (Number.isNaN(notAfterMs)) throw new DomainError('INVALID_INPUT', `notAfter is not a date: ${c.notAfter}`, { serial: c.serial });
  return { serial: c.serial, owner_id: c.ownerId, case_id: c.caseId, not_after_ms: notAfterMs, body: JSON.stringify(c) };
}

function fromRow(row: CertificateRow): CertificateRecord {
  return { ...(JSON.parse(row.body) as CertificateRecord), serial: row.serial };
}

// serial breaks ties so equal expiry dates still list in a stable order.
const ORDER = 'ORDER BY not_after_ms, serial';

function prepare(db: Db) {
  return {
    upsert: db.prepare<CertificateRow>(
      `INSERT INTO certificates (serial, owner_id, case_id, not_after_ms, body)
       VALUES (@serial, @owner_id, @case_id, @not_after_ms, @body)
       ON CONFLICT (serial) DO UPDATE SET owner_id = excluded.owner_id, case_id = excluded.case_id,
         not_after_ms = excluded.not_after_ms, body = excluded.body`,
    ),
    get: db.prepare<[string], CertificateRow>('SELECT * FROM certificates WHERE serial = ?'),
    byOwner: db.prepare<[string], CertificateRow>(`SELECT * FROM certificates WHERE owner_id = ? ${ORDER}`),
    expiring: db.prepare<[number, number], CertificateRow>(
      `SELECT * FROM certificates WHERE not_after_ms >= ? AND not_after_ms < ? ${ORDER}`,
    ),
  };
}

/** {@link CertificateRepository} on SQLite: one row per serial, the record kept whole as JSON. */
export class SqliteCertificateRepository implements CertificateRepository {
  private readonly stmts: ReturnType<typeof prepare>;

  constructor(opts: { db: Db }) {
    this.stmts = prepare(opts.db);
  }

  async save(cert: CertificateRecord): Promise<void> {
    this.stmts.upsert.run(toRow(cert));
  }

  async get(serial: string): Promise<CertificateRecord | undefined> {
    const row = this.stmts.get.get(serial);
    return row ? fromRow(row) : undefined;
  }

  async listByOwner(ownerId: string): Promise<CertificateRecord[]> {
    return this.stmts.byOwner.all(ownerId).map(fromRow);
  }

  async listExpiringBetween(from: Date, to: Date): Promise<CertificateRecord[]> {
    return this.stmts.expiring.all(from.getTime(), to.getTime()).map(fromRow);
  }
}
