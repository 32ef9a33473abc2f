import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import type { ConversationLock } from '../../domain/ports/conversation-lock.js';
import { MemoryConversationLock } from '../../infra/lock/memory.js';
import { RedisConversationLock } from '../../infra/lock/redis.js';
import { deleteKeys, REDIS_URL, redisReachable } from '../support/redis.js';
import { conversationLockContract, type LockFactory } from './conversation-lock.contract.js';
import { describeOnRedis } from './harness.js';
import { rejection } from './rejection.js';

const memoryFactory: LockFactory = async () => {
  const subject = new MemoryConversationLock({ leaseMs: 10_000, waitMs: 10_000 });
  return { subject, peer: async () => subject, close: () => subject.close() };
};

/** Each test its own prefix; `peer` is a second instance (its own connection) on the same keys. */
const redisFactory: LockFactory = async () => {
  const prefix = `gpki-test-lock-${randomUUID().slice(0, 8)}`;
  const open: ConversationLock[] = [new RedisConversationLock({ url: REDIS_URL, prefix })];
  return {
    subject: open[0],
    async peer() {
      const peer = new RedisConversationLock({ url: REDIS_URL, prefix });
      open.push(peer);
      return peer;
    },
    async close() {
      await Promise.all(open.map((l) => l.close()));
      await deleteKeys(prefix);
    },
  };
};

conversationLockContract('in process', memoryFactory);

const redisUp = await redisReachable(REDIS_URL);
describeOnRedis(`ConversationLock on Redis (${REDIS_URL})`, redisUp, REDIS_URL, () => conversationLockContract('Redis', redisFactory));

describe('RedisConversationLock when Redis does not answer', () => {
  it('refuses the lock within a few seconds with INFRA_UNAVAILABLE (lock-unreachable), so the turn does not run', async function () {
    this.timeout(10_000);
    // Nothing listens on port 1: every connection attempt is refused at once.
    const lock = new RedisConversationLock({ url: 'redis://127.0.0.1:1', prefix: 'gpki-test-nowhere' });
    try {
      const started = Date.now();
      const err = await rejection(lock.acquire('test:conv-1', { waitMs: 1000 }));
      expect(err.code).to.equal('INFRA_UNAVAILABLE');
      expect((err as Error & { details?: { reason?: string } }).details?.reason).to.equal('lock-unreachable');
      expect(Date.now() - started).to.be.below(5000);
      // The local queue was left as found: the next try fails the same way instead of waiting in line.
      const again = await rejection(lock.acquire('test:conv-1', { waitMs: 1000 }));
      expect((again as Error & { details?: { reason?: string } }).details?.reason).to.equal('lock-unreachable');
    } finally {
      await lock.close();
    }
  });
});
