import { Schema, Types, type Model } from 'mongoose';
import {
  CONVERSATION_OWNERS,
  type ConversationOwner,
  type ConversationRecord,
  type ConversationRepository,
  type PendingMessage,
} from '../../../domain/ports/conversation-repository.js';
import {
  asJson,
  ensureModelIndexes,
  instantMs,
  isDuplicateKey,
  modelOn,
  RECORD_SCHEMA_OPTIONS,
  retryUpsert,
  type MongoAdapterOptions,
} from './shared.js';

/** One document of `conversations`; `lastSeenMs` orders them (ISO strings of mixed precision do not). */
export interface ConversationDoc {
  _id: string;
  channelId: string;
  personId: string;
  reference: Record<string, unknown>;
  owner: ConversationOwner;
  agentId?: string;
  lastSeenAt: string;
  lastSeenMs: number;
}

/**
 * One document of `pendingmessages`. `order` is an ObjectId taken at insert: it breaks ties
 * between messages with the same `createdAt` in insertion order.
 */
export interface PendingDoc {
  _id: string;
  personId: string;
  payload: Record<string, unknown>;
  createdAt: string;
  createdMs: number;
  order: Types.ObjectId;
}

type SaveInput = Parameters<ConversationRepository['save']>[0];

export const conversationSchema = new Schema<ConversationDoc>(
  {
    _id: { type: String, required: true },
    channelId: { type: String, required: true },
    personId: { type: String, required: true },
    reference: { type: Schema.Types.Mixed, required: true },
    owner: { type: String, required: true, enum: CONVERSATION_OWNERS },
    agentId: String,
    lastSeenAt: { type: String, required: true },
    lastSeenMs: { type: Number, required: true },
  },
  RECORD_SCHEMA_OPTIONS,
);
conversationSchema.index({ personId: 1, lastSeenMs: -1, _id: 1 });
// The retention sweep's filter (pruneBefore).
conversationSchema.index({ lastSeenMs: 1 });

export const pendingSchema = new Schema<PendingDoc>(
  {
    _id: { type: String, required: true },
    personId: { type: String, required: true },
    payload: { type: Schema.Types.Mixed, required: true },
    createdAt: { type: String, required: true },
    createdMs: { type: Number, required: true },
    order: { type: Schema.Types.ObjectId, required: true },
  },
  RECORD_SCHEMA_OPTIONS,
);
pendingSchema.index({ personId: 1, createdMs: 1, order: 1 });
// The retention sweep's filter (pruneBefore).
pendingSchema.index({ createdMs: 1 });

/** Domain conversation → stored document. */
export function conversationToDoc(r: ConversationRecord): ConversationDoc {
  return {
    _id: r.conversationId,
    channelId: r.channelId,
    personId: r.personId,
    reference: r.reference,
    owner: r.owner,
    ...(r.agentId !== undefined && { agentId: r.agentId }),
    lastSeenAt: r.lastSeenAt,
    lastSeenMs: instantMs(r.lastSeenAt, 'lastSeenAt'),
  };
}

/** Stored document → domain conversation. */
export function conversationFromDoc(d: ConversationDoc): ConversationRecord {
  return {
    conversationId: d._id,
    channelId: d.channelId,
    personId: d.personId,
    reference: d.reference,
    owner: d.owner,
    ...(d.agentId != null && { agentId: d.agentId }),
    lastSeenAt: d.lastSeenAt,
  };
}

/** Domain pending message → stored document; `order` defaults to a fresh ObjectId (insertion order). */
export function pendingToDoc(m: PendingMessage, order: Types.ObjectId = new Types.ObjectId()): PendingDoc {
  return {
    _id: m.id,
    personId: m.personId,
    payload: m.payload,
    createdAt: m.createdAt,
    createdMs: instantMs(m.createdAt, 'createdAt'),
    order,
  };
}

/** Stored document → domain pending message. */
export function pendingFromDoc(d: PendingDoc): PendingMessage {
  return { id: d._id, personId: d.personId, payload: d.payload, createdAt: d.createdAt };
}

/**
 * {@link ConversationRepository} on MongoDB. `save` is one upsert whose `$setOnInsert` gives a
 * new conversation the bot as owner, so ownership set by an agent is never lost to a concurrent
 * turn's save. `takePending` removes messages one `findOneAndDelete` at a time: each deletion
 * is atomic on the server, so a message reaches at most one of several concurrent takers.
 * `pruneBefore` deletes a conversation only while it still matches what was read (same
 * `lastSeenMs`, still the bot's), so a turn or an agent that touches it meanwhile keeps it.
 */
