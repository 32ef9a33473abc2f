import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { verifyAuditChain } from '../../domain/audit.js';
import type { NewCase } from '../../domain/cases/case.js';
import type { Clock } from '../../domain/ports/clock.js';
import { loadDirectorySeed } from '../../infra/directory-seed.js';
import { SqliteActivityLog } from '../../infra/store/embedded/activity-log.js';
import { keyFingerprintsContract } from './key-fingerprints.contract.js';
import { createEmbeddedStore, openEmbeddedDb, type EmbeddedStore } from '../../infra/store/embedded/index.js';
import { activityLogContract } from './activity-log.contract.js';
import { transcriptsContract } from './transcripts.contract.js';
import { SqliteTranscripts } from '../../infra/store/embedded/transcripts.js';
import { auditLogContract } from './audit-log.contract.js';
import { auditCheckpointsContract } from './audit-checkpoints.contract.js';
import { caseAuditContract, caseRepositoryContract } from './case-repository.contract.js';
import { certificateRepositoryContract } from './certificate-repository.contract.js';
import { conversationRepositoryContract } from './conversation-repository.contract.js';
import { directoryContract } from './directory.contract.js';
import { fileStoreContract } from './file-store.contract.js';
import { agentCredentialsContract, handoffRepositoryContract } from './handoff-repository.contract.js';
import { SqliteAgentCredentials, SqliteHandoffRepository } from '../../infra/store/embedded/handoff-repository.js';
import { agentSessionsContract, rateLimitsContract } from './rate-limits.contract.js';
import { SqliteAgentSessions, SqliteRateLimits } from '../../infra/store/embedded/rate-limits.js';
import { savedRepliesContract } from './saved-replies.contract.js';
import { SqliteSavedReplies } from '../../infra/store/embedded/saved-replies.js';
import type { Factory } from './harness.js';
import { rejection } from './rejection.js';
import { botStateRetentionContract, storageContract } from './storage.contract.js';

