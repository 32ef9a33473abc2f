import { expect } from 'chai';
import { cast, closeCasting, hydrate, validationErrorPaths } from '../support/mongo-cast.js';
import type { Schema } from 'mongoose';
import type { LoggedActivity } from '../../domain/ports/activity-log.js';
import type { AgentSession } from '../../domain/ports/agent-sessions.js';
import type { AuditCheckpoint } from '../../domain/ports/audit-checkpoints.js';
import type { ChainHead } from '../../domain/ports/audit-log.js';
import type { SavedReply, SavedReplyChange } from '../../domain/ports/saved-replies.js';
import {
  dlActivityFromDoc,
  dlActivitySchema,
  dlActivityToDoc,
  dlConversationFromDoc,
  dlConversationSchema,
  dlConversationToDoc,
} from '../../infra/store/mongo/activity-log.js';
import {
  checkpointFromDoc,
  checkpointSchema,
  checkpointToDoc,
  headSchema,
  keySchema,
  publishedFromDoc,
  signingKeyToDoc,
} from '../../infra/store/mongo/audit-checkpoints.js';
import { auditToDoc, HEADS_PIPELINE, headsFromRows } from '../../infra/store/mongo/audit-log.js';
import { sessionFromDoc, sessionSchema, sessionToDoc, windowFromDoc, windowSchema } from '../../infra/store/mongo/rate-limits.js';
import { replyChangeToSet, replyFromDoc, replySchema, replyToDoc } from '../../infra/store/mongo/saved-replies.js';

after(closeCasting);

// Schemas of every document type are cast alike.
type AnySchema = Schema<any>;

function without<T extends object>(o: T, key: string): Partial<T> {
  const copy = { ...o } as Record<string, unknown>;
  delete copy[key];
  return copy as Partial<T>;
}

/** Every top-level key of `doc`, missing in turn, is refused naming that path. */
async function expectEachRequired(schema: AnySchema, doc: object, keys: string[]): Promise<void> {
  for (const key of keys) {
    expect(await validationErrorPaths(schema, without(doc, key)), `without ${key}`).to.include(key);
  }
}

// ---------------------------------------------------------------- saved replies

const replyMs: SavedReply = {
  id: 'r-0001',
  locale: 'ms',
  title: 'Token tidak dikesan',
  text: 'Langkah 1: cabut token.\nLangkah 2: pasang semula.\n\n— Meja Bantuan MyGPKI ✓',
  createdBy: 'agent-1',
  createdAt: '2026-05-01T01:00:00.000Z',
  updatedBy: 'agent-2',
  updatedAt: '2026-05-02T03:30:00.000Z',
};
const replyEn: SavedReply = {
  ...replyMs,
  id: 'r-0002',
  locale: 'en',
  title: 'Token not detected',
  text: 'Unplug the token, then plug it in.',
};
const change: SavedReplyChange = {
  locale: 'en',
  title: 'Reset PIN',
  text: 'Step 1\nStep 2',
  updatedBy: 'agent-3',
  updatedAt: '2026-06-01T00:00:00.000Z',
};

describe('mongo saved replies: mapping and schema (no server)', () => {
  it('a reply in either locale round-trips through what mongoose inserts, unchanged', async () => {
    for (const r of [replyMs, replyEn]) {
      const doc = replyToDoc(r);
      expect(doc._id).to.equal(r.id);
      const bson = await cast(replySchema, doc);
      expect(bson).to.deep.equal(doc);
      expect(replyFromDoc(bson as never)).to.deep.equal(r);
      expect(replyToDoc(replyFromDoc(doc))).to.deep.equal(doc);
    }
  });

  it('every field is required, each missing one refused by its path', async () => {
    const doc = replyToDoc(replyMs);
    await expectEachRequired(replySchema, doc, ['_id', 'locale', 'title', 'text', 'createdBy', 'createdAt', 'updatedBy', 'updatedAt']);
  });

  it('a number title is cast to text; an object or array is refused; unknown fields are not stored', async () => {
    const doc = replyToDoc(replyMs);
    expect((await cast(replySchema, { ...doc, title: 42 })).title).to.equal('42');
    expect(await validationErrorPaths(replySchema, { ...doc, text: { a: 1 } })).to.deep.equal(['text']);
    expect(await validationErrorPaths(replySchema, { ...doc, locale: ['ms'] })).to.deep.equal(['locale']);
    expect(await cast(replySchema, { ...doc, id: 'r-x', extra: true })).to.deep.equal(doc);
  });

  it('an update sets locale, title, text and the update stamps, and keeps the id and who created it', async () => {
    const set = replyChangeToSet(change);
    expect(set).to.deep.equal(change);
    // Only the change's own fields reach $set, whatever else the object carries.
    const smuggled = { ...change, id: 'other', createdBy: 'intruder', createdAt: '1970-01-01T00:00:00.000Z' } as SavedReplyChange;
    expect(replyChangeToSet(smuggled)).to.have.all.keys('locale', 'title', 'text', 'updatedBy', 'updatedAt');
    // What the stored document becomes once the $set is applied.
    const stored = await hydrate(replySchema, replyToDoc(replyMs));
    stored.set(set);
    await stored.validate();
    expect(replyFromDoc(stored.toBSON() as never)).to.deep.equal({ ...replyMs, ...change });
  });
});

