import { assertNever } from '../errors.js';
import { hasRole, type Person, type Role } from '../people.js';
import { ADVISORY_STATUSES, advisoryTransition } from './advisory.js';
import type { Case, CaseKind } from './case.js';
import { TICKET_STATUSES, ticketTransition, type ComplaintData, type TicketEvent } from './complaint.js';
import { isCaseOf } from './kinds.js';
import { canTransition } from './lifecycle.js';
import type { Operation } from './operations.js';
import { REPLACEMENT_STATUSES } from './replacement.js';
import { REVOCATION_STATUSES } from './revocation.js';
import {
  isServerStatus,
  SERVER_STATUSES,
  serverTransition,
  type ServerCertData,
  type ServerEvent,
  type ServerOperation,
} from './server-certificate.js';

/**
 * Who may decide a case: the one home of that rule, beside the lifecycles it guards (ARCHITECTURE.md
 * 6, STYLE.md 16). The use cases refuse with it; the edge asks it which card a viewer gets, whose
 * card refreshes, who is notified and what `tugasan` lists. Pure: people and cases in, answers out.
 *
 * A case's status says which task it waits on (`pendingTask`, read from the lifecycle's own
 * transition table); the task says who may do it (`refusalFor`), whatever the status. Separation
 * of duties holds for every decision: nobody decides a case they applied for or asked for.
 */

/** What a case can wait on someone for. */
export const TASKS = [
  'verify',
  'csr',
  'endorse',
  'approve',
  'ticket',
  'onsiteApproval',
  'visitReport',
  'advisory',
  'advisoryHeld',
] as const;
/**
 * - `verify`: an AP of the case's agency approves, returns or rejects a user or training certificate case;
 * - `csr`, `endorse`, `approve`: a server certificate's technical officer sends the CSR, its verifying
 *   officer endorses (returns, rejects), a lead-agency officer approves (rejects);
 * - `ticket`: a helpdesk agent works a complaint (acknowledge, reply, ask, resolve, escalate);
 * - `onsiteApproval`: a lead-agency officer approves or rejects the on-site visit;
 * - `visitReport`: the technical officer assigned to the visit reports on it;
 * - `advisory`, `advisoryHeld`: a lead-agency officer accepts or declines an advisory request, and
 *   records the session held.
 */
export type Task = (typeof TASKS)[number];
/** The tasks of a server certificate case: the technical officer's CSR, the verifying officer's endorsement, the lead agency's approval. */
export const SERVER_TASKS = ['csr', 'endorse', 'approve'] as const satisfies readonly Task[];
export type ServerTask = (typeof SERVER_TASKS)[number];
export const isServerTask = (t: Task): t is ServerTask => (SERVER_TASKS as readonly Task[]).includes(t);

/** The tasks each kind of case has. */
export const TASKS_OF_KIND: Readonly<Record<CaseKind, readonly Task[]>> = {
  UC: ['verify'],
  TC: ['verify'],
  SC: ['csr', 'endorse', 'approve'],
  AD: ['ticket', 'onsiteApproval', 'visitReport'],
  KN: ['advisory', 'advisoryHeld'],
};

/**
 * Why a person may not do a task: they lack the role, it is their own request (separation of
 * duties), the case is another agency's, or the case names someone else for it. Use cases map
 * these to their own error codes.
 */
export type Refusal = 'ROLE_REQUIRED' | 'SELF_APPROVAL' | 'WRONG_AGENCY' | 'NOT_NAMED';

/** The part of a case the rule reads. */
export type AuthorityCase = Pick<Case<unknown>, 'kind' | 'status' | 'applicantId' | 'agencyId' | 'data'>;

const serverData = (c: Pick<AuthorityCase, 'data'>) => (c.data ?? {}) as Partial<ServerCertData>;
const onsiteOf = (c: Pick<AuthorityCase, 'data'>) => (c.data as Partial<ComplaintData> | undefined)?.onsite;
const requestedByOf = (c: Pick<AuthorityCase, 'data'>) => (c.data as { requestedBy?: string } | undefined)?.requestedBy;

/** Events a helpdesk agent may cause on a ticket; while any is allowed, the ticket is the agents' to work. */
const AGENT_EVENTS: readonly TicketEvent[] = ['acknowledge', 'reply', 'askInfo', 'resolve', 'escalate'];

/**
 * The task the case waits on now, read from its lifecycle; undefined when it waits on nobody's
 * decision (as in a status its kind's lifecycle does not have).
 */
