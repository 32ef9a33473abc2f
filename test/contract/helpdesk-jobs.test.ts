import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import type { ComplaintData } from '../../domain/cases/complaint.js';
import type { JobScheduler } from '../../domain/ports/job-scheduler.js';
import type { Notification, NotificationChannel } from '../../domain/ports/notifier.js';
import { agentAct, lodgeComplaint } from '../../domain/usecases/complaint.js';
import type { HelpdeskDeps } from '../../domain/usecases/helpdesk-deps.js';
import { bookVisit, decideOnsite, offerSlots, requestOnsite } from '../../domain/usecases/onsite.js';
import { loadCalendars } from '../../infra/calendar/load.js';
import { loadConfig } from '../../infra/config.js';
import { loadDirectorySeed } from '../../infra/directory-seed.js';
import { QueuedNotifier } from '../../infra/notify/queued-notifier.js';
import { BullMqJobScheduler } from '../../infra/queue/bullmq.js';
import { InlineJobScheduler } from '../../infra/queue/inline.js';
import { createEmbeddedStore, type EmbeddedStore } from '../../infra/store/embedded/index.js';
import { processors, registerProcessors } from '../../jobs/processors.js';
import type { CertificateAuthority } from '../../domain/ports/certificate-authority.js';
import { removeDir, TestClock } from '../support/bot.js';
import { deleteKeys, redisReachable, REDIS_URL } from '../support/redis.js';
import { waitFor } from '../support/wait-for.js';
import { inCi } from './harness.js';
import { coreDepsOn } from '../support/core-deps.js';

const HOUR = 3_600_000;

/** What each person would have been shown. */
class RecordingChannel implements NotificationChannel {
  readonly delivered: { personId: string; n: Notification }[] = [];
  async deliver(personId: string, n: Notification): Promise<'delivered'> {
    this.delivered.push({ personId, n });
    return 'delivered';
  }
  events(personId: string): string[] {
    return this.delivered.filter((d) => d.personId === personId && d.n.type === 'helpdesk').map((d) => (d.n as { event: string }).event);
  }
}

/**
 * The visit reminder and the 48-hour deadline check through the real processors on each job
 * runner (the in-process one on SQLite, BullMQ on Redis), with the runner closed and reopened
 * between scheduling and the moment the job is due. Delays are made short by the settings (a
 * reminder lead just under the time to the visit, a window of seconds), never by mocking time
 * inside the runner.
 */