/** A store in a fresh temp dir; `close` closes it and removes the dir. */
async function tempStore(clock?: Clock): Promise<{ store: EmbeddedStore; dir: string; reopen(): EmbeddedStore; close(): Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'gpki-embedded-'));
  const open = () => createEmbeddedStore({ file: join(dir, 'store.db'), filesDir: join(dir, 'files'), clock });
  const opened: EmbeddedStore[] = [open()];
  return {
    store: opened[0],
    dir,
    reopen: () => {
      const s = open();
      opened.push(s);
      return s;
    },
    close: async () => {
      for (const s of opened) await s.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

function embedded<T>(pick: (s: EmbeddedStore) => T): Factory<T> {
  return async () => {
    const t = await tempStore();
    return { subject: pick(t.store), close: t.close };
  };
}

caseRepositoryContract(
  'embedded',
  embedded((s) => s.cases),
);
caseAuditContract(
  'embedded',
  embedded((s) => ({ cases: s.cases, audit: s.audit })),
);
certificateRepositoryContract(
  'embedded',
  embedded((s) => s.certificates),
);
directoryContract(
  'embedded',
  embedded((s) => s.directory),
);
conversationRepositoryContract(
  'embedded',
  embedded((s) => s.conversations),
);
auditLogContract(
  'embedded',
  embedded((s) => s.audit),
);
auditCheckpointsContract(
  'embedded',
  embedded((s) => s.auditCheckpoints),
);
fileStoreContract(
  'embedded',
  embedded((s) => s.files),
);
storageContract(
  'embedded',
  embedded((s) => s.storage),
);
botStateRetentionContract('embedded', async (clock) => tempStore(clock).then((t) => ({ subject: t.store.storage, close: t.close })));
activityLogContract('embedded', (clock) => embedded((s) => new SqliteActivityLog({ db: s.db, clock }))());
transcriptsContract(
  'embedded',
  embedded((s) => new SqliteTranscripts({ db: s.db })),
);
handoffRepositoryContract(
  'embedded',
  embedded((s) => new SqliteHandoffRepository({ db: s.db })),
);
agentCredentialsContract(
  'embedded',
  embedded((s) => new SqliteAgentCredentials({ db: s.db })),
);
rateLimitsContract(
  'embedded',
  embedded((s) => new SqliteRateLimits({ db: s.db })),
);
agentSessionsContract(
  'embedded',
  embedded((s) => new SqliteAgentSessions({ db: s.db })),
);
savedRepliesContract(
  'embedded',
  embedded((s) => new SqliteSavedReplies({ db: s.db })),
);
keyFingerprintsContract(
  'embedded',
  embedded((s) => s.keyFingerprints),
);

const newCase = (over: Partial<NewCase> = {}): NewCase => ({
  kind: 'UC',
  status: 'SUBMITTED',
  applicantId: 'p1',
  data: { n: 1 },
  timeline: [],
  createdAt: '2026-05-01T00:00:00.000Z',
  ...over,
});

describe('embedded store (beyond the contracts)', () => {
  let t: Awaited<ReturnType<typeof tempStore>>;
  afterEach(async () => {
    await t?.close();
  });

  it('opens with WAL, a 5 s busy timeout and foreign keys, and leaves tables it does not own alone', async () => {
    t = await tempStore();
    const { db } = t.store;
    expect(db.pragma('journal_mode', { simple: true })).to.equal('wal');
    expect(db.pragma('busy_timeout', { simple: true })).to.equal(5000);
    expect(db.pragma('foreign_keys', { simple: true })).to.equal(1);
    db.exec('CREATE TABLE jobs (id TEXT PRIMARY KEY)');
    db.prepare('INSERT INTO jobs (id) VALUES (?)').run('job-1');
    await t.store.cases.create(newCase());
    const again = openEmbeddedDb(join(t.dir, 'store.db'));
    try {
      expect(again.prepare('SELECT id FROM jobs').all()).to.deep.equal([{ id: 'job-1' }]);
      expect(again.prepare('SELECT id FROM cases').all()).to.deep.equal([{ id: 'UC-2026-000001' }]);
    } finally {
      again.close();
    }
  });

  it('takes createdAt and updatedAt from the injected clock', async () => {
    let now = new Date('2031-02-03T04:05:06.000Z');
    t = await tempStore({ now: () => now });
    const { createdAt: _omit, ...rest } = newCase();
    const c = await t.store.cases.create(rest);
    expect(c).to.deep.include({ id: 'UC-2031-000001', createdAt: '2031-02-03T04:05:06.000Z', updatedAt: '2031-02-03T04:05:06.000Z' });
    now = new Date('2031-02-04T00:00:00.000Z');
    const u = await t.store.cases.update({ ...c, status: 'APPROVED' });
    expect(u).to.deep.include({ createdAt: '2031-02-03T04:05:06.000Z', updatedAt: '2031-02-04T00:00:00.000Z' });
    const f = await t.store.files.put({ ownerId: 'p1', name: 'a.txt', contentType: 'text/plain', bytes: Buffer.from('a') });
    expect(f.createdAt).to.equal('2031-02-04T00:00:00.000Z');
  });

  it('a tampered audit row makes verifyAuditChain report its seq', async () => {
    t = await tempStore();
    for (const action of ['submitted', 'approved', 'issued']) {
      await t.store.audit.append({ caseId: 'UC-2026-000001', at: '2026-05-01T00:00:00.000Z', actorId: 'p-ap', action, data: { action } });
    }
    expect(verifyAuditChain(await t.store.audit.list('UC-2026-000001'))).to.deep.equal({ ok: true });
    t.store.db.prepare('UPDATE audit_log SET data = \'{"action":"rejected"}\' WHERE case_id = ? AND seq = 2').run('UC-2026-000001');
    expect(verifyAuditChain(await t.store.audit.list('UC-2026-000001'))).to.deep.equal({ ok: false, brokenAt: 2 });
  });

  it('refuses a second audit row with the same (case, seq) at the database level', async () => {
    t = await tempStore();
    await t.store.audit.append({ caseId: 'UC-2026-000001', at: '2026-05-01T00:00:00.000Z', actorId: 'p', action: 'a' });
    const insert = () =>
      t.store.db.prepare("INSERT INTO audit_log SELECT case_id, seq, at, actor_id, 'x', data, prev_hash, hash FROM audit_log").run();
    expect(insert).to.throw(/UNIQUE/);
  });

  it('keeps cases, their numbering, storage items and the audit chain across close and reopen', async () => {
    t = await tempStore();
    const first = await t.store.cases.create(newCase());
    await t.store.cases.create(newCase());
    await t.store.storage.write({ 'webchat/conversations/c1': { dialogState: { step: 3 } } });
    const { eTag } = (await t.store.storage.read(['webchat/conversations/c1']))['webchat/conversations/c1'];
    await t.store.audit.append({ caseId: first.id, at: '2026-05-01T00:00:00.000Z', actorId: 'p1', action: 'submitted' });
    await t.store.close();

    const s = t.reopen();
    expect(await s.cases.get(first.id)).to.deep.equal(first);
    expect((await s.cases.create(newCase())).id).to.equal('UC-2026-000003');
    const item = (await s.storage.read(['webchat/conversations/c1']))['webchat/conversations/c1'];
    expect(item).to.deep.equal({ dialogState: { step: 3 }, eTag });
    await s.storage.write({ 'webchat/conversations/c1': { ...item, dialogState: { step: 4 } } });
    const next = await s.audit.append({ caseId: first.id, at: '2026-05-02T00:00:00.000Z', actorId: 'p1', action: 'approved' });
    expect(next.seq).to.equal(2);
    expect(verifyAuditChain(await s.audit.list(first.id))).to.deep.equal({ ok: true });
  });

  it('two connections to one file share the numbering and the eTags', async () => {
    t = await tempStore();
    const other = t.reopen();
    const created = [];
    for (let i = 0; i < 10; i++) created.push(await (i % 2 ? other : t.store).cases.create(newCase()));
    expect(created.map((c) => c.id)).to.deep.equal(Array.from({ length: 10 }, (_, i) => `UC-2026-${String(i + 1).padStart(6, '0')}`));
    const stale = await t.store.cases.get(created[0].id);
    await other.cases.update({ ...stale!, status: 'APPROVED' });
    expect((await rejection(t.store.cases.update({ ...stale!, status: 'REJECTED' }))).code).to.equal('CASE_STALE');
    await t.store.storage.write({ k: { v: 1 } });
    const held = (await other.storage.read(['k'])).k;
    await t.store.storage.write({ k: { ...held, v: 2 } });
    expect((await rejection(other.storage.write({ k: { ...held, v: 3 } }))).code).to.equal('ETAG_CONFLICT');
  });

  it('two connections to one file share Direct Line watermarks (two bot instances on one DATA_DIR)', async () => {
    t = await tempStore();
    const [a, b] = [new SqliteActivityLog({ db: t.store.db }), new SqliteActivityLog({ db: t.reopen().db })];
    await a.createConversation({ conversationId: 'c1', userId: 'u1', createdAt: '2026-05-01T00:00:00.000Z' });
    expect(await b.createConversation({ conversationId: 'c1', userId: 'u2', createdAt: '2026-05-01T00:00:00.000Z' })).to.equal(false);
    const marks = await Promise.all(Array.from({ length: 20 }, (_, i) => (i % 2 ? a : b).append('c1', { i })));
    expect(marks.map((m) => m?.watermark).sort((x, y) => x! - y!)).to.deep.equal(Array.from({ length: 20 }, (_, i) => i + 1));
    expect((await a.listAfter('c1', 0, 100)).map((e) => e.watermark)).to.deep.equal(
      (await b.listAfter('c1', 0, 100)).map((e) => e.watermark),
    );
  });

  it('4 threads with their own connections get unique gap-free numbers, one audit chain, one person per identity', async () => {
    t = await tempStore();
    const shared = await t.store.cases.create(newCase({ kind: 'AD' }));
    // Workers do not inherit the TypeScript loader: a small eval'd bootstrap loads the worker
    // file through tsx.
    const script = new URL('./embedded-writer.worker.ts', import.meta.url).href;
    const bootstrap = `import('tsx/esm/api').then(({ tsImport }) => tsImport(${JSON.stringify(script)}, ${JSON.stringify(import.meta.url)}))`;
    const workerData = {
      file: join(t.dir, 'store.db'),
      filesDir: join(t.dir, 'files'),
      count: 100,
      sharedCaseId: shared.id,
      identities: 10,
    };
    const workers = Array.from({ length: 4 }, () => new Worker(bootstrap, { eval: true, workerData }));
    const next = (w: Worker) =>
      new Promise<{ ready?: true; ids?: string[]; people?: Record<string, string>; updates?: number; error?: string }>(
        (resolve, reject) => {
          w.once('message', resolve);
          w.once('error', reject);
        },
      );
    try {
      await Promise.all(workers.map(next));
      const results = workers.map(next);
      for (const w of workers) w.postMessage('go');
      const outcomes = await Promise.all(results);
      expect(outcomes.map((o) => o.error).filter(Boolean)).to.deep.equal([]);
      const ids = outcomes.flatMap((o) => o.ids ?? []).sort();
      expect(ids).to.deep.equal(Array.from({ length: 400 }, (_, i) => `SC-2026-${String(i + 1).padStart(6, '0')}`));
      const chain = await t.store.audit.list('SC-2026-SHARED');
      expect(chain.map((e) => e.seq)).to.deep.equal(Array.from({ length: 400 }, (_, i) => i + 1));
      expect(verifyAuditChain(chain)).to.deep.equal({ ok: true });
      // Every thread resolved each shared identity to the same one person.
      for (let i = 0; i < 10; i++) expect(new Set(outcomes.map((o) => o.people?.[`shared-${i}`])).size, `shared-${i}`).to.equal(1);
      // Each audited update that won is one version and one audit entry; the losers left neither.
      const updates = outcomes.reduce((n, o) => n + (o.updates ?? 0), 0);
      expect((await t.store.cases.get(shared.id))?.version).to.equal(1 + updates);
      expect(await t.store.audit.list(shared.id)).to.have.length(updates);
    } finally {
      await Promise.all(workers.map((w) => w.terminate()));
    }
  });

  it('a storage write with one conflicting key writes none of the keys', async () => {
    t = await tempStore();
    await t.store.storage.write({ a: { v: 1 }, b: { v: 1 } });
    const before = await t.store.storage.read(['a', 'b']);
    await t.store.storage.write({ b: { ...before.b, v: 2 } });
    const err = await rejection(t.store.storage.write({ a: { ...before.a, v: 9 }, b: { ...before.b, v: 9 }, c: { v: 9 } }));
    expect(err.code).to.equal('ETAG_CONFLICT');
    const after = await t.store.storage.read(['a', 'b', 'c']);
    expect(after.a).to.deep.equal(before.a);
    expect(after.b.v).to.equal(2);
    expect(after.c).to.equal(undefined);
  });

  it('keeps file bytes under filesDir, named by id, with no temp files left; delete removes them', async () => {
    t = await tempStore();
    const bytes = Buffer.from('%PDF-1.7 demo');
    const meta = await t.store.files.put({ ownerId: 'p1', name: '../../evil.pdf', contentType: 'application/pdf', bytes });
    expect(await readdir(join(t.dir, 'files'))).to.deep.equal([meta.id]);
    expect(Buffer.compare(await readFile(join(t.dir, 'files', meta.id)), bytes)).to.equal(0);
    await t.store.files.delete(meta.id);
    expect(await readdir(join(t.dir, 'files'))).to.deep.equal([]);
  });
});

describe('directory seed (embedded)', () => {
  const demoFile = fileURLToPath(new URL('../../infra/seed/demo-directory.json', import.meta.url));
  let t: Awaited<ReturnType<typeof tempStore>>;
  let demo: unknown;
  beforeEach(async () => {
    t = await tempStore();
    demo = JSON.parse(await readFile(demoFile, 'utf8')) as unknown;
  });
  afterEach(async () => {
    await t.close();
  });

  const snapshot = (db: EmbeddedStore['db']) => ({
    people: db.prepare('SELECT * FROM people ORDER BY id').all(),
    identities: db.prepare('SELECT * FROM identities ORDER BY channel_id, user_id').all(),
    agencies: db.prepare('SELECT * FROM agencies ORDER BY id').all(),
  });

  it('loads the demo directory: 2 agencies, 6 people, found by their * identity', async () => {
    const { directory } = t.store;
    expect(await loadDirectorySeed(directory, demo)).to.deep.equal({ agencies: 2, people: 6 });
    expect((await directory.listAgencies()).map((a) => [a.id, a.lead === true])).to.deep.equal([
      ['KKM', false],
      ['MAMPU', true],
    ]);
    const ap = await directory.findByIdentity({ channelId: 'webchat', userId: 'demo-ap' });
    expect(ap).to.deep.equal({
      id: 'demo-ap',
      name: 'Rahman bin Ali',
      email: 'rahman.ali@moh.gov.my',
      agencyId: 'KKM',
      // No locale: the demo people have not chosen a language (the page's, else Malay, applies).
      roles: ['USER', 'AP'],
      identities: [{ channelId: '*', userId: 'demo-ap' }],
    });
    expect((await directory.listByRole('USER')).map((p) => p.id)).to.deep.equal([
      'demo-agent',
      'demo-ap',
      'demo-applicant',
      'demo-lead',
      'demo-tech',
      'demo-verifier',
    ]);
    expect((await directory.listByRole('VERIFYING_OFFICER', 'KKM')).map((p) => p.name)).to.deep.equal(['Siti Nurhaliza binti Omar']);
    expect((await directory.listByRole('LEAD_AGENCY', 'MAMPU')).map((p) => p.id)).to.deep.equal(['demo-lead']);
    expect((await directory.findByEmail('NURUL.HUDA@MAMPU.GOV.MY'))?.id).to.equal('demo-agent');
  });

  it('loading twice changes nothing, and keeps identities and locales learned since', async () => {
    const { directory, db } = t.store;
    await loadDirectorySeed(directory, demo);
    const once = snapshot(db);
    expect(await loadDirectorySeed(directory, demo)).to.deep.equal({ agencies: 2, people: 6 });
    expect(snapshot(db)).to.deep.equal(once);
    await directory.linkIdentity('demo-ap', { channelId: 'msteams', userId: 'aad-42' });
    await directory.upsertPerson({ ...(await directory.getPerson('demo-ap'))!, locale: 'en' });
    await loadDirectorySeed(directory, demo);
    const ap = await directory.getPerson('demo-ap');
    expect(ap?.identities).to.deep.equal([
      { channelId: '*', userId: 'demo-ap' },
      { channelId: 'msteams', userId: 'aad-42' },
    ]);
    expect(ap?.locale).to.equal('en');
  });

  it('refuses an unknown role, naming the path, and writes nothing', async () => {
    const bad = structuredClone(demo) as { people: { roles: string[] }[] };
    bad.people[2].roles.push('SUPERUSER');
    const err = await rejection(loadDirectorySeed(t.store.directory, bad));
    expect(err.message).to.contain('people[2].roles[2]');
    expect(await t.store.directory.listAgencies()).to.deep.equal([]);
    expect(await t.store.directory.getPerson('demo-applicant')).to.equal(undefined);
  });

  it('refuses unknown keys, duplicate ids and unknown agencies, naming the path', async () => {
    const seed = (people: unknown[]) => ({ agencies: [{ id: 'KKM', name: 'Kementerian Kesihatan Malaysia' }], people });
    const p = (id: string, over: Record<string, unknown> = {}) => ({ id, name: id, roles: ['USER'], identities: [], ...over });
    const messageOf = async (json: unknown) => (await rejection(loadDirectorySeed(t.store.directory, json))).message;
    expect(await messageOf(seed([p('a', { role: 'AP' })])))
      .to.contain('people[0]')
      .and.contain('role');
    expect(await messageOf(seed([p('a'), p('a')]))).to.contain('people[1]');
    expect(await messageOf(seed([p('a', { agencyId: 'JPN' })]))).to.contain('people[0].agencyId');
    expect(await messageOf(seed([p('a', { email: 'not-an-email' })]))).to.contain('people[0].email');
    expect(await messageOf({ agencies: [] })).to.contain('people');
    expect(await t.store.directory.listAgencies()).to.deep.equal([]);
  });
});
