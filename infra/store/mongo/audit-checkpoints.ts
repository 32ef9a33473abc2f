import { Schema, type Model } from 'mongoose';
import type { ChainHead } from '../../../domain/ports/audit-log.js';
import type { AuditCheckpoint, AuditCheckpoints, PublishedCheckpoint } from '../../../domain/ports/audit-checkpoints.js';
import { ensureModelIndexes, isDuplicateKey, modelOn, RECORD_SCHEMA_OPTIONS, type MongoAdapterOptions } from './shared.js';

/**
 * One document of `auditcheckpoints`; `_id` is the checkpoint's time, so a second one is refused.
 * The heads live in the document (about 100 bytes each: some 150 000 cases fit MongoDB's 16 MB).
 */
export interface CheckpointDoc {
  _id: string;
  treeSize: number;
  root: string;
  keyId: string;
  signature: string;
  heads: ChainHead[];
}

export const headSchema = new Schema<ChainHead>(
  { caseId: { type: String, required: true }, seq: { type: Number, required: true }, hash: { type: String, required: true } },
  { _id: false },
);
export const checkpointSchema = new Schema<CheckpointDoc>(
  {
    _id: { type: String, required: true },
    treeSize: { type: Number, required: true, min: 0 },
    root: { type: String, required: true },
    keyId: { type: String, required: true },
    signature: { type: String, required: true },
    heads: { type: [headSchema], default: [] },
  },
  RECORD_SCHEMA_OPTIONS,
);

/** The signing key's sealed copy: one document, `_id` 'signing'. */
export interface KeyDoc {
  _id: string;
  blob: string;
}
export const keySchema = new Schema<KeyDoc>(
  { _id: { type: String, required: true }, blob: { type: String, required: true } },
  RECORD_SCHEMA_OPTIONS,
);

/** The `_id` of the one signing-key document. */
export const SIGNING_KEY_ID = 'signing';

/** The sealed signing key → its stored document. */
export const signingKeyToDoc = (blob: string): KeyDoc => ({ _id: SIGNING_KEY_ID, blob });

/** Domain checkpoint → stored document (what `add` inserts); the heads keep their order. */
export function checkpointToDoc(cp: AuditCheckpoint): CheckpointDoc {
  return {
    _id: cp.time,
    treeSize: cp.treeSize,
    root: cp.root,
    keyId: cp.keyId,
    signature: cp.signature,
    heads: cp.heads.map((h) => ({ caseId: h.caseId, seq: h.seq, hash: h.hash })),
  };
}

/** Stored document (with or without its heads) → the published checkpoint, without heads. */
export function publishedFromDoc(d: Omit<CheckpointDoc, 'heads'>): PublishedCheckpoint {
  return { time: d._id, treeSize: d.treeSize, root: d.root, keyId: d.keyId, signature: d.signature };
}

/** Stored document → domain checkpoint, heads in stored order. */
export function checkpointFromDoc(d: CheckpointDoc): AuditCheckpoint {
  return { ...publishedFromDoc(d), heads: d.heads.map((h) => ({ caseId: h.caseId, seq: h.seq, hash: h.hash })) };
}

/** {@link AuditCheckpoints} on MongoDB (read from the primary, like every store read). */
export class MongoAuditCheckpoints implements AuditCheckpoints {
  private readonly checkpoints: Model<CheckpointDoc>;
  private readonly keys: Model<KeyDoc>;

  constructor(opts: MongoAdapterOptions) {
    this.checkpoints = modelOn(opts, 'auditcheckpoints', checkpointSchema);
    this.keys = modelOn(opts, 'auditkeys', keySchema);
  }

  /** Creates the collections (createMongoStore does this for every adapter). */
  async init(): Promise<void> {
    await ensureModelIndexes([this.checkpoints, this.keys]);
  }

  async add(cp: AuditCheckpoint): Promise<boolean> {
    try {
      await this.checkpoints.create(checkpointToDoc(cp));
      return true;
    } catch (e) {
      if (isDuplicateKey(e)) return false;
      throw e;
    }
  }

  async latest(): Promise<AuditCheckpoint | undefined> {
    const d = await this.checkpoints.findOne({}).sort({ _id: -1 }).lean<CheckpointDoc>();
    return d ? checkpointFromDoc(d) : undefined;
  }

  async get(time: string): Promise<AuditCheckpoint | undefined> {
    const d = await this.checkpoints.findOne({ _id: time }).lean<CheckpointDoc>();
    return d ? checkpointFromDoc(d) : undefined;
  }

  async list(limit: number): Promise<PublishedCheckpoint[]> {
    const n = Math.max(0, Math.floor(limit));
    if (n === 0) return [];
    const docs = await this.checkpoints.find({}, { heads: 0 }).sort({ _id: -1 }).limit(n).lean<CheckpointDoc[]>();
    return docs.map(publishedFromDoc);
  }

  async signingKey(): Promise<string | undefined> {
    return (await this.keys.findOne({ _id: SIGNING_KEY_ID }).lean<KeyDoc>())?.blob;
  }

  async putSigningKeyIfAbsent(blob: string): Promise<{ won: boolean; blob: string }> {
    try {
      await this.keys.create(signingKeyToDoc(blob));
      return { won: true, blob };
    } catch (e) {
      if (!isDuplicateKey(e)) throw e;
    }
    return { won: false, blob: (await this.signingKey())! };
  }
}