export function pendingTask(c: Pick<AuthorityCase, 'kind' | 'status' | 'data'>): Task | undefined {
  if (!isCaseOf(c, c.kind)) return undefined;
  switch (c.kind) {
    case 'UC':
    case 'TC':
      return canTransition(c, 'approve') ? 'verify' : undefined;
    case 'SC': {
      const { status } = c;
      const by = (e: ServerEvent) => serverTransition(serverData(c).operation ?? 'new', status, e)?.by;
      if (by('csrAccepted') === 'TECH') return 'csr';
      if (by('endorse') === 'VERIFIER') return 'endorse';
      return by('approve') === 'LEAD' ? 'approve' : undefined;
    }
    case 'AD': {
      const { status } = c;
      const by = (e: TicketEvent) => ticketTransition(status, e)?.by;
      if (by('approveOnsite') === 'LEAD_AGENCY') return 'onsiteApproval';
      if (by('visitResolved') === 'TECHNICAL_OFFICER') return 'visitReport';
      return AGENT_EVENTS.some((e) => by(e) === 'HELPDESK_AGENT' || by(e) === 'USER_OR_AGENT') ? 'ticket' : undefined;
    }
    case 'KN':
      if (advisoryTransition(c.status, 'accept')) return 'advisory';
      return advisoryTransition(c.status, 'held') ? 'advisoryHeld' : undefined;
    default:
      return assertNever(c);
  }
}

/** The role, unless the case is the person's own. */
function roleButNotOwn(viewer: Person, role: Role, own: (string | undefined)[]): Refusal | undefined {
  if (!hasRole(viewer, role)) return 'ROLE_REQUIRED';
  return own.includes(viewer.id) ? 'SELF_APPROVAL' : undefined;
}

/**
 * Why `viewer` may not do `task` on the case, whatever its status; undefined when they may. Checks
 * run in the order the use cases report them (the role first, then the person).
 */
export function refusalFor(viewer: Person, c: AuthorityCase, task: Task): Refusal | undefined {
  if (!TASKS_OF_KIND[c.kind].includes(task)) return 'ROLE_REQUIRED';
  switch (task) {
    case 'verify': {
      // An AP verifies for their own agency only, and never their own request.
      const refused = roleButNotOwn(viewer, 'AP', [c.applicantId]);
      if (refused) return refused;
      return viewer.agencyId !== undefined && viewer.agencyId === c.agencyId ? undefined : 'WRONG_AGENCY';
    }
    case 'csr':
      return viewer.id === serverData(c).techId ? undefined : 'NOT_NAMED';
    case 'endorse': {
      // Only the named verifying officer, who is neither the applicant, the technical officer nor the requester.
      const d = serverData(c);
      if ([c.applicantId, d.techId, d.requestedBy].includes(viewer.id)) return 'SELF_APPROVAL';
      return viewer.id === d.verifierId ? undefined : 'NOT_NAMED';
    }
    case 'approve': {
      // A lead-agency officer who is none of the case's people.
      const d = serverData(c);
      return roleButNotOwn(viewer, 'LEAD_AGENCY', [c.applicantId, d.techId, d.verifierId, d.requestedBy]);
    }
    case 'ticket':
      return roleButNotOwn(viewer, 'HELPDESK_AGENT', [c.applicantId]);
    case 'onsiteApproval':
      return roleButNotOwn(viewer, 'LEAD_AGENCY', [c.applicantId, onsiteOf(c)?.requestedById]);
    case 'visitReport':
      return onsiteOf(c)?.officerId === viewer.id ? undefined : 'NOT_NAMED';
    case 'advisory':
    case 'advisoryHeld':
      return roleButNotOwn(viewer, 'LEAD_AGENCY', [c.applicantId]);
    default:
      return assertNever(task);
  }
}

/** Whether `viewer` may do `task` on the case (whatever its status). */
export function mayPerform(viewer: Person, c: AuthorityCase, task: Task): boolean {
  return refusalFor(viewer, c, task) === undefined;
}

/** The task the case waits on from `viewer` now, if any. */
export function taskOf(viewer: Person, c: AuthorityCase): Task | undefined {
  const task = pendingTask(c);
  return task !== undefined && mayPerform(viewer, c, task) ? task : undefined;
}

/** Whether `viewer` may decide the case now (optionally: by doing exactly `task`). */
export function mayDecide(viewer: Person, c: AuthorityCase, task?: Task): boolean {
  const mine = taskOf(viewer, c);
  return mine !== undefined && (task === undefined || task === mine);
}

/** The cases waiting on `viewer`, each with its task, in the order given. */
export function tasksFor<C extends AuthorityCase>(viewer: Person, cases: readonly C[]): { c: C; task: Task }[] {
  return cases.flatMap((c) => {
    const task = taskOf(viewer, c);
    return task ? [{ c, task }] : [];
  });
}

/** Of `people`, those who may do `task` (default: the task the case waits on now). */
export function decidersAmong<P extends Person>(c: AuthorityCase, people: readonly P[], task: Task | undefined = pendingTask(c)): P[] {
  return task === undefined ? [] : people.filter((p) => mayPerform(p, c, task));
}

/**
 * Whether `actor` may start a certificate request for `holder` (DOMAIN.md 2.3: "AP submits"): an
 * AP of the holder's agency. Such a request is verified by being made (`approveOnBehalf`).
 */
export function mayActFor(actor: Person, holder: Person): boolean {
  return mayActForOthers(actor) && actor.agencyId === holder.agencyId;
}

/** Whether `actor` may start requests for anyone at all (an AP with an agency): whether to ask "for whom?". */
export function mayActForOthers(actor: Person): boolean {
  return hasRole(actor, 'AP') && actor.agencyId !== undefined;
}

