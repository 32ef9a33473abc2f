import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis, type RedisOptions } from 'ioredis';
import { DomainError } from '../../domain/errors.js';
import type { AcquireOptions, ConversationLock, LockLease } from '../../domain/ports/conversation-lock.js';
import { failFastRedisClient } from '../redis-options.js';
import { conversationBusy, MemoryConversationLock, type LockDefaults } from './memory.js';

// Compare-and-delete / compare-and-extend: a holder whose lease ran out (and was taken over) must
// not free or extend the new holder's lock, so the token is checked in the same atomic step.
const RELEASE = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end";
const RENEW = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) else return 0 end";

/** The longest pause between two tries on a busy key: how late a waiter may notice a release. */
const MAX_POLL_MS = 25;

interface Scripts {
  gpkiLockRelease(key: string, token: string): Promise<number>;
  gpkiLockRenew(key: string, token: string, leaseMs: number): Promise<number>;
}

/** What this adapter hands out: the Redis lease plus this instance's place in its local queue. */
interface RedisLease extends LockLease {
  readonly local?: LockLease;
}

export interface RedisConversationLockOptions extends Partial<LockDefaults> {
  url: string;
  /** Keys are `<prefix>:lock:<conversation>`. */
  prefix: string;
  /** Connection trouble, reported once per outage (commands fail on their own, fast). */
  onError?: (err: Error) => void;
  /** Test seam: other connection options than {@link failFastRedisOptions}. */
  redisOptions?: RedisOptions;
}

/** Redis did not answer: the turn cannot be serialised, so it must not run. */
export function lockUnreachable(key: string, cause: unknown): DomainError {
  return new DomainError('INFRA_UNAVAILABLE', `conversation lock "${key}": Redis did not answer`, {
    reason: 'lock-unreachable',
    key,
    cause: (cause as Error)?.message,
  });
}

/**
 * Across instances: `SET key token NX PX lease`, released by a compare-and-delete script and
 * extended by a compare-and-expire one. A waiter polls with a short jittered backoff until its
 * bounded wait ends.
 *
 * The waiters of this instance first queue in a {@link MemoryConversationLock}, so only the
 * longest-waiting one polls Redis: a conversation's messages reaching this instance keep their
 * order (Web Chat users type fast), and Redis sees one poller per busy conversation per instance.
 */
export class RedisConversationLock implements ConversationLock {
  private readonly redis: Redis;
  private readonly scripts: Scripts;
  private readonly local: MemoryConversationLock;
  private readonly defaults: LockDefaults;

  constructor(private readonly opts: RedisConversationLockOptions) {
    this.defaults = { leaseMs: opts.leaseMs ?? 10_000, waitMs: opts.waitMs ?? 12_000 };
    this.local = new MemoryConversationLock(this.defaults);
    this.redis = failFastRedisClient(opts.url, { options: opts.redisOptions, onError: opts.onError });
    this.redis.defineCommand('gpkiLockRelease', { numberOfKeys: 1, lua: RELEASE });
    this.redis.defineCommand('gpkiLockRenew', { numberOfKeys: 1, lua: RENEW });
    this.scripts = this.redis as unknown as Scripts;
  }

  async acquire(key: string, opts: AcquireOptions = {}): Promise<LockLease> {
    const leaseMs = opts.leaseMs ?? this.defaults.leaseMs;
    const waitMs = opts.waitMs ?? this.defaults.waitMs;
    const deadline = Date.now() + waitMs;
    const local = await this.local.acquire(key, { leaseMs, waitMs });
    try {
      const token = randomBytes(16).toString('base64url');
      for (let pause = 2; ; pause = Math.min(pause * 2, MAX_POLL_MS)) {
        if ((await this.command(key, () => this.redis.set(this.keyOf(key), token, 'PX', leaseMs, 'NX'))) === 'OK') {
          const lease: RedisLease = { key, token, leaseMs, local };
          return lease;
        }
        const left = deadline - Date.now();
        if (left <= 0) throw conversationBusy(key, waitMs);
        // Jitter keeps pollers of several instances from trying in lock-step.
        await sleep(Math.min(left, pause * (0.5 + Math.random())));
      }
    } catch (e) {
      await this.local.release(local);
      throw e;
    }
  }

  async renew(lease: LockLease): Promise<boolean> {
    const local = (lease as RedisLease).local;
    if (local) await this.local.renew(local);
    return (await this.command(lease.key, () => this.scripts.gpkiLockRenew(this.keyOf(lease.key), lease.token, lease.leaseMs))) === 1;
  }

  async release(lease: LockLease): Promise<boolean> {
    const local = (lease as RedisLease).local;
    try {
      return (await this.command(lease.key, () => this.scripts.gpkiLockRelease(this.keyOf(lease.key), lease.token))) === 1;
    } finally {
      // Even when Redis is away: the next local waiter then finds Redis away too, or the lease expired.
      if (local) await this.local.release(local);
    }
  }

  async close(): Promise<void> {
    await this.local.close();
    await this.redis.quit().catch(() => this.redis.disconnect());
  }

  private keyOf(key: string): string {
    return `${this.opts.prefix}:lock:${key}`;
  }

  private async command<T>(key: string, run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (e) {
      throw lockUnreachable(key, e);
    }
  }
}
