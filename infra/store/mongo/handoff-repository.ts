import { Schema, type Model } from 'mongoose';
import type {
  AgentCredentials,
  HandoffNote,
  HandoffOutcome,
  HandoffRecord,
  HandoffRepository,
  NewHandoff,
} from '../../../domain/ports/handoff-repository.js';
import { noteFromStored } from '../../../domain/handoff/notes.js';
import { ensureModelIndexes, instantMs, isDuplicateKey, modelOn, RECORD_SCHEMA_OPTIONS, type MongoAdapterOptions } from './shared.js';

/** One document of `handoffs`: the record, keyed by conversation id, with `queuedMs` for ordering. */
export interface HandoffDoc extends Omit<HandoffRecord, 'conversationId'> {
  _id: string;
  queuedMs: number;
}

export const handoffSchema = new Schema<HandoffDoc>(
  {
    _id: { type: String, required: true },
    channelId: { type: String, required: true },
    personId: { type: String, required: true },
    reason: { type: String, required: true, enum: ['request', 'misunderstood', 'error'] },
    status: { type: String, required: true, enum: ['waiting', 'taken', 'closed'] },
    queuedAt: { type: String, required: true },
    queuedMs: { type: Number, required: true },
    agentId: String,
    takenAt: String,
    closedAt: String,
    outcome: { type: String, enum: ['handback', 'end', 'timeout'] },
    caseId: String,
    // A plain note has `text`; a correction has `kind: 'correction'`, `field` and `value`.
    notes: {
      type: [
        {
          _id: false,
          kind: { type: String, enum: ['note', 'correction'] },
          at: String,
          agentId: String,
          text: String,
          field: String,
          value: String,
        },
      ],
      default: [],
    },
  },
  RECORD_SCHEMA_OPTIONS,
);
handoffSchema.index({ status: 1, queuedMs: 1 });
// The retention sweep's filter (pruneClosedBefore). `closedAt` is an ISO instant from the clock.
handoffSchema.index({ status: 1, closedAt: 1 });

export function handoffFromDoc(d: HandoffDoc): HandoffRecord {
  const { _id, queuedMs: _q, ...rest } = d;
  const rec: HandoffRecord = {
    conversationId: _id,
    ...rest,
    // Through the domain's reader: a record of the previous version holds corrections as `field → value` text.
    notes: (rest.notes ?? []).map((n) => noteFromStored(n as Parameters<typeof noteFromStored>[0])),
  };
  for (const k of ['agentId', 'takenAt', 'closedAt', 'outcome', 'caseId'] as const) if (rec[k] == null) delete rec[k];
  return rec;
}

/**
 * {@link HandoffRepository} on MongoDB. The take is one `findOneAndUpdate` conditioned on
 * `status: 'waiting'`: the server applies it to at most one of concurrent takers.
 */
export class MongoHandoffRepository implements HandoffRepository {
  private readonly model: Model<HandoffDoc>;
  constructor(opts: MongoAdapterOptions) {
    this.model = modelOn(opts, 'handoffs', handoffSchema);
  }

  async init(): Promise<void> {
    await ensureModelIndexes([this.model]);
  }

  async enqueue(rec: NewHandoff): Promise<{ record: HandoffRecord; created: boolean }> {
    const fresh = {
      channelId: rec.channelId,
      personId: rec.personId,
      reason: rec.reason,
      status: 'waiting' as const,
      queuedAt: rec.queuedAt,
      queuedMs: instantMs(rec.queuedAt, 'queuedAt'),
      ...(rec.caseId ? { caseId: rec.caseId } : {}),
    };
    const unset = { agentId: 1, takenAt: 1, closedAt: 1, outcome: 1, ...(rec.caseId ? {} : { caseId: 1 }) };
    // Reopens a closed record; an open one is left alone (the filter does not match it).
    const reopened = await this.model
      .findOneAndUpdate({ _id: rec.conversationId, status: 'closed' }, { $set: fresh, $unset: unset }, { returnDocument: 'after' })
      .lean<HandoffDoc>();
    if (reopened) return { record: handoffFromDoc(reopened), created: true };
    try {
      const created = await this.model.create({ _id: rec.conversationId, ...fresh, notes: [] });
      return { record: handoffFromDoc(created.toObject() as HandoffDoc), created: true };
    } catch (e) {
      if (!isDuplicateKey(e)) throw e;
      // 'local': the winner's insert may not be majority-committed yet; on the primary it is applied.
      const open = await this.model.findById(rec.conversationId).readConcern('local').lean<HandoffDoc>();
      return { record: handoffFromDoc(open!), created: false };
    }
  }

  async get(conversationId: string): Promise<HandoffRecord | undefined> {
    const d = await this.model.findById(conversationId).lean<HandoffDoc>();
    return d ? handoffFromDoc(d) : undefined;
  }

  async listOpen(): Promise<HandoffRecord[]> {
    const docs = await this.model
      .find({ status: { $in: ['waiting', 'taken'] } })
      .sort({ queuedMs: 1, _id: 1 })
      .lean<HandoffDoc[]>();
    return docs.map(handoffFromDoc);
  }

  async take(conversationId: string, agentId: string, at: string): Promise<HandoffRecord | undefined> {
    const d = await this.model
      .findOneAndUpdate(
        { _id: conversationId, status: 'waiting' },
        { $set: { status: 'taken', agentId, takenAt: at } },
        { returnDocument: 'after' },
      )
      .lean<HandoffDoc>();
    return d ? handoffFromDoc(d) : undefined;
  }

  async close(conversationId: string, opts: { agentId?: string; outcome: HandoffOutcome; at: string }): Promise<HandoffRecord | undefined> {
    const filter: Record<string, unknown> =
      opts.agentId === undefined
        ? { _id: conversationId, status: 'waiting' }
        : { _id: conversationId, status: 'taken', agentId: opts.agentId };
    const d = await this.model
      .findOneAndUpdate(filter, { $set: { status: 'closed', outcome: opts.outcome, closedAt: opts.at } }, { returnDocument: 'after' })
      .lean<HandoffDoc>();
    return d ? handoffFromDoc(d) : undefined;
  }

  async pruneClosedBefore(before: Date): Promise<number> {
    // One delete: a reopen racing it either wins (the record is waiting again and stays) or loses
    // (and enqueue creates a fresh one).
    return (await this.model.deleteMany({ status: 'closed', closedAt: { $lt: before.toISOString() } })).deletedCount;
  }

  async addNote(conversationId: string, note: HandoffNote): Promise<boolean> {
    const r = await this.model.updateOne({ _id: conversationId }, { $push: { notes: note } });
    return r.matchedCount === 1;
  }
}

interface CredentialDoc {
  _id: string;
  hash: string;
}
const credentialSchema = new Schema<CredentialDoc>(
  { _id: { type: String, required: true }, hash: { type: String, required: true } },
  RECORD_SCHEMA_OPTIONS,
);

/** {@link AgentCredentials} on MongoDB. */
export class MongoAgentCredentials implements AgentCredentials {
  private readonly model: Model<CredentialDoc>;
  constructor(opts: MongoAdapterOptions) {
    this.model = modelOn(opts, 'agentcredentials', credentialSchema);
  }
  async init(): Promise<void> {
    await ensureModelIndexes([this.model]);
  }
  async getHash(personId: string): Promise<string | undefined> {
    return (await this.model.findById(personId).lean<CredentialDoc>())?.hash;
  }
  async setHash(personId: string, hash: string): Promise<void> {
    await this.model.updateOne({ _id: personId }, { $set: { hash } }, { upsert: true });
  }
}