/** Where the candidates for a task are found: everyone holding a role (maybe in one agency), or the people the case names. */
export type DeciderLookup = { role: Role; agencyId?: string } | { personIds: string[] };

/** The candidates to ask the directory for; `decidersAmong` then keeps those who may. */
export function deciderLookup(c: AuthorityCase, task: Task): DeciderLookup {
  const named = (...ids: (string | undefined)[]) => ({ personIds: ids.filter((id): id is string => Boolean(id)) });
  switch (task) {
    case 'verify':
      return c.agencyId ? { role: 'AP', agencyId: c.agencyId } : named();
    case 'csr':
      return named(serverData(c).techId);
    case 'endorse':
      return named(serverData(c).verifierId);
    case 'visitReport':
      return named(onsiteOf(c)?.officerId);
    case 'ticket':
      return { role: 'HELPDESK_AGENT' };
    case 'approve':
    case 'onsiteApproval':
    case 'advisory':
    case 'advisoryHeld':
      return { role: 'LEAD_AGENCY' };
    default:
      return assertNever(task);
  }
}

/** The case's own people: its applicant, whoever asked for it, the officers it names. */
export function partiesOf(c: AuthorityCase): string[] {
  const d = serverData(c);
  const onsite = onsiteOf(c);
  const ids = [
    c.applicantId,
    requestedByOf(c),
    ...(c.kind === 'SC' ? [d.techId, d.verifierId] : []),
    ...(c.kind === 'AD' ? [onsite?.officerId] : []),
  ];
  return [...new Set(ids.filter((id): id is string => Boolean(id)))];
}

/**
 * Whether `viewer` may follow the case's decisions (see who decided what on a decision card): its
 * parties, and everyone who may do one of its kind's tasks at some step.
 */
export function mayFollow(viewer: Person, c: AuthorityCase): boolean {
  return partiesOf(c).includes(viewer.id) || TASKS_OF_KIND[c.kind].some((t) => mayPerform(viewer, c, t));
}

/**
 * Which cases of `kind` could hold a task for `viewer`, as a query filter (an AP's verifications
 * are their agency's; helpdesk cases are only ever for its roles); undefined: none could. This only
 * narrows what is loaded: `tasksFor` still decides.
 */
export function taskScope(viewer: Person, kind: CaseKind): { agencyId?: string } | undefined {
  switch (kind) {
    case 'UC':
    case 'TC':
      return hasRole(viewer, 'AP') && viewer.agencyId ? { agencyId: viewer.agencyId } : undefined;
    case 'SC':
      // Technical and verifying officers are named per case, whatever their roles.
      return {};
    case 'AD':
      // Visits are assigned to technical officers only (onsite.ts).
      return (['HELPDESK_AGENT', 'LEAD_AGENCY', 'TECHNICAL_OFFICER'] as const).some((r) => hasRole(viewer, r)) ? {} : undefined;
    case 'KN':
      return hasRole(viewer, 'LEAD_AGENCY') ? {} : undefined;
    default:
      return assertNever(kind);
  }
}

const CERT_STATUSES: readonly string[] = [...new Set<string>([...REPLACEMENT_STATUSES, ...REVOCATION_STATUSES])];
const STATUSES_OF_KIND: Record<CaseKind, { statuses: readonly string[]; operations: readonly (Operation | ServerOperation)[] }> = {
  UC: { statuses: CERT_STATUSES, operations: ['new', 'renew', 'revoke', 'replace'] },
  TC: { statuses: CERT_STATUSES, operations: ['new', 'renew', 'revoke', 'replace'] },
  SC: { statuses: SERVER_STATUSES, operations: ['new', 'renew', 'revoke'] },
  AD: { statuses: TICKET_STATUSES, operations: ['new'] },
  KN: { statuses: ADVISORY_STATUSES, operations: ['new'] },
};

/** Every status a case of `kind` can be in (any operation), for queries over all its cases. */
export function statusesOf(kind: CaseKind): string[] {
  return [...STATUSES_OF_KIND[kind].statuses];
}

/** Every status in which a case of `kind` waits on someone's task (any operation), for queries. */
export function waitingStatuses(kind: CaseKind): string[] {
  const { statuses, operations } = STATUSES_OF_KIND[kind];
  return statuses.filter((status) => operations.some((operation) => pendingTask({ kind, status, data: { operation } }) !== undefined));
}

/** The decisions of a server case's officers. */
export type ServerDecisionEvent = Extract<ServerEvent, 'endorse' | 'return' | 'reject' | 'approve'>;

/** The task a server-case decision is, by the lifecycle's rule for it; undefined when none applies now. */
export function serverDecisionTask(
  c: Pick<AuthorityCase, 'status' | 'data'>,
  decision: ServerDecisionEvent,
): Extract<ServerTask, 'endorse' | 'approve'> | undefined {
  const { status } = c;
  const by = isServerStatus(status) ? serverTransition(serverData(c).operation ?? 'new', status, decision)?.by : undefined;
  return by === 'VERIFIER' ? 'endorse' : by === 'LEAD' ? 'approve' : undefined;
}
