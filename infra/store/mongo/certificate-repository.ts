import { Schema, type Model } from 'mongoose';
import type { CertificateRecord } from '../../../domain/certificates.js';
import { REVOCATION_REASONS } from '../../../domain/certificates.js';
import type { CertificateRepository } from '../../../domain/ports/certificate-repository.js';
import { ensureModelIndexes, instantMs, modelOn, RECORD_SCHEMA_OPTIONS, retryUpsert, type MongoAdapterOptions } from './shared.js';

/**
 * One document of `certificates`. `notAfter` stays the caller's ISO string (returned exactly);
 * `notAfterMs` is what range queries and ordering use, because ISO strings of different
 * precision (`...00Z` vs `...00.000Z`) do not sort as instants.
 */
export interface CertificateDoc {
  _id: string;
  ownerId: string;
  caseId: string;
  profile: CertificateRecord['profile'];
  medium?: NonNullable<CertificateRecord['medium']>;
  subjectCommonName: string;
  notBefore: string;
  notAfter: string;
  notAfterMs: number;
  status: CertificateRecord['status'];
  revocation?: NonNullable<CertificateRecord['revocation']>;
  certPem: string;
  successor?: NonNullable<CertificateRecord['successor']>;
  remindersSent?: number[];
}

const revocationSchema = new Schema<NonNullable<CertificateRecord['revocation']>>(
  {
    reason: { type: String, required: true, enum: Object.keys(REVOCATION_REASONS) },
    at: { type: String, required: true },
  },
  { _id: false },
);

const successorSchema = new Schema<NonNullable<CertificateRecord['successor']>>(
  {
    serial: { type: String, required: true },
    caseId: { type: String, required: true },
  },
  { _id: false },
);

export const certificateSchema = new Schema<CertificateDoc>(
  {
    _id: { type: String, required: true },
    ownerId: { type: String, required: true },
    caseId: { type: String, required: true },
    profile: { type: String, required: true, enum: ['user', 'server', 'training'] },
    medium: { type: String, enum: ['token', 'softcert', 'roaming'] },
    subjectCommonName: { type: String, required: true },
    notBefore: { type: String, required: true },
    notAfter: { type: String, required: true },
    notAfterMs: { type: Number, required: true },
    status: { type: String, required: true, enum: ['AKTIF', 'HAMPIR_LUPUT', 'LUPUT', 'DIBATALKAN', 'DIGANTI'] },
    revocation: revocationSchema,
    certPem: { type: String, required: true },
    successor: successorSchema,
    // No default: an absent list stays absent instead of becoming [].
    remindersSent: { type: [Number], default: undefined },
  },
  RECORD_SCHEMA_OPTIONS,
);
certificateSchema.index({ ownerId: 1, notAfterMs: 1 });
certificateSchema.index({ notAfterMs: 1 });

/** Domain certificate → stored document. */
export function certificateToDoc(c: CertificateRecord): CertificateDoc {
  return {
    _id: c.serial,
    ownerId: c.ownerId,
    caseId: c.caseId,
    profile: c.profile,
    ...(c.medium !== undefined && { medium: c.medium }),
    subjectCommonName: c.subjectCommonName,
    notBefore: c.notBefore,
    notAfter: c.notAfter,
    notAfterMs: instantMs(c.notAfter, 'notAfter'),
    status: c.status,
    ...(c.revocation !== undefined && { revocation: { reason: c.revocation.reason, at: c.revocation.at } }),
    certPem: c.certPem,
    ...(c.successor !== undefined && { successor: { serial: c.successor.serial, caseId: c.successor.caseId } }),
    ...(c.remindersSent !== undefined && { remindersSent: [...c.remindersSent] }),
  };
}

/** Stored document → domain certificate. */
export function certificateFromDoc(d: CertificateDoc): CertificateRecord {
  return {
    serial: d._id,
    ownerId: d.ownerId,
    caseId: d.caseId,
    profile: d.profile,
    ...(d.medium != null && { medium: d.medium }),
    subjectCommonName: d.subjectCommonName,
    notBefore: d.notBefore,
    notAfter: d.notAfter,
    status: d.status,
    ...(d.revocation != null && { revocation: { reason: d.revocation.reason, at: d.revocation.at } }),
    certPem: d.certPem,
    ...(d.successor != null && { successor: { serial: d.successor.serial, caseId: d.successor.caseId } }),
    ...(d.remindersSent != null && { remindersSent: [...d.remindersSent] }),
  };
}

/** {@link CertificateRepository} on MongoDB: one document per serial, upserted whole. */
export class MongoCertificateRepository implements CertificateRepository {
  private readonly certs: Model<CertificateDoc>;

  constructor(opts: MongoAdapterOptions) {
    this.certs = modelOn(opts, 'certificates', certificateSchema);
  }

  /** Creates the collection and indexes (createMongoStore does this for every adapter). */
  async init(): Promise<void> {
    await ensureModelIndexes([this.certs]);
  }

  async save(cert: CertificateRecord): Promise<void> {
    const doc = certificateToDoc(cert);
    // Replace, not merge: "the last written" record wins whole, including a cleared revocation.
    await retryUpsert(() => this.certs.replaceOne({ _id: doc._id }, doc, { upsert: true }));
  }

  async get(serial: string): Promise<CertificateRecord | undefined> {
    const d = await this.certs.findById(serial).lean<CertificateDoc>();
    return d ? certificateFromDoc(d) : undefined;
  }

  async listByOwner(ownerId: string): Promise<CertificateRecord[]> {
    const docs = await this.certs.find({ ownerId }).sort({ notAfterMs: 1, _id: 1 }).lean<CertificateDoc[]>();
    return docs.map(certificateFromDoc);
  }

  async listExpiringBetween(from: Date, to: Date): Promise<CertificateRecord[]> {
    const docs = await this.certs
      .find({ notAfterMs: { $gte: from.getTime(), $lt: to.getTime() } })
      .sort({ notAfterMs: 1, _id: 1 })
      .lean<CertificateDoc[]>();
    return docs.map(certificateFromDoc);
  }
}
