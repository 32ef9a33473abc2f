import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { expect } from 'chai';
import type { ConversationLock, LockLease } from '../../domain/ports/conversation-lock.js';
import { runExclusive } from '../../infra/lock/run.js';
import type { Fixture } from './harness.js';
import { rejection } from './rejection.js';

/** A lock fixture; `peer` stands for another bot instance on the same backbone. */
export interface LockFixture extends Fixture<ConversationLock> {
  /** Another instance sharing the subject's backbone (same Redis and prefix); in-process adapters give the subject itself. */
  peer(): Promise<ConversationLock>;
}
export type LockFactory = () => Promise<LockFixture>;

const busyDetails = (e: Error) => (e as Error & { details?: { reason?: string } }).details;

/**
 * The ConversationLock contract (domain/ports/conversation-lock.ts): mutual exclusion under
 * concurrency on one and several instances, arrival order on one instance, no starvation within
 * the bounded wait, a bounded wait that ends with INFRA_UNAVAILABLE, lease expiry of a holder that
 * died, renewal, and release or renewal by the holder only.
 */
export function conversationLockContract(adapterName: string, factory: LockFactory): void {
  describe(`ConversationLock contract (${adapterName})`, function () {
    this.timeout(20_000);
    let fx: LockFixture;
    let lock: ConversationLock;
    let peer: ConversationLock;
    let key: string;
    beforeEach(async () => {
      fx = await factory();
      lock = fx.subject;
      peer = await fx.peer();
      key = `test:conv-${randomUUID()}`;
    });
    afterEach(async () => {
      await fx.close();
    });

    it('grants a free key at once; holders of different keys never wait for each other', async () => {
      const started = Date.now();
      const a = await lock.acquire(key, { waitMs: 200 });
      const b = await peer.acquire(`${key}-other`, { waitMs: 200 });
      expect(Date.now() - started).to.be.below(150);
      expect(a.token).to.not.equal(b.token);
      expect(await lock.release(a)).to.equal(true);
      expect(await peer.release(b)).to.equal(true);
    });

    it('never lets two holders of one key overlap, on one instance and across instances', async () => {
      let inside = 0;
      let most = 0;
      let counter = 0;
      const work = async () => {
        inside += 1;
        most = Math.max(most, inside);
        // A read-modify-write across an await: it loses updates unless the holders take turns.
        const read = counter;
        await sleep(5);
        counter = read + 1;
        inside -= 1;
      };
      await Promise.all(Array.from({ length: 12 }, (_, i) => runExclusive(i % 2 ? peer : lock, key, work, { waitMs: 10_000 })));
      expect(most).to.equal(1);
      expect(counter).to.equal(12);
    });

    it('grants the waiters of one instance in the order they asked', async () => {
      const holder = await lock.acquire(key);
      const order: number[] = [];
      const waiters = Array.from({ length: 6 }, (_, i) =>
        lock.acquire(key, { waitMs: 5000 }).then(async (lease) => {
          order.push(i);
          await sleep(5);
          await lock.release(lease);
        }),
      );
      await sleep(30);
      expect(order).to.deep.equal([]);
      await lock.release(holder);
      await Promise.all(waiters);
      expect(order).to.deep.equal([0, 1, 2, 3, 4, 5]);
    });

    it('lets every waiter of two instances in within its bounded wait (no starvation)', async () => {
      const holds: number[] = [];
      const results = await Promise.allSettled(
        Array.from({ length: 10 }, (_, i) =>
          runExclusive(
            i % 2 ? peer : lock,
            key,
            async () => {
              holds.push(i);
              await sleep(20);
            },
            { waitMs: 5000 },
          ),
        ),
      );
      expect(results.filter((r) => r.status === 'rejected')).to.deep.equal([]);
      expect([...holds].sort((x, y) => x - y)).to.deep.equal([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    });

    it('gives up after the bounded wait with INFRA_UNAVAILABLE (conversation-busy), leaving the holder alone', async () => {
      const holder = await lock.acquire(key);
      const started = Date.now();
      const err = await rejection(peer.acquire(key, { waitMs: 300 }));
      const waited = Date.now() - started;
      expect(err.code).to.equal('INFRA_UNAVAILABLE');
      expect(busyDetails(err)?.reason).to.equal('conversation-busy');
      expect(waited).to.be.at.least(280).and.below(2000);
      expect(await lock.release(holder)).to.equal(true);
    });

    it('ends the lease of a holder that died (never released) after its length; its token is then worthless', async () => {
      const dead = await lock.acquire(key, { leaseMs: 300 });
      const started = Date.now();
      const next = await peer.acquire(key, { waitMs: 5000 });
      expect(Date.now() - started).to.be.at.least(250);
      // The dead holder, back from the grave, can neither extend nor free the new holder's lock.
      expect(await lock.renew(dead)).to.equal(false);
      expect(await lock.release(dead)).to.equal(false);
      const err = await rejection(lock.acquire(key, { waitMs: 150 }));
      expect(err.code).to.equal('INFRA_UNAVAILABLE');
      expect(await peer.release(next)).to.equal(true);
    });

    it('keeps a renewed lease past its first length', async () => {
      const lease = await lock.acquire(key, { leaseMs: 300 });
      for (let i = 0; i < 4; i++) {
        await sleep(150);
        expect(await lock.renew(lease)).to.equal(true);
      }
      const err = await rejection(peer.acquire(key, { waitMs: 100 }));
      expect(err.code).to.equal('INFRA_UNAVAILABLE');
      expect(await lock.release(lease)).to.equal(true);
    });

    it('releases or renews only for the holder: a forged token changes nothing', async () => {
      const lease = await lock.acquire(key);
      const forged: LockLease = { key, token: 'not-the-holders-token', leaseMs: lease.leaseMs };
      expect(await peer.release(forged)).to.equal(false);
      expect(await peer.renew(forged)).to.equal(false);
      const err = await rejection(peer.acquire(key, { waitMs: 150 }));
      expect(busyDetails(err)?.reason).to.equal('conversation-busy');
      expect(await lock.release(lease)).to.equal(true);
      expect(await lock.release(lease)).to.equal(false);
      const again = await peer.acquire(key, { waitMs: 200 });
      expect(await peer.release(again)).to.equal(true);
    });

    it('runExclusive renews while long work runs and releases when it throws', async () => {
      const failed = await rejection(
        runExclusive(
          lock,
          key,
          async () => {
            await sleep(700);
            // Still ours after twice the lease: a peer cannot get in.
            const err = await rejection(peer.acquire(key, { waitMs: 50 }));
            expect(err.code).to.equal('INFRA_UNAVAILABLE');
            throw new Error('the turn failed');
          },
          { leaseMs: 300 },
        ),
      );
      expect(failed.message).to.equal('the turn failed');
      const next = await peer.acquire(key, { waitMs: 200 });
      expect(await peer.release(next)).to.equal(true);
    });
  });
}
