import { randomUUID } from 'node:crypto';
import type { Storage, StoreItems } from 'botbuilder';
import { EtagConflictError } from '../etag-conflict.js';
import type { Db } from './db.js';

interface StorageRow {
  key: string;
  etag: string;
  body: string;
}

/** The stored body never holds the eTag: the column is the one source of truth for it. */
function toRow(key: string, item: Record<string, unknown>, etag: string): StorageRow {
  const { eTag: _ignored, ...rest } = item;
  return { key, etag, body: JSON.stringify(rest) };
}

const fromRow = (row: StorageRow): Record<string, unknown> => ({ ...(JSON.parse(row.body) as Record<string, unknown>), eTag: row.etag });

function prepare(db: Db) {
  return {
    get: db.prepare<[string], StorageRow>('SELECT * FROM bot_storage WHERE key = ?'),
    upsert: db.prepare<StorageRow>(
      `INSERT INTO bot_storage (key, etag, body) VALUES (@key, @etag, @body)
       ON CONFLICT (key) DO UPDATE SET etag = excluded.etag, body = excluded.body`,
    ),
    delete: db.prepare<[string]>('DELETE FROM bot_storage WHERE key = ?'),
  };
}

/**
 * botbuilder {@link Storage} on SQLite, with MemoryStorage's eTag rules: an item without an eTag,
 * or with `*`, is written unconditionally; an item whose eTag differs from the stored one fails
 * the write with {@link EtagConflictError}; every write stores a fresh eTag. Unlike
 * MemoryStorage, a call is one transaction: a conflict on any key writes none of them.
 *
 * eTags are random UUIDs rather than a counter so that a key deleted and written again can
 * never repeat an eTag an old reader still holds.
 */
export class SqliteStorage implements Storage {
  private readonly readTx: (keys: string[]) => StoreItems;
  private readonly writeTx: (changes: StoreItems) => void;
  private readonly deleteTx: (keys: string[]) => void;

  constructor(opts: { db: Db }) {
    const db = opts.db;
    const stmts = prepare(db);
    this.readTx = db.transaction((keys: string[]) => {
      const items: StoreItems = {};
      for (const key of keys) {
        const row = stmts.get.get(key);
        if (row) items[key] = fromRow(row);
      }
      return items;
    });
    const write = db.transaction((changes: StoreItems) => {
      for (const [key, item] of Object.entries(changes) as [string, Record<string, unknown>][]) {
        const eTag = item.eTag;
        if (eTag !== undefined && eTag !== null && eTag !== '' && eTag !== '*') {
          const stored = stmts.get.get(key);
          if (stored && stored.etag !== eTag) throw new EtagConflictError(key);
        }
        stmts.upsert.run(toRow(key, item, randomUUID()));
      }
    });
    this.writeTx = (changes) => write.immediate(changes);
    this.deleteTx = db.transaction((keys: string[]) => {
      for (const key of keys) stmts.delete.run(key);
    });
  }

  async read(keys: string[]): Promise<StoreItems> {
    if (!keys) throw new ReferenceError('Keys are required when reading.');
    return this.readTx(keys);
  }

  async write(changes: StoreItems): Promise<void> {
    if (!changes) throw new ReferenceError('Changes are required when writing.');
    this.writeTx(changes);
  }

  async delete(keys: string[]): Promise<void> {
    if (!keys) throw new ReferenceError('Keys are required when deleting.');
    this.deleteTx(keys);
  }
}
