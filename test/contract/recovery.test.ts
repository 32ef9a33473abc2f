import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import type { CoreDeps } from '../../domain/usecases/deps.js';
import { CA_LATE_EVENT, recoverLostWork } from '../../domain/usecases/recovery.js';
import { loadDirectorySeed } from '../../infra/directory-seed.js';
import { InlineJobScheduler } from '../../infra/queue/inline.js';
import { createEmbeddedStore, type EmbeddedStore } from '../../infra/store/embedded/index.js';
import { removeDir, TestClock } from '../support/bot.js';
import { coreDepsOn } from '../support/core-deps.js';
import { freshCa } from '../support/embedded-ca.js';

const MINUTE = 60_000;

/**
 * The recovery sweep on the embedded store and the in-process runner (not started, so what it
 * enqueues stays visible): a case left sent to the CA with no job gets its job once, and its
 * people are told once when it is late. The same sweep against BullMQ and real crashes is
 * test/e2e/scaled-faults.test.ts.
 */
describe('the recovery sweep', function () {
  this.timeout(30_000);
  let dir: string;
  let store: EmbeddedStore;
  let jobs: InlineJobScheduler;
  let deps: CoreDeps;
  const clock = new TestClock(new Date('2026-12-07T02:00:00Z'));

  beforeEach(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'gpki-recovery-'));
    store = createEmbeddedStore({ file: path.join(dir, 'gpki.db'), filesDir: path.join(dir, 'files'), clock });
    jobs = new InlineJobScheduler({ file: path.join(dir, 'gpki.db'), pollMs: 100, concurrency: 1 });
    const { ca } = await freshCa();
    deps = coreDepsOn(store, jobs, { ca, clock });
    await loadDirectorySeed(store.directory, JSON.parse(readFileSync('infra/seed/demo-directory.json', 'utf8')));
  });
  afterEach(async () => {
    await jobs.close();
    await store.close();
    removeDir(dir);
  });

  /** A user-certificate case written as sent to the CA whose job never reached the queue. */
  const orphan = () =>
    store.cases.create({
      kind: 'UC',
      status: 'DIHANTAR_KE_CA',
      applicantId: 'demo-applicant',
      agencyId: 'KKM',
      data: { operation: 'new' },
      timeline: [{ at: clock.now().toISOString(), event: 'sentToCa', actorId: 'system', status: 'DIHANTAR_KE_CA' }],
    });

  it('enqueues the lost CA job once, and announces a late case once to the holder and the AP', async () => {
    const c = await orphan();
    const first = await recoverLostWork(deps, { caLateMinutes: 30 });
    expect(first.requeued).to.deep.equal([c.id]);
    expect(first.announcedLate).to.deep.equal([]);
    expect((await jobs.counts('ca')).waiting).to.equal(1);
    expect((await recoverLostWork(deps, { caLateMinutes: 30 })).requeued, 'a second sweep finds the job').to.deep.equal([]);
    expect((await jobs.counts('ca')).waiting).to.equal(1);

    clock.set(new Date(clock.now().getTime() + 31 * MINUTE));
    const late = await recoverLostWork(deps, { caLateMinutes: 30 });
    expect(late.announcedLate).to.deep.equal([c.id]);
    const stored = (await store.cases.get(c.id))!;
    expect(stored.status).to.equal('DIHANTAR_KE_CA');
    expect(stored.timeline.filter((e) => e.event === CA_LATE_EVENT)).to.have.length(1);
    // One notice each for the holder and the agency's AP (the notify jobs carry who and what).
    expect((await jobs.counts('notify')).waiting).to.equal(2);
    expect((await recoverLostWork(deps, { caLateMinutes: 30 })).announcedLate, 'announced once').to.deep.equal([]);
    expect((await jobs.counts('notify')).waiting).to.equal(2);
  });

  it('leaves cases that wait for no CA job alone and keeps the daily scan scheduled', async () => {
    await store.cases.create({
      kind: 'UC',
      status: 'MENUNGGU_PENGESAHAN_AP',
      applicantId: 'demo-applicant',
      agencyId: 'KKM',
      data: { operation: 'new' },
      timeline: [],
    });
    const r = await recoverLostWork(deps, { caLateMinutes: 30 });
    expect(r.requeued).to.deep.equal([]);
    expect((await jobs.counts('ca')).waiting).to.equal(0);
    const expiry = await jobs.counts('expiry');
    expect(expiry.waiting + expiry.delayed).to.equal(1);
    await recoverLostWork(deps, { caLateMinutes: 30 });
    const again = await jobs.counts('expiry');
    expect(again.waiting + again.delayed, 'today is known: tomorrow is scheduled once').to.equal(2);
  });
});
