import { Schema, type Model } from 'mongoose';
import { REVOCATION_REASONS, type CertificateProfile, type RevocationReason } from '../../../domain/certificates.js';
import { DomainError } from '../../../domain/errors.js';
import {
  CA_REALMS,
  caseIdOfKey,
  type CaIntent,
  type CaIssued,
  type CaLedger,
  type CaLedgerRow,
  type CaRealm,
  type CaRevocation,
} from '../../../domain/ports/ca-ledger.js';
import { ensureModelIndexes, isDuplicateKey, modelOn, RECORD_SCHEMA_OPTIONS, retryUpsert, type MongoAdapterOptions } from './shared.js';

/** One key of a realm: an intent (cfssl) until `serial` and the certificate are set, once. */
interface CertDoc {
  realm: string;
  key: string;
  caseId?: string;
  profile: string;
  subjectCn: string;
  serial?: string;
  certPem?: string;
  notBefore?: string;
  notAfter?: string;
  issuedAt?: string;
  intentAt?: string;
  attempts: number;
}
interface RevDoc {
  realm: string;
  serial: string;
  reason: string;
  revokedAt: string;
}
interface RealmDoc {
  _id: string;
  crlNumber: number;
}
interface MaterialDoc {
  _id: string;
  blob: string;
}

const certSchema = new Schema<CertDoc>(
  {
    realm: { type: String, required: true },
    key: { type: String, required: true },
    caseId: String,
    profile: { type: String, required: true },
    subjectCn: { type: String, required: true },
    serial: String,
    certPem: String,
    notBefore: String,
    notAfter: String,
    issuedAt: String,
    intentAt: String,
    attempts: { type: Number, required: true, default: 0 },
  },
  RECORD_SCHEMA_OPTIONS,
);
// First record per key wins; serials are unique per realm. Intents have no serial yet, and a
// plain unique index would count every missing serial as the same null.
certSchema.index({ realm: 1, key: 1 }, { unique: true });
certSchema.index({ realm: 1, serial: 1 }, { unique: true, partialFilterExpression: { serial: { $type: 'string' } } });

const revSchema = new Schema<RevDoc>(
  {
    realm: { type: String, required: true },
    serial: { type: String, required: true },
    reason: { type: String, required: true, enum: Object.keys(REVOCATION_REASONS) },
    revokedAt: { type: String, required: true },
  },
  RECORD_SCHEMA_OPTIONS,
);
revSchema.index({ realm: 1, serial: 1 }, { unique: true });

const realmSchema = new Schema<RealmDoc>(
  { _id: { type: String, required: true }, crlNumber: { type: Number, required: true, default: 0 } },
  RECORD_SCHEMA_OPTIONS,
);
const materialSchema = new Schema<MaterialDoc>(
  { _id: { type: String, required: true }, blob: { type: String, required: true } },
  RECORD_SCHEMA_OPTIONS,
);

const toIssued = (d: CertDoc): CaIssued => ({
  key: d.key,
  serial: d.serial!,
  profile: d.profile as CertificateProfile,
  subjectCn: d.subjectCn,
  certPem: d.certPem!,
  notBefore: d.notBefore!,
  notAfter: d.notAfter!,
  issuedAt: d.issuedAt!,
});
const toRevocation = (d: RevDoc): CaRevocation => ({ serial: d.serial, reason: d.reason as RevocationReason, revokedAt: d.revokedAt });
const sortAt = (d: CertDoc): string => d.issuedAt ?? d.intentAt ?? '';

/**
 * {@link CaLedger} on MongoDB. First-wins comes from the unique indexes: a losing insert gets
 * E11000 and reads the winner. Register the models before `ensureIndexes` (or call `init`).
 */
export class MongoCaLedger implements CaLedger {
  private readonly certs: Model<CertDoc>;
  private readonly revs: Model<RevDoc>;
  private readonly realms: Model<RealmDoc>;
  private readonly material: Model<MaterialDoc>;

