import { setTimeout as sleep } from 'node:timers/promises';
import { mongo, type ClientSession, type Connection, type Model, type Schema } from 'mongoose';
import { DomainError } from '../../../domain/errors.js';
import type { Clock } from '../../../domain/ports/clock.js';

/** What every mongo adapter takes: an open (or opening) dedicated connection, never the global one. */
export interface MongoAdapterOptions {
  connection: Connection;
  /**
   * Prepended to every collection (and model) name, so several stores (or tests) can share one
   * database without seeing each other's data. Default: none.
   */
  prefix?: string;
  /** Source of `updatedAt` / `createdAt` stamps; the wall clock when absent. */
  clock?: Clock;
}

export const systemClock: Clock = { now: () => new Date() };

/** Schema options every record schema uses. */
export const RECORD_SCHEMA_OPTIONS = {
  // Empty objects (`data: {}`, `reference: {}`) are values, not absences: a minimized `{}` would
  // read back as `undefined` and, for the audit log, change the hash.
  minimize: false,
  // Records carry their own `version`; mongoose's `__v` would only be noise.
  versionKey: false,
  // Collections and indexes are built once, awaited, by `ensureIndexes` (connection.ts), never
  // in the background (a background build on a connection that never opens would hang or fail
  // unobserved, and the unique indexes must exist before the first write relies on them).
  autoIndex: false,
  autoCreate: false,
  strict: true,
} as const;

/**
 * The model for `base` on `connection`, created once per (connection, prefix). Reusing the
 * registered model matters because compiling a second model with the same name throws.
 */
export function modelOn<T>(opts: Pick<MongoAdapterOptions, 'connection' | 'prefix'>, base: string, schema: Schema<T>): Model<T> {
  const name = `${opts.prefix ?? ''}${base}`;
  const existing = opts.connection.models[name] as Model<T> | undefined;
  return existing ?? opts.connection.model<T>(name, schema, name);
}

/** True for MongoDB's duplicate-key error (E11000), whichever write raised it. */
export function isDuplicateKey(e: unknown): boolean {
  return e instanceof mongo.MongoServerError && (e.code === 11000 || e.code === 11001);
}

/** Milliseconds of an ISO-8601 instant, for range queries and sorting; rejects non-dates. */
export function instantMs(iso: string, field: string): number {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) throw new DomainError('INVALID_INPUT', `${field} is not an ISO-8601 instant: ${iso}`, { field });
  return ms;
}

/** Copies `value` through JSON, the shape every store keeps: `undefined` keys vanish, Dates become strings. */
export function asJson<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

/** Creates the collection and the schema's indexes of each model, awaited (idempotent). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- models of every document type are passed together
export async function ensureModelIndexes(models: ReadonlyArray<Model<any>>): Promise<void> {
  for (const model of models) {
    // Mongoose ignores "namespace exists", so several instances starting at once are fine.
    await model.createCollection();
    await model.createIndexes();
  }
}

/**
 * Runs an upsert, retrying when it lost an insert race on the same `_id` (E11000): the retry
 * finds the winner's document and updates it. MongoDB 4.2+ retries such upserts itself; this
 * covers the cases it does not. A duplicate that persists is rethrown.
 */
export async function retryUpsert<T>(op: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await op();
    } catch (e) {
      if (!isDuplicateKey(e) || attempt >= 3) throw e;
    }
  }
}

/**
 * Options of every multi-document transaction: snapshot reads (one consistent view for the
 * read-then-write inside), majority commit (what a later read on any node sees), the primary.
 */
export const TRANSACTION_OPTIONS: mongo.TransactionOptions = {
  readConcern: { level: 'snapshot' },
  writeConcern: new mongo.WriteConcern('majority'),
  readPreference: 'primary',
};

/** How often a transaction that lost a race on a unique index is run again before giving up. */
const MAX_TRANSACTION_ATTEMPTS = 10;

/**
 * Runs `fn` in one transaction: everything it writes with `session` commits together or not at
 * all. The driver's `withTransaction` already retries transient errors (a write conflict with a
 * concurrent transaction, an election) with backoff; a duplicate key inside the transaction (an
 * insert that lost a race on a unique index to a write outside any transaction) is not transient
 * to the driver, so it is retried here, a few times. Needs a replica set or a sharded cluster
 * (see connectMongo); `fn` may run more than once and must not have other side effects.
 */
export async function inTransaction<T>(connection: Connection, fn: (session: ClientSession) => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await connection.transaction(fn, TRANSACTION_OPTIONS);
    } catch (e) {
      if (!isDuplicateKey(e) || attempt >= MAX_TRANSACTION_ATTEMPTS) throw e;
      await sleep(Math.floor(Math.random() * 10 * attempt));
    }
  }
}
