import type { TurnContext } from 'botbuilder';
import type { Application } from '@microsoft/teams-ai';
import { z } from 'zod';
import { isCaseNumber, type Case } from '../../domain/cases/case.js';
import type { ServerCertData } from '../../domain/cases/server-certificate.js';
import { isServerTask, mayFollow, mayPerform, taskOf } from '../../domain/cases/authority.js';
import { listTasksFor } from '../../domain/usecases/authority.js';
import { decideServerCase, SERVER_DECISIONS } from '../../domain/usecases/server-certificate.js';
import type { ServerDeps } from '../../domain/usecases/server-deps.js';
import { tDynamic } from '../../ui/i18n/index.js';
import { PROVIDE_CSR_DIALOG, type ProvideCsrOptions } from '../../dialogs/server-certificate/csr-dialog.js';
import { localeOf, personOf, say } from '../../ui/turn.js';
import { sayError } from '../../ui/errors.js';
import type { DialogRunner } from '../turn/dialog-runner.js';
import type { BotTurnState } from '../turn/state.js';
import { certificateFiles, serverDecisionCardJson, serverTaskCard } from './cards.js';
import { currentCardFor, refusedCardFor, type DecisionCardKind } from '../proactive/decision-cards.js';
import type { RenderDeps } from './cards.js';

const caseId = z.string().refine((s) => isCaseNumber(s, 'SC'));
const CsrPayload = z.object({ verb: z.literal('serverCsr'), caseId });
const DecidePayload = z.object({
  verb: z.literal('serverDecide'),
  decision: z.enum(SERVER_DECISIONS),
  caseId,
  version: z.coerce.number().int().positive(),
  note: z.string().max(500).optional(),
});

export interface ServerRouteDeps {
  server: ServerDeps;
  runner: DialogRunner;
  render: RenderDeps;
  busy: (ctx: TurnContext) => Promise<void>;
  afterAnswer: (ctx: TurnContext) => Promise<void>;
}

/** Card verbs of server certificates: the technical officer's CSR button and the officers' decisions. */
export function registerServerRoutes(app: Application<BotTurnState>, deps: ServerRouteDeps): void {
  app.adaptiveCards.actionSubmit('serverCsr', async (ctx) => {
    const p = CsrPayload.safeParse(ctx.activity.value);
    if (!p.success) return void (await ctx.sendActivity(say(ctx, 'card.invalid')));
    const dc = await deps.runner.createContext(ctx);
    if (dc.activeDialog) return deps.busy(ctx);
    const c = await deps.server.cases.get<ServerCertData>(p.data.caseId);
    if (!c || !mayPerform(personOf(ctx), c, 'csr'))
      return void (await ctx.sendActivity(say(ctx, 'server.csr.NOT_TECH', { caseId: p.data.caseId })));
    if (c.status !== 'MENUNGGU_CSR') {
      return void (await ctx.sendActivity(
        say(ctx, 'server.csr.NOT_WAITING', { caseId: c.id, status: tDynamic(localeOf(ctx), `status.${c.status}`, 'system') }),
      ));
    }
    await dc.beginDialog(PROVIDE_CSR_DIALOG, { caseId: c.id } satisfies ProvideCsrOptions);
  });

  const decide = async (ctx: TurnContext, value: unknown) => {
    const p = DecidePayload.safeParse(value);
    if (!p.success) return { text: say(ctx, 'card.invalid') };
    const r = await decideServerCase(deps.server, {
      caseId: p.data.caseId,
      actorId: personOf(ctx).id,
      decision: p.data.decision,
      note: p.data.note,
      seenVersion: p.data.version,
    });
    const locale = localeOf(ctx);
    if (r.ok)
      return {
        c: r.value as Case<unknown>,
        ok: true,
        text: tDynamic(locale, `server.decided.${p.data.decision}`, 'system', { caseId: r.value.id }),
      };
    const text = sayError(ctx, 'serverDecision', r.error, {
      caseId: p.data.caseId,
      status: tDynamic(locale, `status.${r.params?.status ?? ''}`, 'system'),
    });
    return {
      c: await deps.server.cases.get(p.data.caseId),
      text,
      why: r.error === 'ALREADY_DECIDED' ? ('already' as const) : r.error === 'CHANGED_SINCE' ? ('changed' as const) : undefined,
    };
  };

  app.adaptiveCards.actionSubmit('serverDecide', async (ctx) => {
    await ctx.sendActivity((await decide(ctx, ctx.activity.value)).text);
    await deps.afterAnswer(ctx);
  });

  // Teams: the answer is the card itself, refreshed (the outcome once decided, "already decided" on a second click).
  app.adaptiveCards.actionExecute('serverDecide', async (ctx, _state, data) => {
    const out = await decide(ctx, { ...(data as object), verb: 'serverDecide' });
    const kind = serverDecisionCards(deps.render);
    if (out.ok && out.c) return (await currentCardFor(ctx, deps.render.directory, kind, out.c)) ?? out.text;
    return refusedCardFor(ctx, deps.render.directory, kind, out.c, out.text, out.why);
  });
}

/** Server certificates' endorsement and lead-approval cards, for the shared Teams refresh. */
export function serverDecisionCards(render: RenderDeps): DecisionCardKind {
  return {
    kinds: ['SC'],
    events: ['endorsed', 'returnedForCsr', 'rejected', 'leadApproved'],
    mayView: mayFollow,
    decisionCard: async (ctx, viewer, c) => {
      const task = taskOf(viewer, c);
      return task === 'endorse' || task === 'approve'
        ? serverDecisionCardJson(render, c as Case<ServerCertData>, task, localeOf(ctx), ctx.activity.channelId)
        : undefined;
    },
  };
}

/** `tugasan`: the server cases waiting for this person (a CSR, an endorsement, a lead approval), each with its card. */
export async function showServerTasks(ctx: TurnContext, deps: { server: ServerDeps; render: RenderDeps }): Promise<void> {
  const tasks = (await listTasksFor(deps.server, personOf(ctx).id, ['SC'])).flatMap(({ c, task }) =>
    isServerTask(task) ? [{ c: c as unknown as Case<ServerCertData>, task }] : [],
  );
  if (tasks.length === 0) return;
  await ctx.sendActivity(say(ctx, 'server.tasks.header', { count: tasks.length }));
  for (const { c, task } of tasks.slice(0, 10)) {
    await ctx.sendActivity({
      text: tDynamic(localeOf(ctx), `server.task.${task}`, 'system', { caseId: c.id }),
      attachments: [await serverTaskCard(deps.render, c, task, localeOf(ctx), ctx.activity.channelId)],
    });
  }
}

/** `status SC-…` for the technical officer of an issued case: the certificate and chain again. */
export async function resendServerFiles(ctx: TurnContext, deps: { server: ServerDeps; render: RenderDeps }, id: string): Promise<void> {
  const c = await deps.server.cases.get<ServerCertData>(id);
  if (!c || c.kind !== 'SC' || c.data.techId !== personOf(ctx).id || c.status !== 'DIKELUARKAN') return;
  const files = await certificateFiles({ certificates: deps.server.certificates, ca: deps.server.ca }, c, localeOf(ctx));
  if (files) await ctx.sendActivity(files);
}
