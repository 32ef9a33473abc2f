import { daysLeft, realmOf, type CertificateRecord } from '../certificates.js';
import { openRequestFor } from './cert-common.js';
import type { CoreDeps } from './deps.js';
import { JOBS } from '../ports/job-names.js';

const DAY_MS = 86_400_000;

/** The job key of one day's scan: the same day is scanned at most once, however often it is scheduled. */
export const expiryScanKey = (day: string) => `expiry:scan:${day}`;

/** `yyyy-mm-dd` of an instant, in UTC (the scan hour is a UTC hour too). */
export const dayOf = (d: Date): string => d.toISOString().slice(0, 10);

const scanTime = (day: string, utcHour: number): Date => new Date(`${day}T${String(utcHour).padStart(2, '0')}:00:00.000Z`);
const dayAfter = (day: string): string => dayOf(new Date(Date.parse(`${day}T00:00:00.000Z`) + DAY_MS));

/**
 * Schedules the daily expiry scan, idempotently: at start, today's scan (now, if its hour has
 * passed), or tomorrow's when today's is already known; after a scan, the next day's. Every
 * instance may call this at start; the job key makes one scan per day.
 */
export async function scheduleExpiryScan(
  deps: Pick<CoreDeps, 'jobs' | 'clock' | 'policy'>,
  opts: { after?: string } = {},
): Promise<string> {
  const now = deps.clock.now();
  const enqueue = (day: string) =>
    deps.jobs.enqueue({
      ...JOBS.expiryScan,
      payload: { day },
      key: expiryScanKey(day),
      delayMs: Math.max(0, scanTime(day, deps.policy.expiryScanUtcHour).getTime() - now.getTime()),
      attempts: 5,
      backoffMs: 60_000,
    });
  if (opts.after) {
    const next = dayAfter(opts.after);
    await enqueue(next);
    return next;
  }
  const today = dayOf(now);
  if (!(await enqueue(today)).duplicate) return today;
  const tomorrow = dayAfter(today);
  await enqueue(tomorrow);
  return tomorrow;
}

/**
 * The reminder due for a certificate `days` before expiry: the nearest configured threshold at or
 * above it (30, 14, 7 by default). A scan missed on the day still sends it late, never a stale
 * earlier one.
 */
export function reminderDue(days: number, thresholds: readonly number[]): number | undefined {
  if (days <= 0) return undefined;
  const due = [...thresholds].sort((a, b) => a - b).find((t) => t >= days);
  return due;
}

/**
 * The daily scan: a reminder card for every valid user or training certificate reaching a
 * threshold, once per threshold (recorded on the certificate, and the notification is deduplicated
 * by the same key). Certificates already renewed, replaced or revoked, or with a renewal,
 * revocation or replacement under way, get none.
 */
export async function sendExpiryReminders(deps: CoreDeps): Promise<{ sent: number }> {
  const now = deps.clock.now();
  const thresholds = deps.policy.reminderDays;
  if (thresholds.length === 0) return { sent: 0 };
  const horizon = new Date(now.getTime() + (Math.max(...thresholds) + 1) * DAY_MS);
  let sent = 0;
  for (const cert of await deps.certificates.listExpiringBetween(now, horizon)) {
    const due = reminderDue(daysLeft(cert, now), thresholds);
    if (due === undefined || !(await wantsReminder(deps, cert, due))) continue;
    await deps.notifier.notify(
      cert.ownerId,
      { type: 'expiryReminder', caseId: cert.caseId, serial: cert.serial, days: due },
      `reminder:${cert.serial}:${due}`,
    );
    await deps.certificates.save({ ...cert, remindersSent: [...(cert.remindersSent ?? []), due] });
    sent++;
  }
  return { sent };
}

async function wantsReminder(deps: CoreDeps, cert: CertificateRecord, due: number): Promise<boolean> {
  if (!realmOf(cert) || cert.status !== 'AKTIF' || cert.revocation || cert.successor) return false;
  // A smaller threshold already sent means this one's moment has passed.
  if ((cert.remindersSent ?? []).some((d) => d <= due)) return false;
  return !(await openRequestFor(deps, cert.ownerId, cert.serial));
}
