/** Queues of background work (architecture §7). */
export const QUEUES = ['ca', 'notify', 'visits', 'expiry', 'audit'] as const;
export type QueueName = (typeof QUEUES)[number];

export interface JobSpec {
  queue: QueueName;
  /** Job name within the queue, e.g. `issue`. */
  name: string;
  /** Ids only: processors load what they need. Must be JSON. */
  payload: Record<string, unknown>;
  /** Idempotency key: enqueueing the same key twice runs the job once. */
  key: string;
  /** Run no earlier than this many ms from now. */
  delayMs?: number;
  /** Total attempts including the first (default 5). */
  attempts?: number;
  /** Base of the exponential backoff between attempts in ms (default 1000). */
  backoffMs?: number;
}

export interface Job {
  id: string;
  queue: QueueName;
  name: string;
  payload: Record<string, unknown>;
  key: string;
  /** 1 on the first run. */
  attempt: number;
}

/** A processor; throw `PermanentError` (domain/errors.ts) to fail at once without retrying. */
export type JobHandler = (job: Job) => Promise<void>;

/**
 * Background jobs.
 *
 * Promises: `enqueue` is idempotent by `key` (a second enqueue with a key already known returns
 * `{ duplicate: true }` and schedules nothing); delayed jobs and pending retries survive a
 * restart of the scheduler; a failing handler is retried with exponential backoff up to
 * `attempts`, a `PermanentError` is not retried; `close()` stops taking jobs, waits for running
 * ones to finish, and resolves. `pruneFinished(before)` removes the completed and failed jobs of
 * every queue that finished before `before` and returns how many; their keys are forgotten with
 * them (idempotency therefore holds for the retention period), waiting, delayed and active jobs
 * are never touched.
 */
export interface JobScheduler {
  enqueue(spec: JobSpec): Promise<{ id: string; duplicate: boolean }>;
  /** One handler per queue; it receives every job name of that queue. */
  process(queue: QueueName, handler: JobHandler): void;
  /** Starts processing registered queues (a producer-only instance never calls it). */
  start(): Promise<void>;
  close(): Promise<void>;
  /** Counts for readiness and tests. `failed` holds jobs that used up their attempts or failed permanently. */
  counts(queue: QueueName): Promise<{ waiting: number; delayed: number; active: number; completed: number; failed: number }>;
  pruneFinished(before: Date): Promise<number>;
}
