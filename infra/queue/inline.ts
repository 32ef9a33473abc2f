import Database from 'better-sqlite3';
import { PermanentError } from '../../domain/errors.js';
import { QUEUES, type Job, type JobHandler, type JobScheduler, type JobSpec, type QueueName } from '../../domain/ports/job-scheduler.js';
import { describeFailure, retryPolicy, type AdapterLogger } from './common.js';
import { ensurePrivateFile } from '../store/embedded/data-dir.js';

export interface InlineJobSchedulerOptions {
  /** SQLite file, possibly shared with the embedded store: this scheduler only ever touches its `jobs` table. */
  file: string;
  /** Epoch ms; injectable so tests can control what "due" means. */
  clock?: () => number;
  /** Longest sleep between looks at the table (default 1000), so rows written by another connection are noticed. */
  pollMs?: number;
  /** Handlers running at once across all queues (default 1). */
  concurrency?: number;
  logger?: AdapterLogger;
}

type Counts = Awaited<ReturnType<JobScheduler['counts']>>;

interface JobRow {
  id: number;
  queue: QueueName;
  name: string;
  key: string;
  payload: string;
  attempts_made: number;
  max_attempts: number;
  backoff_ms: number;
}

// `key` is unique across queues: the port promises idempotency per scheduler, not per queue.
// Finished rows are kept so a key stays known after its job completed or failed.
const SCHEMA = `
CREATE TABLE IF NOT EXISTS jobs (
  id            INTEGER PRIMARY KEY AUTOINCREMENT,
  key           TEXT    NOT NULL UNIQUE,
  queue         TEXT    NOT NULL,
  name          TEXT    NOT NULL,
  payload       TEXT    NOT NULL,
  state         TEXT    NOT NULL CHECK (state IN ('waiting', 'active', 'completed', 'failed')),
  run_at        INTEGER NOT NULL,
  attempts_made INTEGER NOT NULL DEFAULT 0,
  max_attempts  INTEGER NOT NULL,
  backoff_ms    INTEGER NOT NULL,
  error_code    TEXT,
  error_message TEXT,
  created_at    INTEGER NOT NULL,
  updated_at    INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS jobs_due ON jobs (state, queue, run_at);
`;

// Queue filters take a JSON array so one prepared statement serves any set of registered queues.
const IN_QUEUES = 'queue IN (SELECT value FROM json_each(@queues))';

const SQL = {
  insert: `INSERT INTO jobs (key, queue, name, payload, state, run_at, max_attempts, backoff_ms, created_at, updated_at)
           VALUES (@key, @queue, @name, @payload, 'waiting', @runAt, @attempts, @backoffMs, @now, @now)
           ON CONFLICT (key) DO NOTHING`,
  idByKey: `SELECT id FROM jobs WHERE key = ?`,
  claim: `UPDATE jobs SET state = 'active', attempts_made = attempts_made + 1, updated_at = @now
          WHERE id = (SELECT id FROM jobs WHERE state = 'waiting' AND run_at <= @now AND ${IN_QUEUES}
                      ORDER BY run_at, id LIMIT 1)
          RETURNING id, queue, name, key, payload, attempts_made, max_attempts, backoff_ms`,
  nextDue: `SELECT MIN(run_at) AS at FROM jobs WHERE state = 'waiting' AND ${IN_QUEUES}`,
  // The interrupted run counts as an attempt, so a job that kills the process every time cannot crash-loop forever.
  recover: `UPDATE jobs SET
              state = CASE WHEN attempts_made >= max_attempts THEN 'failed' ELSE 'waiting' END,
              error_code = CASE WHEN attempts_made >= max_attempts THEN 'INTERRUPTED' ELSE error_code END,
              error_message = CASE WHEN attempts_made >= max_attempts THEN 'interrupted during its last attempt' ELSE error_message END,
              run_at = @now, updated_at = @now
            WHERE state = 'active' AND ${IN_QUEUES}`,
  complete: `UPDATE jobs SET state = 'completed', error_code = NULL, error_message = NULL, updated_at = @now WHERE id = @id`,
  fail: `UPDATE jobs SET state = 'failed', error_code = @code, error_message = @message, updated_at = @now WHERE id = @id`,
  retry: `UPDATE jobs SET state = 'waiting', run_at = @runAt, error_code = @code, error_message = @message, updated_at = @now
          WHERE id = @id`,
  prune: `DELETE FROM jobs WHERE state IN ('completed', 'failed') AND updated_at < @before`,
  counts: `SELECT
             COUNT(*) FILTER (WHERE state = 'waiting' AND run_at <= @now) AS waiting,
             COUNT(*) FILTER (WHERE state = 'waiting' AND run_at > @now)  AS delayed,
             COUNT(*) FILTER (WHERE state = 'active')    AS active,
             COUNT(*) FILTER (WHERE state = 'completed') AS completed,
             COUNT(*) FILTER (WHERE state = 'failed')    AS failed
           FROM jobs WHERE queue = @queue`,
} as const;

