import type { TurnContext } from 'botbuilder';
import { isOpenCase } from '../../domain/cases/open.js';
import type { CoreDeps } from '../../domain/usecases/deps.js';
import { menuCard } from '../../ui/cards/menu.js';
import { tDynamic } from '../../ui/i18n/index.js';
import { localeOf, personOf, say } from '../../ui/turn.js';
import { timelineText } from './commands.js';

/**
 * "Permohonan saya macam mana?", "dah diproses ke?": a status question with no case number. The
 * person's cases still in progress with their state; the only one in full (its timeline, as
 * `status <no>` shows it); none is said, with the menu.
 */
export async function showOpenCases(ctx: TurnContext, deps: Pick<CoreDeps, 'cases' | 'directory'>): Promise<void> {
  const open = (await deps.cases.listByApplicant(personOf(ctx).id)).filter(isOpenCase);
  if (open.length === 0) {
    await ctx.sendActivity(say(ctx, 'status.open.none'));
    return void (await ctx.sendActivity({ attachments: [menuCard(ctx)] }));
  }
  if (open.length === 1) {
    return void (await ctx.sendActivity([say(ctx, 'status.open.header'), await timelineText(ctx, deps, open[0]!)].join('\n')));
  }
  const locale = localeOf(ctx);
  const shown = open.slice(-10);
  const lines = shown.map((c) => `- **${c.id}**: ${tDynamic(locale, `status.${c.status}`, 'system')}`);
  await ctx.sendActivity(
    [say(ctx, 'status.open.header'), ...lines, '', say(ctx, 'status.open.hint', { caseId: shown.at(-1)!.id })].join('\n'),
  );
}
