import { Schema, type Connection, type Model } from 'mongoose';
import type { TranscriptEntry } from '../transcript-entry.js';

interface TranscriptRecord {
  conversationId: string;
  at: string;
  direction: 'in' | 'out';
  activity: Record<string, unknown>;
}

const schema = new Schema<TranscriptRecord>(
  {
    conversationId: { type: String, required: true, index: true },
    at: { type: String, required: true },
    direction: { type: String, required: true, enum: ['in', 'out'] },
    activity: { type: Schema.Types.Mixed, required: true },
  },
  { versionKey: false, minimize: false },
);
schema.index({ at: 1 });

/** Conversation transcripts on MongoDB, append-only, in insertion (_id) order. */
export class MongoTranscripts {
  private readonly model: Model<TranscriptRecord>;
  constructor(opts: { connection: Connection; prefix?: string }) {
    this.model = opts.connection.model<TranscriptRecord>(`${opts.prefix ?? ''}transcripts`, schema, `${opts.prefix ?? ''}transcripts`);
  }

  /** Appends a turn's entries in one round trip, in order. */
  async append(entries: TranscriptEntry[]): Promise<void> {
    if (entries.length === 0) return;
    await this.model.insertMany(entries.map((e) => ({ conversationId: e.conversationId, at: e.at, direction: e.direction, activity: e.activity })), { ordered: true });
  }

  async list(conversationId: string, limit = 200): Promise<TranscriptEntry[]> {
    const rows = await this.model.find({ conversationId }).sort({ _id: -1 }).limit(limit).lean();
    return rows.reverse().map((r) => ({ conversationId: r.conversationId, at: r.at, direction: r.direction, activity: r.activity }));
  }

  /** Removes every entry stamped before `before` (ISO instants compare as text); returns how many. */
  async pruneBefore(before: Date): Promise<number> {
    return (await this.model.deleteMany({ at: { $lt: before.toISOString() } })).deletedCount;
  }

  /** Builds the indexes (the contract suite calls it; ensureIndexes does it for the running bot). */
  async init(): Promise<void> {
    await this.model.init();
  }
}
