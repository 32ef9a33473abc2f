/**
 * The CA ledger contract on every adapter: embedded (SQLite) always, MongoDB where MONGODB_URI is
 * set. Beyond the contract, the embedded file is shared by processes: two connections, and two
 * threads writing at once, must behave as one ledger.
 */
import { expect } from 'chai';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { Connection } from 'mongoose';
import { SqliteCaLedger } from '../../infra/store/embedded/ca-ledger.js';
import { openEmbeddedDb, type Db } from '../../infra/store/embedded/db.js';
import { MongoCaLedger } from '../../infra/store/mongo/ca-ledger.js';
import { connectMongo } from '../../infra/store/mongo/connection.js';
import { caLedgerContract, issuedRecord } from './ca-ledger.contract.js';

caLedgerContract('embedded', async () => {
  const db = openEmbeddedDb(':memory:');
  return { subject: new SqliteCaLedger({ db }), close: async () => void db.close() };
});

describe('CaLedger on one embedded file shared by processes', function () {
  this.timeout(60_000);
  let dir: string;
  const dbs: Db[] = [];
  const connect = () => {
    const db = openEmbeddedDb(join(dir, 'gpki.db'));
    dbs.push(db);
    return new SqliteCaLedger({ db });
  };
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'gpki-ca-ledger-'));
  });
  afterEach(async () => {
    for (const db of dbs.splice(0)) db.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('what one connection records the other sees at once, and the first record wins across them', async () => {
    const [a, b] = [connect(), connect()];
    const rec = issuedRecord('UC-2026-000001:issue');
    await a.recordIssued('user', rec);
    expect(await b.findByKey('user', rec.key)).to.deep.equal(rec);
    expect(await b.recordIssued('user', issuedRecord(rec.key))).to.deep.equal({ won: false, record: rec });
    const before = await a.revision('user');
    await b.recordRevoked('user', { serial: rec.serial, reason: 'keyCompromise', revokedAt: '2026-05-02T00:00:00.000Z' });
    expect(await a.revision('user')).to.be.greaterThan(before);
    expect((await a.listRevoked('user')).map((r) => r.serial)).to.deep.equal([rec.serial]);
    expect([await a.nextCrlNumber('user'), await b.nextCrlNumber('user'), await a.nextCrlNumber('user')]).to.deep.equal([1, 2, 3]);
    expect((await b.putMaterialIfAbsent('user', 'from b')).won).to.equal(true);
    expect(await a.putMaterialIfAbsent('user', 'from a')).to.deep.equal({ won: false, blob: 'from b' });
  });

  it('two threads recording the same keys at once: one winner per key, both told the same certificate', async () => {
    const count = 200;
    connect(); // creates the schema before the threads race on it
    // Each thread has its own connection, as a bot and a worker process would.
    const modules = ['../../infra/store/embedded/db.ts', '../../infra/store/embedded/ca-ledger.ts'].map(
      (m) => new URL(m, import.meta.url).href,
    );
    const code = `
      import('node:worker_threads').then(async ({ workerData, parentPort }) => {
        const { tsImport } = await import('tsx/esm/api');
        const [{ openEmbeddedDb }, { SqliteCaLedger }] = await Promise.all(workerData.modules.map((m) => tsImport(m, workerData.parent)));
        const ledger = new SqliteCaLedger({ db: openEmbeddedDb(workerData.file) });
        parentPort.postMessage({ ready: true });
        parentPort.once('message', async () => {
          const results = [];
          for (let i = 0; i < workerData.count; i++) {
            const key = 'UC-2026-' + String(i).padStart(6, '0') + ':issue';
            const serial = workerData.tag + i.toString(16);
            const r = await ledger.recordIssued('user', { key, serial, profile: 'user', subjectCn: 'x', certPem: serial, notBefore: '2026-01-01T00:00:00.000Z', notAfter: '2027-01-01T00:00:00.000Z', issuedAt: '2026-01-01T00:00:00.000Z' });
            results.push([key, r.won, r.record.serial]);
          }
          parentPort.postMessage({ results });
        });
      });`;
    const workers = ['a0', 'b0'].map(
      (tag) => new Worker(code, { eval: true, workerData: { modules, parent: import.meta.url, file: join(dir, 'gpki.db'), count, tag } }),
    );
    const next = (w: Worker) =>
      new Promise<{ results?: [string, boolean, string][] }>((resolve, reject) => {
        w.once('message', resolve);
        w.once('error', reject);
      });
    try {
      await Promise.all(workers.map(next));
      const done = workers.map(next);
      for (const w of workers) w.postMessage('go');
      const [a, b] = (await Promise.all(done)).map((o) => o.results!);
      for (let i = 0; i < count; i++) {
        expect([a[i]![1], b[i]![1]].filter(Boolean), a[i]![0]).to.have.length(1);
        expect(a[i]![2]).to.equal(b[i]![2]);
      }
      const rows = await connect().list({ realm: 'user' });
      expect(rows).to.have.length(count);
      expect(rows.map((r) => r.serial).sort()).to.deep.equal(a.map((r) => r[2]).sort());
    } finally {
      await Promise.all(workers.map((w) => w.terminate()));
    }
  });
});

