import type Database from 'better-sqlite3';
import type { Db } from './db.js';

type Outcome = { ok: boolean; value: unknown };

interface Pending {
  work: () => unknown;
  resolve: (value: unknown) => void;
  reject: (err: unknown) => void;
}

/**
 * Group commit for the writes every turn makes (its conversation reference, its state, its
 * transcript): writes asked for in the same turn of the event loop, by concurrent turns of
 * different conversations, commit together in one immediate transaction at the end of that loop
 * turn. A commit's cost (the WAL frames of the pages it touches, and their locks) is shared by
 * the writes in it.
 *
 * Every caller's promise settles only once its write is committed (or refused), so a caller that
 * awaits it knows its write is on disk exactly as with a statement of its own: what a turn did is
 * never reported done before it is durable. One write that throws (an eTag conflict) rejects its
 * own caller and the others still commit: the batch then goes again with each write in a
 * savepoint of its own, which rolls back the refused one alone. A failed commit rejects
 * every caller of the batch, whose writes are then all absent. A batch of one runs as before,
 * without a transaction around it.
 */
export class WriteBatch {
  private queue: Pending[] = [];
  private scheduled = false;
  private readonly inOne: Database.Transaction<(works: Pending[]) => Outcome[]>;
  private readonly allOrNone: Database.Transaction<(works: Pending[]) => unknown[]>;

  constructor(db: Db) {
    this.allOrNone = db.transaction((works: Pending[]) => works.map((p) => p.work()));
    const each = db.transaction((work: () => unknown) => work());
    this.inOne = db.transaction((works: Pending[]) =>
      works.map((p): Outcome => {
        try {
          return { ok: true, value: each(p.work) };
        } catch (err) {
          return { ok: false, value: err };
        }
      }),
    );
  }

  run<T>(work: () => T): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ work, resolve: resolve as (value: unknown) => void, reject });
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  private flush(): void {
    this.scheduled = false;
    const works = this.queue;
    this.queue = [];
    if (works.length === 1) {
      const p = works[0]!;
      try {
        p.resolve(p.work());
      } catch (err) {
        p.reject(err);
      }
      return;
    }
    // Nearly always every write goes through: then all of them in one transaction, without the
    // two statements a savepoint each costs. When one is refused (an eTag conflict) or the commit
    // fails, nothing of it was kept, and the batch goes again with a savepoint per write, so that
    // only the refused write is refused. A write is statements only, so running it again is safe.
    try {
      const values = this.allOrNone.immediate(works);
      works.forEach((p, i) => p.resolve(values[i]));
      return;
    } catch {
      // Gone again below, write by write.
    }
    let results: Outcome[];
    try {
      results = this.inOne.immediate(works);
    } catch (err) {
      for (const p of works) p.reject(err);
      return;
    }
    results.forEach((r, i) => (r.ok ? works[i]!.resolve(r.value) : works[i]!.reject(r.value)));
  }
}

const batches = new WeakMap<Db, WriteBatch>();

/** The connection's one batch: writes on one connection share it, whichever adapter makes them. */
export function writeBatchOf(db: Db): WriteBatch {
  let batch = batches.get(db);
  if (!batch) batches.set(db, (batch = new WriteBatch(db)));
  return batch;
}
