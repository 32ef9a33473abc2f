import { createHash } from 'node:crypto';
import { expect } from 'chai';
import type { AuditCheckpoint, AuditCheckpoints } from '../../domain/ports/audit-checkpoints.js';
import type { Factory, Fixture } from './harness.js';

const hex = (s: string) => createHash('sha256').update(s).digest('hex');

function checkpoint(time: string, heads: [string, number][] = [['UC-2026-000001', 2]]): AuditCheckpoint {
  return {
    time,
    treeSize: heads.length,
    root: hex(`root ${time}`),
    keyId: hex('key'),
    signature: Buffer.from(`sig ${time}`).toString('base64'),
    heads: heads.map(([caseId, seq]) => ({ caseId, seq, hash: hex(`${caseId}/${seq}`) })),
  };
}
const publishedOf = ({ heads: _heads, ...rest }: AuditCheckpoint) => rest;

/** The AuditCheckpoints promises (domain/ports/audit-checkpoints.ts), for every adapter. */
export function auditCheckpointsContract(name: string, make: Factory<AuditCheckpoints>): void {
  describe(`AuditCheckpoints contract (${name})`, () => {
    let f: Fixture<AuditCheckpoints>;
    beforeEach(async () => {
      f = await make();
    });
    afterEach(async () => {
      await f.close();
    });

    it('knows nothing at first', async () => {
      expect(await f.subject.latest()).to.equal(undefined);
      expect(await f.subject.get('2026-05-01T00:00:00.000Z')).to.equal(undefined);
      expect(await f.subject.list(10)).to.deep.equal([]);
      expect(await f.subject.signingKey()).to.equal(undefined);
    });

    it('keeps checkpoints as given, heads in their order; latest is the one with the greatest time', async () => {
      const heads: [string, number][] = [
        ['AD-2026-000001', 1],
        ['SC-2026-000003', 7],
        ['UC-2026-000001', 2],
      ];
      const [a, b, c] = [
        checkpoint('2026-05-02T00:00:00.000Z', heads),
        checkpoint('2026-05-03T00:00:00.000Z'),
        checkpoint('2026-05-01T00:00:00.000Z', []),
      ];
      for (const cp of [a, b, c]) expect(await f.subject.add(cp)).to.equal(true);
      expect(await f.subject.latest()).to.deep.equal(b);
      expect(await f.subject.get(a.time)).to.deep.equal(a);
      expect(await f.subject.get(c.time)).to.deep.equal(c);
      expect(await f.subject.get('2026-05-02T00:00:00.001Z')).to.equal(undefined);
    });

    it('lists at most `limit`, newest first, without heads', async () => {
      const times = ['2026-05-01T00:00:00.000Z', '2026-05-03T00:00:00.000Z', '2026-05-02T00:00:00.000Z'];
      for (const t of times) await f.subject.add(checkpoint(t));
      expect(await f.subject.list(2)).to.deep.equal([publishedOf(checkpoint(times[1]!)), publishedOf(checkpoint(times[2]!))]);
      expect((await f.subject.list(10)).map((cp) => cp.time)).to.deep.equal([times[1], times[2], times[0]]);
      expect(await f.subject.list(0)).to.deep.equal([]);
    });

    it('refuses a second checkpoint with the same time and keeps the first', async () => {
      const first = checkpoint('2026-05-01T00:00:00.000Z');
      expect(await f.subject.add(first)).to.equal(true);
      expect(await f.subject.add({ ...first, root: hex('forged'), heads: [] })).to.equal(false);
      expect(await f.subject.get(first.time)).to.deep.equal(first);
      expect(await f.subject.list(10)).to.have.length(1);
    });

    it('what add and get return cannot change what is stored', async () => {
      const cp = checkpoint('2026-05-01T00:00:00.000Z');
      await f.subject.add(cp);
      cp.heads[0]!.hash = hex('changed');
      const got = (await f.subject.get(cp.time))!;
      got.heads.pop();
      expect((await f.subject.latest())!.heads).to.deep.equal(checkpoint(cp.time).heads);
    });

    it('keeps one signing key: the first put wins, concurrent puts all end on it', async () => {
      const results = await Promise.all(['k1', 'k2', 'k3', 'k4'].map((k) => f.subject.putSigningKeyIfAbsent(k)));
      const kept = (await f.subject.signingKey())!;
      expect(['k1', 'k2', 'k3', 'k4']).to.include(kept);
      expect(results.filter((r) => r.won)).to.have.length(1);
      expect(results.every((r) => r.blob === kept)).to.equal(true);
      expect(await f.subject.putSigningKeyIfAbsent('later')).to.deep.equal({ won: false, blob: kept });
    });
  });
}