// ---------------------------------------------------------------- audit checkpoints

const hex = (c: string) => c.repeat(64);
const checkpoint: AuditCheckpoint = {
  time: '2026-05-01T00:00:00.000Z',
  treeSize: 3,
  root: hex('a'),
  keyId: hex('b'),
  signature: 'MEUCIQD0Zm9vYmFy+/=',
  heads: [
    { caseId: 'AD-2026-000001', seq: 1, hash: hex('c') },
    { caseId: 'UC-2026-000002', seq: 12, hash: hex('d') },
    { caseId: 'UC-2026-000010', seq: 3, hash: hex('e') },
  ],
};

describe('mongo audit checkpoints: mapping and schema (no server)', () => {
  it('a checkpoint round-trips through what mongoose inserts: no _id on heads, nothing added', async () => {
    const doc = checkpointToDoc(checkpoint);
    expect(doc._id).to.equal(checkpoint.time);
    const bson = await cast(checkpointSchema, doc);
    expect(bson).to.deep.equal(doc);
    expect(checkpointFromDoc(bson as never)).to.deep.equal(checkpoint);
    expect(checkpointToDoc(checkpointFromDoc(doc))).to.deep.equal(doc);
  });

  it('a checkpoint without heads (an empty audit trail) keeps heads: []', async () => {
    const empty: AuditCheckpoint = { ...checkpoint, treeSize: 0, heads: [] };
    const bson = await cast(checkpointSchema, checkpointToDoc(empty));
    expect(bson.heads).to.deep.equal([]);
    expect(checkpointFromDoc(bson as never)).to.deep.equal(empty);
  });

  it('many heads keep the order they were given (the store does not sort them)', async () => {
    const heads: ChainHead[] = [];
    for (let i = 0; i < 600; i++) {
      // A scrambled order, so any sorting on the way shows.
      const n = (i * 7919) % 600;
      heads.push({ caseId: `UC-2026-${String(n).padStart(6, '0')}`, seq: (n % 5) + 1, hash: n.toString(16).padStart(64, '0') });
    }
    const many: AuditCheckpoint = { ...checkpoint, treeSize: heads.length, heads };
    const back = checkpointFromDoc(await cast(checkpointSchema, checkpointToDoc(many)));
    expect(back.heads.map((h) => h.caseId)).to.deep.equal(heads.map((h) => h.caseId));
    expect(back).to.deep.equal(many);
  });

  it('the published form has every field but the heads, from a full document or one read without them', () => {
    const { heads: _leaves, ...publishedCp } = checkpoint;
    const doc = checkpointToDoc(checkpoint);
    expect(publishedFromDoc(doc)).to.deep.equal(publishedCp);
    expect(publishedFromDoc(doc)).to.not.have.property('heads');
    const { heads: _projectedAway, ...headless } = doc;
    expect(publishedFromDoc(headless)).to.deep.equal(publishedCp);
  });

  it('each required field missing is refused by its path, in the checkpoint and in a head', async () => {
    const doc = checkpointToDoc(checkpoint);
    await expectEachRequired(checkpointSchema, doc, ['_id', 'treeSize', 'root', 'keyId', 'signature']);
    for (const key of ['caseId', 'seq', 'hash'] as const) {
      const heads = doc.heads.map((h, i) => (i === 1 ? without(h, key) : h));
      expect(await validationErrorPaths(checkpointSchema, { ...doc, heads }), `head without ${key}`).to.deep.equal([`heads.1.${key}`]);
    }
    expect(await validationErrorPaths(headSchema, { caseId: 'c', seq: 1 })).to.deep.equal(['hash']);
  });

  it('wrong types: numeric text is cast to a number, anything else refused; a negative tree size is refused', async () => {
    const doc = checkpointToDoc(checkpoint);
    expect((await cast(checkpointSchema, { ...doc, treeSize: '3' })).treeSize).to.equal(3);
    expect(await validationErrorPaths(checkpointSchema, { ...doc, treeSize: -1 })).to.deep.equal(['treeSize']);
    expect(await validationErrorPaths(checkpointSchema, { ...doc, treeSize: 'three' })).to.deep.equal(['treeSize']);
    const badSeq = doc.heads.map((h, i) => (i === 0 ? { ...h, seq: 'first' } : h));
    expect(await validationErrorPaths(checkpointSchema, { ...doc, heads: badSeq })).to.include('heads.0.seq');
    expect(await validationErrorPaths(checkpointSchema, { ...doc, heads: { caseId: 'c' } })).to.not.be.empty;
  });

  it('the signing key is one document, _id "signing", its blob kept as given', async () => {
    const blob = 'v1:' + 'Zm9v'.repeat(100);
    const doc = signingKeyToDoc(blob);
    expect(doc).to.deep.equal({ _id: 'signing', blob });
    expect(await cast(keySchema, doc)).to.deep.equal(doc);
    expect(await validationErrorPaths(keySchema, { _id: 'signing' })).to.deep.equal(['blob']);
  });
});

