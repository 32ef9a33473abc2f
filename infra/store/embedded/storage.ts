import { randomUUID } from 'node:crypto';
import type { Storage, StoreItems } from 'botbuilder';
import type { Clock } from '../../../domain/ports/clock.js';
import type { BotStateRetention } from '../../../domain/ports/conversation-repository.js';
import { EtagConflictError } from '../etag-conflict.js';
import { idleLine, STATE_TOUCH_INTERVAL_MS } from '../state-retention.js';
import { systemClock } from './clock.js';
import type { Db } from './db.js';
import { writeBatchOf, type WriteBatch } from './write-batch.js';

interface StorageRow {
  key: string;
  etag: string;
  body: string;
  /** Last write, or last read an hour or more after the previous stamp; null only mid-migration. */
  updated_ms: number | null;
}

/** The stored body never holds the eTag: the column is the one source of truth for it. */
function toRow(key: string, item: Record<string, unknown>, etag: string, updatedMs: number): StorageRow {
  const { eTag: _ignored, ...rest } = item;
  return { key, etag, body: JSON.stringify(rest), updated_ms: updatedMs };
}

const fromRow = (row: Pick<StorageRow, 'etag' | 'body'>): Record<string, unknown> => ({
  ...(JSON.parse(row.body) as Record<string, unknown>),
  eTag: row.etag,
});

/**
 * Gives a `bot_storage` table from before retention its last-write column. Rows already there
 * count as written now (their real age is unknown), so the first sweep never takes a conversation
 * that is still going; they go one retention period after the upgrade if nothing writes them.
 * Immediate, so two processes opening the same file at once add the column once.
 */
function migrate(db: Db, now: number): void {
  db.transaction(() => {
    const columns = db
      .prepare<[], { name: string }>('PRAGMA table_info(bot_storage)')
      .all()
      .map((c) => c.name);
    if (!columns.includes('updated_ms')) {
      db.exec('ALTER TABLE bot_storage ADD COLUMN updated_ms INTEGER');
      db.prepare('UPDATE bot_storage SET updated_ms = ? WHERE updated_ms IS NULL').run(now);
    }
    db.exec('CREATE INDEX IF NOT EXISTS bot_storage_updated ON bot_storage (updated_ms)');
  }).immediate();
}

function prepare(db: Db) {
  return {
    get: db.prepare<[string], StorageRow>('SELECT * FROM bot_storage WHERE key = ?'),
    upsert: db.prepare<StorageRow>(
      `INSERT INTO bot_storage (key, etag, body, updated_ms) VALUES (@key, @etag, @body, @updated_ms)
       ON CONFLICT (key) DO UPDATE SET etag = excluded.etag, body = excluded.body, updated_ms = excluded.updated_ms`,
    ),
    // The eTag check and the write in one statement: nothing is written when a row with another
    // eTag is stored (changes = 0), the same outcome as reading the row first.
    upsertIf: db.prepare<StorageRow & { expected: string }>(
      `INSERT INTO bot_storage (key, etag, body, updated_ms) VALUES (@key, @etag, @body, @updated_ms)
       ON CONFLICT (key) DO UPDATE SET etag = excluded.etag, body = excluded.body, updated_ms = excluded.updated_ms
       WHERE bot_storage.etag = @expected`,
    ),
    delete: db.prepare<[string]>('DELETE FROM bot_storage WHERE key = ?'),
    // The last-use time only: the eTag a turn holds stays valid.
    touch: db.prepare<{ key: string; now: number; stale: number }>(
      'UPDATE bot_storage SET updated_ms = @now WHERE key = @key AND (updated_ms IS NULL OR updated_ms < @stale)',
    ),
    pruneIdle: db.prepare<[number]>('DELETE FROM bot_storage WHERE updated_ms < ?'),
  };
}

/**
 * botbuilder {@link Storage} on SQLite, with MemoryStorage's eTag rules: an item without an eTag,
 * or with `*`, is written unconditionally; an item whose eTag differs from the stored one fails
 * the write with {@link EtagConflictError}; every write stores a fresh eTag. Unlike
 * MemoryStorage, a call is one transaction: a conflict on any key writes none of them.
 *
 * eTags are random UUIDs rather than a counter so that a key deleted and written again can
 * never repeat an eTag an old reader still holds. Every write stamps the item with the clock's
 * time, and so does a read of an item not stamped within the last hour (STATE_TOUCH_INTERVAL_MS):
 * that last-use time is what {@link BotStateRetention.pruneIdleBefore} goes by.
 */
