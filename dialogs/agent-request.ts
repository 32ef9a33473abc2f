import type { TurnContext } from 'botbuilder';

export type AgentRequestReason = 'request' | 'misunderstood' | 'error';

/** Where the edge leaves, for this turn, the function that puts the conversation in the agents' queue. */
export const AGENT_REQUEST_KEY = Symbol('gpki.agentRequest');

/** What people type to ask for a person, in Malay, English and the mix. */
export const AGENT_WORDS = /^(ejen|agent|ejen manusia|human|live agent|(nak |mahu |ingin )?(cakap|bercakap|sembang|berbual) dengan (orang|ejen|manusia|staf)( sebenar)?|(i want to |can i )?(talk|speak|chat) (to|with) (a |an )?(human|person|agent|real person|helpdesk agent))$/;

/** Puts the conversation in the agents' queue; false when no queue is wired (then the caller answers itself). */
export async function requestAgent(ctx: TurnContext, reason: AgentRequestReason): Promise<boolean> {
  const fn = ctx.turnState.get(AGENT_REQUEST_KEY) as ((c: TurnContext, r: AgentRequestReason) => Promise<void>) | undefined;
  if (!fn) return false;
  await fn(ctx, reason);
  return true;
}