// ---------------------------------------------------------------- audit log heads

/**
 * Runs the few aggregation stages `heads()` uses, as MongoDB defines them, over `docs`;
 * anything else throws, so a changed pipeline is noticed here rather than silently mis-read.
 */
function runPipeline(docs: Record<string, unknown>[], pipeline: readonly object[]): Record<string, unknown>[] {
  const field = (ref: unknown) => {
    if (typeof ref !== 'string' || !ref.startsWith('$')) throw new Error(`unsupported expression ${JSON.stringify(ref)}`);
    return ref.slice(1);
  };
  let rows = docs.map((d) => ({ ...d }));
  for (const stage of pipeline) {
    const [[op, spec]] = Object.entries(stage) as [[string, Record<string, unknown>]];
    if (op === '$sort') {
      const keys = Object.entries(spec) as [string, 1 | -1][];
      rows = [...rows].sort((a, b) => {
        for (const [k, dir] of keys) {
          const [x, y] = [a[k] as string | number, b[k] as string | number];
          if (x !== y) return (x < y ? -1 : 1) * dir;
        }
        return 0;
      });
    } else if (op === '$group') {
      const groups = new Map<unknown, Record<string, unknown>[]>();
      for (const r of rows) {
        const id = r[field(spec._id)];
        groups.set(id, [...(groups.get(id) ?? []), r]);
      }
      rows = [...groups].map(([id, members]) => {
        const out: Record<string, unknown> = { _id: id };
        for (const [name, acc] of Object.entries(spec)) {
          if (name === '_id') continue;
          const [[accOp, ref]] = Object.entries(acc as object) as [[string, unknown]];
          const values = members.map((m) => m[field(ref)]);
          if (accOp === '$last') out[name] = values[values.length - 1];
          else if (accOp === '$first') out[name] = values[0];
          else throw new Error(`unsupported accumulator ${accOp}`);
        }
        return out;
      });
    } else if (op === '$project') {
      rows = rows.map((r) => {
        const out: Record<string, unknown> = {};
        if (spec._id !== 0) out._id = r._id;
        for (const [name, v] of Object.entries(spec)) {
          if (name === '_id') continue;
          if (v === 1) out[name] = r[name];
          else out[name] = r[field(v)];
        }
        return out;
      });
    } else {
      throw new Error(`unsupported stage ${op}`);
    }
  }
  return rows;
}

