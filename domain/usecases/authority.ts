import {
  decidersAmong,
  deciderLookup,
  pendingTask,
  tasksFor,
  taskScope,
  waitingStatuses,
  type AuthorityCase,
  type Task,
} from '../cases/authority.js';
import { CASE_KINDS, type Case, type CaseKind } from '../cases/case.js';
import type { Person } from '../people.js';
import type { Directory } from '../ports/directory.js';
import type { CoreDeps } from './deps.js';

/** A case waiting on someone, with what it waits on. */
export interface PendingTask {
  c: Case;
  task: Task;
}

/**
 * The ids of the people who may do `task` on the case (default: the task it waits on now), in
 * directory order: who is asked (notified), and whose Teams card refreshes. The rule is
 * `domain/cases/authority.ts`; this only asks the directory for the candidates it names.
 */
export async function decidersOf(
  deps: { directory: Pick<Directory, 'getPerson' | 'listByRole'> },
  c: AuthorityCase,
  task: Task | undefined = pendingTask(c),
): Promise<string[]> {
  if (task === undefined) return [];
  const lookup = deciderLookup(c, task);
  const people =
    'role' in lookup
      ? await deps.directory.listByRole(lookup.role, lookup.agencyId)
      : (await Promise.all(lookup.personIds.map((id) => deps.directory.getPerson(id)))).filter((p): p is Person => p !== undefined);
  return decidersAmong(c, people, task).map((p) => p.id);
}

/**
 * What waits on this person (`tugasan`): the open cases of `kinds` whose current task they may
 * do, by kind in the order given, then by case number.
 */
export async function listTasksFor(
  deps: Pick<CoreDeps, 'cases' | 'directory'>,
  personId: string,
  kinds: readonly CaseKind[] = CASE_KINDS,
): Promise<PendingTask[]> {
  const viewer = await deps.directory.getPerson(personId);
  if (!viewer) return [];
  const out: PendingTask[] = [];
  for (const kind of kinds) {
    const scope = taskScope(viewer, kind);
    if (!scope) continue;
    out.push(...tasksFor(viewer, await deps.cases.listByStatus(waitingStatuses(kind), { kind, ...scope })));
  }
  return out;
}