export class SqliteStorage implements Storage, BotStateRetention {
  private readonly readItems: (keys: string[]) => { items: StoreItems; stale: string[] };
  private readonly clock: Clock;
  private readonly writeTx: (changes: StoreItems) => void;
  private readonly deleteTx: (keys: string[]) => void;
  private readonly stmts: ReturnType<typeof prepare>;
  private readonly batch: WriteBatch;

  constructor(opts: { db: Db; clock?: Clock }) {
    const db = opts.db;
    this.batch = writeBatchOf(db);
    const clock = opts.clock ?? systemClock;
    this.clock = clock;
    migrate(db, clock.now().getTime());
    const stmts = prepare(db);
    this.stmts = stmts;
    // Plain reads, no transaction around them: each item is read whole by one statement, and
    // items are independent documents (Storage promises no snapshot across keys; MongoDB's
    // adapter gives none). A BEGIN and a COMMIT were a tenth of a turn's SQLite work.
    this.readItems = (keys: string[]) => {
      const items: StoreItems = {};
      const stale: string[] = [];
      const line = clock.now().getTime() - STATE_TOUCH_INTERVAL_MS;
      for (const key of keys) {
        const row = stmts.get.get(key);
        if (!row) continue;
        items[key] = fromRow(row);
        if (row.updated_ms === null || row.updated_ms < line) stale.push(key);
      }
      return { items, stale };
    };
    const write = db.transaction((changes: StoreItems) => {
      const now = clock.now().getTime();
      for (const [key, item] of Object.entries(changes) as [string, Record<string, unknown>][]) {
        const eTag = item.eTag;
        if (eTag !== undefined && eTag !== null && eTag !== '' && eTag !== '*') {
          const stored = stmts.get.get(key);
          if (stored && stored.etag !== eTag) throw new EtagConflictError(key);
        }
        stmts.upsert.run(toRow(key, item, randomUUID(), now));
      }
    });
    this.writeTx = (changes) => {
      const keys = Object.keys(changes);
      // One item (a turn's conversation state): one autocommit statement instead of a transaction
      // that reads the row, then writes it.
      if (keys.length === 1) return writeOne(keys[0]!, changes[keys[0]!] as Record<string, unknown>);
      write.immediate(changes);
    };
    const writeOne = (key: string, item: Record<string, unknown>) => {
      const eTag = item.eTag;
      const row = toRow(key, item, randomUUID(), clock.now().getTime());
      if (eTag === undefined || eTag === null || eTag === '' || eTag === '*') stmts.upsert.run(row);
      else if (stmts.upsertIf.run({ ...row, expected: String(eTag) }).changes === 0) throw new EtagConflictError(key);
    };
    this.deleteTx = db.transaction((keys: string[]) => {
      for (const key of keys) stmts.delete.run(key);
    });
  }

  async read(keys: string[]): Promise<StoreItems> {
    if (!keys) throw new ReferenceError('Keys are required when reading.');
    const { items, stale } = this.readItems(keys);
    // A plain statement each (not a read upgraded to a write, which fails at once when another
    // connection wrote meanwhile, where a plain statement waits for the lock).
    if (stale.length > 0) {
      const now = this.clock.now().getTime();
      for (const key of stale) this.stmts.touch.run({ key, now, stale: now - STATE_TOUCH_INTERVAL_MS });
    }
    return items;
  }

  async write(changes: StoreItems): Promise<void> {
    if (!changes) throw new ReferenceError('Changes are required when writing.');
    // Committed with other turns' writes of the same moment (write-batch.ts), in a savepoint of
    // its own: a conflict refuses this write only. Resolves once committed.
    await this.batch.run(() => this.writeTx(changes));
  }

  async delete(keys: string[]): Promise<void> {
    if (!keys) throw new ReferenceError('Keys are required when deleting.');
    this.deleteTx(keys);
  }

  async pruneIdleBefore(before: Date): Promise<number> {
    // One statement: a turn that writes an item meanwhile either precedes it (and the row is no
    // longer idle) or follows it (and writes the item afresh, as MemoryStorage would).
    return this.stmts.pruneIdle.run(idleLine(before)).changes;
  }
}
