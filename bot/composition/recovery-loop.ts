import type { ExpiredSweepReport } from '../../domain/usecases/expired-sweep.js';
import type { RecoveryReport } from '../../domain/usecases/recovery.js';
import type { Logger } from '../../infra/logger.js';

/**
 * Runs the recovery sweep now and then every `intervalMs`, one run at a time, until stopped. A
 * failed run (the store or Redis away) is logged and the next one tries again: the sweep exists
 * for exactly the moments when something was down. It also carries the sweep of what expires by
 * the hour (unclaimed uploads, ended quota windows, expired console sessions), which cannot wait for the daily retention scan.
 */
export async function startRecoveryLoop(
  run: () => Promise<RecoveryReport & { helpdeskTimers: number } & Partial<ExpiredSweepReport> & { expiredSessions?: number }>,
  opts: { intervalMs: number; logger: Logger },
): Promise<{ stop(): Promise<void> }> {
  let running: Promise<void> | undefined;
  let stopped = false;
  const once = () =>
    (running ??= run()
      .then((r) => {
        if (r.requeued.length || r.announcedLate.length || r.helpdeskTimers) {
          opts.logger.warn(
            { requeued: r.requeued, announcedLate: r.announcedLate, helpdeskTimers: r.helpdeskTimers },
            'recovery: lost work enqueued again or announced late',
          );
        }
        if (r.expiredFiles || r.endedWindows || r.expiredSessions) {
          opts.logger.info(
            { expiredFiles: r.expiredFiles, endedWindows: r.endedWindows, expiredSessions: r.expiredSessions },
            'recovery: expired uploads, ended quota windows and console sessions pruned',
          );
        }
      })
      .catch((err: unknown) => opts.logger.error({ err }, 'recovery sweep failed; retrying at the next interval'))
      .finally(() => void (running = undefined)));
  await once();
  const timer = setInterval(() => void (stopped || once()), opts.intervalMs);
  timer.unref();
  return {
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running;
    },
  };
}
