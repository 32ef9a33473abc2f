import { Queue, UnrecoverableError, Worker, type Job as BullJob } from 'bullmq';
import { Redis } from 'ioredis';
import { PermanentError } from '../../domain/errors.js';
import { failFastRedisOptions } from '../redis-options.js';
import { RedisGuard } from '../redis-guard.js';
import { QUEUES, type JobHandler, type JobScheduler, type JobSpec, type QueueName } from '../../domain/ports/job-scheduler.js';
import { retryPolicy, type AdapterLogger } from './common.js';

export interface BullMqJobSchedulerOptions {
  /** Redis URL, e.g. `redis://127.0.0.1:6379`. */
  connection: string;
  /** Namespace of every Redis key this scheduler writes (default `bull`, BullMQ's own default). */
  prefix?: string;
  /** Jobs each worker (one per processed queue) runs at once (default 1). */
  concurrency?: number;
  /**
   * How long a worker's lock on a running job lasts, in ms (BullMQ's default 30 s); stalled jobs
   * (their worker died) are looked for at the same interval and run again.
   */
  lockMs?: number;
  logger?: AdapterLogger;
}

type Counts = Awaited<ReturnType<JobScheduler['counts']>>;

// A whole enqueue (SADD, then the job's script) or count gives up after this, as INFRA_UNAVAILABLE.
const CALL_TIMEOUT_MS = 3000;
// ioredis's own per-command limit stays above the calls' bounds, so a slow Redis is reported by the
// guard (as INFRA_UNAVAILABLE) rather than by an uncoded "Command timed out".
const PRODUCER_OPTIONS = failFastRedisOptions({ commandTimeoutMs: 5000 });

/** What a BullMQ job carries: the original key travels with it because the job id is an encoding of it. */
interface StoredJob {
  key: string;
  payload: Record<string, unknown>;
}

/**
 * The first error of a burst, then at most one a minute with how many were left out: while Redis is
 * away every worker and queue reports each reconnection attempt, several a second between them.
 */
function throttled(log: (o: { err: Error; left_out: number }) => void, everyMs = 60_000): (o: { err: Error }) => void {
  let last = -Infinity;
  let leftOut = 0;
  return ({ err }) => {
    const now = Date.now();
    if (now - last < everyMs) return void leftOut++;
    log({ err, left_out: leftOut });
    last = now;
    leftOut = 0;
  };
}

/**
 * BullMQ job ids may not contain ':' nor look like integers; the `k` prefix keeps the mapping
 * injective and readable in a queue dashboard.
 */
export function bullJobId(key: string): string {
  return `k${encodeURIComponent(key)}`;
}

/**
 * The scaled-out {@link JobScheduler} on BullMQ and Redis. Any number of processes may share a
 * prefix: producers only enqueue, `start()` runs one BullMQ worker per processed queue.
 *
 * Idempotency keys go into a Redis set (`<prefix>:idempotency-keys`) as well as becoming the job
 * id, so a key stays known even if its finished job is removed from Redis later.
 */
export class BullMqJobScheduler implements JobScheduler {
  private readonly url: string;
  private readonly prefix: string;
  private readonly concurrency: number;
  private readonly lockMs: number;
  private readonly logger?: AdapterLogger;
  /** Shared by every Queue: BullMQ leaves caller-owned clients open, so this class quits it. */
  private readonly client: Redis;
  private readonly guard: RedisGuard;
  private readonly queues = new Map<QueueName, Queue>();
  private readonly handlers = new Map<QueueName, JobHandler>();
  private readonly workers: Worker[] = [];
  private started = false;
  private closing = false;
  private closed?: Promise<void>;

  constructor(opts: BullMqJobSchedulerOptions) {
    this.url = opts.connection;
    this.prefix = opts.prefix ?? 'bull';
    this.concurrency = opts.concurrency ?? 1;
    this.lockMs = opts.lockMs ?? 30_000;
    this.logger = opts.logger;
    if (!(this.concurrency >= 1)) throw new RangeError(`concurrency must be >= 1, got ${opts.concurrency}`);
    // Fail fast (the producer is called inside user turns) and reconnect for ever in the background.
    this.client = new Redis(this.url, PRODUCER_OPTIONS);
    this.guard = new RedisGuard(this.client, { dependency: 'queue', timeoutMs: CALL_TIMEOUT_MS });
    // Reported once per outage: a client reconnecting every 2 s would otherwise log every attempt.
    let reported = false;
    this.client.on('error', (err: Error) => {
      if (!reported) this.logger?.error({ err }, 'job scheduler: Redis connection error');
      reported = true;
    });
    this.client.on('ready', () => {
      if (reported) this.logger?.info({}, 'job scheduler: Redis connection back');
      reported = false;
    });
  }

