import { Redis, type RedisOptions } from 'ioredis';

/**
 * Connection options for every ioredis client the bot makes for its own commands (dedupe marker,
 * conversation lock, event bus publisher, job producer): when Redis is away a command fails within
 * `commandTimeoutMs` (ioredis starts that timer when the command is issued, even while it waits in
 * the offline queue, so commands made during start-up still wait for the first connection), and
 * the client keeps reconnecting in the background (capped backoff), so service resumes without a
 * restart.
 *
 * BullMQ's own blocking worker connections need `maxRetriesPerRequest: null` and are not built
 * from these options.
 */
export function failFastRedisOptions(opts: { commandTimeoutMs?: number; connectTimeoutMs?: number } = {}): RedisOptions {
  return {
    lazyConnect: false,
    enableOfflineQueue: true,
    maxRetriesPerRequest: 1,
    commandTimeout: opts.commandTimeoutMs ?? 1500,
    connectTimeout: opts.connectTimeoutMs ?? 1500,
    // Reconnect for ever, at most every 2 s: a Redis restart is followed by service resuming.
    retryStrategy: (times: number) => Math.min(100 * times, 2000),
    // Only a failover's READONLY reply calls for a new connection; other error replies are answers.
    reconnectOnError: (err: Error) => err.message.startsWith('READONLY'),
  };
}

/**
 * A client on {@link failFastRedisOptions} (or `options`) that reports a connection error once per
 * outage: ioredis emits one per reconnect attempt, which would flood the log while Redis is away.
 */
export function failFastRedisClient(url: string, opts: { options?: RedisOptions; onError?: (err: Error) => void } = {}): Redis {
  const redis = new Redis(url, opts.options ?? failFastRedisOptions());
  let reported = false;
  redis.on('error', (err: Error) => {
    if (!reported) opts.onError?.(err);
    reported = true;
  });
  redis.on('ready', () => void (reported = false));
  return redis;
}
