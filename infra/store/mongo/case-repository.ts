import { Schema, type ClientSession, type Connection, type Model } from 'mongoose';
import { chainEntry } from '../../../domain/audit.js';
import type { Case, CaseKind, CorrectionRequest, NewCase, TimelineEntry } from '../../../domain/cases/case.js';
import { CASE_KINDS, caseYear, formatCaseNumber } from '../../../domain/cases/case.js';
import { DomainError } from '../../../domain/errors.js';
import type { AuditInput } from '../../../domain/ports/audit-log.js';
import type { CaseRepository } from '../../../domain/ports/case-repository.js';
import type { Clock } from '../../../domain/ports/clock.js';
import { auditFromDoc, auditInputAsStored, auditSchema, auditToDoc, type AuditDoc } from './audit-log.js';
import {
  asJson,
  ensureModelIndexes,
  inTransaction,
  instantMs,
  modelOn,
  RECORD_SCHEMA_OPTIONS,
  systemClock,
  type MongoAdapterOptions,
} from './shared.js';

/** One document of `cases`: the case with its number as `_id`. */
export interface CaseRecord {
  _id: string;
  kind: CaseKind;
  status: string;
  applicantId: string;
  agencyId?: string;
  data: Record<string, unknown>;
  correction?: CorrectionRequest;
  reason?: string;
  certificateSerial?: string;
  timeline: TimelineEntry[];
  version: number;
  createdAt: string;
  updatedAt: string;
}

/** One document of `counters`: the last number handed out for `_id` = `<kind>-<year>`. */
export interface CounterRecord {
  _id: string;
  seq: number;
}

const timelineSchema = new Schema<TimelineEntry>(
  {
    at: { type: String, required: true },
    event: { type: String, required: true },
    actorId: { type: String, required: true },
    status: String,
    note: String,
  },
  { _id: false },
);

const correctionSchema = new Schema<CorrectionRequest>(
  {
    fields: { type: [String], required: true },
    note: String,
    byId: { type: String, required: true },
    at: { type: String, required: true },
  },
  { _id: false },
);

export const caseSchema = new Schema<CaseRecord>(
  {
    _id: { type: String, required: true },
    kind: { type: String, required: true, enum: CASE_KINDS },
    status: { type: String, required: true },
    applicantId: { type: String, required: true },
    agencyId: String,
    data: { type: Schema.Types.Mixed, required: true },
    // Single nested schemas (not nested paths): an absent correction stays absent instead of
    // becoming `{ fields: [] }`.
    correction: correctionSchema,
    reason: String,
    certificateSerial: String,
    timeline: { type: [timelineSchema], required: true },
    version: { type: Number, required: true, min: 1 },
    createdAt: { type: String, required: true },
    updatedAt: { type: String, required: true },
  },
  RECORD_SCHEMA_OPTIONS,
);
caseSchema.index({ applicantId: 1, _id: 1 });
caseSchema.index({ status: 1, kind: 1, agencyId: 1, _id: 1 });

export const counterSchema = new Schema<CounterRecord>(
  {
    _id: { type: String, required: true },
    seq: { type: Number, required: true },
  },
  RECORD_SCHEMA_OPTIONS,
);

function copyTimelineEntry(t: TimelineEntry): TimelineEntry {
  return {
    at: t.at,
    event: t.event,
    actorId: t.actorId,
    ...(t.status !== undefined && { status: t.status }),
    ...(t.note !== undefined && { note: t.note }),
  };
}

function copyCorrection(c: CorrectionRequest): CorrectionRequest {
  return { fields: [...c.fields], note: c.note, byId: c.byId, at: c.at };
}

/** Domain case → stored record (optional fields absent, never `undefined`). */
export function caseToRecord(c: Case<unknown>): CaseRecord {
  return {
    _id: c.id,
    kind: c.kind,
    status: c.status,
    applicantId: c.applicantId,
    ...(c.agencyId !== undefined && { agencyId: c.agencyId }),
    data: c.data as Record<string, unknown>,
    ...(c.correction !== undefined && { correction: copyCorrection(c.correction) }),
    ...(c.reason !== undefined && { reason: c.reason }),
    ...(c.certificateSerial !== undefined && { certificateSerial: c.certificateSerial }),
    timeline: c.timeline.map(copyTimelineEntry),
    version: c.version,
    createdAt: c.createdAt,
    updatedAt: c.updatedAt,
  };
}

/** Stored record → domain case; reads only the fields it knows. */
export function caseFromRecord<D = Record<string, unknown>>(r: CaseRecord): Case<D> {
  return {
    id: r._id,
    kind: r.kind,
    status: r.status,
    applicantId: r.applicantId,
    ...(r.agencyId != null && { agencyId: r.agencyId }),
    data: r.data as D,
    ...(r.correction != null && { correction: copyCorrection(r.correction) }),
    ...(r.reason != null && { reason: r.reason }),
    ...(r.certificateSerial != null && { certificateSerial: r.certificateSerial }),
    timeline: (r.timeline ?? []).map(copyTimelineEntry),
    version: r.version,
    createdAt: r.createdAt,
    updatedAt: r.updatedAt,
  };
}

/**
 * {@link CaseRepository} on MongoDB. A create bumps the `counters` document of (kind, year) and
 * inserts the case in one transaction, so the number and the case commit together: a failure
 * between them burns no number (gap-free), and two creates never share one (the counter write
 * conflicts and the driver retries the loser). Updates are conditional on the stored `version`,
 * so of two writers holding the same version exactly one wins; `updateWithAudit` adds the audit
 * entry to the same transaction. Transactions need a replica set (checked by connectMongo).
 */
