import { EventEmitter } from 'node:events';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import type { Schema } from 'mongoose';
import { loadConfig } from '../../infra/config.js';
import { dlActivitySchema, dlConversationSchema } from '../../infra/store/mongo/activity-log.js';
import { caseSchema } from '../../infra/store/mongo/case-repository.js';
import { conversationSchema, pendingSchema } from '../../infra/store/mongo/conversation-repository.js';
import { GRIDFS_CHUNKS_INDEXES, GRIDFS_FILES_INDEXES } from '../../infra/store/mongo/file-store.js';
import { handoffSchema } from '../../infra/store/mongo/handoff-repository.js';
import { trackReadiness } from '../../infra/store/mongo/readiness.js';
import { databaseInUri, DEFAULT_DB_NAME, mongoConnectOptions, resolveDbName, topologyProblem } from '../../infra/store/mongo/settings.js';
import { storageSchema } from '../../infra/store/mongo/storage.js';
import { transcriptSchema } from '../../infra/store/mongo/transcripts.js';

// No server: what the store hands the driver and how it decides, checked as pure functions.
describe('mongo store: connection settings (no server)', () => {
  it('the options pin reads to the primary, write and read majority, and carry the configured timeouts', () => {
    const config = loadConfig({
      MONGODB_URI: 'mongodb://a:27017,b:27017/?replicaSet=rs0',
      MONGODB_SERVER_SELECTION_TIMEOUT_MS: '3000',
      MONGODB_SOCKET_TIMEOUT_MS: '45000',
      MONGODB_OPERATION_TIMEOUT_MS: '8000',
    });
    expect(config.mongo).to.deep.equal({
      uri: 'mongodb://a:27017,b:27017/?replicaSet=rs0',
      dbName: undefined,
      serverSelectionTimeoutMS: 3000,
      socketTimeoutMS: 45000,
      operationTimeoutMS: 8000,
    });
    expect(mongoConnectOptions(config.mongo!)).to.deep.equal({
      dbName: 'gpki',
      serverSelectionTimeoutMS: 3000,
      socketTimeoutMS: 45000,
      readPreference: 'primary',
      writeConcern: { w: 'majority', journal: true },
      readConcern: { level: 'majority' },
      retryWrites: true,
      retryReads: true,
      autoIndex: false,
      autoCreate: false,
      bufferCommands: false,
      ignoreUndefined: true,
    });
  });

  it('defaults: 5 s to find a primary, 30 s socket, 10 s per query; the same without config', () => {
    const config = loadConfig({ MONGODB_URI: 'mongodb://db/' });
    expect(config.mongo).to.deep.include({ serverSelectionTimeoutMS: 5000, socketTimeoutMS: 30000, operationTimeoutMS: 10000 });
    expect(mongoConnectOptions({ uri: 'mongodb://db/' })).to.deep.include({ serverSelectionTimeoutMS: 5000, socketTimeoutMS: 30000 });
    expect(loadConfig({}).mongo).to.equal(undefined);
  });

  it('refuses bad values naming the key', () => {
    const reject = (env: Record<string, string>) => {
      try {
        loadConfig({ MONGODB_URI: 'mongodb://db/', ...env });
      } catch (e) {
        return (e as { code: string; issues: { key: string }[] }).issues.map((i) => i.key);
      }
      return expect.fail('expected a ConfigError');
    };
    expect(reject({ MONGODB_SERVER_SELECTION_TIMEOUT_MS: '0' })).to.deep.equal(['MONGODB_SERVER_SELECTION_TIMEOUT_MS']);
    expect(reject({ MONGODB_OPERATION_TIMEOUT_MS: 'soon' })).to.deep.equal(['MONGODB_OPERATION_TIMEOUT_MS']);
    expect(reject({ MONGODB_SOCKET_TIMEOUT_MS: '5000', MONGODB_OPERATION_TIMEOUT_MS: '10000' })).to.deep.equal([
      'MONGODB_SOCKET_TIMEOUT_MS',
    ]);
    expect(reject({ MONGODB_DB: 'gpki/prod' })).to.deep.equal(['MONGODB_DB']);
  });

  it("the database is MONGODB_DB, else the one in the URI, else gpki (never the driver's `test`)", () => {
    expect(DEFAULT_DB_NAME).to.equal('gpki');
    const cases: [string, string | undefined][] = [
      ['mongodb://localhost', undefined],
      ['mongodb://localhost/', undefined],
      ['mongodb://localhost:27017/?replicaSet=rs0', undefined],
      ['mongodb+srv://cluster0.example.net/?retryWrites=true&w=majority', undefined],
      ['mongodb://user:p%40ss@h1:27017,h2:27017,h3:27017/helpdesk?replicaSet=rs0&authSource=admin', 'helpdesk'],
      ['mongodb+srv://u:p@cluster0.example.net/gpki_prod', 'gpki_prod'],
    ];
    for (const [uri, db] of cases) expect(databaseInUri(uri), uri).to.equal(db);
    expect(resolveDbName({ uri: 'mongodb://h/' })).to.equal('gpki');
    expect(resolveDbName({ uri: 'mongodb://h/helpdesk' })).to.equal('helpdesk');
    expect(resolveDbName({ uri: 'mongodb://h/helpdesk', dbName: 'other' })).to.equal('other');
    expect(mongoConnectOptions({ uri: 'mongodb+srv://c.example.net/' }).dbName).to.equal('gpki');
  });

  it('a standalone server is refused (no transactions); a replica set member or a mongos is fine', () => {
    expect(topologyProblem({ setName: 'rs0' })).to.equal(undefined);
    expect(topologyProblem({ msg: 'isdbgrid' })).to.equal(undefined);
    expect(topologyProblem({})).to.match(/standalone.*replica set/);
  });
});

