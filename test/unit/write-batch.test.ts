import { expect } from 'chai';
import { openEmbeddedDb } from '../../infra/store/embedded/index.js';
import { SqliteStorage } from '../../infra/store/embedded/storage.js';
import { SqliteTranscripts } from '../../infra/store/embedded/transcripts.js';
import { SqliteConversationRepository } from '../../infra/store/embedded/conversation-repository.js';
import { writeBatchOf } from '../../infra/store/embedded/write-batch.js';
import { rejection } from '../contract/rejection.js';

/** Concurrent turns' writes share one commit; each caller still gets its own outcome. */
describe('WriteBatch: group commit of concurrent turns’ writes', () => {
  let db: ReturnType<typeof openEmbeddedDb>;
  beforeEach(() => (db = openEmbeddedDb(':memory:')));
  afterEach(() => db.close());

  it('commits writes asked for together, and refuses a conflicting one alone', async () => {
    const storage = new SqliteStorage({ db });
    const transcripts = new SqliteTranscripts({ db });
    const conversations = new SqliteConversationRepository({ db });
    await storage.write({ k: { step: 1 } });
    const stale = { step: 2, eTag: 'not-the-stored-one' };
    const outcomes = await Promise.allSettled([
      storage.write({ a: { v: 'a' } }),
      storage.write({ k: stale }),
      transcripts.append([{ conversationId: 'c1', at: new Date(0).toISOString(), direction: 'in', activity: { text: 'hai' } }]),
      conversations.save({
        conversationId: 'c1',
        channelId: 'msteams',
        personId: 'p1',
        reference: {},
        lastSeenAt: new Date(0).toISOString(),
      }),
    ]);
    expect(outcomes.map((o) => o.status)).to.deep.equal(['fulfilled', 'rejected', 'fulfilled', 'fulfilled']);
    const read = await storage.read(['a', 'k']);
    expect(read.a).to.include({ v: 'a' });
    expect(read.k).to.include({ step: 1 });
    expect(await transcripts.list('c1')).to.have.length(1);
    expect(await conversations.get('c1')).to.include({ personId: 'p1', owner: 'bot' });
  });

  it('runs each write once, whether the batch commits at the first go or goes again write by write', async () => {
    const batch = writeBatchOf(db);
    db.exec('CREATE TABLE t (v TEXT)');
    const insert = db.prepare('INSERT INTO t (v) VALUES (?)');
    const count = () => (db.prepare('SELECT count(*) AS n FROM t').get() as { n: number }).n;
    // All go through: one transaction, every caller gets its own result.
    const results = await Promise.all(['a', 'b', 'c'].map((v) => batch.run(() => insert.run(v).changes)));
    expect(results).to.deep.equal([1, 1, 1]);
    expect(count()).to.equal(3);
    // One throws after a statement of its own: that statement is undone, the others are kept once.
    const outcomes = await Promise.allSettled([
      batch.run(() => insert.run('d')),
      batch.run(() => {
        insert.run('half');
        throw new Error('refused');
      }),
      batch.run(() => insert.run('e')),
    ]);
    expect(outcomes.map((o) => o.status)).to.deep.equal(['fulfilled', 'rejected', 'fulfilled']);
    expect((db.prepare('SELECT v FROM t ORDER BY rowid').all() as { v: string }[]).map((r) => r.v)).to.deep.equal([
      'a',
      'b',
      'c',
      'd',
      'e',
    ]);
  });

  it('rejects every caller of a batch that cannot commit, and keeps none of their writes', async () => {
    const batch = writeBatchOf(db);
    db.exec('CREATE TABLE t (v TEXT)');
    const insert = db.prepare('INSERT INTO t (v) VALUES (?)');
    const first = batch.run(() => insert.run('one'));
    const second = batch.run(() => insert.run('two'));
    // A statement still iterating keeps the connection busy: the batch's transaction cannot run.
    const it = db.prepare('SELECT 1 UNION ALL SELECT 2').iterate();
    it.next();
    await rejection(first);
    await rejection(second);
    it.return?.();
    expect(db.prepare('SELECT count(*) AS n FROM t').get()).to.deep.equal({ n: 0 });
  });
});
