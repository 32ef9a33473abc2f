import type { Case, TimelineEntry } from '../cases/case.js';
import type { CoreDeps } from './deps.js';

export const SYSTEM_ACTOR = 'system';

/**
 * Stores a case after a status change (or a plain timeline event) and appends the same event to
 * the audit chain, in one atomic write (`updateWithAudit`): a crash can leave neither, never a
 * change without its audit entry. The repository's optimistic check makes a concurrent second
 * decision fail with CASE_STALE instead of overwriting the first, and then nothing is appended.
 */
export async function recordEvent<D>(
  deps: Pick<CoreDeps, 'cases' | 'clock'>,
  c: Case<D>,
  change: { event: string; actorId: string; status?: string; note?: string; patch?: Partial<Case<D>> },
): Promise<Case<D>> {
  const at = deps.clock.now().toISOString();
  const entry: TimelineEntry = { at, event: change.event, actorId: change.actorId, status: change.status, note: change.note };
  const next: Case<D> = {
    ...c,
    ...change.patch,
    status: change.status ?? c.status,
    timeline: [...c.timeline, stripUndefined(entry)],
  };
  return deps.cases.updateWithAudit(next, {
    at,
    actorId: change.actorId,
    action: change.event,
    data: stripUndefined({ status: change.status, note: change.note }),
  });
}

function stripUndefined<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}
