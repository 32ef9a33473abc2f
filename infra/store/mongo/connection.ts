import mongoose, { type Connection } from 'mongoose';
import {
  MONGO_DEFAULTS,
  mongoConnectOptions,
  MongoTopologyError,
  topologyProblem,
  type HelloReply,
  type MongoSettings,
} from './settings.js';
import { ensureModelIndexes } from './shared.js';

export type ConnectMongoOptions = MongoSettings;

/**
 * Opens a dedicated connection (never mongoose's global default one, so two stores in one
 * process, e.g. tests, cannot share models or state), resolves once it is connected, and refuses
 * a deployment that cannot run transactions ({@link MongoTopologyError}). Indexes are not built
 * here: adapters register their models on the connection first, then {@link ensureIndexes}
 * builds them (createMongoStore does both).
 */
export async function connectMongo(opts: ConnectMongoOptions): Promise<Connection> {
  const connection = mongoose.createConnection(opts.uri, mongoConnectOptions(opts));
  // Read by mongoose for every query (not a driver option, so not in the options above).
  connection.set('maxTimeMS', opts.operationTimeoutMS ?? MONGO_DEFAULTS.operationTimeoutMS);
  try {
    await connection.asPromise();
    const problem = topologyProblem((await connection.db!.admin().command({ hello: 1 })) as HelloReply);
    if (problem) throw new MongoTopologyError(problem);
  } catch (e) {
    await connection.close().catch(() => undefined);
    throw e;
  }
  return connection;
}

/**
 * Creates the collections and indexes of every model registered on `connection` (idempotent:
 * existing indexes are kept). Uses `createIndexes`, not `syncIndexes`, so an index someone added
 * by hand in production is never dropped by a deploy. Besides the unique indexes the adapters'
 * promises rest on, every filter of the daily retention sweep has its index here:
 *
 * | prune | collection | index |
 * |---|---|---|
 * | idle Direct Line conversations | `dlconversations`, `dlactivities` | `lastActiveAt`, `createdAt`; `conversationId`+`watermark` |
 * | old transcript entries | `transcripts` | `at` |
 * | superseded conversation references | `conversations` | `lastSeenMs`; `personId`+`lastSeenMs`+`_id` |
 * | old pending messages | `pendingmessages` | `createdMs` |
 * | closed handoffs | `handoffs` | `status`+`closedAt` |
 * | idle bot state | `botstate` | `updatedMs` |
 * | closed cases' attachments | `cases` | `status`+`kind`+`agencyId`+`_id` |
 *
 * GridFS has no model: `MongoFileStore.init` creates its indexes (and `metadata.expiresAt`, the
 * filter of `pruneExpired`), and createMongoStore calls it.
 */
export async function ensureIndexes(connection: Connection): Promise<void> {
  await ensureModelIndexes(Object.values(connection.models));
}
