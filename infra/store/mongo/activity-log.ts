import { setTimeout as sleep } from 'node:timers/promises';
import { Schema, type Model } from 'mongoose';
import type { ActivityConversation, ActivityLog, LoggedActivity, StoredActivityConversation } from '../../../domain/ports/activity-log.js';
import type { Clock } from '../../../domain/ports/clock.js';
import { ensureModelIndexes, isDuplicateKey, modelOn, RECORD_SCHEMA_OPTIONS, systemClock, type MongoAdapterOptions } from './shared.js';

/** One document of `dlconversations`: a Direct Line conversation and its user. */
export interface DlConversationDoc {
  _id: string;
  userId: string;
  createdAt: string;
  /** ISO instant of the last append (absent until the first one, and on conversations older than retention). */
  lastActiveAt?: string;
  /** The highest watermark handed to a client (absent = 0: nothing handed out, or written before this was recorded). */
  deliveredWatermark?: number;
}

/**
 * One document of `dlactivities`. The activity is JSON text, not a BSON document: cards carry
 * keys such as `$schema` that MongoDB treats specially, and text round-trips exactly.
 */
export interface DlActivityDoc {
  conversationId: string;
  watermark: number;
  json: string;
}

export const dlConversationSchema = new Schema<DlConversationDoc>(
  {
    _id: { type: String, required: true },
    userId: { type: String, required: true },
    createdAt: { type: String, required: true },
    lastActiveAt: { type: String },
    deliveredWatermark: { type: Number, min: 0 },
  },
  RECORD_SCHEMA_OPTIONS,
);
dlConversationSchema.index({ lastActiveAt: 1 });
dlConversationSchema.index({ createdAt: 1 });
// listOfUser: a person's conversations, newest first.
dlConversationSchema.index({ userId: 1, createdAt: -1 });

export const dlActivitySchema = new Schema<DlActivityDoc>(
  {
    conversationId: { type: String, required: true },
    watermark: { type: Number, required: true, min: 1 },
    json: { type: String, required: true },
  },
  RECORD_SCHEMA_OPTIONS,
);
// Gap-free, ordered watermarks rest on this index: two appends that read the same last
// watermark compute the same next one, and exactly one insert survives.
dlActivitySchema.index({ conversationId: 1, watermark: 1 }, { unique: true });

/**
 * A new conversation → its stored document (what `createConversation` inserts): no
 * `lastActiveAt` (pruning then goes by `createdAt`) and no `deliveredWatermark` (read as 0).
 */
export function dlConversationToDoc(c: ActivityConversation): DlConversationDoc {
  return { _id: c.conversationId, userId: c.userId, createdAt: c.createdAt };
}

/** Stored document → the conversation as the log keeps it (`lastActiveAt` stays behind). */
export function dlConversationFromDoc(d: DlConversationDoc): StoredActivityConversation {
  return { conversationId: d._id, userId: d.userId, createdAt: d.createdAt, deliveredWatermark: d.deliveredWatermark ?? 0 };
}

/** A logged activity → its stored document, the activity as JSON text. */
export function dlActivityToDoc(a: LoggedActivity): DlActivityDoc {
  return { conversationId: a.conversationId, watermark: a.watermark, json: JSON.stringify(a.activity) };
}

/** Stored document → the logged activity, parsed from its JSON text. */
export function dlActivityFromDoc(d: DlActivityDoc): LoggedActivity {
  return { conversationId: d.conversationId, watermark: d.watermark, activity: JSON.parse(d.json) as Record<string, unknown> };
}

/** How often one append re-reads the last watermark after losing a race before giving up. */
const MAX_ATTEMPTS = 100;

/**
 * {@link ActivityLog} on MongoDB. An append reads the conversation's last watermark and inserts
 * the next one; the unique index refuses a duplicate and the loser re-reads and tries again.
 * A counter document with `$inc` would be cheaper but lets watermark 6 become visible before 5
 * (two writers between increment and insert), which would make a stream reader skip 5; reading
 * the last inserted watermark means N + 1 is only ever written after N is visible.
 */
