import type { TurnContext } from 'botbuilder';

export type AgentRequestReason = 'request' | 'misunderstood' | 'error';

/** Where the edge leaves, for this turn, the function that puts the conversation in the agents' queue. */
export const AGENT_REQUEST_KEY = Symbol('gpki.agentRequest');

/** What people type to ask for a person, in Malay, English and the mix (dialogs/short-forms.ts). */
export { AGENT_WORDS } from './short-forms.js';

/** Puts the conversation in the agents' queue; false when no queue is wired (then the caller answers itself). */
export async function requestAgent(ctx: TurnContext, reason: AgentRequestReason): Promise<boolean> {
  const fn = ctx.turnState.get(AGENT_REQUEST_KEY) as ((c: TurnContext, r: AgentRequestReason) => Promise<void>) | undefined;
  if (!fn) return false;
  await fn(ctx, reason);
  return true;
}
