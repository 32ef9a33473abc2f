import type { Locale } from '../../domain/people.js';
import type { Result } from '../../domain/result.js';
import { AGENT_ACTIONS, agentAct, type Ticket } from '../../domain/usecases/complaint.js';
import type { HelpdeskDeps } from '../../domain/usecases/helpdesk-deps.js';
import { requestOnsite, type OnsiteError } from '../../domain/usecases/onsite.js';
import { t, tDynamic } from '../../ui/i18n/index.js';
import { errorText, type TicketActionCode, type UnknownErrorHook } from '../../ui/errors.js';

/** What a helpdesk agent can do to a ticket, from a card in chat or from the agent console. */
export const TICKET_AGENT_ACTIONS = [...AGENT_ACTIONS, 'escalate'] as const;
export type TicketAgentAction = (typeof TICKET_AGENT_ACTIONS)[number];

/**
 * The one path from an agent's action to the use cases: escalation asks for on-site support
 * (the text is what was tried online), the rest go to `agentAct`. The use cases record the change
 * and notify the user and the other parties, so a card and the console behave the same.
 */
export function actOnTicket(
  hd: HelpdeskDeps,
  input: { caseId: string; actorId: string; action: TicketAgentAction; text?: string },
): Promise<Result<Ticket, OnsiteError>> {
  return input.action === 'escalate'
    ? requestOnsite(hd, { caseId: input.caseId, actorId: input.actorId, triedOnline: input.text ?? '' })
    : agentAct(hd, { caseId: input.caseId, actorId: input.actorId, action: input.action, text: input.text });
}

/** The confirmation an agent gets after acting on a ticket. */
export function ticketDoneText(locale: Locale, action: TicketAgentAction, caseId: string): string {
  return t(locale, `hd.done.agent.${action}`, { caseId });
}

/** A refusal of a helpdesk use case (by error code), explained in `locale`; the status is named too. */
export function ticketRefusalText(
  locale: Locale,
  error: TicketActionCode,
  opts: { caseId: string; params?: Record<string, string | number>; onUnknown?: UnknownErrorHook },
): string {
  const { caseId, params, onUnknown } = opts;
  return errorText(locale, 'ticket', error, {
    params: { caseId, ...params, status: params?.status ? tDynamic(locale, `status.${params.status}`, 'system') : '' },
    onUnknown,
  });
}