export class MongoActivityLog implements ActivityLog {
  private readonly conversations: Model<DlConversationDoc>;
  private readonly activities: Model<DlActivityDoc>;
  private readonly clock: Clock;

  constructor(opts: MongoAdapterOptions) {
    this.clock = opts.clock ?? systemClock;
    this.conversations = modelOn(opts, 'dlconversations', dlConversationSchema);
    this.activities = modelOn(opts, 'dlactivities', dlActivitySchema);
  }

  /** Creates the collections and indexes (createMongoStore / ensureIndexes do this for every model). */
  async init(): Promise<void> {
    await ensureModelIndexes([this.conversations, this.activities]);
  }

  async createConversation(c: ActivityConversation): Promise<boolean> {
    try {
      await this.conversations.create(dlConversationToDoc(c));
      return true;
    } catch (e) {
      if (isDuplicateKey(e)) return false;
      throw e;
    }
  }

  async getConversation(conversationId: string): Promise<StoredActivityConversation | undefined> {
    const d = await this.conversations.findById(conversationId).lean<DlConversationDoc>();
    return d ? dlConversationFromDoc(d) : undefined;
  }

  async markDelivered(conversationId: string, watermark: number): Promise<void> {
    if (!Number.isInteger(watermark) || watermark <= 0) return;
    // $max never lowers the value; a missing field counts as below any watermark.
    await this.conversations.updateOne({ _id: conversationId }, { $max: { deliveredWatermark: watermark } });
  }

  async listOfUser(userId: string, limit: number): Promise<StoredActivityConversation[]> {
    if (!(limit > 0)) return [];
    const docs = await this.conversations
      .find({ userId })
      .sort({ createdAt: -1, _id: -1 })
      .limit(Math.floor(limit))
      .lean<DlConversationDoc[]>();
    return docs.map(dlConversationFromDoc);
  }

  async append(conversationId: string, activity: Record<string, unknown>): Promise<LoggedActivity | undefined> {
    const touched = await this.conversations.updateOne({ _id: conversationId }, { $set: { lastActiveAt: this.clock.now().toISOString() } });
    if (touched.matchedCount === 0) return undefined;
    for (let attempt = 1; ; attempt++) {
      const last = await this.activities
        .findOne({ conversationId }, { watermark: 1 })
        .sort({ watermark: -1 })
        .lean<{ watermark: number }>();
      const doc = dlActivityToDoc({ conversationId, watermark: (last?.watermark ?? 0) + 1, activity });
      try {
        await this.activities.create(doc);
        return dlActivityFromDoc(doc);
      } catch (e) {
        if (!isDuplicateKey(e) || attempt >= MAX_ATTEMPTS) throw e;
        // A short random pause spreads a burst of writers out so they stop colliding.
        await sleep(Math.floor(Math.random() * Math.min(50, 2 * attempt)));
      }
    }
  }

  async listAfter(conversationId: string, after: number, limit: number): Promise<LoggedActivity[]> {
    const docs = await this.activities
      .find({ conversationId, watermark: { $gt: after } })
      .sort({ watermark: 1 })
      .limit(limit)
      .lean<DlActivityDoc[]>();
    return docs.map(dlActivityFromDoc);
  }

  async pruneBefore(before: Date): Promise<{ conversations: number; activities: number }> {
    const cutoff = before.toISOString();
    const idle = await this.conversations
      .find({ $or: [{ lastActiveAt: { $lt: cutoff } }, { lastActiveAt: { $exists: false }, createdAt: { $lt: cutoff } }] }, { _id: 1 })
      .lean<{ _id: string }[]>();
    let conversations = 0;
    let activities = 0;
    for (const { _id } of idle) {
      // The record goes first and only while still idle: an append that touched it meanwhile keeps it.
      const gone = await this.conversations.deleteOne({
        _id,
        $or: [{ lastActiveAt: { $lt: cutoff } }, { lastActiveAt: { $exists: false } }],
      });
      if (gone.deletedCount === 0) continue;
      conversations++;
      activities += (await this.activities.deleteMany({ conversationId: _id })).deletedCount;
    }
    return { conversations, activities };
  }
}