describe('mongo audit log: chain heads (no server)', () => {
  const link = (caseId: string, seq: number) =>
    auditToDoc({
      caseId,
      seq,
      at: '2026-05-01T00:00:00.000Z',
      actorId: 'p1',
      action: 'noted',
      prevHash: hex(String((seq - 1) % 10)),
      hash: `${caseId}#${seq}`,
    }) as unknown as Record<string, unknown>;

  it('the aggregation gives one row per case with its highest seq and that entry’s hash, whatever the insertion order', () => {
    const docs = [link('UC-2', 2), link('UC-1', 3), link('UC-2', 1), link('UC-1', 1), link('AD-9', 1), link('UC-1', 2), link('UC-2', 10)];
    const rows = runPipeline(docs, HEADS_PIPELINE);
    expect(rows).to.have.length(3);
    for (const r of rows) expect(r).to.have.all.keys('caseId', 'seq', 'hash');
    expect(headsFromRows(rows as unknown as ChainHead[])).to.deep.equal([
      { caseId: 'AD-9', seq: 1, hash: 'AD-9#1' },
      { caseId: 'UC-1', seq: 3, hash: 'UC-1#3' },
      { caseId: 'UC-2', seq: 10, hash: 'UC-2#10' },
    ]);
  });

  it('heads are sorted by character code, not by locale or number, whatever order the server returned', () => {
    const ids = ['b', 'UC-2026-000010', 'a', 'Z', 'UC-2026-00009', 'é', '\u{1F600}', '\uFFFD', 'A-1', 'A'];
    const rows = ids.map((caseId, i) => ({ caseId, seq: i + 1, hash: hex(String(i % 10)) }));
    const heads = headsFromRows(rows);
    expect(heads.map((h) => h.caseId)).to.deep.equal([
      'A',
      'A-1',
      'UC-2026-000010',
      'UC-2026-00009',
      'Z',
      'a',
      'b',
      'é',
      '\u{1F600}',
      '\uFFFD',
    ]);
    // Each head keeps its own seq and hash through the sort.
    for (const h of heads) expect(h).to.deep.equal(rows.find((r) => r.caseId === h.caseId));
    expect(headsFromRows([...rows].reverse())).to.deep.equal(heads);
  });

  it('a head carries only caseId, seq and hash, and fits a checkpoint as is', async () => {
    const heads = headsFromRows([{ caseId: 'UC-1', seq: 4, hash: hex('f'), _id: 'UC-1', extra: 1 } as ChainHead]);
    expect(heads).to.deep.equal([{ caseId: 'UC-1', seq: 4, hash: hex('f') }]);
    const cp: AuditCheckpoint = { ...checkpoint, treeSize: 1, heads };
    expect(checkpointFromDoc(await cast(checkpointSchema, checkpointToDoc(cp)))).to.deep.equal(cp);
  });
});

// ---------------------------------------------------------------- Direct Line activity log

