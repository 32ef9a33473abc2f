import type { ConnectOptions } from 'mongoose';

/** How the store connects; `createMongoStore` and `connectMongo` take these (from infra/config.ts). */
export interface MongoSettings {
  /** A MongoDB connection string (`mongodb://` or `mongodb+srv://`): a replica set or a sharded cluster. */
  uri: string;
  /** Database to use instead of the one named in the URI; neither: {@link DEFAULT_DB_NAME}. */
  dbName?: string;
  /** How long an operation waits for a usable primary (an election, a restart) before it fails, in ms. */
  serverSelectionTimeoutMS?: number;
  /** How long the driver waits on a socket for a reply before it gives the connection up, in ms. */
  socketTimeoutMS?: number;
  /** `maxTimeMS` of every query (find, findOne, count, findOneAndUpdate…): the server stops it after this. */
  operationTimeoutMS?: number;
}

/** Without MONGODB_DB or a database in the URI, the driver would use `test`; this is the bot's. */
export const DEFAULT_DB_NAME = 'gpki';

/** The defaults of infra/config.ts, so a store opened without them (tests, tools) behaves the same. */
export const MONGO_DEFAULTS = { serverSelectionTimeoutMS: 5_000, socketTimeoutMS: 30_000, operationTimeoutMS: 10_000 } as const;

/**
 * The database named in a connection string's path, or undefined. Hand-parsed: a seed list
 * (`host1:27017,host2:27017`) is not a URL `new URL` accepts. User info cannot hold a raw `/`
 * (it must be percent-encoded), so the first `/` after the scheme starts the path.
 */
export function databaseInUri(uri: string): string | undefined {
  const rest = uri.replace(/^mongodb(\+srv)?:\/\//, '');
  const slash = rest.indexOf('/');
  if (slash < 0) return undefined;
  const name = decodeURIComponent(rest.slice(slash + 1).split('?')[0]);
  return name || undefined;
}

/** The database the store uses: MONGODB_DB, else the URI's, else `gpki`. */
export function resolveDbName(settings: Pick<MongoSettings, 'uri' | 'dbName'>): string {
  return settings.dbName || databaseInUri(settings.uri) || DEFAULT_DB_NAME;
}

/**
 * The options handed to `mongoose.createConnection`, from the settings (a pure function, so the
 * choices below are unit-tested without a server). Options given here win over the same options
 * in the URI.
 */
export function mongoConnectOptions(settings: MongoSettings): ConnectOptions {
  return {
    dbName: resolveDbName(settings),
    serverSelectionTimeoutMS: settings.serverSelectionTimeoutMS ?? MONGO_DEFAULTS.serverSelectionTimeoutMS,
    socketTimeoutMS: settings.socketTimeoutMS ?? MONGO_DEFAULTS.socketTimeoutMS,
    // Every read goes to the primary: a turn reads what the previous turn (maybe on another
    // instance) wrote a moment ago, and a secondary may not have it yet.
    readPreference: 'primary',
    // A write is acknowledged once a majority holds it (it survives a failover), and reads see
    // only such writes (never one a failover rolls back); together: a read after an acknowledged
    // write sees it, on every instance. The few reads that must see a write still in flight say
    // so themselves (readConcern 'local').
    writeConcern: { w: 'majority', journal: true },
    readConcern: { level: 'majority' },
    // One retry of a write or read that met an election or a network blip (idempotent by design).
    retryWrites: true,
    retryReads: true,
    // Index builds are awaited explicitly at start (ensureIndexes); background builds would race
    // the first writes that rely on unique indexes (audit seq, directory identities).
    autoIndex: false,
    autoCreate: false,
    // No queueing in mongoose while it sees no primary: the driver's server selection
    // (serverSelectionTimeoutMS) is the one wait, so an outage fails a turn in seconds, not after
    // mongoose's own 10 s buffer on top.
    bufferCommands: false,
    // A field set to `undefined` is absent, as in the embedded store's JSON, not BSON null.
    ignoreUndefined: true,
  };
}

/** What `hello` says about the deployment, as far as {@link topologyProblem} reads it. */
export interface HelloReply {
  setName?: string;
  msg?: string;
}

/**
 * Why the deployment cannot carry the store, or undefined. Transactions (case number with the
 * case, status with its audit entry) need a replica set member or a mongos; a standalone server
 * refuses them, and would fail the first application instead of the start.
 */
export function topologyProblem(hello: HelloReply): string | undefined {
  if (hello.setName || hello.msg === 'isdbgrid') return undefined;
  return 'a standalone server: the store needs a replica set (a single-node one is enough for development) or a sharded cluster, for transactions';
}

/** Thrown when the deployment cannot carry the store; `code` is stable. */
export class MongoTopologyError extends Error {
  readonly code = 'MONGO_TOPOLOGY' as const;
  constructor(reason: string) {
    super(`MongoDB is ${reason}`);
    this.name = 'MongoTopologyError';
  }
}
