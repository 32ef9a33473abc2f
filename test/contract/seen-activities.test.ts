import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import { MemorySeenActivities, type SeenActivities } from '../../infra/dedupe.js';
import { RedisSeenActivities } from '../../infra/dedupe-redis.js';
import { deleteKeys, REDIS_URL, redisReachable } from '../support/redis.js';
import { describeOnRedis } from './harness.js';
import { rejection } from './rejection.js';
import { seenActivitiesContract, type SeenFactory } from './seen-activities.contract.js';

const memoryFactory: SeenFactory = async ({ ttlMs }) => {
  const subject = new MemorySeenActivities({ ttlMs, max: 1000 });
  return { subject, peer: async () => subject, close: () => subject.close() };
};

/** Each fixture its own prefix; `peer` is a second instance (its own connection) on the same marks. */
const redisFactory: SeenFactory = async ({ ttlMs }) => {
  const prefix = `gpki-test-seen-${randomUUID().slice(0, 8)}`;
  const open: SeenActivities[] = [new RedisSeenActivities({ url: REDIS_URL, prefix, ttlMs })];
  return {
    subject: open[0],
    async peer() {
      const peer = new RedisSeenActivities({ url: REDIS_URL, prefix, ttlMs });
      open.push(peer);
      return peer;
    },
    async close() {
      await Promise.all(open.map((s) => s.close()));
      await deleteKeys(prefix);
    },
  };
};

seenActivitiesContract('in process', memoryFactory);

const redisUp = await redisReachable(REDIS_URL);
describeOnRedis(`SeenActivities on Redis (${REDIS_URL})`, redisUp, REDIS_URL, () => seenActivitiesContract('Redis', redisFactory));

describe('MemorySeenActivities beyond the contract', () => {
  it('keeps at most `max` marks, forgetting the oldest first', async () => {
    const seen = new MemorySeenActivities({ ttlMs: 60_000, max: 2 });
    for (const id of ['a', 'b', 'c']) await seen.markCompleted(id);
    expect([await seen.completed('a'), await seen.completed('b'), await seen.completed('c')]).to.deep.equal([false, true, true]);
  });
});

describe('RedisSeenActivities when Redis does not answer', () => {
  it('fails the check with INFRA_UNAVAILABLE instead of running the turn unchecked', async function () {
    this.timeout(10_000);
    const seen = new RedisSeenActivities({ url: 'redis://127.0.0.1:1', prefix: 'gpki-test-nowhere', ttlMs: 1000 });
    try {
      const err = await rejection(seen.completed('test:conv-1:a1'));
      expect(err.code).to.equal('INFRA_UNAVAILABLE');
    } finally {
      await seen.close();
    }
  });
});
