import { JOBS } from '../../domain/ports/job-names.js';
import type { JobScheduler } from '../../domain/ports/job-scheduler.js';
import type { Notification, Notifier } from '../../domain/ports/notifier.js';

/**
 * Notifier that hands each notification to the `notify` queue, so delivery (and its retries and
 * rate limits) happens outside the turn or job that caused it. The dedupe key becomes the job
 * key, so the same notification is delivered once.
 */
export class QueuedNotifier implements Notifier {
  constructor(private readonly opts: { jobs: JobScheduler }) {}

  async notify(personId: string, n: Notification, dedupeKey: string): Promise<void> {
    await this.opts.jobs.enqueue({
      ...JOBS.notifyDeliver,
      payload: { personId, notification: n },
      key: `notify:${personId}:${n.type}:${dedupeKey}`,
      attempts: 5,
      backoffMs: 1000,
    });
  }
}