  private get keysSet(): string {
    return `${this.prefix}:idempotency-keys`;
  }

  /**
   * Rejects with INFRA_UNAVAILABLE at once while Redis is away (nothing is sent), or after
   * {@link CALL_TIMEOUT_MS} when it does not answer. What a call cut off in flight had sent may
   * still land; the job id keeps a later enqueue of the same key from running the job twice.
   */
  async enqueue(spec: JobSpec): Promise<{ id: string; duplicate: boolean }> {
    if (this.closing) throw new Error('BullMqJobScheduler is closed');
    if (!QUEUES.includes(spec.queue)) throw new RangeError(`unknown queue ${String(spec.queue)}`);
    return this.guard.run(() => this.add(spec));
  }

  private async add(spec: JobSpec): Promise<{ id: string; duplicate: boolean }> {
    const { attempts, backoffMs, delayMs } = retryPolicy(spec);
    const id = bullJobId(spec.key);
    // SADD is the atomic "first one wins" across every producer; the job id is a second guard.
    const keyIsNew = (await this.client.sadd(this.keysSet, spec.key)) === 1;
    // A known key whose job is nowhere: its producer died between the SADD and the add. Adding it
    // now is safe (the job id keeps two such producers from adding it twice) and keeps the
    // recovery sweep from finding the key "taken" for ever.
    if (!keyIsNew && (await this.jobExists(id))) return { id, duplicate: true };
    const data: StoredJob = { key: spec.key, payload: spec.payload };
    try {
      await this.queue(spec.queue).add(spec.name, data, {
        jobId: id,
        delay: delayMs,
        attempts,
        backoff: { type: 'exponential', delay: backoffMs },
        // Finished jobs stay so counts() and the dashboard can show them.
        removeOnComplete: false,
        removeOnFail: false,
      });
    } catch (e) {
      // Forget the key again, or a retried enqueue would be swallowed as a duplicate of nothing.
      if (keyIsNew) await this.client.srem(this.keysSet, spec.key).catch(() => undefined);
      throw e;
    }
    return { id, duplicate: false };
  }

  /** Whether a job with this id exists on any queue (a key is unique across queues). */
  private async jobExists(id: string): Promise<boolean> {
    for (const queue of QUEUES) {
      if (await this.queue(queue).getJob(id)) return true;
    }
    return false;
  }

  process(queue: QueueName, handler: JobHandler): void {
    if (this.started) throw new Error('register handlers before start()');
    if (this.handlers.has(queue)) throw new Error(`queue ${queue} already has a handler`);
    this.handlers.set(queue, handler);
  }

  async start(): Promise<void> {
    if (this.closing) throw new Error('BullMqJobScheduler is closed');
    if (this.started) return;
    this.started = true;
    for (const [queue, handler] of this.handlers) this.workers.push(this.worker(queue, handler));
    await Promise.all(this.workers.map((w) => w.waitUntilReady()));
  }

  close(): Promise<void> {
    this.closed ??= (async () => {
      this.closing = true;
      // Workers first: Worker.close() waits for running handlers, which may still enqueue. While
      // Redis is away it would wait for Redis instead, so they stop at once: a job one of them was
      // running is taken up again, as stalled, when Redis is back.
      const force = !this.guard.up;
      await Promise.allSettled(this.workers.map((w) => w.close(force)));
      await Promise.allSettled([...this.queues.values()].map((q) => q.close()));
      // A client that is not connected has nothing to QUIT and would wait to reconnect just to send it.
      if (this.client.status === 'ready') await this.client.quit().catch(() => this.client.disconnect());
      else this.client.disconnect();
    })();
    return this.closed;
  }

  /** Readiness: one PING within `timeoutMs`, refused at once while the connection is lost. */
  async ping(timeoutMs = CALL_TIMEOUT_MS): Promise<void> {
    if (this.closing) throw new Error('BullMqJobScheduler is closed');
    await this.guard.ping(timeoutMs);
  }