/**
 * The embedded {@link JobScheduler}: jobs live in a SQLite `jobs` table, so delayed jobs and pending
 * retries survive a restart, and run in this process. Meant for one processing instance per file
 * (start() hands jobs left `active` back to waiting, assuming their process died).
 */
export class InlineJobScheduler implements JobScheduler {
  private readonly db: Database.Database;
  private readonly stmt: { [K in keyof typeof SQL]: Database.Statement };
  private readonly clock: () => number;
  private readonly pollMs: number;
  private readonly concurrency: number;
  private readonly logger?: AdapterLogger;
  private readonly handlers = new Map<QueueName, JobHandler>();
  private readonly running = new Set<Promise<void>>();
  private queuesJson = '[]';
  private started = false;
  private closing = false;
  private closed?: Promise<void>;
  private timer?: NodeJS.Timeout;

  constructor(opts: InlineJobSchedulerOptions) {
    this.clock = opts.clock ?? Date.now;
    this.pollMs = opts.pollMs ?? 1000;
    this.concurrency = opts.concurrency ?? 1;
    this.logger = opts.logger;
    if (!(this.concurrency >= 1)) throw new RangeError(`concurrency must be >= 1, got ${opts.concurrency}`);
    // 0600 before SQLite creates it (0644), so its -wal and -shm files are 0600 too.
    if (opts.file !== ':memory:' && opts.file !== '') ensurePrivateFile(opts.file);
    this.db = new Database(opts.file);
    try {
      this.db.pragma('journal_mode = WAL');
      this.db.pragma('busy_timeout = 5000');
      this.db.exec(SCHEMA);
      this.stmt = Object.fromEntries(Object.entries(SQL).map(([k, sql]) => [k, this.db.prepare(sql)])) as typeof this.stmt;
    } catch (e) {
      this.db.close();
      throw e;
    }
  }

  async enqueue(spec: JobSpec): Promise<{ id: string; duplicate: boolean }> {
    if (this.closing) throw new Error('InlineJobScheduler is closed');
    if (!QUEUES.includes(spec.queue)) throw new RangeError(`unknown queue ${String(spec.queue)}`);
    const { attempts, backoffMs, delayMs } = retryPolicy(spec);
    const now = this.clock();
    const { changes } = this.stmt.insert.run({
      key: spec.key,
      queue: spec.queue,
      name: spec.name,
      payload: JSON.stringify(spec.payload),
      runAt: now + delayMs,
      attempts,
      backoffMs,
      now,
    });
    const { id } = this.stmt.idByKey.get(spec.key) as { id: number };
    if (changes > 0) this.pump();
    return { id: String(id), duplicate: changes === 0 };
  }

  process(queue: QueueName, handler: JobHandler): void {
    if (this.started) throw new Error('register handlers before start()');
    if (this.handlers.has(queue)) throw new Error(`queue ${queue} already has a handler`);
    this.handlers.set(queue, handler);
    this.queuesJson = JSON.stringify([...this.handlers.keys()]);
  }

