import type { CertificateProfile, RevocationReason } from '../../../domain/certificates.js';
import { DomainError } from '../../../domain/errors.js';
import {
  caseIdOfKey,
  type CaIntent,
  type CaIssued,
  type CaLedger,
  type CaLedgerRow,
  type CaRealm,
  type CaRevocation,
} from '../../../domain/ports/ca-ledger.js';
import type { Db } from './db.js';

/** Persistence shape of `ca_certificates` (the tables are created in db.ts). */
interface CertRow {
  realm: string;
  key: string;
  case_id: string | null;
  profile: string;
  subject_cn: string;
  serial: string | null;
  cert_pem: string | null;
  not_before: string | null;
  not_after: string | null;
  issued_at: string | null;
  intent_at: string | null;
  attempts: number;
}
interface RevRow {
  serial: string;
  reason: string;
  revoked_at: string;
}
type ListRow = CertRow & { reason: string | null; revoked_at: string | null };

const toIssued = (r: CertRow): CaIssued => ({
  key: r.key,
  serial: r.serial!,
  profile: r.profile as CertificateProfile,
  subjectCn: r.subject_cn,
  certPem: r.cert_pem!,
  notBefore: r.not_before!,
  notAfter: r.not_after!,
  issuedAt: r.issued_at!,
});
const toRevocation = (r: RevRow): CaRevocation => ({ serial: r.serial, reason: r.reason as RevocationReason, revokedAt: r.revoked_at });
const toIntent = (r: CertRow): CaIntent => ({
  key: r.key,
  profile: r.profile as CertificateProfile,
  subjectCn: r.subject_cn,
  intentAt: r.intent_at!,
  attempts: r.attempts,
});

function toRow(r: ListRow): CaLedgerRow {
  return {
    realm: r.realm as CaRealm,
    key: r.key,
    ...(r.case_id ? { caseId: r.case_id } : {}),
    profile: r.profile as CertificateProfile,
    subjectCn: r.subject_cn,
    status: r.serial === null ? 'intent' : r.revoked_at ? 'revoked' : 'issued',
    ...(r.serial !== null ? { serial: r.serial, notBefore: r.not_before!, notAfter: r.not_after!, issuedAt: r.issued_at! } : {}),
    ...(r.intent_at ? { intentAt: r.intent_at } : {}),
    attempts: r.attempts,
    ...(r.revoked_at ? { revocation: { reason: r.reason as RevocationReason, at: r.revoked_at } } : {}),
  };
}

/**
 * {@link CaLedger} on the embedded database. Several processes open the same file (WAL, busy
 * timeout), so every read-then-write runs in an IMMEDIATE transaction: it takes the write lock
 * before reading, and the busy timeout (not an instant SQLITE_BUSY) handles a concurrent writer.
 */
export class SqliteCaLedger implements CaLedger {
  private readonly q;
  private readonly issueTx;
  private readonly intentTx;
  private readonly revokeTx;
  private readonly withdrawTx;

