import type { Connection } from 'mongoose';
import type { Clock } from '../../../domain/ports/clock.js';
import type { StorePorts } from '../store-ports.js';
import { MongoAuditLog } from './audit-log.js';
import { MongoCaseRepository } from './case-repository.js';
import { MongoCertificateRepository } from './certificate-repository.js';
import { connectMongo, ensureIndexes } from './connection.js';
import { MongoConversationRepository } from './conversation-repository.js';
import { MongoDirectory } from './directory.js';
import { MongoFileStore } from './file-store.js';
import { MongoStorage } from './storage.js';
import { MongoKeyFingerprints } from './key-fingerprints.js';

export { connectMongo, ensureIndexes, type ConnectMongoOptions } from './connection.js';
export { MongoAuditLog } from './audit-log.js';
export { MongoCaseRepository } from './case-repository.js';
export { MongoCertificateRepository } from './certificate-repository.js';
export { MongoConversationRepository } from './conversation-repository.js';
export { MongoDirectory } from './directory.js';
export { MongoFileStore } from './file-store.js';
export { MongoStorage } from './storage.js';
export type { MongoAdapterOptions } from './shared.js';
export { EtagConflictError } from '../etag-conflict.js';

export interface MongoStoreOptions {
  /** MongoDB connection string; a replica set in production. */
  uri: string;
  /** Database to use instead of the one named in the URI. */
  dbName?: string;
  /** Prefix of every collection name (tests use one per run). Default: none. */
  prefix?: string;
  /** Time source for createdAt/updatedAt; the system clock when absent. */
  clock?: Clock;
  /** How long to look for a server before failing, in ms. */
  serverSelectionTimeoutMS?: number;
}

/** Every storage port on one MongoDB database (the scaled-out mode). */
export interface MongoStore extends StorePorts {
  connection: Connection;
}

/**
 * Connects, builds every adapter on one dedicated connection, then creates their collections and
 * indexes (awaited, so the unique indexes the adapters rely on exist before the first write).
 */
export async function createMongoStore(opts: MongoStoreOptions): Promise<MongoStore> {
  const connection = await connectMongo({ uri: opts.uri, dbName: opts.dbName, serverSelectionTimeoutMS: opts.serverSelectionTimeoutMS });
  const common = { connection, prefix: opts.prefix, clock: opts.clock };
  const store: MongoStore = {
    connection,
    cases: new MongoCaseRepository(common),
    certificates: new MongoCertificateRepository(common),
    directory: new MongoDirectory(common),
    conversations: new MongoConversationRepository(common),
    audit: new MongoAuditLog(common),
    files: new MongoFileStore(common),
    storage: new MongoStorage(common),
    keyFingerprints: new MongoKeyFingerprints(common),
    close: () => connection.close(),
  };
  try {
    await ensureIndexes(connection);
  } catch (e) {
    await connection.close().catch(() => undefined);
    throw e;
  }
  return store;
}
