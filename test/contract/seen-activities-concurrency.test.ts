import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ConversationLock } from '../../domain/ports/conversation-lock.js';
import { MemorySeenActivities, type SeenActivities } from '../../infra/dedupe.js';
import { RedisSeenActivities } from '../../infra/dedupe-redis.js';
import { MemoryConversationLock } from '../../infra/lock/memory.js';
import { RedisConversationLock } from '../../infra/lock/redis.js';
import { deleteKeys, REDIS_URL, redisReachable } from '../support/redis.js';
import { describeOnRedis } from './harness.js';
import { seenActivitiesConcurrencyContract, type BackboneFactory } from './seen-activities-concurrency.contract.js';

/** One process: one marks map and one lock shared by every "instance"; the clock is the test's. */
const memoryFactory: BackboneFactory = async ({ ttlMs }) => {
  let now = Date.parse('2026-12-07T01:00:00Z');
  const seen = new MemorySeenActivities({ ttlMs, max: 10_000, now: () => now });
  const lock = new MemoryConversationLock();
  const others: SeenActivities[] = [];
  return {
    time: 'controlled',
    instance: async () => ({ seen, lock }),
    async otherDeployment() {
      const other = new MemorySeenActivities({ ttlMs, max: 10_000, now: () => now });
      others.push(other);
      return other;
    },
    elapse: async (ms) => void (now += ms),
    async close() {
      await Promise.all([seen.close(), lock.close(), ...others.map((o) => o.close())]);
    },
  };
};

/** Every instance its own connections on one prefix; another deployment uses another prefix. */
const redisFactory: BackboneFactory = async ({ ttlMs }) => {
  const prefix = `gpki-test-seenc-${randomUUID().slice(0, 8)}`;
  const otherPrefix = `${prefix}-other`;
  const open: { close(): Promise<void> }[] = [];
  const track = <T extends { close(): Promise<void> }>(x: T): T => (open.push(x), x);
  return {
    time: 'real',
    async instance() {
      const seen = track(new RedisSeenActivities({ url: REDIS_URL, prefix, ttlMs }));
      const lock: ConversationLock = track(new RedisConversationLock({ url: REDIS_URL, prefix, leaseMs: 10_000, waitMs: 20_000 }));
      return { seen, lock };
    },
    otherDeployment: async () => track(new RedisSeenActivities({ url: REDIS_URL, prefix: otherPrefix, ttlMs })),
    elapse: (ms) => sleep(ms),
    async close() {
      await Promise.all(open.map((x) => x.close()));
      await deleteKeys(prefix);
      await deleteKeys(otherPrefix);
    },
  };
};

seenActivitiesConcurrencyContract('in process', memoryFactory);

const redisUp = await redisReachable(REDIS_URL);
describeOnRedis(`SeenActivities concurrency on Redis (${REDIS_URL})`, redisUp, REDIS_URL, () =>
  seenActivitiesConcurrencyContract('Redis', redisFactory),
);