  async start(): Promise<void> {
    if (this.closing) throw new Error('InlineJobScheduler is closed');
    if (this.started) return;
    this.started = true;
    const { changes } = this.stmt.recover.run({ now: this.clock(), queues: this.queuesJson });
    if (changes > 0) this.logger?.info({ jobs: changes }, 'jobs interrupted by a previous run were requeued');
    this.pump();
  }

  close(): Promise<void> {
    this.closed ??= (async () => {
      this.closing = true;
      clearTimeout(this.timer);
      // Handlers may finish while others are still running; wait until none is left.
      while (this.running.size > 0) await Promise.allSettled([...this.running]);
      this.db.close();
    })();
    return this.closed;
  }

  async counts(queue: QueueName): Promise<Counts> {
    if (this.closing) throw new Error('InlineJobScheduler is closed');
    return this.stmt.counts.get({ queue, now: this.clock() }) as Counts;
  }

  async pruneFinished(before: Date): Promise<number> {
    if (this.closing) throw new Error('InlineJobScheduler is closed');
    return this.stmt.prune.run({ before: before.getTime() }).changes;
  }

  /** Claims due jobs up to the concurrency limit, then sleeps until the next one is due. */
  private pump(): void {
    if (!this.started || this.closing) return;
    clearTimeout(this.timer);
    this.timer = undefined;
    try {
      while (this.running.size < this.concurrency) {
        const row = this.stmt.claim.get({ now: this.clock(), queues: this.queuesJson }) as JobRow | undefined;
        if (!row) break;
        this.run(row);
      }
    } catch (e) {
      this.logger?.error({ err: e }, 'job scheduler could not claim jobs');
    }
    // A full house needs no timer: every finished handler pumps again.
    if (this.running.size >= this.concurrency) return;
    let wait = this.pollMs;
    try {
      const { at } = this.stmt.nextDue.get({ queues: this.queuesJson }) as { at: number | null };
      if (at !== null) wait = Math.min(wait, Math.max(0, at - this.clock()));
    } catch (e) {
      this.logger?.error({ err: e }, 'job scheduler could not read the next due job');
    }
    this.timer = setTimeout(() => this.pump(), wait);
  }

  private run(row: JobRow): void {
    const handler = this.handlers.get(row.queue);
    // Deferring to a microtask turns a synchronous throw into a rejection like any other failure.
    const task: Promise<void> = Promise.resolve()
      .then(() => handler!(toJob(row)))
      .then(
        () => void this.stmt.complete.run({ id: row.id, now: this.clock() }),
        (e: unknown) => this.settleFailure(row, e),
      )
      .catch((e: unknown) => this.logger?.error({ err: e, jobId: row.id }, 'job scheduler could not record a job result'))
      .finally(() => {
        this.running.delete(task);
        this.pump();
      });
    this.running.add(task);
  }

  private settleFailure(row: JobRow, e: unknown): void {
    const { code, message } = describeFailure(e);
    const now = this.clock();
    const where = { jobId: String(row.id), queue: row.queue, name: row.name, attempt: row.attempts_made, code };
    if (e instanceof PermanentError || row.attempts_made >= row.max_attempts) {
      this.stmt.fail.run({ id: row.id, code, message, now });
      this.logger?.error({ ...where, err: e }, e instanceof PermanentError ? 'job failed permanently' : 'job failed, no attempts left');
      return;
    }
    const retryInMs = row.backoff_ms * 2 ** (row.attempts_made - 1);
    this.stmt.retry.run({ id: row.id, runAt: now + retryInMs, code, message, now });
    this.logger?.info({ ...where, retryInMs, err: e }, 'job failed, will retry');
  }
}

function toJob(row: JobRow): Job {
  return {
    id: String(row.id),
    queue: row.queue,
    name: row.name,
    key: row.key,
    payload: JSON.parse(row.payload) as Record<string, unknown>,
    attempt: row.attempts_made,
  };
}