  /** The BullMQ queues themselves, for the operators' dashboard (bot/admin-queues.ts). */
  dashboardQueues(): Queue[] {
    return QUEUES.map((name) => this.queue(name));
  }

  async counts(queue: QueueName): Promise<Counts> {
    const c = await this.guard.run(() =>
      this.queue(queue).getJobCounts('waiting', 'prioritized', 'delayed', 'active', 'completed', 'failed'),
    );
    return {
      waiting: (c.waiting ?? 0) + (c.prioritized ?? 0),
      delayed: c.delayed ?? 0,
      active: c.active ?? 0,
      completed: c.completed ?? 0,
      failed: c.failed ?? 0,
    };
  }

  /**
   * BullMQ's `clean` measures age from Redis-side `Date.now()`, so `before` becomes a grace period.
   * Each removed job's key leaves the idempotency set too, or that set would grow forever.
   */
  async pruneFinished(before: Date): Promise<number> {
    if (this.closing) throw new Error('BullMqJobScheduler is closed');
    this.guard.assertUp();
    try {
      return await this.clean(before);
    } catch (e) {
      throw this.guard.classify(e);
    }
  }

  private async clean(before: Date): Promise<number> {
    let removed = 0;
    for (const queue of QUEUES) {
      for (const state of ['completed', 'failed'] as const) {
        // Computed right before each call: clean() turns it back into an instant at once.
        const ids = await this.queue(queue).clean(Math.max(0, Date.now() - before.getTime()), 0, state);
        removed += ids.length;
        const keys = ids.filter((id) => id.startsWith('k')).map((id) => decodeURIComponent(id.slice(1)));
        if (keys.length > 0) await this.client.srem(this.keysSet, ...keys);
      }
    }
    return removed;
  }

  private queue(name: QueueName): Queue {
    let queue = this.queues.get(name);
    if (!queue) {
      if (this.closing) throw new Error('BullMqJobScheduler is closed');
      queue = new Queue(name, { connection: this.client, prefix: this.prefix });
      const report = throttled((o) => this.logger?.error({ ...o, queue: name }, 'job queue error'));
      queue.on('error', (err: Error) => report({ err }));
      this.queues.set(name, queue);
    }
    return queue;
  }

  private worker(queue: QueueName, handler: JobHandler): Worker {
    // BullMQ duplicates a worker's connection (one for commands, one for blocking reads) and owns
    // the copies; lazyConnect keeps this template itself from ever opening a socket.
    const template = new Redis(this.url, { lazyConnect: true, maxRetriesPerRequest: null });
    const worker = new Worker(queue, (job: BullJob) => this.run(queue, handler, job), {
      connection: template,
      prefix: this.prefix,
      concurrency: this.concurrency,
      lockDuration: this.lockMs,
      stalledInterval: this.lockMs,
    });
    const report = throttled((o) => this.logger?.error({ ...o, queue }, 'job worker error'));
    worker.on('error', (err: Error) => report({ err }));
    worker.on('failed', (job: BullJob | undefined, err: Error) => {
      // By now attemptsMade includes the attempt that just failed.
      const code = (err as { code?: unknown }).code ?? null;
      const where = { jobId: job?.id, queue, name: job?.name, attempt: job?.attemptsMade, code, err };
      if (err instanceof UnrecoverableError) this.logger?.error(where, 'job failed permanently');
      else if (!job || job.attemptsMade >= (job.opts.attempts ?? 1)) this.logger?.error(where, 'job failed, no attempts left');
      else this.logger?.info(where, 'job failed, will retry');
    });
    worker.on('closed', () => template.disconnect());
    return worker;
  }

  private async run(queue: QueueName, handler: JobHandler, job: BullJob): Promise<void> {
    const data = job.data as StoredJob;
    try {
      await handler({
        id: job.id ?? bullJobId(data.key),
        queue,
        name: job.name,
        key: data.key,
        payload: data.payload,
        // attemptsMade counts finished attempts, so the running one is the next.
        attempt: job.attemptsMade + 1,
      });
    } catch (e) {
      // BullMQ stores only the message of a failed job, so the stable code rides in front of it too.
      if (e instanceof PermanentError) throw Object.assign(new UnrecoverableError(`${e.code}: ${e.message}`), { code: e.code });
      throw e;
    }
  }
}
