import { transcriptsContract } from './transcripts.contract.js';
import { MongoTranscripts } from '../../infra/store/mongo/transcripts.js';
import { randomBytes } from 'node:crypto';
import { expect } from 'chai';
import mongoose, { type Connection } from 'mongoose';
import { verifyAuditChain } from '../../domain/audit.js';
import type { NewCase } from '../../domain/cases/case.js';
import {
  connectMongo,
  createMongoStore,
  MongoAuditLog,
  MongoCaseRepository,
  MongoCertificateRepository,
  MongoConversationRepository,
  MongoDirectory,
  MongoFileStore,
  MongoStorage,
  type MongoAdapterOptions,
  type MongoStore,
} from '../../infra/store/mongo/index.js';
import { MongoActivityLog } from '../../infra/store/mongo/activity-log.js';
import { activityLogContract } from './activity-log.contract.js';
import { auditLogContract } from './audit-log.contract.js';
import { auditCheckpointsContract } from './audit-checkpoints.contract.js';
import { MongoAuditCheckpoints } from '../../infra/store/mongo/audit-checkpoints.js';
import { caseAuditContract, caseRepositoryContract } from './case-repository.contract.js';
import { certificateRepositoryContract } from './certificate-repository.contract.js';
import { conversationRepositoryContract } from './conversation-repository.contract.js';
import { directoryContract } from './directory.contract.js';
import { fileStoreContract } from './file-store.contract.js';
import { agentCredentialsContract, handoffRepositoryContract } from './handoff-repository.contract.js';
import { MongoAgentCredentials, MongoHandoffRepository } from '../../infra/store/mongo/handoff-repository.js';
import { agentSessionsContract, rateLimitsContract } from './rate-limits.contract.js';
import { MongoAgentSessions, MongoRateLimits } from '../../infra/store/mongo/rate-limits.js';
import { savedRepliesContract } from './saved-replies.contract.js';
import { MongoSavedReplies } from '../../infra/store/mongo/saved-replies.js';
import type { Factory } from './harness.js';
import { rejection } from './rejection.js';
import { keyFingerprintsContract } from './key-fingerprints.contract.js';
import { MongoKeyFingerprints } from '../../infra/store/mongo/key-fingerprints.js';
import { botStateRetentionContract, storageContract } from './storage.contract.js';

const uri = process.env.MONGODB_URI;

/** Drops every collection whose name starts with `prefix` and forgets its models. */
async function dropPrefix(connection: Connection, prefix: string): Promise<void> {
  const db = connection.db;
  if (!db) return;
  const names = (await db.listCollections({}, { nameOnly: true }).toArray()).map((c) => c.name).filter((n) => n.startsWith(prefix));
  for (const name of names) await db.dropCollection(name);
  connection.deleteModel(new RegExp(`^${prefix}`));
}

