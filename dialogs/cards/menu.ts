import type { Attachment, TurnContext } from 'botbuilder';
import { say } from '../turn.js';
import { adaptiveCard, heading, para, submit } from './adaptive.js';

/** Card verbs of the menu; `start` begins a goal dialog. Only what works today is listed. */
export const GOALS = ['newUserCert'] as const;
export type Goal = (typeof GOALS)[number];

export function menuCard(ctx: TurnContext): Attachment {
  return adaptiveCard(
    [heading(say(ctx, 'menu.title')), para(say(ctx, 'menu.hint'))],
    [
      submit(say(ctx, 'menu.newUserCert'), { verb: 'start', goal: 'newUserCert' }),
      submit(say(ctx, 'menu.status'), { verb: 'myCases' }),
      submit(say(ctx, 'menu.tasks'), { verb: 'tasks' }),
      submit(say(ctx, 'menu.help'), { verb: 'help' }),
    ],
  );
}
