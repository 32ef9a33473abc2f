import type { Case } from '../cases/case.js';
import { isDomainError } from '../errors.js';
import type { ActivityLog } from '../ports/activity-log.js';
import type { BotStateRetention, ConversationRepository } from '../ports/conversation-repository.js';
import type { HandoffRepository } from '../ports/handoff-repository.js';
import type { TranscriptRetention } from '../ports/transcript-log.js';
import type { CoreDeps } from './deps.js';
import { recordEvent, SYSTEM_ACTOR } from './transition.js';

/** How long each kind of kept data lives, in days (config: RETENTION_*_DAYS). */
export interface RetentionPolicy {
  /**
   * Direct Line conversations idle this long go, with all their activities; so do bot state not
   * written for this long, superseded conversation references and undelivered pending messages.
   */
  activityDays: number;
  /** Transcript entries, and closed handoffs (their agents' notes go with the transcript they annotate). */
  transcriptDays: number;
  /** Completed and failed background jobs. */
  jobDays: number;
  /** Complaint screenshots and advisory letters, counted from the closed case's last update. */
  attachmentDays: number;
}

export type RetentionDeps = Pick<CoreDeps, 'cases' | 'files' | 'audit' | 'jobs' | 'clock'> & {
  activities: ActivityLog;
  transcripts: TranscriptRetention;
  retention: RetentionPolicy;
  // Optional (absent: not pruned) so callers that name their deps (jobs/processors.ts) still compile.
  /** The bot's turn state (botbuilder Storage on the store). */
  botState?: BotStateRetention;
  /** Conversation references and pending messages. */
  conversations?: Pick<ConversationRepository, 'pruneBefore'>;
  /** The agents' queue: closed records. */
  handoffs?: Pick<HandoffRepository, 'pruneClosedBefore'>;
};

export interface RetentionReport {
  conversations: number;
  activities: number;
  transcripts: number;
  jobs: number;
  attachments: number;
  /** Files that had an expiry (Direct Line uploads) and reached it. */
  expiredFiles: number;
  /** Bot state items not written within the activity period. */
  botState: number;
  /** Conversation references superseded by a newer one of the same person and idle for the activity period. */
  conversationReferences: number;
  /** Pending messages older than the activity period (their person never came back). */
  pendingMessages: number;
  /** Handoffs closed longer than the transcript period. */
  handoffs: number;
}

const DAY_MS = 86_400_000;
export const ATTACHMENTS_DELETED_EVENT = 'attachmentsDeleted';

/** Which closed cases carry which attachment: complaints (AD) once closed, advisory requests (KN) once held or declined. */
const ATTACHMENT_FIELDS = [
  { kind: 'AD', closed: ['DITUTUP'], field: 'screenshotFileId' },
  { kind: 'KN', closed: ['SELESAI', 'DITOLAK'], field: 'letterFileId' },
] as const;

const fileIdOf = (c: Case<unknown>, field: string): string | undefined => {
  const id = (c.data as Record<string, unknown> | undefined)?.[field];
  return typeof id === 'string' && id ? id : undefined;
};

const daysBefore = (now: Date, days: number) => new Date(now.getTime() - days * DAY_MS);

/**
 * The daily retention sweep (run by the expiry-scan job after its reminders). Removes Direct Line
 * conversations idle longer than the activity period, bot state not written for as long (a
 * conversation whose dialog moved within the period keeps its state), conversation references
 * idle as long that are not their person's latest (the latest stays for proactive messages),
 * pending messages as old, transcript entries and closed handoffs older than the transcript
 * period, finished jobs older than theirs, and the screenshot or letter of complaints and advisory
 * requests closed longer than the attachment period. Case records and the audit chain are never
 * touched except for the timeline/audit event that says an attachment was deleted. Running it
 * twice on a day deletes nothing the second time.
 */
export async function applyRetention(deps: RetentionDeps): Promise<RetentionReport> {
  const now = deps.clock.now();
  const p = deps.retention;
  const idleCutoff = daysBefore(now, p.activityDays);
  const transcriptCutoff = daysBefore(now, p.transcriptDays);
  const dl = await deps.activities.pruneBefore(idleCutoff);
  const botState = (await deps.botState?.pruneIdleBefore(idleCutoff)) ?? 0;
  const refs = (await deps.conversations?.pruneBefore(idleCutoff)) ?? { conversations: 0, pending: 0 };
  const transcripts = await deps.transcripts.pruneBefore(transcriptCutoff);
  const handoffs = (await deps.handoffs?.pruneClosedBefore(transcriptCutoff)) ?? 0;
  const jobs = await deps.jobs.pruneFinished(daysBefore(now, p.jobDays));
  const attachments = await purgeClosedCaseAttachments(deps, daysBefore(now, p.attachmentDays));
  const expiredFiles = await deps.files.pruneExpired(now);
  return {
    conversations: dl.conversations,
    activities: dl.activities,
    transcripts,
    jobs,
    attachments,
    expiredFiles,
    botState,
    conversationReferences: refs.conversations,
    pendingMessages: refs.pending,
    handoffs,
  };
}

/**
 * Deletes the attachment of every closed complaint or advisory request last updated before
 * `cutoff`, once: the case keeps the file id (what was sent) and its timeline says when the file
 * went. Returns how many files were deleted.
 */
export async function purgeClosedCaseAttachments(
  deps: Pick<CoreDeps, 'cases' | 'files' | 'audit' | 'clock'>,
  cutoff: Date,
): Promise<number> {
  let deleted = 0;
  for (const { kind, closed, field } of ATTACHMENT_FIELDS) {
    for (const c of await deps.cases.listByStatus([...closed], { kind })) {
      const fileId = fileIdOf(c, field);
      if (!fileId || Date.parse(c.updatedAt) >= cutoff.getTime() || c.timeline.some((e) => e.event === ATTACHMENTS_DELETED_EVENT)) continue;
      await deps.files.delete(fileId);
      try {
        await recordEvent(deps, c, { event: ATTACHMENTS_DELETED_EVENT, actorId: SYSTEM_ACTOR });
        deleted++;
      } catch (e) {
        // Two sweeps at once (a catch-up chain, or two instances): the one that recorded it counts it.
        if (!isDomainError(e) || e.code !== 'CASE_STALE') throw e;
        const now = await deps.cases.get(c.id);
        if (!now?.timeline.some((t) => t.event === ATTACHMENTS_DELETED_EVENT)) throw e;
      }
    }
  }
  return deleted;
}
