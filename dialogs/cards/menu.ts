import type { Attachment, TurnContext } from 'botbuilder';
import { say } from '../turn.js';
import type { Goal } from '../goal-names.js';
import { adaptiveCard, heading, para, submit, type CardElement } from './adaptive.js';

export { GOALS, type Goal } from '../goal-names.js';

const group = (ctx: TurnContext, title: string, goals: Goal[]): CardElement[] => [
  { type: 'TextBlock', text: title, weight: 'Bolder', wrap: true, spacing: 'Medium' },
  { type: 'ActionSet', actions: goals.map((g) => submit(say(ctx, `menu.${g}`), { verb: 'start', goal: g })) },
];

/** The menu: every goal that works today, grouped by certificate type, then the helpdesk; then status, tasks, help. */
export function menuCard(ctx: TurnContext): Attachment {
  return adaptiveCard(
    [
      heading(say(ctx, 'menu.title')),
      para(say(ctx, 'menu.hint')),
      ...group(ctx, say(ctx, 'menu.group.user'), ['newUserCert', 'renewUserCert', 'revokeUserCert', 'replaceUserCert']),
      ...group(ctx, say(ctx, 'menu.group.training'), ['newTrainingCert', 'renewTrainingCert', 'revokeTrainingCert', 'replaceTrainingCert']),
      ...group(ctx, say(ctx, 'menu.group.server'), ['newServerCert', 'renewServerCert', 'revokeServerCert']),
      ...group(ctx, say(ctx, 'menu.group.helpdesk'), ['complaint', 'advisory']),
    ],
    [
      submit(say(ctx, 'menu.status'), { verb: 'myCases' }),
      submit(say(ctx, 'menu.tasks'), { verb: 'tasks' }),
      submit(say(ctx, 'menu.help'), { verb: 'help' }),
    ],
  );
}
