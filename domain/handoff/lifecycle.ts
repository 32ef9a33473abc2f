import { assertNever } from '../errors.js';
import type { Person } from '../people.js';
import type { HandoffOutcome, HandoffRecord, HandoffStatus } from '../ports/handoff-repository.js';
import { mayUse } from '../rules/console-access.js';

/**
 * A conversation's place with the helpdesk agents, as a status with one transition function
 * (chatwoot's conversation status: bot → pending → open → resolved). `none`: it never joined the
 * queue, or its closed record was pruned.
 */
export type HandoffState = HandoffStatus | 'none';
export const HANDOFF_STATES: readonly HandoffState[] = ['none', 'waiting', 'taken', 'closed'];

/**
 * What can happen to it: the person asks for an agent (or is misunderstood twice, or a dialog
 * fails), the person writes, an agent takes it, the owning agent acts (talks, notes, corrects a
 * field), hands it back to the bot or ends it, or the queue's wait runs out.
 */
export const HANDOFF_EVENTS = ['ask', 'userMessage', 'take', 'agentAct', 'handBack', 'end', 'timeout'] as const;
export type HandoffEvent = (typeof HANDOFF_EVENTS)[number];

/** Who may cause an event: the conversation's person, any helpdesk agent, the agent who owns it, the queue's timer. */
export type HandoffActor = 'person' | 'agent' | 'owner' | 'system';

/** Who causes each event; the role is checked before the status, as the console always has. */
export const HANDOFF_ACTOR: Record<HandoffEvent, HandoffActor> = {
  ask: 'person',
  userMessage: 'person',
  take: 'agent',
  agentAct: 'owner',
  handBack: 'owner',
  end: 'owner',
  timeout: 'system',
};

/**
 * What the edge does on an allowed event: `queued` (tell the place and the wait, start the
 * timer), `alreadyQueued` (tell the place again), `withAgent` (say nothing: an agent has it),
 * `relay` (show the person's message on the consoles; the bot answers too), `relayOnly` (the same,
 * and the bot stays silent), `taken`, `acted`, `handedBack`, `ended`, `timedOut`.
 */
export type HandoffEffect =
  'queued' | 'alreadyQueued' | 'withAgent' | 'relay' | 'relayOnly' | 'taken' | 'acted' | 'handedBack' | 'ended' | 'timedOut';

/**
 * Why an event is refused: nothing open (`NOT_FOUND`), another agent already has it (`TAKEN`), the
 * actor is not the owning helpdesk agent (`NOT_OWNER`), a timer for a conversation no longer
 * waiting (`NOT_WAITING`) or for an earlier time in the queue (`STALE`).
 */
export type HandoffRefusal = 'NOT_FOUND' | 'TAKEN' | 'NOT_OWNER' | 'NOT_WAITING' | 'STALE';

export interface HandoffRule {
  to: HandoffState;
  effect: HandoffEffect;
  /** How a move to `closed` is recorded. */
  outcome?: HandoffOutcome;
}
export type HandoffStep = ({ ok: true } & HandoffRule) | { ok: false; code: HandoffRefusal };

const go = (to: HandoffState, effect: HandoffEffect, outcome?: HandoffOutcome): HandoffStep => ({
  ok: true,
  to,
  effect,
  ...(outcome ? { outcome } : {}),
});
const no = (code: HandoffRefusal): HandoffStep => ({ ok: false, code });

/** The status a record is in (`none` without one). */
export const stateOf = (rec: Pick<HandoffRecord, 'status'> | undefined): HandoffState => rec?.status ?? 'none';

const isOpen = (s: HandoffState): boolean => s === 'waiting' || s === 'taken';

/** The one transition function: status × event → next status and effect, or why not. */
export function handoffTransition(from: HandoffState, event: HandoffEvent): HandoffStep {
  switch (event) {
    case 'ask':
      // A closed (or pruned) conversation joins the queue afresh; an open one stays as it is.
      return from === 'waiting' ? go('waiting', 'alreadyQueued') : from === 'taken' ? go('taken', 'withAgent') : go('waiting', 'queued');
    case 'userMessage':
      return from === 'waiting' ? go('waiting', 'relay') : from === 'taken' ? go('taken', 'relayOnly') : no('NOT_FOUND');
    case 'take':
      return from === 'waiting' ? go('taken', 'taken') : from === 'taken' ? no('TAKEN') : no('NOT_FOUND');
    case 'agentAct':
      return from === 'taken' ? go('taken', 'acted') : isOpen(from) ? no('NOT_OWNER') : no('NOT_FOUND');
    case 'handBack':
      return from === 'taken' ? go('closed', 'handedBack', 'handback') : isOpen(from) ? no('NOT_OWNER') : no('NOT_FOUND');
    case 'end':
      return from === 'taken' ? go('closed', 'ended', 'end') : isOpen(from) ? no('NOT_OWNER') : no('NOT_FOUND');
    case 'timeout':
      return from === 'waiting' ? go('closed', 'timedOut', 'timeout') : from === 'taken' ? no('NOT_WAITING') : no('NOT_FOUND');
    default:
      return assertNever(event);
  }
}

/** Who is acting: the conversation's person in a turn, a signed-in console user, or the queue's timer job. */
export type HandoffWho = { as: 'person' } | { as: 'agent'; agent: Person } | { as: 'system' };

/**
 * Whether `who` may cause `event` on `rec` now, and what follows. An agent's role is checked
 * first (no helpdesk role: `NOT_OWNER` whatever the status), then the status, then ownership;
 * a timer only closes the queueing it was started for (`queuedAt`).
 */
export function decideHandoff(
  rec: HandoffRecord | undefined,
  event: HandoffEvent,
  who: HandoffWho,
  opts: { queuedAt?: string } = {},
): HandoffStep {
  const actor = HANDOFF_ACTOR[event];
  if (actor === 'agent' || actor === 'owner') {
    if (who.as !== 'agent' || !mayUse(who.agent, 'desk')) return no('NOT_OWNER');
  } else if (who.as !== actor) return no('NOT_OWNER');
  const step = handoffTransition(stateOf(rec), event);
  if (!step.ok) return step;
  if (actor === 'owner' && (who.as !== 'agent' || rec?.agentId !== who.agent.id)) return no('NOT_OWNER');
  if (event === 'timeout' && rec?.queuedAt !== opts.queuedAt) return no('STALE');
  return step;
}
