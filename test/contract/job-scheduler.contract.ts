import { expect } from 'chai';
import { PermanentError } from '../../domain/errors.js';
import type { Job, JobHandler, JobScheduler, JobSpec, QueueName } from '../../domain/ports/job-scheduler.js';
import { gate, waitFor } from '../support/wait-for.js';
import type { Fixture } from './harness.js';

/**
 * A scheduler fixture. The restart hook lives here rather than beside the factory because only
 * the fixture knows its backing store (the SQLite file, the Redis prefix).
 */
export interface JobSchedulerFixture extends Fixture<JobScheduler> {
  /**
   * Closes the current subject (if the test has not already) and returns a new, unstarted
   * scheduler on the same backing store, which becomes `subject`; `close()` then releases it and
   * the store. Adapters whose jobs cannot outlive the process leave it out (restart tests skip).
   */
  reopen?(): Promise<JobScheduler>;
}
export type JobSchedulerFactory = () => Promise<JobSchedulerFixture>;

/** Records every run; `fail(job)` decides whether a run throws (and what). */
function recorder(fail: (job: Job) => unknown = () => undefined): { runs: Job[]; at: number[]; handler: JobHandler } {
  const runs: Job[] = [];
  const at: number[] = [];
  const handler: JobHandler = async (job) => {
    runs.push(job);
    at.push(Date.now());
    const error = fail(job);
    if (error) throw error;
  };
  return { runs, at, handler };
}

async function started(scheduler: JobScheduler, handler: JobHandler, queue: QueueName = 'ca'): Promise<JobScheduler> {
  scheduler.process(queue, handler);
  await scheduler.start();
  return scheduler;
}

// Timers may fire a millisecond early against Date.now(); the promise is "not before the delay", not "to the ms".
const TIMER_SLACK_MS = 5;