  constructor(opts: { db: Db }) {
    const db = opts.db;
    this.q = {
      byKey: db.prepare<[string, string], CertRow>('SELECT * FROM ca_certificates WHERE realm = ? AND key = ?'),
      bySerial: db.prepare<[string, string], CertRow>('SELECT * FROM ca_certificates WHERE realm = ? AND serial = ?'),
      insertIssued:
        db.prepare(`INSERT INTO ca_certificates (realm, key, case_id, profile, subject_cn, serial, cert_pem, not_before, not_after, issued_at)
        VALUES (@realm, @key, @caseId, @profile, @subjectCn, @serial, @certPem, @notBefore, @notAfter, @issuedAt)`),
      completeIntent:
        db.prepare(`UPDATE ca_certificates SET serial = @serial, cert_pem = @certPem, not_before = @notBefore, not_after = @notAfter,
        issued_at = @issuedAt WHERE realm = @realm AND key = @key AND serial IS NULL`),
      insertIntent: db.prepare(`INSERT INTO ca_certificates (realm, key, case_id, profile, subject_cn, intent_at, attempts)
        VALUES (@realm, @key, @caseId, @profile, @subjectCn, @intentAt, 1)
        ON CONFLICT (realm, key) DO UPDATE SET attempts = attempts + 1 WHERE serial IS NULL`),
      unask: db.prepare(
        'UPDATE ca_certificates SET attempts = attempts - 1 WHERE realm = ? AND key = ? AND serial IS NULL AND attempts > 0',
      ),
      dropIntent: db.prepare('DELETE FROM ca_certificates WHERE realm = ? AND key = ? AND serial IS NULL AND attempts <= 0'),
      pending: db.prepare<[string], CertRow>('SELECT * FROM ca_certificates WHERE realm = ? AND serial IS NULL ORDER BY intent_at, key'),
      revocation: db.prepare<[string, string], RevRow>(
        'SELECT serial, reason, revoked_at FROM ca_revocations WHERE realm = ? AND serial = ?',
      ),
      insertRevocation: db.prepare(
        'INSERT INTO ca_revocations (realm, serial, reason, revoked_at) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING',
      ),
      bumpRevision: db.prepare(
        'INSERT INTO ca_realms (realm, revision) VALUES (?, 1) ON CONFLICT (realm) DO UPDATE SET revision = revision + 1',
      ),
      revoked: db.prepare<[string], RevRow>(
        'SELECT serial, reason, revoked_at FROM ca_revocations WHERE realm = ? ORDER BY revoked_at, serial',
      ),
      revision: db.prepare<[string], { revision: number }>('SELECT revision FROM ca_realms WHERE realm = ?'),
      nextCrl: db.prepare<[string], { crl_number: number }>(
        'INSERT INTO ca_realms (realm, crl_number) VALUES (?, 1) ON CONFLICT (realm) DO UPDATE SET crl_number = crl_number + 1 RETURNING crl_number',
      ),
      advanceCrl: db.prepare(
        'INSERT INTO ca_realms (realm, crl_number) VALUES (?, ?) ON CONFLICT (realm) DO UPDATE SET crl_number = MAX(crl_number, excluded.crl_number)',
      ),
      list: db.prepare<[string | null, string | null, number], ListRow>(`SELECT c.*, r.reason, r.revoked_at FROM ca_certificates c
        LEFT JOIN ca_revocations r ON r.realm = c.realm AND r.serial = c.serial
        WHERE (? IS NULL OR c.realm = ?) ORDER BY COALESCE(c.issued_at, c.intent_at), c.realm, c.key LIMIT ?`),
      material: db.prepare<[string], { blob: string }>('SELECT blob FROM ca_material WHERE realm = ?'),
      insertMaterial: db.prepare('INSERT INTO ca_material (realm, blob) VALUES (?, ?) ON CONFLICT DO NOTHING'),
    };
    this.issueTx = db.transaction((realm: CaRealm, rec: CaIssued): { won: boolean; record: CaIssued } => {
      const held = this.q.byKey.get(realm, rec.key);
      if (held?.serial) return { won: false, record: toIssued(held) };
      const taken = this.q.bySerial.get(realm, rec.serial);
      if (taken)
        throw new DomainError('DUPLICATE_KEY', `serial ${rec.serial} is already recorded in realm ${realm}`, {
          reason: 'SERIAL_TAKEN',
          realm,
          serial: rec.serial,
        });
      const params = { realm, caseId: caseIdOfKey(rec.key) ?? null, ...rec };
      if (held) this.q.completeIntent.run(params);
      else this.q.insertIssued.run(params);
      return { won: true, record: rec };
    });
    this.intentTx = db.transaction((realm: CaRealm, intent: Omit<CaIntent, 'attempts'>): { attempts: number; issued?: CaIssued } => {
      this.q.insertIntent.run({ realm, caseId: caseIdOfKey(intent.key) ?? null, ...intent });
      const row = this.q.byKey.get(realm, intent.key)!;
      return row.serial ? { attempts: row.attempts, issued: toIssued(row) } : { attempts: row.attempts };
    });
    this.withdrawTx = db.transaction((realm: CaRealm, key: string): void => {
      this.q.unask.run(realm, key);
      this.q.dropIntent.run(realm, key);
    });
    this.revokeTx = db.transaction((realm: CaRealm, rev: CaRevocation): CaRevocation | undefined => {
      if (!this.q.bySerial.get(realm, rev.serial)) return undefined;
      if (this.q.insertRevocation.run(realm, rev.serial, rev.reason, rev.revokedAt).changes > 0) this.q.bumpRevision.run(realm);
      return toRevocation(this.q.revocation.get(realm, rev.serial)!);
    });
  }

  async findByKey(realm: CaRealm, key: string): Promise<CaIssued | undefined> {
    const row = this.q.byKey.get(realm, key);
    return row?.serial ? toIssued(row) : undefined;
  }

  async findBySerial(realm: CaRealm, serial: string): Promise<CaIssued | undefined> {
    const row = this.q.bySerial.get(realm, serial);
    return row ? toIssued(row) : undefined;
  }

  async recordIssued(realm: CaRealm, issued: CaIssued): Promise<{ won: boolean; record: CaIssued }> {
    return this.issueTx.immediate(realm, issued);
  }

  async recordIntent(realm: CaRealm, intent: Omit<CaIntent, 'attempts'>): Promise<{ attempts: number; issued?: CaIssued }> {
    return this.intentTx.immediate(realm, intent);
  }

  async withdrawIntent(realm: CaRealm, key: string): Promise<void> {
    this.withdrawTx.immediate(realm, key);
  }

  async pendingIntents(realm: CaRealm): Promise<CaIntent[]> {
    return this.q.pending.all(realm).map(toIntent);
  }

  async recordRevoked(realm: CaRealm, revocation: CaRevocation): Promise<CaRevocation | undefined> {
    return this.revokeTx.immediate(realm, revocation);
  }

  async findRevocation(realm: CaRealm, serial: string): Promise<CaRevocation | undefined> {
    const row = this.q.revocation.get(realm, serial);
    return row ? toRevocation(row) : undefined;
  }

  async listRevoked(realm: CaRealm): Promise<CaRevocation[]> {
    return this.q.revoked.all(realm).map(toRevocation);
  }

  async revision(realm: CaRealm): Promise<number> {
    return this.q.revision.get(realm)?.revision ?? 0;
  }

  async nextCrlNumber(realm: CaRealm): Promise<number> {
    return this.q.nextCrl.get(realm)!.crl_number;
  }

  async advanceCrlNumber(realm: CaRealm, atLeast: number): Promise<void> {
    this.q.advanceCrl.run(realm, atLeast);
  }

  async list(query: { realm?: CaRealm; limit?: number } = {}): Promise<CaLedgerRow[]> {
    const realm = query.realm ?? null;
    return this.q.list.all(realm, realm, query.limit ?? -1).map(toRow);
  }

  async getMaterial(realm: CaRealm): Promise<string | undefined> {
    return this.q.material.get(realm)?.blob;
  }

  async putMaterialIfAbsent(realm: CaRealm, blob: string): Promise<{ won: boolean; blob: string }> {
    const won = this.q.insertMaterial.run(realm, blob).changes > 0;
    return { won, blob: won ? blob : this.q.material.get(realm)!.blob };
  }
}
