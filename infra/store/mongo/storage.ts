import { randomUUID } from 'node:crypto';
import type { Storage, StoreItems } from 'botbuilder';
import { Schema, type Model } from 'mongoose';
import type { Clock } from '../../../domain/ports/clock.js';
import type { BotStateRetention } from '../../../domain/ports/conversation-repository.js';
import { EtagConflictError } from '../etag-conflict.js';
import { idleLine, STATE_TOUCH_INTERVAL_MS } from '../state-retention.js';
import {
  ensureModelIndexes,
  isDuplicateKey,
  modelOn,
  RECORD_SCHEMA_OPTIONS,
  retryUpsert,
  systemClock,
  type MongoAdapterOptions,
} from './shared.js';

/**
 * One document of `botstate`. The item is kept as JSON text, not as a BSON document: dialog
 * state may hold keys with `$` or `.` that MongoDB treats specially, and JSON gives the same
 * clone semantics as MemoryStorage (Dates come back as strings). The eTag lives only in its own
 * field, the one source of truth for it. `updatedMs` is the last write's time, for retention.
 */
export interface StorageDoc {
  _id: string;
  eTag: string;
  json: string;
  updatedMs: number;
}

export const storageSchema = new Schema<StorageDoc>(
  {
    _id: { type: String, required: true },
    eTag: { type: String, required: true },
    json: { type: String, required: true },
    updatedMs: { type: Number, required: true },
  },
  RECORD_SCHEMA_OPTIONS,
);
// The retention sweep's filter (pruneIdleBefore).
storageSchema.index({ updatedMs: 1 });

type Item = Record<string, unknown>;

/** A store item, the eTag it is stored under and the write's time → stored document (the item's own eTag is dropped). */
export function storeItemToDoc(key: string, item: Item, eTag: string, updatedMs: number): StorageDoc {
  const { eTag: _ignored, ...rest } = item;
  return { _id: key, eTag, json: JSON.stringify(rest), updatedMs };
}

/** Stored document → the item as `read` returns it, with its current eTag. */
export function storeItemFromDoc(d: StorageDoc): Item {
  return { ...(JSON.parse(d.json) as Item), eTag: d.eTag };
}

/** MemoryStorage's rule: no eTag, or `*`, means "write whatever is stored". */
function isUnconditional(eTag: unknown): boolean {
  return eTag === undefined || eTag === null || eTag === '' || eTag === '*';
}

/**
 * botbuilder {@link Storage} on MongoDB with MemoryStorage's eTag rules: an item without an eTag,
 * or with `*`, is written unconditionally; an item whose eTag differs from the stored one fails
 * the write with {@link EtagConflictError} (`code` `ETAG_CONFLICT`) and is not written; every
 * write stores a fresh random eTag (never a counter, so a key deleted and written again cannot
 * repeat an eTag an old reader still holds).
 *
 * A conditional write is a compare-and-set on the stored eTag; for a key that does not exist it
 * is an insert, so of two racing first writers one gets the conflict instead of overwriting.
 * MongoDB has no multi-document atomicity without a transaction (and transactions need a
 * replica set), so a call is checked up front (any stale eTag fails the whole call before
 * anything is written) but a race that starts after that check can leave earlier keys written.
 *
 * Every write stamps `updatedMs` with the clock's time, and so does a read of an item not stamped
 * within the last hour (STATE_TOUCH_INTERVAL_MS; one `updateMany`, the eTag unchanged).
 * {@link BotStateRetention.pruneIdleBefore} deletes by it, one `deleteMany` whose filter the
 * server checks per document as it deletes, so an item a turn uses meanwhile stays.
 */
export class MongoStorage implements Storage, BotStateRetention {
  private readonly items: Model<StorageDoc>;
  private readonly clock: Clock;

  constructor(opts: MongoAdapterOptions) {
    this.items = modelOn(opts, 'botstate', storageSchema);
    this.clock = opts.clock ?? systemClock;
  }

  /**
   * Creates the collection and its index. Items stored before retention existed have no
   * `updatedMs`; they count as written now (their age is unknown), so the first sweep never
   * takes a conversation that is still going.
   */
  async init(): Promise<void> {
    await ensureModelIndexes([this.items]);
    await this.items.updateMany({ updatedMs: { $exists: false } }, { $set: { updatedMs: this.clock.now().getTime() } });
  }

  async pruneIdleBefore(before: Date): Promise<number> {
    return (await this.items.deleteMany({ updatedMs: { $lt: idleLine(before) } })).deletedCount;
  }

  async read(keys: string[]): Promise<StoreItems> {
    if (!keys) throw new ReferenceError('Keys are required when reading.');
    const items: StoreItems = {};
    if (keys.length === 0) return items;
    const docs = await this.items.find({ _id: { $in: keys } }).lean<StorageDoc[]>();
    for (const d of docs) items[d._id] = storeItemFromDoc(d);
    const now = this.clock.now().getTime();
    const line = now - STATE_TOUCH_INTERVAL_MS;
    const stale = docs.filter((d) => !(d.updatedMs >= line)).map((d) => d._id);
    if (stale.length > 0)
      await this.items.updateMany({ _id: { $in: stale }, updatedMs: { $not: { $gte: line } } }, { $set: { updatedMs: now } });
    return items;
  }

  async write(changes: StoreItems): Promise<void> {
    if (!changes) throw new ReferenceError('Changes are required when writing.');
    const entries = Object.entries(changes) as [string, Item][];
    await this.checkETags(entries);
    const now = this.clock.now().getTime();
    for (const [key, item] of entries) {
      const doc = storeItemToDoc(key, item, randomUUID(), now);
      if (isUnconditional(item.eTag)) {
        await retryUpsert(() => this.items.replaceOne({ _id: key }, doc, { upsert: true }));
      } else {
        await this.writeIfETag(key, String(item.eTag), doc);
      }
    }
  }

  async delete(keys: string[]): Promise<void> {
    if (!keys) throw new ReferenceError('Keys are required when deleting.');
    if (keys.length === 0) return;
    await this.items.deleteMany({ _id: { $in: keys } });
  }

  /** Fails the call before any write when a conditional item is already stale. */
  private async checkETags(entries: [string, Item][]): Promise<void> {
    const conditional = entries.filter(([, item]) => !isUnconditional(item.eTag));
    if (conditional.length === 0) return;
    const stored = await this.items
      .find({ _id: { $in: conditional.map(([k]) => k) } }, { eTag: 1 })
      .lean<Pick<StorageDoc, '_id' | 'eTag'>[]>();
    const current = new Map(stored.map((d) => [d._id, d.eTag]));
    for (const [key, item] of conditional) {
      const eTag = current.get(key);
      if (eTag !== undefined && eTag !== String(item.eTag)) throw new EtagConflictError(key);
    }
  }

  private async writeIfETag(key: string, expected: string, doc: StorageDoc): Promise<void> {
    const res = await this.items.replaceOne({ _id: key, eTag: expected }, doc);
    if (res.matchedCount === 1) return;
    // Not matched: either the key is new (MemoryStorage writes it whatever the eTag) or it holds
    // another eTag. A plain insert settles both: it fails on an existing key, including one a
    // concurrent writer inserted a moment ago.
    try {
      await this.items.create(doc);
    } catch (e) {
      if (isDuplicateKey(e)) throw new EtagConflictError(key);
      throw e;
    }
  }
}
