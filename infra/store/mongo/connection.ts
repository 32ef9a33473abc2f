import mongoose, { type Connection } from 'mongoose';
import { ensureModelIndexes } from './shared.js';

export interface ConnectMongoOptions {
  /** A MongoDB connection string (`mongodb://` or `mongodb+srv://`). */
  uri: string;
  /** Database to use instead of the one named in the URI. */
  dbName?: string;
  /** How long to look for a server before failing, in ms (driver default 30 000). */
  serverSelectionTimeoutMS?: number;
}

/**
 * Opens a dedicated connection (never mongoose's global default one, so two stores in one
 * process, e.g. tests, cannot share models or state) and resolves once it is connected.
 * Indexes are not built here: adapters register their models on the connection first, then
 * {@link ensureIndexes} builds them (createMongoStore does both).
 */
export async function connectMongo(opts: ConnectMongoOptions): Promise<Connection> {
  const connection = mongoose.createConnection(opts.uri, {
    ...(opts.dbName !== undefined && { dbName: opts.dbName }),
    ...(opts.serverSelectionTimeoutMS !== undefined && { serverSelectionTimeoutMS: opts.serverSelectionTimeoutMS }),
    // Index builds are awaited explicitly; background builds would race the first writes that
    // rely on unique indexes (audit seq, directory identities).
    autoIndex: false,
    autoCreate: false,
    // A field set to `undefined` is absent, as in the embedded store's JSON, not BSON null.
    ignoreUndefined: true,
  });
  try {
    await connection.asPromise();
  } catch (e) {
    await connection.close().catch(() => undefined);
    throw e;
  }
  return connection;
}

/**
 * Creates the collections and indexes of every model registered on `connection` (idempotent:
 * existing indexes are kept). Uses `createIndexes`, not `syncIndexes`, so an index someone added
 * by hand in production is never dropped by a deploy.
 */
export async function ensureIndexes(connection: Connection): Promise<void> {
  await ensureModelIndexes(Object.values(connection.models));
}
