import type { TurnContext } from 'botbuilder';
import { timeText } from '../../ui/time-format.js';
import type { Case } from '../../domain/cases/case.js';
import { parseCaseNumber } from '../../domain/cases/case.js';
import type { CoreDeps } from '../../domain/usecases/deps.js';
import { operationOf } from '../../domain/cases/operations.js';
import { getCaseForViewer, listAgencyCases, listTasks } from '../../domain/usecases/queries.js';
import { tDynamic } from '../../ui/i18n/index.js';
import { esc } from '../../ui/cards/adaptive.js';
import { localeOf, personOf, say } from '../../ui/turn.js';

/** `status <no>`: the case's status and its whole timeline, for people allowed to see it. */
export async function showStatus(
  ctx: TurnContext,
  deps: Pick<CoreDeps, 'cases' | 'directory'>,
  text: string,
  extra?: (c: Case) => string[] | Promise<string[]>,
): Promise<void> {
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
  await ctx.sendActivity([await timelineText(ctx, deps, r.value), ...((await extra?.(r.value)) ?? [])].join('\n'));
}

export async function timelineText(ctx: TurnContext, deps: Pick<CoreDeps, 'directory'>, c: Case): Promise<string> {
  const locale = localeOf(ctx);
  const names = new Map<string, string>();
  for (const e of c.timeline) {
    if (e.actorId !== 'system' && !names.has(e.actorId))
      names.set(e.actorId, (await deps.directory.getPerson(e.actorId))?.name ?? e.actorId);
  }
  const lines = c.timeline.map((e) =>
    say(ctx, 'status.line', {
      at: timeText(locale, e.at),
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
export async function showTasks(
  ctx: TurnContext,
  deps: Pick<CoreDeps, 'cases' | 'directory'>,
  cardFor: (c: Case) => Promise<Partial<import('botbuilder').Activity> | undefined>,
): Promise<void> {
  const me = personOf(ctx).id;
  const tasks = await listTasks(deps, me);
  if (tasks.length === 0) await ctx.sendActivity(say(ctx, 'tasks.none'));
  else {
    await ctx.sendActivity(say(ctx, 'tasks.header', { count: tasks.length }));
    for (const c of tasks.slice(0, 10)) {
      const card = await cardFor(c);
      if (card) await ctx.sendActivity(card);
    }
  }
  // The rest of the agency's open cases, so an AP can follow (and `status` into) each one.
  const waiting = new Set(tasks.map((c) => c.id));
  const others = (await listAgencyCases(deps, me)).filter((c) => !waiting.has(c.id));
  if (others.length === 0) return;
  const locale = localeOf(ctx);
  const lines = [];
  for (const c of others.slice(-20)) {
    const holder = (await deps.directory.getPerson(c.applicantId))?.name ?? c.applicantId;
    const operation = tDynamic(locale, `op.${operationOf(c)}`, 'system') + (c.kind === 'TC' ? ` ${say(ctx, 'training.tag')}` : '');
    lines.push(
      `- ${say(ctx, 'tasks.agency.line', { caseId: c.id, operation, status: tDynamic(locale, `status.${c.status}`, 'system'), holder: esc(holder) })}`,
    );
  }
  await ctx.sendActivity([say(ctx, 'tasks.agency.header', { count: others.length }), ...lines].join('\n'));
}