  constructor(opts: MongoAdapterOptions) {
    this.certs = modelOn(opts, 'ca_certificates', certSchema);
    this.revs = modelOn(opts, 'ca_revocations', revSchema);
    this.realms = modelOn(opts, 'ca_realms', realmSchema);
    this.material = modelOn(opts, 'ca_material', materialSchema);
  }

  async init(): Promise<void> {
    await ensureModelIndexes([this.certs, this.revs, this.realms, this.material]);
  }

  async findByKey(realm: CaRealm, key: string): Promise<CaIssued | undefined> {
    const d = await this.certs.findOne({ realm, key }).lean<CertDoc>();
    return d?.serial ? toIssued(d) : undefined;
  }

  async findBySerial(realm: CaRealm, serial: string): Promise<CaIssued | undefined> {
    const d = await this.certs.findOne({ realm, serial }).lean<CertDoc>();
    return d?.serial ? toIssued(d) : undefined;
  }

  async recordIssued(realm: CaRealm, issued: CaIssued): Promise<{ won: boolean; record: CaIssued }> {
    const held = await this.findByKey(realm, issued.key);
    if (held) return { won: false, record: held };
    try {
      // Matches only a key with no certificate (an intent), or inserts one: a key that got its
      // certificate meanwhile makes the upsert collide on {realm, key} instead of overwriting it.
      await this.certs.updateOne(
        { realm, key: issued.key, serial: { $exists: false } },
        { $set: { ...issued }, $setOnInsert: { caseId: caseIdOfKey(issued.key), attempts: 0 } },
        { upsert: true },
      );
      return { won: true, record: issued };
    } catch (e) {
      if (!isDuplicateKey(e)) throw e;
    }
    const winner = await this.findByKey(realm, issued.key);
    if (winner) return { won: false, record: winner };
    throw new DomainError('DUPLICATE_KEY', `serial ${issued.serial} is already recorded in realm ${realm}`, {
      reason: 'SERIAL_TAKEN',
      realm,
      serial: issued.serial,
    });
  }

  async recordIntent(realm: CaRealm, intent: Omit<CaIntent, 'attempts'>): Promise<{ attempts: number; issued?: CaIssued }> {
    const filter = { realm, key: intent.key, serial: { $exists: false } };
    const update = {
      $inc: { attempts: 1 },
      $setOnInsert: { caseId: caseIdOfKey(intent.key), profile: intent.profile, subjectCn: intent.subjectCn, intentAt: intent.intentAt },
    };
    // Two first intents race on the insert (the loser retries and counts); a key that already has
    // its certificate collides every time and is simply read back.
    await retryUpsert(() => this.certs.updateOne(filter, update, { upsert: true })).catch((e: unknown) => {
      if (!isDuplicateKey(e)) throw e;
    });
    const d = (await this.certs.findOne({ realm, key: intent.key }).lean<CertDoc>())!;
    return d.serial ? { attempts: d.attempts, issued: toIssued(d) } : { attempts: d.attempts };
  }

  async withdrawIntent(realm: CaRealm, key: string): Promise<void> {
    await this.certs.updateOne({ realm, key, serial: { $exists: false }, attempts: { $gt: 0 } }, { $inc: { attempts: -1 } });
    await this.certs.deleteOne({ realm, key, serial: { $exists: false }, attempts: { $lte: 0 } });
  }

  async pendingIntents(realm: CaRealm): Promise<CaIntent[]> {
    const docs = await this.certs
      .find({ realm, serial: { $exists: false } })
      .sort({ intentAt: 1, key: 1 })
      .lean<CertDoc[]>();
    return docs.map((d) => ({
      key: d.key,
      profile: d.profile as CertificateProfile,
      subjectCn: d.subjectCn,
      intentAt: d.intentAt!,
      attempts: d.attempts,
    }));
  }

