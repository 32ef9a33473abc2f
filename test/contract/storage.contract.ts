import { expect } from 'chai';
import type { Storage } from 'botbuilder';
import type { Clock } from '../../domain/ports/clock.js';
import type { BotStateRetention } from '../../domain/ports/conversation-repository.js';
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

    const state = {
      dialogStack: [{ id: 'applyUserCertificate', state: { stepIndex: 2, values: { mykad: '900101-14-5678' } } }],
      n: 1.5,
      ok: true,
      none: null,
    };

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

/** A clock the retention contract moves by hand. */
class HandClock implements Clock {
  constructor(public t: number) {}
  now(): Date {
    return new Date(this.t);
  }
}

const DAY = 86_400_000;

/**
 * The retention side of bot state (BotStateRetention): items go by their last write, so a
 * conversation whose state was written within the period keeps it.
 */
export function botStateRetentionContract(
  adapterName: string,
  factory: (clock: Clock) => Promise<Fixture<Storage & BotStateRetention>>,
): void {
  describe(`Bot state retention contract (${adapterName})`, () => {
    let fx: Fixture<Storage & BotStateRetention>;
    let storage: Storage & BotStateRetention;
    const clock = new HandClock(Date.parse('2026-01-01T00:00:00.000Z'));
    beforeEach(async () => {
      clock.t = Date.parse('2026-01-01T00:00:00.000Z');
      fx = await factory(clock);
      storage = fx.subject;
    });
    afterEach(async () => {
      await fx.close();
    });

    it('pruneIdleBefore deletes the items last written before the instant and keeps the rest', async () => {
      await storage.write({
        'webchat/bot/conversations/idle': { dialogStack: [] },
        'webchat/bot/users/u1': { v: 1 },
        'webchat/bot/conversations/busy': { step: 1 },
      });
      clock.t += 20 * DAY;
      // The busy conversation's dialog moved on day 20, with its eTag: its state is recent again.
      const busy = (await storage.read(['webchat/bot/conversations/busy']))['webchat/bot/conversations/busy'];
      await storage.write({ 'webchat/bot/conversations/busy': { ...busy, step: 2 } });
      await storage.write({ 'webchat/bot/conversations/new': { step: 1 } });
      clock.t += 1 * DAY;
      expect(await storage.pruneIdleBefore(new Date(clock.t - 10 * DAY))).to.equal(2);
      const left = await storage.read([
        'webchat/bot/conversations/idle',
        'webchat/bot/users/u1',
        'webchat/bot/conversations/busy',
        'webchat/bot/conversations/new',
      ]);
      expect(Object.keys(left).sort()).to.deep.equal(['webchat/bot/conversations/busy', 'webchat/bot/conversations/new']);
      expect(left['webchat/bot/conversations/busy'].step).to.equal(2);
      expect(await storage.pruneIdleBefore(new Date(clock.t - 10 * DAY)), 'a second prune finds nothing').to.equal(0);
    });

    it('an item only read within the period stays (a turn that changes nothing), and the read keeps its eTag', async () => {
      await storage.write({ quiet: { dialogStack: [{ id: 'menu' }] }, idle: { v: 1 } });
      const before = (await storage.read(['quiet'])).quiet;
      clock.t += 20 * DAY;
      expect((await storage.read(['quiet'])).quiet).to.deep.equal(before);
      clock.t += DAY;
      expect(await storage.pruneIdleBefore(new Date(clock.t - 10 * DAY))).to.equal(1);
      expect(Object.keys(await storage.read(['quiet', 'idle']))).to.deep.equal(['quiet']);
      // The eTag a turn read before the refresh is still the stored one: its write goes through.
      await storage.write({ quiet: { ...before, dialogStack: [] } });
      expect((await storage.read(['quiet'])).quiet.dialogStack).to.deep.equal([]);
    });

    it('an item written exactly at the instant stays; a pruned key can be written again', async () => {
      await storage.write({ edge: { v: 1 }, old: { v: 1 } });
      const held = (await storage.read(['old'])).old;
      clock.t += DAY;
      await storage.write({ edge: { v: 2 } });
      expect(await storage.pruneIdleBefore(new Date(clock.t))).to.equal(1);
      expect(Object.keys(await storage.read(['edge', 'old']))).to.deep.equal(['edge']);
      // A turn that read the item before the sweep writes it afresh (MemoryStorage's rule for a missing key).
      await storage.write({ old: { ...held, v: 2 } });
      expect((await storage.read(['old'])).old.v).to.equal(2);
    });
  });
}