export class MongoCaseRepository implements CaseRepository {
  private readonly connection: Connection;
  private readonly cases: Model<CaseRecord>;
  private readonly counters: Model<CounterRecord>;
  private readonly audit: Model<AuditDoc>;
  private readonly clock: Clock;

  constructor(opts: MongoAdapterOptions) {
    this.connection = opts.connection;
    this.cases = modelOn(opts, 'cases', caseSchema);
    this.counters = modelOn(opts, 'counters', counterSchema);
    // The same collection (and model) as MongoAuditLog on this connection and prefix.
    this.audit = modelOn(opts, 'auditlog', auditSchema);
    this.clock = opts.clock ?? systemClock;
  }

  /** Creates the collections and indexes (createMongoStore does this for every adapter). */
  async init(): Promise<void> {
    // Before any transaction: MongoDB before 4.4 cannot create a collection inside one.
    await ensureModelIndexes([this.cases, this.counters, this.audit]);
  }

  async create<D>(c: NewCase<D>): Promise<Case<D>> {
    const createdAt = c.createdAt ?? this.clock.now().toISOString();
    // UTC year: the year of the instant as stored, the same on every machine (as the embedded store).
    const year = caseYear(new Date(instantMs(createdAt, 'createdAt')));
    const input = asJson(c);
    const record = await inTransaction(this.connection, async (session) => {
      const seq = await this.nextSeq(`${c.kind}-${year}`, session);
      const r = caseToRecord({ ...input, id: formatCaseNumber(c.kind, year, seq), version: 1, createdAt, updatedAt: createdAt });
      await this.cases.create([r], { session });
      return r;
    });
    // Mapped back from the record, so the caller gets exactly what `get` will return.
    return caseFromRecord<D>(record);
  }

  async get<D = Record<string, unknown>>(id: string): Promise<Case<D> | undefined> {
    const r = await this.cases.findById(id).lean<CaseRecord>();
    return r ? caseFromRecord<D>(r) : undefined;
  }

  async update<D>(c: Case<D>): Promise<Case<D>> {
    const record = this.nextRecord(c);
    // replaceOne, not $set: optional fields the caller cleared (a correction after resubmission)
    // must disappear from the stored case too. The filter on version makes it a compare-and-set.
    const res = await this.cases.replaceOne({ _id: c.id, version: c.version }, record);
    if (res.matchedCount === 1) return caseFromRecord<D>(record);
    throw await this.notWritten(c);
  }

  async updateWithAudit<D>(c: Case<D>, audit: Omit<AuditInput, 'caseId'>): Promise<Case<D>> {
    const record = this.nextRecord(c);
    const input = auditInputAsStored({ ...audit, caseId: c.id });
    await inTransaction(this.connection, async (session) => {
      const res = await this.cases.replaceOne({ _id: c.id, version: c.version }, record, { session });
      // Thrown inside the transaction: it aborts, and nothing of it is kept.
      if (res.matchedCount !== 1) throw await this.notWritten(c, session);
      const last = await this.audit.findOne({ caseId: c.id }).sort({ seq: -1 }).session(session).lean<AuditDoc>();
      await this.audit.create([auditToDoc(chainEntry(last ? auditFromDoc(last) : undefined, input))], { session });
    });
    return caseFromRecord<D>(record);
  }

  async listByApplicant(applicantId: string): Promise<Case[]> {
    const rows = await this.cases.find({ applicantId }).sort({ _id: 1 }).lean<CaseRecord[]>();
    return rows.map((r) => caseFromRecord(r));
  }

  async listByStatus(statuses: string[], filter: { kind?: CaseKind; agencyId?: string } = {}): Promise<Case[]> {
    if (statuses.length === 0) return [];
    const query: Record<string, unknown> = { status: { $in: statuses } };
    if (filter.kind !== undefined) query.kind = filter.kind;
    if (filter.agencyId !== undefined) query.agencyId = filter.agencyId;
    // `_id` order is number order: kind, then 4-digit year, then 6-digit sequence.
    const rows = await this.cases.find(query).sort({ _id: 1 }).lean<CaseRecord[]>();
    return rows.map((r) => caseFromRecord(r));
  }

  private nextRecord<D>(c: Case<D>): CaseRecord {
    return caseToRecord({ ...asJson(c), version: c.version + 1, updatedAt: this.clock.now().toISOString() });
  }

  /** Why a version-checked write matched nothing: the case is missing, or someone wrote first. */
  private async notWritten(c: Case<unknown>, session?: ClientSession): Promise<DomainError> {
    if (!(await this.cases.exists({ _id: c.id }).session(session ?? null))) {
      return new DomainError('CASE_NOT_FOUND', `No case ${c.id}`, { caseId: c.id });
    }
    return new DomainError('CASE_STALE', `Case ${c.id} changed since version ${c.version}`, { caseId: c.id, version: c.version });
  }

  private async nextSeq(counterId: string, session: ClientSession): Promise<number> {
    const doc = await this.counters
      .findOneAndUpdate({ _id: counterId }, { $inc: { seq: 1 } }, { upsert: true, returnDocument: 'after', session })
      .lean<CounterRecord>();
    if (!doc) throw new Error(`counter ${counterId} was not returned by its upsert`);
    return doc.seq;
  }
}
