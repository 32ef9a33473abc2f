import { setTimeout as sleep } from 'node:timers/promises';
import { Schema, type Model } from 'mongoose';
import { chainEntry } from '../../../domain/audit.js';
import type { AuditEntry, AuditInput, AuditLog, ChainHead } from '../../../domain/ports/audit-log.js';
import { asJson, ensureModelIndexes, isDuplicateKey, modelOn, RECORD_SCHEMA_OPTIONS, type MongoAdapterOptions } from './shared.js';

/** One document of `auditlog`: the entry as is; `_id` is the server's ObjectId and never read. */
export interface AuditDoc {
  caseId: string;
  seq: number;
  at: string;
  actorId: string;
  action: string;
  data?: Record<string, unknown>;
  prevHash: string;
  hash: string;
}

export const auditSchema = new Schema<AuditDoc>(
  {
    caseId: { type: String, required: true },
    seq: { type: Number, required: true, min: 1 },
    at: { type: String, required: true },
    actorId: { type: String, required: true },
    action: { type: String, required: true },
    data: Schema.Types.Mixed,
    prevHash: { type: String, required: true },
    hash: { type: String, required: true },
  },
  RECORD_SCHEMA_OPTIONS,
);
// The chain's integrity under concurrency rests on this index: two appends that read the same
// last link compute the same seq, and exactly one insert survives.
auditSchema.index({ caseId: 1, seq: 1 }, { unique: true });

/** How often one append re-reads the chain after losing a race before giving up. */
const MAX_ATTEMPTS = 100;

/** Domain entry → stored document. */
export function auditToDoc(e: AuditEntry): AuditDoc {
  return {
    caseId: e.caseId,
    seq: e.seq,
    at: e.at,
    actorId: e.actorId,
    action: e.action,
    ...(e.data !== undefined && { data: e.data }),
    prevHash: e.prevHash,
    hash: e.hash,
  };
}

/** Stored document → domain entry (the `_id` stays behind). */
export function auditFromDoc(d: AuditDoc): AuditEntry {
  return {
    caseId: d.caseId,
    seq: d.seq,
    at: d.at,
    actorId: d.actorId,
    action: d.action,
    ...(d.data != null && { data: d.data }),
    prevHash: d.prevHash,
    hash: d.hash,
  };
}

/**
 * The aggregation behind `heads()`: one row per case with the seq and hash of its highest seq.
 * The unique (caseId, seq) index serves the sort; `$last` of each group is its highest seq.
 */
export const HEADS_PIPELINE = [
  { $sort: { caseId: 1, seq: 1 } },
  { $group: { _id: '$caseId', seq: { $last: '$seq' }, hash: { $last: '$hash' } } },
  { $project: { _id: 0, caseId: '$_id', seq: 1, hash: 1 } },
] as const;

/**
 * Rows of {@link HEADS_PIPELINE} → the chain heads: only caseId, seq and hash, sorted here by
 * character code, whatever order or collation the server applied.
 */
export function headsFromRows(rows: readonly ChainHead[]): ChainHead[] {
  return rows
    .map((r) => ({ caseId: r.caseId, seq: r.seq, hash: r.hash }))
    .sort((a, b) => (a.caseId < b.caseId ? -1 : a.caseId > b.caseId ? 1 : 0));
}

/**
 * What an append stores for `entry`: the hash covers exactly what a JSON round trip keeps
 * (undefined members dropped, Dates as strings), or the stored entry would fail verification.
 */
export function auditInputAsStored(entry: AuditInput): AuditInput {
  const input: AuditInput = { caseId: entry.caseId, at: entry.at, actorId: entry.actorId, action: entry.action };
  if (entry.data !== undefined) input.data = asJson(entry.data);
  return input;
}

/**
 * {@link AuditLog} on MongoDB, hash-chained per case with `chainEntry` (the same hashing as every
 * store). An append reads the last link, builds the next one and inserts it; the unique
 * (caseId, seq) index refuses a second entry with the same seq, and the loser re-reads and tries
 * again. The class offers no way to change or remove an entry. (A case's status change and its
 * entry are written together by `MongoCaseRepository.updateWithAudit`, on the same collection.)
 */
export class MongoAuditLog implements AuditLog {
  private readonly entries: Model<AuditDoc>;

  constructor(opts: MongoAdapterOptions) {
    this.entries = modelOn(opts, 'auditlog', auditSchema);
  }

  /** Creates the collection and the unique index (createMongoStore does this for every adapter). */
  async init(): Promise<void> {
    await ensureModelIndexes([this.entries]);
  }

  async append(entry: AuditInput): Promise<AuditEntry> {
    const input = auditInputAsStored(entry);
    for (let attempt = 1; ; attempt++) {
      const last = await this.entries.findOne({ caseId: input.caseId }).sort({ seq: -1 }).lean<AuditDoc>();
      const next = chainEntry(last ? auditFromDoc(last) : undefined, input);
      try {
        await this.entries.create(auditToDoc(next));
        return next;
      } catch (e) {
        if (!isDuplicateKey(e) || attempt >= MAX_ATTEMPTS) throw e;
        // Someone else took this seq. A short random pause spreads a burst of writers out so
        // they do not keep colliding on the same link.
        await sleep(Math.floor(Math.random() * Math.min(50, 2 * attempt)));
      }
    }
  }

  async list(caseId: string): Promise<AuditEntry[]> {
    const docs = await this.entries.find({ caseId }).sort({ seq: 1 }).lean<AuditDoc[]>();
    return docs.map(auditFromDoc);
  }

  async heads(): Promise<ChainHead[]> {
    return headsFromRows(await this.entries.aggregate<ChainHead>([...HEADS_PIPELINE]));
  }
}