if (!uri) {
  describe('MongoDB adapters', () => {
    // The store needs transactions: point MONGODB_URI at a replica set (a single-node one is enough:
    // `mongod --replSet rs0`, then `rs.initiate()`); a standalone server fails with MONGO_TOPOLOGY.
    it('SKIPPED: MONGODB_URI is not set; no MongoDB server can be installed on this machine, so the mongo contract suites did not run');
  });
} else {
  describe(`MongoDB adapters (${uri.replace(/\/\/[^@/]*@/, '//***@')})`, function () {
    this.timeout(30_000);
    // One database per run, dropped at the end; one collection prefix per test, dropped after it.
    const dbName = `gpki_test_${randomBytes(4).toString('hex')}`;
    let connection: Connection;
    let fixtures = 0;
    const nextPrefix = () => `t${++fixtures}_`;

    before(async () => {
      connection = await connectMongo({ uri, dbName, serverSelectionTimeoutMS: 10_000 });
    });
    after(async () => {
      if (!connection) return;
      await connection.dropDatabase();
      await connection.close();
    });

    function mongo<T extends { init(): Promise<void> }>(make: (o: MongoAdapterOptions) => T): Factory<T> {
      return async () => {
        const prefix = nextPrefix();
        const subject = make({ connection, prefix });
        await subject.init();
        return { subject, close: () => dropPrefix(connection, prefix) };
      };
    }

    caseRepositoryContract(
      'mongo',
      mongo((o) => new MongoCaseRepository(o)),
    );
    caseAuditContract(
      'mongo',
      mongo((o) => {
        const [cases, audit] = [new MongoCaseRepository(o), new MongoAuditLog(o)];
        return {
          cases,
          audit,
          init: async () => {
            await cases.init();
            await audit.init();
          },
        };
      }),
    );
    certificateRepositoryContract(
      'mongo',
      mongo((o) => new MongoCertificateRepository(o)),
    );
    directoryContract(
      'mongo',
      mongo((o) => new MongoDirectory(o)),
    );
    conversationRepositoryContract(
      'mongo',
      mongo((o) => new MongoConversationRepository(o)),
    );
    auditLogContract(
      'mongo',
      mongo((o) => new MongoAuditLog(o)),
    );
    auditCheckpointsContract(
      'mongo',
      mongo((o) => new MongoAuditCheckpoints(o)),
    );
    fileStoreContract(
      'mongo',
      mongo((o) => new MongoFileStore(o)),
    );
    storageContract(
      'mongo',
      mongo((o) => new MongoStorage(o)),
    );
    botStateRetentionContract('mongo', (clock) => mongo((o) => new MongoStorage({ ...o, clock }))());
    activityLogContract('mongo', (clock) => mongo((o) => new MongoActivityLog({ ...o, clock }))());
    transcriptsContract(
      'mongo',
      mongo((o) => new MongoTranscripts(o)),
    );
    handoffRepositoryContract(
      'mongo',
      mongo((o) => new MongoHandoffRepository(o)),
    );
    agentCredentialsContract(
      'mongo',
      mongo((o) => new MongoAgentCredentials(o)),
    );
    rateLimitsContract(
      'mongo',
      mongo((o) => new MongoRateLimits(o)),
    );
    agentSessionsContract(
      'mongo',
      mongo((o) => new MongoAgentSessions(o)),
    );
    savedRepliesContract(
      'mongo',
      mongo((o) => new MongoSavedReplies(o)),
    );
    keyFingerprintsContract(
      'mongo',
      mongo((o) => new MongoKeyFingerprints(o)),
    );

    describe('mongo store (beyond the contracts)', () => {
      const newCase = (): NewCase => ({
        kind: 'UC',
        status: 'SUBMITTED',
        applicantId: 'p1',
        data: { n: 1 },
        timeline: [],
        createdAt: '2026-05-01T00:00:00.000Z',
      });
      let prefix: string;
      const opened: MongoStore[] = [];
      const open = async () => {
        const s = await createMongoStore({ uri, dbName, prefix, serverSelectionTimeoutMS: 10_000 });
        opened.push(s);
        return s;
      };
      beforeEach(() => {
        prefix = nextPrefix();
      });
      afterEach(async () => {
        for (const s of opened.splice(0)) await s.close();
        await dropPrefix(connection, prefix);
      });

      it('createMongoStore opens its own connection and builds the unique indexes before returning', async () => {
        const store = await open();
        expect(store.connection).to.not.equal(mongoose.connection);
        expect(store.connection.readyState).to.equal(mongoose.ConnectionStates.connected);
        const indexes = async (name: string) => connection.db!.collection(`${prefix}${name}`).indexes();
        expect((await indexes('auditlog')).find((i) => i.unique && i.key.caseId === 1 && i.key.seq === 1)).to.not.equal(undefined);
        const identity = (await indexes('people')).find((i) => i.name === 'identity_unique');
        expect(identity).to.deep.include({ unique: true });
        expect(identity?.partialFilterExpression).to.deep.equal({ 'identities.channelId': { $exists: true } });
      });

      it('builds GridFS and retention indexes at start, is ready while connected, and uses the configured database', async () => {
        const store = await open();
        expect(store.ready()).to.equal(true);
        expect(store.connection.name).to.equal(dbName);
        const names = async (c: string) => (await connection.db!.collection(`${prefix}${c}`).indexes()).map((i) => i.name);
        expect(await names('files.files')).to.include.members(['filename_1_uploadDate_1', 'metadata.expiresAt_1']);
        expect(await names('files.chunks')).to.include('files_id_1_n_1');
        expect(await names('botstate')).to.include('updatedMs_1');
        expect(await names('conversations')).to.include('lastSeenMs_1');
        expect(await names('pendingmessages')).to.include('createdMs_1');
        await store.close();
        expect(store.ready()).to.equal(false);
      });

      it('a create whose insert fails burns no number: counter and case commit together', async () => {
        const store = await open();
        // An empty applicant fails validation inside the transaction, after the counter moved.
        expect(await rejection(store.cases.create({ ...newCase(), applicantId: '' }))).to.be.instanceOf(mongoose.Error.ValidationError);
        expect((await store.cases.create(newCase())).id).to.equal('UC-2026-000001');
      });

      it('two connections share the numbering, the version check and the eTags', async () => {
        const [a, b] = [await open(), await open()];
        const created = await Promise.all(Array.from({ length: 20 }, (_, i) => (i % 2 ? b : a).cases.create(newCase())));
        expect(created.map((c) => c.id).sort()).to.deep.equal(
          Array.from({ length: 20 }, (_, i) => `UC-2026-${String(i + 1).padStart(6, '0')}`),
        );
        const stale = (await a.cases.get(created[0].id))!;
        await b.cases.update({ ...stale, status: 'APPROVED' });
        expect((await rejection(a.cases.update({ ...stale, status: 'REJECTED' }))).code).to.equal('CASE_STALE');
        await a.storage.write({ k: { v: 1 } });
        const held = (await b.storage.read(['k'])).k;
        await a.storage.write({ k: { ...held, v: 2 } });
        expect((await rejection(b.storage.write({ k: { ...held, v: 3 } }))).code).to.equal('ETAG_CONFLICT');
        expect((await a.storage.read(['k'])).k.v).to.equal(2);
      });

      it('concurrent audit appends from two connections still form one verifiable chain', async () => {
        const [a, b] = [await open(), await open()];
        const at = '2026-05-01T00:00:00.000Z';
        await Promise.all(
          Array.from({ length: 20 }, (_, i) =>
            (i % 2 ? b : a).audit.append({ caseId: 'UC-2026-000001', at, actorId: 'p', action: `a${i}` }),
          ),
        );
        const chain = await a.audit.list('UC-2026-000001');
        expect(chain.map((e) => e.seq)).to.deep.equal(Array.from({ length: 20 }, (_, i) => i + 1));
        expect(verifyAuditChain(chain)).to.deep.equal({ ok: true });
      });

      it('a tampered audit document makes verifyAuditChain report its seq; a duplicate seq is refused by the index', async () => {
        const store = await open();
        for (const action of ['submitted', 'approved', 'issued']) {
          await store.audit.append({ caseId: 'UC-2026-000001', at: '2026-05-01T00:00:00.000Z', actorId: 'p-ap', action, data: { action } });
        }
        const raw = connection.db!.collection(`${prefix}auditlog`);
        await raw.updateOne({ caseId: 'UC-2026-000001', seq: 2 }, { $set: { data: { action: 'rejected' } } });
        expect(verifyAuditChain(await store.audit.list('UC-2026-000001'))).to.deep.equal({ ok: false, brokenAt: 2 });
        const copy = await raw.findOne({ caseId: 'UC-2026-000001', seq: 3 }, { projection: { _id: 0 } });
        const err = await rejection(raw.insertOne({ ...copy, action: 'forged' }));
        expect((err as Error & { code?: unknown }).code).to.equal(11000);
      });

      it('a storage write with a stale eTag on one key writes none of the keys', async () => {
        const { storage } = await open();
        await storage.write({ a: { v: 1 }, b: { v: 1 } });
        const before = await storage.read(['a', 'b']);
        await storage.write({ b: { ...before.b, v: 2 } });
        const err = await rejection(storage.write({ a: { ...before.a, v: 9 }, b: { ...before.b, v: 9 }, c: { v: 9 } }));
        expect(err.code).to.equal('ETAG_CONFLICT');
        const after = await storage.read(['a', 'b', 'c']);
        expect(after.a).to.deep.equal(before.a);
        expect(after.b.v).to.equal(2);
        expect(after.c).to.equal(undefined);
      });

      it('keeps file bytes in GridFS chunks under the prefix; delete removes the files document and the chunks', async () => {
        const { files } = await open();
        const bytes = randomBytes(600 * 1024);
        const meta = await files.put({ ownerId: 'p1', name: '../../evil.pdf', contentType: 'application/pdf', bytes });
        const db = connection.db!;
        const id = new mongoose.mongo.ObjectId(meta.id);
        expect(await db.collection(`${prefix}files.files`).countDocuments({ _id: id })).to.equal(1);
        expect(await db.collection(`${prefix}files.chunks`).countDocuments({ files_id: id })).to.equal(3);
        await files.delete(meta.id);
        expect(await db.collection(`${prefix}files.files`).countDocuments({ _id: id })).to.equal(0);
        expect(await db.collection(`${prefix}files.chunks`).countDocuments({ files_id: id })).to.equal(0);
      });

      it('data survives closing the store and opening it again', async () => {
        const first = await open();
        const c = await first.cases.create(newCase());
        await first.storage.write({ 'webchat/conversations/c1': { dialogState: { step: 3 } } });
        const item = (await first.storage.read(['webchat/conversations/c1']))['webchat/conversations/c1'];
        await first.close();
        const again = await open();
        expect(await again.cases.get(c.id)).to.deep.equal(c);
        expect((await again.cases.create(newCase())).id).to.equal('UC-2026-000002');
        expect((await again.storage.read(['webchat/conversations/c1']))['webchat/conversations/c1']).to.deep.equal(item);
      });
    });
  });
}
