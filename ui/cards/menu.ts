import type { Attachment, TurnContext } from 'botbuilder';
import { say } from '../turn.js';
import type { Goal } from '../goal-names.js';
import { adaptiveCard, heading, submit, type CardElement } from './adaptive.js';

export { GOALS, type Goal } from '../goal-names.js';

/** The goals of each group, in the order the menu shows them. */
export const MENU_GROUPS: { key: 'user' | 'training' | 'server' | 'helpdesk'; goals: Goal[] }[] = [
  { key: 'user', goals: ['newUserCert', 'renewUserCert', 'revokeUserCert', 'replaceUserCert'] },
  { key: 'training', goals: ['newTrainingCert', 'renewTrainingCert', 'revokeTrainingCert', 'replaceTrainingCert'] },
  { key: 'server', goals: ['newServerCert', 'renewServerCert', 'revokeServerCert'] },
  { key: 'helpdesk', goals: ['faq', 'complaint', 'onsite', 'advisory'] },
];

/** A group as a button that opens its goals in place (no round trip to the bot), on Teams and in Web Chat. */
const group = (ctx: TurnContext, key: string, goals: Goal[]): CardElement => ({
  type: 'Action.ShowCard',
  title: say(ctx, `menu.group.${key}` as Parameters<typeof say>[1]),
  card: {
    type: 'AdaptiveCard',
    body: [{ type: 'ActionSet', actions: goals.map((g) => submit(say(ctx, `menu.${g}`), { verb: 'start', goal: g })) }],
  },
});

/**
 * The menu: a short first card that leaves the welcome on screen: four groups (user, training and
 * server certificates, the helpdesk), each opening its goals in place, then status, tasks and help.
 */
export function menuCard(ctx: TurnContext): Attachment {
  return adaptiveCard(
    [heading(say(ctx, 'menu.title')), { type: 'ActionSet', actions: MENU_GROUPS.map((g) => group(ctx, g.key, g.goals)) }],
    [
      submit(say(ctx, 'menu.status'), { verb: 'myCases' }),
      submit(say(ctx, 'menu.tasks'), { verb: 'tasks' }),
      submit(say(ctx, 'menu.help'), { verb: 'help' }),
    ],
  );
}
