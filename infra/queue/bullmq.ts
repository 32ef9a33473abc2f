import { Queue, UnrecoverableError, Worker, type Job as BullJob } from 'bullmq';
import { Redis } from 'ioredis';
import { PermanentError } from '../../domain/errors.js';
import { QUEUES, type JobHandler, type JobScheduler, type JobSpec, type QueueName } from '../../domain/ports/job-scheduler.js';
import { retryPolicy, type AdapterLogger } from './common.js';

export interface BullMqJobSchedulerOptions {
  /** Redis URL, e.g. `redis://127.0.0.1:6379`. */
  connection: string;
  /** Namespace of every Redis key this scheduler writes (default `bull`, BullMQ's own default). */
  prefix?: string;
  /** Jobs each worker (one per processed queue) runs at once (default 1). */
  concurrency?: number;
  logger?: AdapterLogger;
}

type Counts = Awaited<ReturnType<JobScheduler['counts']>>;

/** What a BullMQ job carries: the original key travels with it because the job id is an encoding of it. */
interface StoredJob {
  key: string;
  payload: Record<string, unknown>;
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
  private readonly logger?: AdapterLogger;
  /** Shared by every Queue: BullMQ leaves caller-owned clients open, so this class quits it. */
  private readonly client: Redis;
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
    this.logger = opts.logger;
    if (!(this.concurrency >= 1)) throw new RangeError(`concurrency must be >= 1, got ${opts.concurrency}`);
    this.client = new Redis(this.url, { lazyConnect: true });
    this.client.on('error', (err: Error) => this.logger?.error({ err }, 'job scheduler: Redis connection error'));
  }

  private get keysSet(): string {
    return `${this.prefix}:idempotency-keys`;
  }

  async enqueue(spec: JobSpec): Promise<{ id: string; duplicate: boolean }> {
    if (this.closing) throw new Error('BullMqJobScheduler is closed');
    if (!QUEUES.includes(spec.queue)) throw new RangeError(`unknown queue ${String(spec.queue)}`);
    const { attempts, backoffMs, delayMs } = retryPolicy(spec);
    const id = bullJobId(spec.key);
    // SADD is the atomic "first one wins" across every producer; the job id is a second guard.
    if ((await this.client.sadd(this.keysSet, spec.key)) === 0) return { id, duplicate: true };
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
      await this.client.srem(this.keysSet, spec.key).catch(() => undefined);
      throw e;
    }
    return { id, duplicate: false };
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
      // Workers first: Worker.close() waits for running handlers, which may still enqueue.
      await Promise.allSettled(this.workers.map((w) => w.close()));
      await Promise.allSettled([...this.queues.values()].map((q) => q.close()));
      // A lazy client that never connected has nothing to QUIT and would connect just to do it.
      if (this.client.status === 'ready') await this.client.quit().catch(() => this.client.disconnect());
      else this.client.disconnect();
    })();
    return this.closed;
  }

  async counts(queue: QueueName): Promise<Counts> {
    const c = await this.queue(queue).getJobCounts('waiting', 'prioritized', 'delayed', 'active', 'completed', 'failed');
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
      queue.on('error', (err: Error) => this.logger?.error({ err, queue: name }, 'job queue error'));
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
    });
    worker.on('error', (err: Error) => this.logger?.error({ err, queue }, 'job worker error'));
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
