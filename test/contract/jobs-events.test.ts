import { randomUUID } from 'node:crypto';
import { redisReachable, deleteKeys, REDIS_URL } from '../support/redis.js';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { expect } from 'chai';
import { PermanentError } from '../../domain/errors.js';
import type { Job, JobScheduler } from '../../domain/ports/job-scheduler.js';
import { LocalEventBus } from '../../infra/events/local.js';
import { RedisEventBus } from '../../infra/events/redis.js';
import { BullMqJobScheduler } from '../../infra/queue/bullmq.js';
import { InlineJobScheduler, type InlineJobSchedulerOptions } from '../../infra/queue/inline.js';
import { waitFor } from '../support/wait-for.js';
import { eventBusContract, type EventBusFactory } from './event-bus.contract.js';
import { inCi } from './harness.js';
import { jobSchedulerContract, type JobSchedulerFactory } from './job-scheduler.contract.js';

const uniquePrefix = (what: string) => `gpki-test-${what}-${randomUUID().slice(0, 8)}`;

function tempDb(): { file: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'gpki-jobs-'));
  return { file: join(dir, 'store.sqlite'), remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** A reopenable fixture: `open` builds a scheduler on the same backing store each time. */
function reopenable(open: () => JobScheduler, cleanup: () => void | Promise<void>): ReturnType<JobSchedulerFactory> {
  let subject = open();
  return Promise.resolve({
    get subject() {
      return subject;
    },
    async reopen() {
      await subject.close();
      return (subject = open());
    },
    async close() {
      await subject.close();
      await cleanup();
    },
  });
}

const inlineFactory: JobSchedulerFactory = () => {
  const db = tempDb();
  return reopenable(
    () => new InlineJobScheduler({ file: db.file, pollMs: 200 }),
    () => db.remove(),
  );
};

const bullmqFactory: JobSchedulerFactory = () => {
  const prefix = uniquePrefix('jobs');
  return reopenable(
    () => new BullMqJobScheduler({ connection: REDIS_URL, prefix }),
    () => deleteKeys(prefix),
  );
};

const localBusFactory: EventBusFactory = async () => {
  const subject = new LocalEventBus();
  return { subject, close: () => subject.close() };
};

const redisBusFactory: EventBusFactory = async () => {
  const prefix = uniquePrefix('bus');
  const buses = [new RedisEventBus({ url: REDIS_URL, prefix })];
  return {
    subject: buses[0],
    async peer() {
      const peer = new RedisEventBus({ url: REDIS_URL, prefix });
      buses.push(peer);
      return peer;
    },
    async close() {
      await Promise.all(buses.map((b) => b.close()));
    },
  };
};

jobSchedulerContract('inline (SQLite)', inlineFactory);
eventBusContract('local', localBusFactory);

const redisUp = await redisReachable(REDIS_URL);
describe(`Redis adapters (${REDIS_URL})`, () => {
  if (redisUp) {
    jobSchedulerContract('BullMQ', bullmqFactory);
    eventBusContract('Redis pub/sub', redisBusFactory);
  } else if (inCi()) {
    it('Redis is reachable', () => {
      throw new Error(`Redis is required in CI (CI=true) but does not answer at ${REDIS_URL}`);
    });
  } else {
    it(`SKIPPED: Redis not reachable at ${REDIS_URL}`);
  }
});

describe('InlineJobScheduler beyond the contract', () => {
  let db: ReturnType<typeof tempDb>;
  const open: Array<InlineJobScheduler | Database.Database> = [];
  const scheduler = (opts: Partial<InlineJobSchedulerOptions> = {}) => {
    const s = new InlineJobScheduler({ file: db.file, ...opts });
    open.push(s);
    return s;
  };
  const raw = () => {
    const d = new Database(db.file);
    open.push(d);
    return d;
  };
  beforeEach(() => {
    db = tempDb();
  });
  afterEach(async () => {
    for (const o of open.splice(0)) await o.close();
    db.remove();
  });

  it('runs a job left active by a crashed process when it starts, counting the interrupted attempt', async () => {
    const producer = scheduler();
    await producer.enqueue({ queue: 'ca', name: 'issue', key: 'UC-2026-000001:issue', payload: { caseId: 'UC-2026-000001' } });
    await producer.close();
    // What a process killed mid-job leaves behind.
    raw().prepare("UPDATE jobs SET state = 'active', attempts_made = 1").run();
    const runs: Job[] = [];
    const worker = scheduler();
    worker.process('ca', async (job) => void runs.push(job));
    await worker.start();
    await waitFor('the interrupted job to run again', async () => (await worker.counts('ca')).completed === 1);
    expect(runs.map((r) => [r.key, r.attempt])).to.deep.equal([['UC-2026-000001:issue', 2]]);
  });

  it('wakes on enqueue and on the nearest delayed job instead of waiting for the next poll', async () => {
    const runs: string[] = [];
    const s = scheduler({ pollMs: 60_000 });
    s.process('notify', async (job) => void runs.push(job.key));
    await s.start();
    await s.enqueue({ queue: 'notify', name: 'deliver', key: 'now', payload: {} });
    await s.enqueue({ queue: 'notify', name: 'deliver', key: 'soon', payload: {}, delayMs: 200 });
    await waitFor('both jobs to run well before a 60 s poll', () => runs.length === 2, { timeoutMs: 5000 });
    expect(runs).to.deep.equal(['now', 'soon']);
  });

  it('keeps the error code and message of a failed job, and leaves other tables in the file alone', async () => {
    const before = raw();
    before.exec("CREATE TABLE cases (id TEXT PRIMARY KEY, data TEXT); INSERT INTO cases VALUES ('UC-2026-000009', '{}')");
    const s = scheduler();
    s.process('ca', async () => {
      throw new PermanentError('CA_REFUSED', 'key too weak');
    });
    await s.start();
    await s.enqueue({ queue: 'ca', name: 'issue', key: 'UC-2026-000009:issue', payload: {} });
    await waitFor('the job to fail', async () => (await s.counts('ca')).failed === 1);
    await s.close();
    const after = raw();
    expect(after.prepare('SELECT state, error_code, error_message FROM jobs').all()).to.deep.equal([
      { state: 'failed', error_code: 'CA_REFUSED', error_message: 'key too weak' },
    ]);
    expect(after.prepare('SELECT * FROM cases').all()).to.deep.equal([{ id: 'UC-2026-000009', data: '{}' }]);
  });
});