  async recordRevoked(realm: CaRealm, revocation: CaRevocation): Promise<CaRevocation | undefined> {
    if (!(await this.findBySerial(realm, revocation.serial))) return undefined;
    try {
      await this.revs.create({ realm, ...revocation });
    } catch (e) {
      if (!isDuplicateKey(e)) throw e;
    }
    return this.findRevocation(realm, revocation.serial);
  }

  async findRevocation(realm: CaRealm, serial: string): Promise<CaRevocation | undefined> {
    const d = await this.revs.findOne({ realm, serial }).lean<RevDoc>();
    return d ? toRevocation(d) : undefined;
  }

  async listRevoked(realm: CaRealm): Promise<CaRevocation[]> {
    return (await this.revs.find({ realm }).sort({ revokedAt: 1, serial: 1 }).lean<RevDoc[]>()).map(toRevocation);
  }

  /**
   * The number of revocations: they are never deleted, so it grows with every one recorded, and
   * unlike a separate counter it cannot miss a revocation whose writer died before counting it.
   */
  async revision(realm: CaRealm): Promise<number> {
    return this.revs.countDocuments({ realm });
  }

  async nextCrlNumber(realm: CaRealm): Promise<number> {
    const d = await retryUpsert(() =>
      this.realms.findOneAndUpdate({ _id: realm }, { $inc: { crlNumber: 1 } }, { upsert: true, returnDocument: 'after' }).lean<RealmDoc>(),
    );
    return d!.crlNumber;
  }

  async advanceCrlNumber(realm: CaRealm, atLeast: number): Promise<void> {
    await retryUpsert(() => this.realms.updateOne({ _id: realm }, { $max: { crlNumber: atLeast } }, { upsert: true }));
  }

  async list(query: { realm?: CaRealm; limit?: number } = {}): Promise<CaLedgerRow[]> {
    // An operator's listing: sorted here because the order mixes issue and intent times.
    const docs = (await this.certs.find(query.realm ? { realm: query.realm } : {}).lean<CertDoc[]>())
      .sort((a, b) => sortAt(a).localeCompare(sortAt(b)) || a.realm.localeCompare(b.realm) || a.key.localeCompare(b.key))
      .slice(0, query.limit ?? Infinity);
    const serials = docs.flatMap((d) => (d.serial ? [d.serial] : []));
    // Realm first, so the {realm, serial} index serves the lookup.
    const revs = await this.revs
      .find({ realm: { $in: query.realm ? [query.realm] : [...CA_REALMS] }, serial: { $in: serials } })
      .lean<RevDoc[]>();
    const revoked = new Map(revs.map((r) => [`${r.realm}/${r.serial}`, r]));
    return docs.map((d) => {
      const r = d.serial ? revoked.get(`${d.realm}/${d.serial}`) : undefined;
      return {
        realm: d.realm as CaRealm,
        key: d.key,
        ...(d.caseId ? { caseId: d.caseId } : {}),
        profile: d.profile as CertificateProfile,
        subjectCn: d.subjectCn,
        status: !d.serial ? 'intent' : r ? 'revoked' : 'issued',
        ...(d.serial ? { serial: d.serial, notBefore: d.notBefore!, notAfter: d.notAfter!, issuedAt: d.issuedAt! } : {}),
        ...(d.intentAt ? { intentAt: d.intentAt } : {}),
        attempts: d.attempts,
        ...(r ? { revocation: { reason: r.reason as RevocationReason, at: r.revokedAt } } : {}),
      };
    });
  }

  async getMaterial(realm: CaRealm): Promise<string | undefined> {
    return (await this.material.findById(realm).lean<MaterialDoc>())?.blob;
  }

  async putMaterialIfAbsent(realm: CaRealm, blob: string): Promise<{ won: boolean; blob: string }> {
    try {
      await this.material.create({ _id: realm, blob });
      return { won: true, blob };
    } catch (e) {
      if (!isDuplicateKey(e)) throw e;
    }
    return { won: false, blob: (await this.getMaterial(realm))! };
  }
}
