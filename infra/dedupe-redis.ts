import { Redis } from 'ioredis';
import type { SeenActivities } from './dedupe.js';

/** Across instances: SET NX with an expiry, so whichever instance gets the re-send drops it. */
export class RedisSeenActivities implements SeenActivities {
  private readonly redis: Redis;
  constructor(private readonly opts: { url: string; prefix: string; ttlSeconds: number }) {
    this.redis = new Redis(opts.url, { maxRetriesPerRequest: 2, lazyConnect: false });
  }

  async firstSeen(id: string): Promise<boolean> {
    const r = await this.redis.set(`${this.opts.prefix}:seen:${id}`, '1', 'EX', this.opts.ttlSeconds, 'NX');
    return r === 'OK';
  }

  async close(): Promise<void> {
    await this.redis.quit();
  }
}