/** A stand-in for a mongoose connection: its readyState and events. */
class FakeConnection extends EventEmitter {
  readyState = 1;
  set(state: number, event: string): void {
    this.readyState = state;
    this.emit(event);
  }
}

describe('mongo store: readiness rides out an election (no server)', () => {
  it('ready while connected, and while disconnected for less than the grace period; not after, nor once closed', () => {
    let t = 0;
    const conn = new FakeConnection();
    const ready = trackReadiness(conn, { graceMs: 10_000, now: () => t });
    expect(ready()).to.equal(true);
    conn.set(0, 'disconnected');
    t += 9_999;
    expect(ready(), 'an election of a few seconds').to.equal(true);
    conn.emit('disconnected');
    t += 1;
    expect(ready(), 'a second event does not restart the grace').to.equal(false);
    conn.set(1, 'reconnected');
    expect(ready()).to.equal(true);
    conn.set(0, 'disconnected');
    t += 60_000;
    expect(ready(), 'a minute without a primary').to.equal(false);
    conn.set(1, 'connected');
    expect(ready()).to.equal(true);
    conn.set(0, 'close');
    expect(ready()).to.equal(false);
  });
});

/** The key specs of a schema's declared indexes. */
const keysOf = (schema: Schema<any>) => schema.indexes().map(([keys]) => keys);

describe('mongo store: every retention filter has its index, created at start (no server)', () => {
  it('the schemas declare the index each prune filters on', () => {
    expect(keysOf(dlConversationSchema)).to.deep.include.members([{ lastActiveAt: 1 }, { createdAt: 1 }]);
    expect(keysOf(dlActivitySchema)).to.deep.include({ conversationId: 1, watermark: 1 });
    expect(keysOf(transcriptSchema)).to.deep.include({ at: 1 });
    expect(keysOf(conversationSchema)).to.deep.include.members([{ lastSeenMs: 1 }, { personId: 1, lastSeenMs: -1, _id: 1 }]);
    expect(keysOf(pendingSchema)).to.deep.include({ createdMs: 1 });
    expect(keysOf(handoffSchema)).to.deep.include({ status: 1, closedAt: 1 });
    expect(keysOf(storageSchema)).to.deep.include({ updatedMs: 1 });
    expect(keysOf(caseSchema)).to.deep.include({ status: 1, kind: 1, agencyId: 1, _id: 1 });
  });

  it("GridFS gets the driver's own indexes (same names) and the expiry index of pruneExpired", () => {
    expect(GRIDFS_FILES_INDEXES).to.deep.equal([
      { key: { filename: 1, uploadDate: 1 }, name: 'filename_1_uploadDate_1' },
      { key: { 'metadata.expiresAt': 1 }, name: 'metadata.expiresAt_1', sparse: true },
    ]);
    expect(GRIDFS_CHUNKS_INDEXES).to.deep.equal([{ key: { files_id: 1, n: 1 }, name: 'files_id_1_n_1', unique: true }]);
  });
});

describe('mongo store: source checks', () => {
  const dir = fileURLToPath(new URL('../../infra/store/mongo/', import.meta.url));
  const sources = readdirSync(dir)
    .filter((f) => f.endsWith('.ts'))
    .map((f) => [f, readFileSync(dir + f, 'utf8')] as const);

  it("no `{ new: true }` (deprecated, warns on every call): every findOneAndUpdate asks for returnDocument: 'after'", () => {
    for (const [file, text] of sources) {
      expect(text, file).to.not.match(/\bnew:\s*true\b/);
      const calls = text.match(/findOneAndUpdate\([\s\S]*?\)\s*(?:\.lean|;)/g) ?? [];
      for (const call of calls) expect(call, `${file}: ${call}`).to.include("returnDocument: 'after'");
    }
  });
});