const uri = process.env.MONGODB_URI;
if (!uri) {
  describe('CaLedger on MongoDB', () => {
    it('SKIPPED: MONGODB_URI is not set; no MongoDB server can be installed on this machine, so the mongo CA ledger contract did not run');
  });
} else {
  describe(`CaLedger on MongoDB (${uri.replace(/\/\/[^@/]*@/, '//***@')})`, function () {
    this.timeout(30_000);
    // One database per run, dropped at the end; one collection prefix per test, dropped after it.
    const dbName = `gpki_test_${randomBytes(4).toString('hex')}`;
    let connection: Connection;
    let fixtures = 0;
    before(async () => {
      connection = await connectMongo({ uri, dbName, serverSelectionTimeoutMS: 10_000 });
    });
    after(async () => {
      if (!connection) return;
      await connection.dropDatabase();
      await connection.close();
    });
    const dropPrefix = async (prefix: string) => {
      const names = (await connection.db!.listCollections({}, { nameOnly: true }).toArray())
        .map((c) => c.name)
        .filter((n) => n.startsWith(prefix));
      for (const name of names) await connection.db!.dropCollection(name);
      connection.deleteModel(new RegExp(`^${prefix}`));
    };

    caLedgerContract('mongo', async () => {
      const prefix = `c${++fixtures}_`;
      const subject = new MongoCaLedger({ connection, prefix });
      await subject.init();
      return { subject, close: () => dropPrefix(prefix) };
    });

    it('two connections: one winner per key, the revision moves for both', async () => {
      const prefix = `c${++fixtures}_`;
      const other = await connectMongo({ uri, dbName, serverSelectionTimeoutMS: 10_000 });
      try {
        const [a, b] = [new MongoCaLedger({ connection, prefix }), new MongoCaLedger({ connection: other, prefix })];
        await a.init();
        const records = Array.from({ length: 6 }, (_, i) => issuedRecord('UC-2026-000001:issue', { certPem: `c${i}` }));
        const results = await Promise.all(records.map((r, i) => (i % 2 ? a : b).recordIssued('user', r)));
        expect(results.filter((r) => r.won)).to.have.length(1);
        const winner = results.find((r) => r.won)!.record;
        await b.recordRevoked('user', { serial: winner.serial, reason: 'keyCompromise', revokedAt: '2026-05-02T00:00:00.000Z' });
        expect(await a.revision('user')).to.equal(1);
        expect((await a.list()).map((r) => [r.serial, r.status])).to.deep.equal([[winner.serial, 'revoked']]);
      } finally {
        await other.close();
        await dropPrefix(prefix);
      }
    });
  });
}
