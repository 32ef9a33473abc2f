import type { Case } from '../cases/case.js';
import {
  COMPLAINT_CATEGORIES,
  ticketTransition,
  type ComplaintCategory,
  type ComplaintData,
  type TicketEvent,
} from '../cases/complaint.js';
import { isCaseOf } from '../cases/kinds.js';
import { isDomainError } from '../errors.js';
import { refusalFor } from '../cases/authority.js';
import { fail, ok, type Result } from '../result.js';
import type { HelpdeskDeps } from './helpdesk-deps.js';
import { calendarOf, keepText, SELF_HELP_LOG, tell, tellDeciders } from './helpdesk-deps.js';
import { recordEvent, SYSTEM_ACTOR } from './transition.js';
import { JOBS } from '../ports/job-names.js';

export type Ticket = Case<ComplaintData>;
export type TicketError =
  'CASE_NOT_FOUND' | 'ROLE_REQUIRED' | 'SELF_APPROVAL' | 'NOT_ALLOWED_NOW' | 'NOTE_REQUIRED' | 'NOT_YOURS' | 'INVALID_INPUT';

export interface LodgeInput {
  actorId: string;
  category: ComplaintCategory;
  application: string;
  description: string;
  screenshotFileId?: string;
  offeredFaq?: string[];
}

/** Opens a complaint ticket `AD-<year>-<seq>`; the user gets the number, the helpdesk agents a card. */
export async function lodgeComplaint(deps: HelpdeskDeps, input: LodgeInput): Promise<Result<Ticket, 'INVALID_INPUT' | 'PERSON_NOT_FOUND'>> {
  const person = await deps.directory.getPerson(input.actorId);
  if (!person) return fail('PERSON_NOT_FOUND');
  const description = keepText(input.description, 2000);
  if (!COMPLAINT_CATEGORIES.includes(input.category) || !description || !input.application.trim()) return fail('INVALID_INPUT');
  const at = deps.clock.now().toISOString();
  const c = await deps.cases.create<ComplaintData>({
    kind: 'AD',
    status: 'BARU',
    applicantId: person.id,
    agencyId: person.agencyId,
    data: {
      category: input.category,
      application: input.application.trim().slice(0, 100),
      description,
      screenshotFileId: input.screenshotFileId,
      offeredFaq: input.offeredFaq ?? [],
      messages: [],
    },
    timeline: [{ at, event: 'lodged', actorId: person.id, status: 'BARU' }],
    createdAt: at,
  });
  await deps.audit.append({ caseId: c.id, at, actorId: person.id, action: 'lodged', data: { status: 'BARU', category: input.category } });
  await tellDeciders(deps, c, 'ticket', 'ticketNew');
  return ok(c);
}

/** A question the FAQ answered: counted on the self-help chain, no ticket. */
export async function recordSelfHelp(deps: HelpdeskDeps, input: { actorId: string; faqId: string; solved: boolean }): Promise<void> {
  await deps.audit.append({
    caseId: SELF_HELP_LOG,
    at: deps.clock.now().toISOString(),
    actorId: input.actorId,
    action: input.solved ? 'selfHelpSolved' : 'selfHelpNotSolved',
    data: { faqId: input.faqId },
  });
}

/** How many questions self-help solved so far. */
export async function selfHelpSolvedCount(deps: Pick<HelpdeskDeps, 'audit'>): Promise<number> {
  return (await deps.audit.list(SELF_HELP_LOG)).filter((e) => e.action === 'selfHelpSolved').length;
}

/** What a helpdesk agent can do to a ticket through `agentAct` (the edge validates its payloads against this list). */
export const AGENT_ACTIONS = ['acknowledge', 'reply', 'askInfo', 'resolve'] as const;
export type AgentAction = (typeof AGENT_ACTIONS)[number];

const EVENT_NAME: Record<AgentAction, string> = {
  acknowledge: 'acknowledged',
  reply: 'replied',
  askInfo: 'infoRequested',
  resolve: 'resolved',
};
const USER_NOTICE: Record<AgentAction, string> = {
  acknowledge: 'ticketAcknowledged',
  reply: 'ticketReplied',
  askInfo: 'ticketInfoRequested',
  resolve: 'ticketResolved',
};

/**
 * A helpdesk agent acts on a ticket (from a card in chat or the agent console): acknowledge (any
 * text goes to the person with the notice), reply (in every state before closed; outside the
 * remote-work states the status stays), ask the user for information, or resolve. A resolution
 * schedules the auto-close.
 */
