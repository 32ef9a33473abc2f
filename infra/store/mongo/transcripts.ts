import { Schema, type Model } from 'mongoose';
import type { TranscriptRetention } from '../../../domain/ports/transcript-log.js';
import type { TranscriptEntry } from '../transcript-entry.js';
import { ensureModelIndexes, modelOn, RECORD_SCHEMA_OPTIONS, type MongoAdapterOptions } from './shared.js';

/**
 * One document of `transcripts`. The activity is JSON text, not a BSON document: cards carry keys
 * such as `$schema` and `$data`, which MongoDB before 5.0 refuses in a stored document and later
 * versions still cannot query; text also round-trips exactly. `activity` is only read: documents
 * written before the change kept the activity as BSON.
 */
export interface TranscriptDoc {
  conversationId: string;
  at: string;
  direction: 'in' | 'out';
  json?: string;
  activity?: Record<string, unknown>;
}

export const transcriptSchema = new Schema<TranscriptDoc>(
  {
    conversationId: { type: String, required: true },
    at: { type: String, required: true },
    direction: { type: String, required: true, enum: ['in', 'out'] },
    json: { type: String, required: true },
  },
  RECORD_SCHEMA_OPTIONS,
);
transcriptSchema.index({ conversationId: 1, _id: -1 });
// The retention sweep's filter (pruneBefore).
transcriptSchema.index({ at: 1 });

/** Domain entry → stored document. */
export function transcriptToDoc(e: TranscriptEntry): TranscriptDoc {
  return { conversationId: e.conversationId, at: e.at, direction: e.direction, json: JSON.stringify(e.activity) };
}

/** Stored document (either shape) → domain entry. */
export function transcriptFromDoc(d: TranscriptDoc): TranscriptEntry {
  const activity = d.json !== undefined ? (JSON.parse(d.json) as Record<string, unknown>) : (d.activity ?? {});
  return { conversationId: d.conversationId, at: d.at, direction: d.direction, activity };
}

/** Conversation transcripts on MongoDB, append-only, in insertion (_id) order. */
export class MongoTranscripts implements TranscriptRetention {
  private readonly model: Model<TranscriptDoc>;
  constructor(opts: MongoAdapterOptions) {
    this.model = modelOn(opts, 'transcripts', transcriptSchema);
  }

  /** Appends a turn's entries in one round trip, in order. */
  async append(entries: TranscriptEntry[]): Promise<void> {
    if (entries.length === 0) return;
    await this.model.insertMany(entries.map(transcriptToDoc), { ordered: true });
  }

  async list(conversationId: string, limit = 200): Promise<TranscriptEntry[]> {
    const rows = await this.model.find({ conversationId }).sort({ _id: -1 }).limit(limit).lean<TranscriptDoc[]>();
    return rows.reverse().map(transcriptFromDoc);
  }

  /** Removes every entry stamped before `before` (ISO instants compare as text); returns how many. */
  async pruneBefore(before: Date): Promise<number> {
    return (await this.model.deleteMany({ at: { $lt: before.toISOString() } })).deletedCount;
  }

  /** Creates the collection and indexes (ensureIndexes does it for every model of the running bot). */
  async init(): Promise<void> {
    await ensureModelIndexes([this.model]);
  }
}