function helpdeskJobSuite(name: string, open: (file: string) => { jobs: () => JobScheduler; cleanup(): Promise<void> }): void {
  describe(`helpdesk visit jobs on ${name}`, function () {
    this.timeout(60_000);
    let dir: string;
    let store: EmbeddedStore;
    let jobs: JobScheduler;
    let runner: ReturnType<typeof open>;
    let deps: HelpdeskDeps;
    let channel: RecordingChannel;
    // Monday 7 December 2026, 09:00 in Putrajaya.
    const clock = new TestClock(new Date('2026-12-07T01:00:00Z'));

    const restart = async () => {
      await jobs.close();
      jobs = runner.jobs();
      deps.jobs = jobs;
      deps.notifier = new QueuedNotifier({ jobs });
      registerProcessors(jobs, processors({ core: deps, channel, helpdesk: deps }));
      await jobs.start();
    };

    beforeEach(async () => {
      clock.set(new Date('2026-12-07T01:00:00Z'));
      dir = mkdtempSync(path.join(os.tmpdir(), 'gpki-hdjobs-'));
      store = createEmbeddedStore({ file: path.join(dir, 'gpki.db'), filesDir: path.join(dir, 'files') });
      runner = open(path.join(dir, 'gpki.db'));
      jobs = runner.jobs();
      const config = loadConfig({ DATA_DIR: dir });
      const noCa = {} as CertificateAuthority;
      deps = {
        ...coreDepsOn(store, jobs, { ca: noCa, clock }),
        calendars: loadCalendars(config.helpdesk.calendarFile, 'PUTRAJAYA'),
        helpdesk: {
          onsiteWindowHours: 48,
          visitSlotMinutes: 120,
          visitReminderHours: 24,
          ticketAutoCloseWorkingDays: 5,
          advisoryLeadWorkingDays: 5,
        },
      };
      await loadDirectorySeed(store.directory, JSON.parse(readFileSync('infra/seed/demo-directory.json', 'utf8')));
      channel = new RecordingChannel();
      registerProcessors(jobs, processors({ core: deps, channel, helpdesk: deps }));
      await jobs.start();
    });
    afterEach(async () => {
      await jobs.close();
      await runner.cleanup();
      await store.close();
      removeDir(dir);
    });

    async function approvedTicket(): Promise<string> {
      const t = await lodgeComplaint(deps, {
        actorId: 'demo-applicant',
        category: 'token',
        application: 'ePerolehan',
        description: 'Token tidak dikesan di semua komputer pejabat.',
      });
      const id = t.ok ? t.value.id : '';
      expect((await agentAct(deps, { caseId: id, actorId: 'demo-agent', action: 'acknowledge' })).ok).to.equal(true);
      expect(
        (await requestOnsite(deps, { caseId: id, actorId: 'demo-agent', triedOnline: 'Pemacu dipasang semula, port USB lain dicuba.' })).ok,
      ).to.equal(true);
      expect((await decideOnsite(deps, { caseId: id, actorId: 'demo-lead', decision: 'approve' })).ok).to.equal(true);
      return id;
    }

    it('RESTART: the visit reminder scheduled at booking reaches the officer and the user after the runner restarts', async () => {
      const id = await approvedTicket();
      const [slot] = await offerSlots(deps, id);
      // A reminder lead just under the time to the visit: the reminder is due in about a second.
      deps.helpdesk.visitReminderHours = (slot!.start.getTime() - clock.now().getTime() - 1000) / HOUR;
      const booked = await bookVisit(deps, {
        caseId: id,
        actorId: 'demo-applicant',
        slotStart: slot!.start.toISOString(),
        representative: { name: 'Encik Wakil', phone: '03-8888 1234' },
        location: 'Aras 3, Blok E7, Putrajaya',
      });
      expect(booked.ok).to.equal(true);
      await restart();
      await waitFor(
        'the reminders',
        () => channel.events('demo-tech').includes('visitReminder') && channel.events('demo-applicant').includes('visitReminder'),
        { timeoutMs: 20_000 },
      );
      const c = (await store.cases.get<ComplaintData>(id))!;
      expect(c.timeline.map((e) => e.event)).to.include('visitReminded');
      expect(channel.events('demo-tech')).to.include('visitAssigned');
    });

    it('RESTART: the deadline check alerts the lead agency and the helpdesk and marks the breach when no report came', async () => {
      // A window of seconds (in office hours on a working day) so the check is due almost at once.
      deps.helpdesk.onsiteWindowHours = 1.5 / 3600;
      const id = await approvedTicket();
      await restart();
      await waitFor(
        'the breach alerts',
        () => channel.events('demo-lead').includes('onsiteBreached') && channel.events('demo-agent').includes('onsiteBreached'),
        { timeoutMs: 20_000 },
      );
      const c = (await store.cases.get<ComplaintData>(id))!;
      expect(c.data.onsite?.breachedAt).to.be.a('string');
      expect(c.timeline.map((e) => e.event)).to.include('onsiteBreached');
      expect(c.status).to.equal('LULUS_TAPAK');
    });

    it('does not alert when the visit report came before the deadline', async () => {
      deps.helpdesk.onsiteWindowHours = 1.5 / 3600;
      const id = await approvedTicket();
      const c = (await store.cases.get<ComplaintData>(id))!;
      // The report is on the case before the check runs (as the officer's card would put it).
      await store.cases.update({
        ...c,
        data: {
          ...c.data,
          onsite: {
            ...c.data.onsite!,
            reports: [
              { at: clock.now().toISOString(), byId: 'demo-tech', representativePresent: true, workDone: 'Token diganti.', resolved: true },
            ],
          },
        },
      });
      await waitFor('the check to run', async () => (await jobs.counts('visits')).completed >= 1, { timeoutMs: 20_000 });
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(channel.events('demo-lead')).to.not.include('onsiteBreached');
      expect((await store.cases.get<ComplaintData>(id))?.data.onsite?.breachedAt).to.equal(undefined);
    });
  });
}

helpdeskJobSuite('the in-process runner', (file) => ({
  jobs: () => new InlineJobScheduler({ file, pollMs: 100, concurrency: 2 }),
  cleanup: async () => undefined,
}));

if (await redisReachable()) {
  helpdeskJobSuite('BullMQ', () => {
    const prefix = `gpki-test-hdjobs-${randomUUID().slice(0, 8)}`;
    return { jobs: () => new BullMqJobScheduler({ connection: REDIS_URL, prefix, concurrency: 2 }), cleanup: () => deleteKeys(prefix) };
  });
} else {
  describe('helpdesk visit jobs on BullMQ', () => {
    if (inCi())
      it('Redis is reachable', () => {
        throw new Error(`Redis is required in CI (CI=true) but does not answer at ${REDIS_URL}`);
      });
    else it(`SKIPPED: Redis not reachable at ${REDIS_URL}`);
  });
}
