import { ReplyError, type Redis } from 'ioredis';
import { DomainError } from '../domain/errors.js';

/** The coded error every Redis-backed adapter throws when Redis does not answer: the edge maps it to "try again later". */
export function redisUnavailable(dependency: string, cause?: unknown): DomainError {
  const why = cause instanceof Error ? cause.message : cause === undefined ? undefined : String(cause);
  return new DomainError('INFRA_UNAVAILABLE', `${dependency}: Redis is not reachable`, {
    reason: 'redis-unreachable',
    dependency,
    ...(why && { cause: why }),
  });
}

/**
 * Bounds and classifies the commands an adapter sends on one ioredis client (built with
 * `failFastRedisOptions`).
 *
 * - Once the client has been connected, a lost connection makes calls fail at once, before anything
 *   is sent: ioredis keeps a timed-out command in its offline queue and still runs it when Redis
 *   returns, so a write the caller was told had failed (an idempotency key, say) would land later.
 *   Before the first connection, commands wait in the offline queue as usual (start-up).
 * - Every call is bounded by `timeoutMs` as a whole, however many commands it sends.
 * - A failure while the client is not connected, or the bound running out, becomes
 *   {@link redisUnavailable}; Redis's own error replies (`ReplyError`) and other errors stay as they are.
 */
export class RedisGuard {
  private connectedOnce: boolean;

  constructor(
    private readonly client: Redis,
    private readonly opts: { dependency: string; timeoutMs: number },
  ) {
    this.connectedOnce = client.status === 'ready';
    client.on('ready', () => void (this.connectedOnce = true));
  }

  /** True while the client is connected. */
  get up(): boolean {
    return this.client.status === 'ready';
  }

  /** Throws {@link redisUnavailable} when the client has lost its connection (it reconnects in the background). */
  assertUp(): void {
    if (this.connectedOnce && !this.up) throw redisUnavailable(this.opts.dependency, `connection ${this.client.status}`);
  }

  async run<T>(op: () => Promise<T>, timeoutMs = this.opts.timeoutMs): Promise<T> {
    this.assertUp();
    let timer: NodeJS.Timeout | undefined;
    const bound = new Promise<never>((_resolve, reject) => {
      timer = setTimeout(() => reject(redisUnavailable(this.opts.dependency, `no answer within ${timeoutMs} ms`)), timeoutMs);
    });
    try {
      return await Promise.race([op(), bound]);
    } catch (e) {
      throw this.classify(e);
    } finally {
      clearTimeout(timer);
    }
  }

  /** One PING within `timeoutMs`: the readiness probe. */
  async ping(timeoutMs = this.opts.timeoutMs): Promise<void> {
    await this.run(() => this.client.ping(), timeoutMs);
  }

  /**
   * ioredis reports a lost connection with plain Errors ("Connection is closed", the retry limit),
   * so they are told apart by the client's state, never by their text.
   */
  classify(e: unknown): unknown {
    if (e instanceof DomainError || e instanceof ReplyError) return e;
    return this.up ? e : redisUnavailable(this.opts.dependency, e);
  }
}
