import type { Redis, RedisOptions } from 'ioredis';
import { DomainError } from '../domain/errors.js';
import type { SeenActivities } from './dedupe.js';
import { failFastRedisClient } from './redis-options.js';

export interface RedisSeenActivitiesOptions {
  url: string;
  /** Keys are `<prefix>:turn-done:<activity>`. */
  prefix: string;
  /** How long a completed turn's mark lives. */
  ttlMs: number;
  /** Connection trouble, reported once per outage (commands fail on their own, fast). */
  onError?: (err: Error) => void;
  /** Test seam: other connection options than {@link failFastRedisOptions}. */
  redisOptions?: RedisOptions;
}

/**
 * Across instances: a key per completed turn with an expiry, so whichever instance gets the
 * re-send of a completed turn drops it. The key name differs from the marks older versions set
 * before a turn ran (`:seen:`), so those are never taken for completed turns.
 */
export class RedisSeenActivities implements SeenActivities {
  private readonly redis: Redis;
  constructor(private readonly opts: RedisSeenActivitiesOptions) {
    this.redis = failFastRedisClient(opts.url, { options: opts.redisOptions, onError: opts.onError });
  }

  async completed(id: string): Promise<boolean> {
    return (await this.command(() => this.redis.exists(this.keyOf(id)))) === 1;
  }

  async markCompleted(id: string): Promise<void> {
    await this.command(() => this.redis.set(this.keyOf(id), '1', 'PX', this.opts.ttlMs));
  }

  async close(): Promise<void> {
    await this.redis.quit().catch(() => this.redis.disconnect());
  }

  private keyOf(id: string): string {
    return `${this.opts.prefix}:turn-done:${id}`;
  }

  private async command<T>(run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (e) {
      throw new DomainError('INFRA_UNAVAILABLE', 'duplicate-activity marks: Redis did not answer', {
        reason: 'marks-unreachable',
        cause: (e as Error)?.message,
      });
    }
  }
}