/** The JobScheduler contract (domain/ports/job-scheduler.ts): idempotency, delays, retries, close, restart. */
export function jobSchedulerContract(adapterName: string, factory: JobSchedulerFactory): void {
  describe(`JobScheduler contract (${adapterName})`, () => {
    let fx: JobSchedulerFixture;
    let scheduler: JobScheduler;
    let n = 0;
    const spec = (over: Partial<JobSpec> = {}): JobSpec => ({
      queue: 'ca',
      name: 'issue',
      payload: { caseId: `UC-2026-${String(++n).padStart(6, '0')}` },
      key: `UC-2026-${String(n).padStart(6, '0')}:issue`,
      backoffMs: 10,
      ...over,
    });
    const counts = (queue: QueueName = 'ca') => scheduler.counts(queue);

    beforeEach(async () => {
      fx = await factory();
      scheduler = fx.subject;
    });
    afterEach(async () => {
      await fx.close();
    });

    it('runs an enqueued job once with its id, queue, name, key, payload intact and attempt 1', async () => {
      const { runs, handler } = recorder();
      await started(scheduler, handler);
      const payload = { caseId: 'UC-2026-000123', nested: { list: [1, 'dua', null, true], nama: 'Siti binti Ali — ✓' }, zero: 0 };
      const { id, duplicate } = await scheduler.enqueue({ queue: 'ca', name: 'issue', key: 'UC-2026-000123:issue', payload });
      expect(duplicate).to.equal(false);
      await waitFor('the job to complete', async () => (await counts()).completed === 1);
      expect(runs).to.deep.equal([{ id, queue: 'ca', name: 'issue', key: 'UC-2026-000123:issue', payload, attempt: 1 }]);
    });

    it('the same key twice runs once, also when enqueued again after its job completed', async () => {
      const first = spec({ payload: { v: 'first' } });
      const a = await scheduler.enqueue(first);
      const b = await scheduler.enqueue({ ...first, payload: { v: 'second' } });
      expect([a.duplicate, b.duplicate]).to.deep.equal([false, true]);
      expect(b.id).to.equal(a.id);
      const { runs, handler } = recorder();
      await started(scheduler, handler);
      await waitFor('the first job to complete', async () => (await counts()).completed === 1);
      const c = await scheduler.enqueue({ ...first, payload: { v: 'third' } });
      expect(c).to.deep.equal({ id: a.id, duplicate: true });
      // A barrier job behind it: once it has run, a wrongly scheduled duplicate would have run too.
      const barrier = spec();
      await scheduler.enqueue(barrier);
      await waitFor('the barrier job to complete', async () => (await counts()).completed === 2);
      expect(runs.map((r) => [r.key, r.payload])).to.deep.equal([
        [first.key, { v: 'first' }],
        [barrier.key, barrier.payload],
      ]);
      expect(await counts()).to.deep.equal({ waiting: 0, delayed: 0, active: 0, completed: 2, failed: 0 });
    });

    it('a key already used on one queue is a duplicate on another', async () => {
      const job = spec();
      await scheduler.enqueue(job);
      expect((await scheduler.enqueue({ ...job, queue: 'notify', name: 'deliver' })).duplicate).to.equal(true);
      expect(await counts('notify')).to.deep.equal({ waiting: 0, delayed: 0, active: 0, completed: 0, failed: 0 });
    });

    it('counts waiting and delayed jobs per queue on a producer-only scheduler', async () => {
      await scheduler.enqueue(spec({ queue: 'visits', name: 'reminder' }));
      await scheduler.enqueue(spec({ queue: 'visits', name: 'reminder', delayMs: 60_000 }));
      expect(await counts('visits')).to.deep.equal({ waiting: 1, delayed: 1, active: 0, completed: 0, failed: 0 });
      expect(await counts('ca')).to.deep.equal({ waiting: 0, delayed: 0, active: 0, completed: 0, failed: 0 });
    });

    it('does not run a delayed job before its delay', async () => {
      const { runs, at, handler } = recorder();
      await started(scheduler, handler);
      const before = Date.now();
      await scheduler.enqueue(spec({ delayMs: 300 }));
      await waitFor('the delayed job to run', () => runs.length === 1);
      expect(at[0] - before).to.be.at.least(300 - TIMER_SLACK_MS);
    });

    it('retries a failing handler with backoff: failing twice then succeeding runs three times', async () => {
      const { runs, handler } = recorder((job) => (job.attempt < 3 ? new Error('CA busy') : undefined));
      await started(scheduler, handler);
      const { id } = await scheduler.enqueue(spec());
      await waitFor('the job to complete', async () => (await counts()).completed === 1);
      expect(runs.map((r) => [r.id, r.attempt])).to.deep.equal([
        [id, 1],
        [id, 2],
        [id, 3],
      ]);
      expect((await counts()).failed).to.equal(0);
    });

    it('a PermanentError fails the job at once: one run, failed, no retry pending, key still known', async () => {
      const { runs, handler } = recorder(() => new PermanentError('CA_REFUSED', 'the CA refused the request'));
      await started(scheduler, handler);
      const job = spec({ attempts: 5 });
      await scheduler.enqueue(job);
      await waitFor('the job to fail', async () => (await counts()).failed === 1);
      expect(runs).to.have.length(1);
      expect(await counts()).to.deep.equal({ waiting: 0, delayed: 0, active: 0, completed: 0, failed: 1 });
      expect((await scheduler.enqueue(job)).duplicate).to.equal(true);
    });

    it('a job that uses up its attempts lands in failed after exactly that many runs', async () => {
      const { runs, handler } = recorder(() => new Error('still down'));
      await started(scheduler, handler);
      await scheduler.enqueue(spec({ attempts: 3 }));
      await waitFor('the job to fail', async () => (await counts()).failed === 1);
      expect(runs.map((r) => r.attempt)).to.deep.equal([1, 2, 3]);
      expect(await counts()).to.deep.equal({ waiting: 0, delayed: 0, active: 0, completed: 0, failed: 1 });
    });

    it('close() stops taking jobs and resolves only after the running handler finished', async () => {
      const hold = gate();
      const runs: string[] = [];
      let finished = false;
      await started(scheduler, async (job) => {
        runs.push(job.key);
        await hold.promise;
        finished = true;
      });
      const running = spec();
      await scheduler.enqueue(running);
      await waitFor('the handler to start', () => runs.length === 1);
      await scheduler.enqueue(spec());
      let finishedWhenClosed: boolean | undefined;
      const closing = scheduler.close().then(() => (finishedWhenClosed = finished));
      // Give a close() that does not wait the chance to resolve; this pause can hide a bug, never fail a good adapter.
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(finishedWhenClosed, 'close() resolved while the handler was still running').to.equal(undefined);
      hold.open();
      await closing;
      expect(finishedWhenClosed).to.equal(true);
      expect(runs).to.deep.equal([running.key]);
    });

    it('pruneFinished removes completed and failed jobs finished before the instant, keeps newer and unfinished ones, and forgets their keys', async () => {
      const { runs, handler } = recorder((job) => (job.payload.fail ? new PermanentError('INVALID_INPUT', 'bad') : undefined));
      await started(scheduler, handler);
      const old = spec();
      await scheduler.enqueue(old);
      await waitFor('the old job to complete', async () => (await counts()).completed === 1);
      const oldFailed = spec({ payload: { fail: true } });
      await scheduler.enqueue(oldFailed);
      await waitFor('the old job to fail', async () => (await counts()).failed === 1);
      // The cut-off lies strictly between the two old jobs' finish and the recent ones' start.
      const afterOld = Date.now();
      await waitFor('the clock to pass the old jobs', () => Date.now() > afterOld + 20);
      const cutoff = new Date();
      await waitFor('the clock to pass the cut-off', () => Date.now() > cutoff.getTime() + 20);
      const recent = spec();
      await scheduler.enqueue(recent);
      await scheduler.enqueue(spec({ payload: { fail: true } }));
      const later = spec({ delayMs: 3_600_000 });
      await scheduler.enqueue(later);
      await waitFor('the recent jobs to finish', async () => {
        const c = await counts();
        return c.completed === 2 && c.failed === 2;
      });
      expect(await scheduler.pruneFinished(cutoff)).to.equal(2);
      expect(await counts()).to.deep.equal({ waiting: 0, delayed: 1, active: 0, completed: 1, failed: 1 });
      expect(await scheduler.pruneFinished(cutoff), 'a second prune finds nothing').to.equal(0);
      // A pruned key is forgotten: the job can be scheduled (and runs) again; a kept key is still a duplicate.
      expect((await scheduler.enqueue(old)).duplicate).to.equal(false);
      expect((await scheduler.enqueue(recent)).duplicate).to.equal(true);
      await waitFor('the re-enqueued job to complete', async () => (await counts()).completed === 2);
      expect(runs.filter((r) => r.key === old.key)).to.have.length(2);
      expect(await scheduler.pruneFinished(new Date(Date.now() + 1000))).to.equal(3);
      expect(await counts()).to.deep.equal({ waiting: 0, delayed: 1, active: 0, completed: 0, failed: 0 });
    });

    it('RESTART: a delayed job enqueued before a restart runs after it', async function () {
      if (!fx.reopen) this.skip();
      // Enqueued by a producer-only instance so no worker can race the restart for it.
      const job = spec({ delayMs: 300, payload: { caseId: 'UC-2026-000777', when: 'tomorrow' } });
      const enqueuedAt = Date.now();
      const { id } = await scheduler.enqueue(job);
      await scheduler.close();
      scheduler = await fx.reopen!();
      const { runs, at, handler } = recorder();
      await started(scheduler, handler);
      await waitFor('the delayed job to run after the restart', async () => (await counts()).completed === 1);
      expect(runs).to.deep.equal([{ id, queue: 'ca', name: 'issue', key: job.key, payload: job.payload, attempt: 1 }]);
      expect(at[0] - enqueuedAt).to.be.at.least(300 - TIMER_SLACK_MS);
    });

    it('RESTART: a retry pending after a failed attempt runs after a restart', async function () {
      if (!fx.reopen) this.skip();
      const before = recorder(() => new Error('CA unavailable'));
      await started(scheduler, before.handler);
      const job = spec({ attempts: 5, backoffMs: 400 });
      const { id } = await scheduler.enqueue(job);
      await waitFor('a retry to be pending', async () => before.runs.length >= 1 && (await counts()).delayed === 1);
      await scheduler.close();
      scheduler = await fx.reopen!();
      const after = recorder();
      await started(scheduler, after.handler);
      await waitFor('the retry to run after the restart', async () => (await counts()).completed === 1);
      // Attempts made before the restart still count: the retry continues where the old process stopped.
      expect(after.runs).to.deep.equal([
        { id, queue: 'ca', name: 'issue', key: job.key, payload: job.payload, attempt: before.runs.length + 1 },
      ]);
    });
  });
}
