import { expect } from 'chai';
import type { Storage } from 'botbuilder';
import type { Factory, Fixture } from './harness.js';
import { rejection } from './rejection.js';

/**
 * The contract for botbuilder `Storage` (bot dialog state), with MemoryStorage's eTag rules: no
 * eTag or `*` writes unconditionally, a stale eTag fails with `code === 'ETAG_CONFLICT'`, every
 * write gets a new eTag.
 */
export function storageContract(adapterName: string, factory: Factory<Storage>): void {
  describe(`Storage contract (${adapterName})`, () => {
    let fx: Fixture<Storage>;
    let storage: Storage;
    beforeEach(async () => {
      fx = await factory();
      storage = fx.subject;
    });
    afterEach(async () => {
      await fx.close();
    });

    const state = { dialogStack: [{ id: 'applyUserCertificate', state: { stepIndex: 2, values: { mykad: '900101-14-5678' } } }], n: 1.5, ok: true, none: null };

    it('read of unknown keys returns no entry for them', async () => {
      expect(await storage.read(['msteams/conversations/none'])).to.deep.equal({});
      expect(await storage.read([])).to.deep.equal({});
    });

    it('write then read returns the item with a non-empty eTag', async () => {
      await storage.write({ 'k/1': state });
      const items = await storage.read(['k/1', 'k/missing']);
      expect(Object.keys(items)).to.deep.equal(['k/1']);
      const { eTag, ...rest } = items['k/1'];
      expect(eTag).to.be.a('string').and.not.equal('');
      expect(eTag).to.not.equal('*');
      expect(rest).to.deep.equal(state);
    });

    it('several keys are written and read in one call', async () => {
      await storage.write({ a: { v: 'a' }, b: { v: 'b' }, c: { v: 'c' } });
      const items = await storage.read(['a', 'c']);
      expect(Object.keys(items).sort()).to.deep.equal(['a', 'c']);
      expect(items.a.v).to.equal('a');
      expect(items.c.v).to.equal('c');
    });

    it('a write with the current eTag succeeds and stores a new eTag', async () => {
      await storage.write({ k: { v: 1 } });
      const first = (await storage.read(['k'])).k;
      await storage.write({ k: { ...first, v: 2 } });
      const second = (await storage.read(['k'])).k;
      expect(second.v).to.equal(2);
      expect(second.eTag).to.be.a('string').and.not.equal(first.eTag);
    });

    it('a write with a stale eTag throws ETAG_CONFLICT and does not overwrite', async () => {
      await storage.write({ k: { v: 1 } });
      const stale = (await storage.read(['k'])).k;
      await storage.write({ k: { ...stale, v: 2 } });
      const current = (await storage.read(['k'])).k;
      const err = await rejection(storage.write({ k: { ...stale, v: 3 } }));
      expect(err.code).to.equal('ETAG_CONFLICT');
      expect((await storage.read(['k'])).k).to.deep.equal(current);
    });

    it('eTag * and a missing eTag overwrite whatever is stored', async () => {
      await storage.write({ k: { v: 1 } });
      await storage.write({ k: { v: 2, eTag: '*' } });
      expect((await storage.read(['k'])).k.v).to.equal(2);
      await storage.write({ k: { v: 3 } });
      const got = (await storage.read(['k'])).k;
      expect(got.v).to.equal(3);
      expect(got.eTag).to.not.equal('*');
    });

    it('an item with an eTag for a key not stored yet is written (as MemoryStorage does)', async () => {
      await storage.write({ k: { v: 1, eTag: 'from-a-deleted-item' } });
      expect((await storage.read(['k'])).k.v).to.equal(1);
    });

    it('of two writers holding the same eTag, the second fails', async () => {
      await storage.write({ k: { v: 0 } });
      const held = (await storage.read(['k'])).k;
      const results = await Promise.allSettled([storage.write({ k: { ...held, v: 'a' } }), storage.write({ k: { ...held, v: 'b' } })]);
      expect(results.filter((r) => r.status === 'fulfilled')).to.have.length(1);
      const failed = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
      expect(failed.map((r) => (r.reason as { code?: string }).code)).to.deep.equal(['ETAG_CONFLICT']);
    });

    it('delete removes the given keys only; deleting unknown keys is a no-op', async () => {
      await storage.write({ a: { v: 'a' }, b: { v: 'b' }, c: { v: 'c' } });
      await storage.delete(['a', 'c', 'never-written']);
      const items = await storage.read(['a', 'b', 'c']);
      expect(Object.keys(items)).to.deep.equal(['b']);
      await storage.write({ a: { v: 'again' } });
      expect((await storage.read(['a'])).a.v).to.equal('again');
    });

    it('what read returns is a copy: changing it changes nothing stored', async () => {
      await storage.write({ k: { list: [1, 2] } });
      const got = (await storage.read(['k'])).k;
      got.list.push(3);
      expect((await storage.read(['k'])).k.list).to.deep.equal([1, 2]);
    });
  });
}