export async function agentAct(
  deps: HelpdeskDeps,
  input: { caseId: string; actorId: string; action: AgentAction; text?: string },
): Promise<Result<Ticket, TicketError>> {
  const c = await deps.cases.get<ComplaintData>(input.caseId);
  if (!c || !isCaseOf(c, 'AD')) return fail('CASE_NOT_FOUND');
  const actor = await deps.directory.getPerson(input.actorId);
  // A helpdesk agent, never on their own ticket (domain/cases/authority.ts).
  const refused = actor ? refusalFor(actor, c, 'ticket') : 'ROLE_REQUIRED';
  if (!actor || refused) return fail(refused === 'SELF_APPROVAL' ? 'SELF_APPROVAL' : 'ROLE_REQUIRED');
  const text = keepText(input.text, 2000);
  if (input.action !== 'acknowledge' && !text) return fail('NOTE_REQUIRED');
  const rule = ticketTransition(c.status, input.action);
  // The agent may write to the person whatever the ticket waits on (approval, a visit, the user's
  // confirmation) until it is closed; such a reply changes no status.
  const replyOnly = input.action === 'reply' && !rule && c.status !== 'DITUTUP';
  if (!rule && !replyOnly) return fail('NOT_ALLOWED_NOW', { status: c.status });
  const at = deps.clock.now().toISOString();
  // Text given with an acknowledgement is a message to the person like a reply.
  const kind = input.action === 'resolve' ? 'resolution' : input.action === 'acknowledge' ? (text ? 'reply' : undefined) : input.action;
  const data: ComplaintData = {
    ...c.data,
    messages: kind ? [...c.data.messages, { at, byId: actor.id, kind, text: text.slice(0, 2000) }] : c.data.messages,
    ...(input.action === 'resolve' ? { resolvedAt: at } : {}),
  };
  return guard(input.caseId, async () => {
    const saved = await recordEvent(deps, c, {
      event: EVENT_NAME[input.action],
      actorId: actor.id,
      status: rule?.to,
      note: text || undefined,
      patch: { data },
    });
    await tell(
      deps,
      saved.applicantId,
      saved,
      input.action === 'acknowledge' && text ? 'ticketAcknowledgedText' : USER_NOTICE[input.action],
    );
    if (input.action === 'resolve') await scheduleAutoClose(deps, saved);
    return saved;
  });
}

/** What the person who raised a ticket can do to it through `userAct`. */
export const USER_ACTIONS = ['reply', 'confirm', 'reopen'] as const;
export type UserAction = (typeof USER_ACTIONS)[number];

/** The user answers the helpdesk, confirms the resolution (closes the ticket) or reopens it. */
export async function userAct(
  deps: HelpdeskDeps,
  input: { caseId: string; actorId: string; action: UserAction; text?: string },
): Promise<Result<Ticket, TicketError>> {
  const c = await deps.cases.get<ComplaintData>(input.caseId);
  if (!c || !isCaseOf(c, 'AD')) return fail('CASE_NOT_FOUND');
  if (c.applicantId !== input.actorId) return fail('NOT_YOURS');
  const text = keepText(input.text, 2000);
  if (input.action !== 'confirm' && !text) return fail('NOTE_REQUIRED');
  const event: TicketEvent = input.action === 'reply' ? 'userReply' : input.action;
  const rule = ticketTransition(c.status, event);
  // A reply while the helpdesk is working still lands on the ticket, with no status change.
  const open = !['SELESAI', 'DITUTUP'].includes(c.status);
  if (!rule && !(input.action === 'reply' && open)) return fail('NOT_ALLOWED_NOW', { status: c.status });
  const at = deps.clock.now().toISOString();
  const data: ComplaintData = text
    ? { ...c.data, messages: [...c.data.messages, { at, byId: input.actorId, kind: 'userReply', text: text.slice(0, 2000) }] }
    : c.data;
  const name = { reply: 'userReplied', confirm: 'closedByUser', reopen: 'reopened' }[input.action];
  return guard(input.caseId, async () => {
    const saved = await recordEvent(deps, c, {
      event: name,
      actorId: input.actorId,
      status: rule?.to,
      note: text || undefined,
      patch: { data },
    });
    if (input.action === 'reply') await tellDeciders(deps, saved, 'ticket', 'ticketUserReplied');
    if (input.action === 'reopen') await tellDeciders(deps, saved, 'ticket', 'ticketReopened');
    if (input.action === 'confirm') await tell(deps, saved.applicantId, saved, 'ticketClosed');
    return saved;
  });
}

export const autoCloseJobKey = (caseId: string, resolvedAt: string) => `ad:autoclose:${caseId}:${resolvedAt}`;

/** Schedules the auto-close of a resolved ticket after the configured working days. */
export async function scheduleAutoClose(deps: HelpdeskDeps, c: Ticket): Promise<{ duplicate: boolean }> {
  const resolvedAt = c.data.resolvedAt!;
  const due = (await calendarOf(deps, c)).addWorkingDays(new Date(resolvedAt), deps.helpdesk.ticketAutoCloseWorkingDays);
  return deps.jobs.enqueue({
    ...JOBS.ticketAutoClose,
    payload: { caseId: c.id, at: resolvedAt },
    key: autoCloseJobKey(c.id, resolvedAt),
    delayMs: Math.max(0, due.getTime() - deps.clock.now().getTime()),
  });
}

/**
 * The auto-close job: a ticket still resolved by the same resolution, with no answer from the user
 * for the configured working days, closes itself. A reopened (or re-resolved) ticket is left alone.
 */
export async function autoCloseTicket(deps: HelpdeskDeps, caseId: string, resolvedAt: string): Promise<'closed' | 'skipped'> {
  const c = await deps.cases.get<ComplaintData>(caseId);
  if (!c || c.status !== 'SELESAI' || c.data.resolvedAt !== resolvedAt) return 'skipped';
  const saved = await recordEvent(deps, c, { event: 'autoClosed', actorId: SYSTEM_ACTOR, status: 'DITUTUP' });
  await tell(deps, saved.applicantId, saved, 'ticketAutoClosed');
  return 'closed';
}

/** Runs a write; a concurrent change (CASE_STALE) is reported as "not allowed now", never overwritten. */
export async function guard<T>(caseId: string, write: () => Promise<T>): Promise<Result<T, TicketError>> {
  try {
    return ok(await write());
  } catch (e) {
    if (isDomainError(e) && e.code === 'CASE_STALE') return fail('NOT_ALLOWED_NOW', { caseId });
    throw e;
  }
}
