import type { Clock } from '../ports/clock.js';
import type { FileStore } from '../ports/file-store.js';
import type { RateLimits } from '../ports/rate-limits.js';

export interface ExpiredSweepReport {
  /** Files past their `expiresAt`: Direct Line uploads no step accepted (UPLOAD_UNCLAIMED_HOURS). */
  expiredFiles: number;
  /** Rate-limit windows that have ended (upload quotas, sign-in throttles). */
  endedWindows: number;
}

/**
 * Removes what has a time of its own to go and should not wait for the daily retention sweep: a
 * Direct Line upload expires hours after it came (the step that accepted a file stored its own
 * copy), and an ended quota window is dead weight. Run by the periodic recovery loop on every
 * instance; idempotent, so instances running it at once only share the work.
 */
export async function sweepExpired(deps: { files: FileStore; rateLimits: RateLimits; clock: Clock }): Promise<ExpiredSweepReport> {
  const now = deps.clock.now();
  const expiredFiles = await deps.files.pruneExpired(now);
  const endedWindows = await deps.rateLimits.pruneEnded(now);
  return { expiredFiles, endedWindows };
}
