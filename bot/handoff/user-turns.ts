import type { TurnContext } from 'botbuilder';
import type { DialogContext } from 'botbuilder-dialogs';
import type { Locale, Person } from '../../domain/people.js';
import type { HandoffCorrection, HandoffOutcome } from '../../domain/ports/handoff-repository.js';
import type { AgentHours } from '../../domain/rules/agent-hours.js';
import { resumeDraft } from '../../dialogs/user-certificate/form-api.js';
import { adaptiveCard, submit } from '../../ui/cards/adaptive.js';
import { menuCard } from '../../ui/cards/menu.js';
import { t } from '../../ui/i18n/index.js';
import { localeOf, say } from '../../ui/turn.js';
import { correctionsText } from './corrections.js';

/** "Open a complaint ticket": the complaint dialog starts from the same suggestion verb the NLU buttons use. */
export function ticketCard(locale: Locale) {
  return adaptiveCard([], [submit(t(locale, 'handoff.ticketButton'), { verb: 'suggest', intent: 'complaint' })]);
}

/** The agents' working hours in words ("Isnin hingga Jumaat, 08:00–17:00"). */
export function hoursText(locale: Locale, h: AgentHours): string {
  if (h.days.size === 7 && h.from === 0 && h.to === 24 * 60) return t(locale, 'handoff.hours.always');
  const names = t(locale, 'handoff.days').split(',');
  const order = [1, 2, 3, 4, 5, 6, 0].filter((d) => h.days.has(d));
  const name = (d: number) => names[(d + 6) % 7];
  const hhmm = (m: number) => `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
  return t(locale, 'handoff.hours', { from: name(order[0]), to: name(order[order.length - 1]), start: hhmm(h.from), end: hhmm(h.to) });
}

/**
 * The bot's turn once an agent has let the conversation go: after `end` the open dialog is closed
 * and the user greeted at the menu; after a hand-back the bot says so, names the agent's
 * corrections and asks the open question again (or moves on when the agent answered it).
 */
export async function afterRelease(
  ctx: TurnContext,
  dc: DialogContext,
  opts: { outcome: HandoffOutcome; agent: Person; corrections: readonly HandoffCorrection[] },
): Promise<void> {
  const { agent, corrections } = opts;
  if (opts.outcome === 'end') {
    if (dc.activeDialog) await dc.cancelAllDialogs(true);
    await ctx.sendActivity(say(ctx, 'handoff.ended', { agent: agent.name }));
    return void (await ctx.sendActivity({ attachments: [menuCard(ctx)] }));
  }
  if (!dc.activeDialog) {
    await ctx.sendActivity(say(ctx, 'handoff.handedBack.nothingOpen', { agent: agent.name }));
    return void (await ctx.sendActivity({ attachments: [menuCard(ctx)] }));
  }
  const fixed = corrections.length
    ? ` ${say(ctx, 'handoff.handedBack.corrected', { fields: correctionsText(localeOf(ctx), [...corrections]) })}`
    : '';
  await ctx.sendActivity(say(ctx, 'handoff.handedBack', { agent: agent.name }) + fixed);
  const corrected = corrections.map((c) => c.field);
  await resumeDraft(dc, corrected);
}
