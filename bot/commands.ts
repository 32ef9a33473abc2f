import type { TurnContext } from 'botbuilder';
import { format } from 'date-fns';
import type { Case } from '../domain/cases/case.js';
import { parseCaseNumber } from '../domain/cases/case.js';
import type { CoreDeps } from '../domain/usecases/deps.js';
import { getCaseForViewer, listTasks } from '../domain/usecases/queries.js';
import { tDynamic } from '../dialogs/i18n/index.js';
import { esc } from '../dialogs/cards/adaptive.js';
import { localeOf, personOf, say } from '../dialogs/turn.js';

/** `status <no>`: the case's status and its whole timeline, for people allowed to see it. */
export async function showStatus(ctx: TurnContext, deps: Pick<CoreDeps, 'cases' | 'directory'>, text: string): Promise<void> {
  const arg = text.replace(/^\s*status\b/i, '').trim();
  const me = personOf(ctx);
  if (!arg) return showMyCases(ctx, deps);
  const parsed = parseCaseNumber(arg);
  if (!parsed) {
    await ctx.sendActivity(say(ctx, 'status.usage'));
    return;
  }
  const id = arg.toUpperCase();
  const r = await getCaseForViewer(deps, id, me.id);
  if (!r.ok) {
    await ctx.sendActivity(say(ctx, 'status.notFound', { caseId: id }));
    return;
  }
  await ctx.sendActivity(await timelineText(ctx, deps, r.value));
}

export async function timelineText(ctx: TurnContext, deps: Pick<CoreDeps, 'directory'>, c: Case): Promise<string> {
  const locale = localeOf(ctx);
  const names = new Map<string, string>();
  for (const e of c.timeline) {
    if (e.actorId !== 'system' && !names.has(e.actorId)) names.set(e.actorId, (await deps.directory.getPerson(e.actorId))?.name ?? e.actorId);
  }
  const lines = c.timeline.map((e) =>
    say(ctx, 'status.line', {
      at: format(new Date(e.at), 'dd/MM/yyyy HH:mm'),
      event: tDynamic(locale, `event.${e.event}`, 'system'),
      by: say(ctx, 'by', { name: e.actorId === 'system' ? say(ctx, 'system') : esc(names.get(e.actorId) ?? '') }),
      note: e.note ? ` (${esc(e.note)})` : '',
    }),
  );
  const header = say(ctx, 'status.header', { caseId: c.id, status: tDynamic(locale, `status.${c.status}`, 'system') });
  return [header, ...lines.map((l) => `- ${l}`)].join('\n');
}

export async function showMyCases(ctx: TurnContext, deps: Pick<CoreDeps, 'cases'>): Promise<void> {
  const mine = await deps.cases.listByApplicant(personOf(ctx).id);
  if (mine.length === 0) {
    await ctx.sendActivity(say(ctx, 'status.none'));
    return;
  }
  const locale = localeOf(ctx);
  const lines = mine.slice(-10).map((c) => `- **${c.id}**: ${tDynamic(locale, `status.${c.status}`, 'system')}`);
  await ctx.sendActivity([say(ctx, 'status.mine'), ...lines].join('\n'));
}

/** `tugasan` / `tasks`: approvals waiting for the person asking. Cards are re-sent so they can act. */
export async function showTasks(ctx: TurnContext, deps: Pick<CoreDeps, 'cases' | 'directory'>, cardFor: (c: Case) => Promise<Partial<import('botbuilder').Activity> | undefined>): Promise<void> {
  const tasks = await listTasks(deps, personOf(ctx).id);
  if (tasks.length === 0) {
    await ctx.sendActivity(say(ctx, 'tasks.none'));
    return;
  }
  await ctx.sendActivity(say(ctx, 'tasks.header', { count: tasks.length }));
  for (const c of tasks.slice(0, 10)) {
    const card = await cardFor(c);
    if (card) await ctx.sendActivity(card);
  }
}
