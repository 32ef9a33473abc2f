import type { Connection } from 'mongoose';
import type { Clock } from '../../../domain/ports/clock.js';
import type { StorePorts } from '../store-ports.js';
import { MongoAuditLog } from './audit-log.js';
import { MongoAuditCheckpoints } from './audit-checkpoints.js';
import { MongoCaseRepository } from './case-repository.js';
import { MongoCertificateRepository } from './certificate-repository.js';
import { connectMongo, ensureIndexes } from './connection.js';
import { MongoConversationRepository } from './conversation-repository.js';
import { MongoDirectory } from './directory.js';
import { MongoFileStore } from './file-store.js';
import { MongoStorage } from './storage.js';
import { MongoKeyFingerprints } from './key-fingerprints.js';
import { trackReadiness } from './readiness.js';
import type { MongoSettings } from './settings.js';

export { connectMongo, ensureIndexes, type ConnectMongoOptions } from './connection.js';
export { DEFAULT_DB_NAME, mongoConnectOptions, MongoTopologyError, resolveDbName, type MongoSettings } from './settings.js';
export { READY_GRACE_MS, trackReadiness } from './readiness.js';
export { MongoAuditLog } from './audit-log.js';
export { MongoAuditCheckpoints } from './audit-checkpoints.js';
export { MongoCaseRepository } from './case-repository.js';
export { MongoCertificateRepository } from './certificate-repository.js';
export { MongoConversationRepository } from './conversation-repository.js';
export { MongoDirectory } from './directory.js';
export { MongoFileStore } from './file-store.js';
export { MongoStorage } from './storage.js';
export type { MongoAdapterOptions } from './shared.js';
export { EtagConflictError } from '../etag-conflict.js';

export interface MongoStoreOptions extends MongoSettings {
  /** Prefix of every collection name (tests use one per run). Default: none. */
  prefix?: string;
  /** Time source for createdAt/updatedAt; the system clock when absent. */
  clock?: Clock;
  /** How long the store stays ready without a primary (an election); default READY_GRACE_MS. */
  readyGraceMs?: number;
}

/** Every storage port on one MongoDB database (the scaled-out mode). */
export interface MongoStore extends StorePorts {
  connection: Connection;
  /** True while connected, or without a primary for less than the grace period; never waits. */
  ready(): boolean;
}

/**
 * Connects (refusing a standalone server), builds every adapter on one dedicated connection, then
 * creates their collections and indexes, GridFS's included (awaited, so the unique indexes the
 * adapters rely on exist before the first write).
 */
export async function createMongoStore(opts: MongoStoreOptions): Promise<MongoStore> {
  const { prefix, clock, readyGraceMs, ...settings } = opts;
  const connection = await connectMongo(settings);
  const common = { connection, prefix, clock };
  const files = new MongoFileStore(common);
  const storage = new MongoStorage(common);
  const store: MongoStore = {
    connection,
    ready: trackReadiness(connection, { graceMs: readyGraceMs }),
    cases: new MongoCaseRepository(common),
    certificates: new MongoCertificateRepository(common),
    directory: new MongoDirectory(common),
    conversations: new MongoConversationRepository(common),
    audit: new MongoAuditLog(common),
    auditCheckpoints: new MongoAuditCheckpoints(common),
    files,
    storage,
    keyFingerprints: new MongoKeyFingerprints(common),
    close: () => connection.close(),
  };
  try {
    await ensureIndexes(connection);
    await files.init();
    // Stamps bot state from before retention with a last-write time (its model's index is above).
    await storage.init();
  } catch (e) {
    await connection.close().catch(() => undefined);
    throw e;
  }
  return store;
}