export class MongoConversationRepository implements ConversationRepository {
  private readonly conversations: Model<ConversationDoc>;
  private readonly pending: Model<PendingDoc>;

  constructor(opts: MongoAdapterOptions) {
    this.conversations = modelOn(opts, 'conversations', conversationSchema);
    this.pending = modelOn(opts, 'pendingmessages', pendingSchema);
  }

  /** Creates the collections and indexes (createMongoStore does this for every adapter). */
  async init(): Promise<void> {
    await ensureModelIndexes([this.conversations, this.pending]);
  }

  async save(rec: SaveInput): Promise<void> {
    const set: Record<string, unknown> = {
      channelId: rec.channelId,
      personId: rec.personId,
      // The JSON shape every store keeps (the embedded one stores this as JSON text).
      reference: asJson(rec.reference),
      lastSeenAt: rec.lastSeenAt,
      lastSeenMs: instantMs(rec.lastSeenAt, 'lastSeenAt'),
    };
    const update: Record<string, Record<string, unknown>> = { $set: set };
    if (rec.owner !== undefined) set.owner = rec.owner;
    else update.$setOnInsert = { owner: 'bot' };
    // A new owner comes with its own agentId (or none), so a handback to the bot never leaves
    // the previous agent recorded; without either, the stored agentId stays.
    if (rec.owner !== undefined || rec.agentId !== undefined) {
      if (rec.agentId !== undefined) set.agentId = rec.agentId;
      else update.$unset = { agentId: 1 };
    }
    await retryUpsert(() => this.conversations.updateOne({ _id: rec.conversationId }, update, { upsert: true }));
  }

  async get(conversationId: string): Promise<ConversationRecord | undefined> {
    const d = await this.conversations.findById(conversationId).lean<ConversationDoc>();
    return d ? conversationFromDoc(d) : undefined;
  }

  async latestForPerson(personId: string): Promise<ConversationRecord | undefined> {
    const d = await this.conversations.findOne({ personId }).sort({ lastSeenMs: -1, _id: 1 }).lean<ConversationDoc>();
    return d ? conversationFromDoc(d) : undefined;
  }

  async setOwner(conversationId: string, owner: ConversationOwner, agentId?: string): Promise<boolean> {
    const update = agentId !== undefined ? { $set: { owner, agentId } } : { $set: { owner }, $unset: { agentId: 1 } };
    const res = await this.conversations.updateOne({ _id: conversationId }, update);
    return res.matchedCount === 1;
  }

  async addPending(msg: PendingMessage): Promise<void> {
    try {
      await this.pending.create(pendingToDoc({ ...msg, payload: asJson(msg.payload) }));
    } catch (e) {
      // A message id already queued is not queued twice (a retried notify job re-adds the same id).
      if (!isDuplicateKey(e)) throw e;
    }
  }

  async pruneBefore(before: Date): Promise<{ conversations: number; pending: number }> {
    const cutoff = before.getTime();
    const pending = (await this.pending.deleteMany({ createdMs: { $lt: cutoff } })).deletedCount;
    const latestOf = new Map<string, string | undefined>();
    let conversations = 0;
    const idle = this.conversations
      .find({ lastSeenMs: { $lt: cutoff }, owner: 'bot' }, { _id: 1, personId: 1, lastSeenMs: 1 })
      .lean<Pick<ConversationDoc, '_id' | 'personId' | 'lastSeenMs'>>()
      .cursor();
    for await (const d of idle) {
      // A person's latest conversation stays whatever its age: proactive messages need it.
      if (!latestOf.has(d.personId)) latestOf.set(d.personId, (await this.latestForPerson(d.personId))?.conversationId);
      if (latestOf.get(d.personId) === d._id) continue;
      conversations += (await this.conversations.deleteOne({ _id: d._id, lastSeenMs: d.lastSeenMs, owner: 'bot' })).deletedCount;
    }
    return { conversations, pending };
  }

  async takePending(personId: string): Promise<PendingMessage[]> {
    const taken: PendingMessage[] = [];
    for (;;) {
      const d = await this.pending.findOneAndDelete({ personId }, { sort: { createdMs: 1, order: 1 } }).lean<PendingDoc>();
      if (!d) return taken;
      taken.push(pendingFromDoc(d));
    }
  }
}
