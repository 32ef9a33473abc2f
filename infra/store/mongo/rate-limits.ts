import { Schema, type Model } from 'mongoose';
import type { AgentSession, AgentSessions } from '../../../domain/ports/agent-sessions.js';
import type { RateLimits, WindowTotal } from '../../../domain/ports/rate-limits.js';
import { ensureModelIndexes, modelOn, retryUpsert, RECORD_SCHEMA_OPTIONS, type MongoAdapterOptions } from './shared.js';

/** One document of `ratelimits`: a key's current window (`_id` is the key). */
export interface WindowDoc {
  _id: string;
  total: number;
  endsMs: number;
}
export const windowSchema = new Schema<WindowDoc>(
  { _id: { type: String, required: true }, total: { type: Number, required: true }, endsMs: { type: Number, required: true } },
  RECORD_SCHEMA_OPTIONS,
);
windowSchema.index({ endsMs: 1 });

/** Stored window → its total and when it ends. */
export const windowFromDoc = (d: WindowDoc): WindowTotal => ({ total: d.total, endsAt: new Date(d.endsMs) });

/**
 * {@link RateLimits} on MongoDB: each `add` is one `findOneAndUpdate` with an update pipeline, so
 * the server decides "same window or a new one" and the addition in a single atomic step.
 */
export class MongoRateLimits implements RateLimits {
  private readonly model: Model<WindowDoc>;
  constructor(opts: MongoAdapterOptions) {
    this.model = modelOn(opts, 'ratelimits', windowSchema);
  }

  async init(): Promise<void> {
    await ensureModelIndexes([this.model]);
  }

  async add(key: string, amount: number, windowMs: number, now: Date): Promise<WindowTotal> {
    const nowMs = now.getTime();
    // A missing document's `endsMs` compares below any number, so an upsert starts a window.
    const running = { $gt: ['$endsMs', nowMs] };
    const doc = await retryUpsert(() =>
      this.model.collection.findOneAndUpdate(
        { _id: key } as never,
        [
          {
            $set: {
              total: { $cond: [running, { $add: ['$total', amount] }, amount] },
              endsMs: { $cond: [running, '$endsMs', nowMs + windowMs] },
            },
          },
        ],
        { upsert: true, returnDocument: 'after' },
      ),
    );
    return windowFromDoc(doc as unknown as WindowDoc);
  }

  async peek(key: string, now: Date): Promise<{ total: number; endsAt?: Date }> {
    const d = await this.model.findOne({ _id: key, endsMs: { $gt: now.getTime() } }).lean<WindowDoc>();
    return d ? windowFromDoc(d) : { total: 0 };
  }

  async reset(key: string): Promise<void> {
    await this.model.deleteOne({ _id: key });
  }

  async pruneEnded(now: Date): Promise<number> {
    return (await this.model.deleteMany({ endsMs: { $lte: now.getTime() } })).deletedCount;
  }
}

/** One document of `agentsessions`; `expiresMs` is the instant of `expiresAt`, for the queries. */
export interface SessionDoc {
  _id: string;
  agentId: string;
  createdAt: string;
  expiresAt: string;
  expiresMs: number;
}
export const sessionSchema = new Schema<SessionDoc>(
  {
    _id: { type: String, required: true },
    agentId: { type: String, required: true },
    createdAt: { type: String, required: true },
    expiresAt: { type: String, required: true },
    expiresMs: { type: Number, required: true },
  },
  RECORD_SCHEMA_OPTIONS,
);
sessionSchema.index({ agentId: 1 });
sessionSchema.index({ expiresMs: 1 });

/** Domain session → stored document (what `create` inserts). */
export function sessionToDoc(s: AgentSession): SessionDoc {
  return { _id: s.id, agentId: s.agentId, createdAt: s.createdAt, expiresAt: s.expiresAt, expiresMs: Date.parse(s.expiresAt) };
}

/** Stored document → domain session (`expiresMs` stays behind). */
export function sessionFromDoc(d: SessionDoc): AgentSession {
  return { id: d._id, agentId: d.agentId, createdAt: d.createdAt, expiresAt: d.expiresAt };
}

/** {@link AgentSessions} on MongoDB (read from the primary, like every store read). */
export class MongoAgentSessions implements AgentSessions {
  private readonly model: Model<SessionDoc>;
  constructor(opts: MongoAdapterOptions) {
    this.model = modelOn(opts, 'agentsessions', sessionSchema);
  }

  async init(): Promise<void> {
    await ensureModelIndexes([this.model]);
  }

  async create(s: AgentSession): Promise<void> {
    await this.model.create(sessionToDoc(s));
  }

  async get(id: string, now: Date): Promise<AgentSession | undefined> {
    const d = await this.model.findOne({ _id: id, expiresMs: { $gt: now.getTime() } }).lean<SessionDoc>();
    return d ? sessionFromDoc(d) : undefined;
  }

  async delete(id: string): Promise<void> {
    await this.model.deleteOne({ _id: id });
  }

  async deleteForAgent(agentId: string): Promise<number> {
    return (await this.model.deleteMany({ agentId })).deletedCount;
  }

  async agentIds(now: Date): Promise<string[]> {
    return ((await this.model.distinct('agentId', { expiresMs: { $gt: now.getTime() } })) as string[]).sort();
  }

  async pruneExpired(now: Date): Promise<number> {
    return (await this.model.deleteMany({ expiresMs: { $lte: now.getTime() } })).deletedCount;
  }
}