describe('mongo activity log: mapping and schema (no server)', () => {
  const conv = { conversationId: 'dl-c1', userId: 'dl_u-1', createdAt: '2026-05-01T00:00:00.000Z' };

  it('a new conversation is stored without lastActiveAt or deliveredWatermark, and reads back delivered 0', async () => {
    const doc = dlConversationToDoc(conv);
    expect(doc).to.deep.equal({ _id: 'dl-c1', userId: 'dl_u-1', createdAt: conv.createdAt });
    // No default is added: pruning goes by createdAt while lastActiveAt is absent, and $max starts from nothing.
    const bson = await cast(dlConversationSchema, doc);
    expect(bson).to.deep.equal(doc);
    expect(dlConversationFromDoc(bson as never)).to.deep.equal({ ...conv, deliveredWatermark: 0 });
  });

  it('a delivered watermark reads back as stored; lastActiveAt stays behind', async () => {
    const stored = { ...dlConversationToDoc(conv), lastActiveAt: '2026-05-02T00:00:00.000Z', deliveredWatermark: 7 };
    const bson = await cast(dlConversationSchema, stored);
    expect(bson).to.deep.equal(stored);
    expect(dlConversationFromDoc(bson as never)).to.deep.equal({ ...conv, deliveredWatermark: 7 });
  });

  it('conversation fields are required by path; a negative delivered watermark is refused', async () => {
    await expectEachRequired(dlConversationSchema, dlConversationToDoc(conv), ['_id', 'userId', 'createdAt']);
    expect(await validationErrorPaths(dlConversationSchema, { ...dlConversationToDoc(conv), deliveredWatermark: -1 })).to.deep.equal([
      'deliveredWatermark',
    ]);
  });

  it('an activity comes back exactly as appended, card keys like $schema and dotted names included', async () => {
    const activity = {
      type: 'message',
      text: 'Salam — ✓ 😀',
      attachments: [
        {
          contentType: 'application/vnd.microsoft.card.adaptive',
          content: { $schema: 'http://adaptivecards.io/schemas/adaptive-card.json', $data: { 'a.b': 1 }, body: [], version: '1.5' },
        },
      ],
      channelData: { n: 1.5, none: null, empty: {}, list: [1, 'two', { three: 3 }] },
    };
    const logged: LoggedActivity = { conversationId: 'dl-c1', watermark: 42, activity };
    const doc = dlActivityToDoc(logged);
    expect(doc).to.deep.equal({ conversationId: 'dl-c1', watermark: 42, json: JSON.stringify(activity) });
    const bson = await cast(dlActivitySchema, doc);
    delete bson._id;
    expect(bson).to.deep.equal(doc);
    expect(dlActivityFromDoc(bson as never)).to.deep.equal(logged);
  });

  it('activity fields are required by path; watermarks start at 1; numeric text is cast to a watermark', async () => {
    const doc = dlActivityToDoc({ conversationId: 'dl-c1', watermark: 1, activity: { type: 'typing' } });
    await expectEachRequired(dlActivitySchema, doc, ['conversationId', 'watermark', 'json']);
    expect(await validationErrorPaths(dlActivitySchema, { ...doc, watermark: 0 })).to.deep.equal(['watermark']);
    expect((await cast(dlActivitySchema, { ...doc, watermark: '5' })).watermark).to.equal(5);
  });
});

// ---------------------------------------------------------------- agent sessions and rate limits

describe('mongo agent sessions and rate-limit windows: mapping and schema (no server)', () => {
  const session: AgentSession = {
    id: 'sha256-' + hex('9'),
    agentId: 'agent-1',
    createdAt: '2026-05-01T08:00:00+08:00',
    expiresAt: '2026-05-01T20:00:00+08:00',
  };

  it('a session round-trips; expiresMs is the instant of expiresAt, which stays as written', async () => {
    const doc = sessionToDoc(session);
    expect(doc).to.deep.include({ _id: session.id, expiresAt: '2026-05-01T20:00:00+08:00' });
    expect(doc.expiresMs).to.equal(Date.parse('2026-05-01T12:00:00.000Z'));
    const bson = await cast(sessionSchema, doc);
    expect(bson).to.deep.equal(doc);
    expect(sessionFromDoc(bson as never)).to.deep.equal(session);
    expect(sessionFromDoc(doc)).to.not.have.property('expiresMs');
  });

  it('session fields are required by path; an expiresAt that is no date is refused (no NaN expiry)', async () => {
    await expectEachRequired(sessionSchema, sessionToDoc(session), ['_id', 'agentId', 'createdAt', 'expiresAt', 'expiresMs']);
    expect(await validationErrorPaths(sessionSchema, sessionToDoc({ ...session, expiresAt: 'tomorrow' }))).to.deep.equal(['expiresMs']);
  });

  it('a window reads as its total and end; a negative total (amounts given back) is a valid record', async () => {
    const endsMs = Date.parse('2026-05-01T00:15:00.123Z');
    for (const total of [-2, 0, 5]) {
      const doc = { _id: 'login:agent-1', total, endsMs };
      expect(await cast(windowSchema, doc)).to.deep.equal(doc);
      const w = windowFromDoc(doc);
      expect(w).to.have.all.keys('total', 'endsAt');
      expect(w.total).to.equal(total);
      expect(w.endsAt).to.be.instanceOf(Date);
      expect(w.endsAt.toISOString()).to.equal('2026-05-01T00:15:00.123Z');
    }
    await expectEachRequired(windowSchema, { _id: 'upload:p1', total: 1, endsMs }, ['_id', 'total', 'endsMs']);
  });
});
