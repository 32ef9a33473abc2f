import type { Case } from '../cases/case.js';
import type { CoreDeps } from './deps.js';
import { recordEvent, SYSTEM_ACTOR } from './transition.js';

/** DOMAIN.md 7.15: a MyKad copy is deleted once the AP has verified it, or after 90 days at most. */
export const MYKAD_COPY_RETENTION_DAYS = 90;

const DAY_MS = 86_400_000;
const DELETED_EVENT = 'mykadCopyDeleted';

/** Statuses in which the AP has not yet looked at the copy: it is still needed. */
const AWAITING_VERIFICATION = ['DIHANTAR', 'MENUNGGU_PENGESAHAN_AP', 'PERLU_PEMBETULAN'];

type Deps = Pick<CoreDeps, 'cases' | 'files' | 'audit' | 'clock'>;

const copyOf = (c: Case<unknown>): string | undefined => {
  const id = (c.data as { mykadCopyFileId?: unknown } | undefined)?.mykadCopyFileId;
  return typeof id === 'string' && id ? id : undefined;
};

/**
 * Deletes the case's MyKad copy from the file store and says so on the timeline, once. The case
 * keeps the file id (what was verified), not the image. Returns the case as stored afterwards.
 */
export async function discardMyKadCopy<D>(deps: Deps, c: Case<D>): Promise<Case<D>> {
  const fileId = copyOf(c as Case<unknown>);
  if (!fileId || c.timeline.some((e) => e.event === DELETED_EVENT)) return c;
  await deps.files.delete(fileId);
  return recordEvent(deps, c, { event: DELETED_EVENT, actorId: SYSTEM_ACTOR });
}

/** Deletes a file the case no longer refers to (a MyKad copy replaced during a correction). */
export async function discardReplacedCopy(deps: Pick<CoreDeps, 'files'>, before: Case<unknown>, after: Case<unknown>): Promise<void> {
  const old = copyOf(before);
  if (old && old !== copyOf(after)) await deps.files.delete(old);
}

/**
 * The daily sweep: copies still waiting for an AP after the retention limit are deleted all the
 * same (the case stays open; a returned case can ask for a new copy).
 */
export async function purgeStaleMyKadCopies(deps: Deps): Promise<{ deleted: number }> {
  const cutoff = deps.clock.now().getTime() - MYKAD_COPY_RETENTION_DAYS * DAY_MS;
  let deleted = 0;
  for (const c of await deps.cases.listByStatus(AWAITING_VERIFICATION)) {
    if (!copyOf(c) || Date.parse(c.createdAt) > cutoff || c.timeline.some((e) => e.event === DELETED_EVENT)) continue;
    await discardMyKadCopy(deps, c);
    deleted++;
  }
  return { deleted };
}
