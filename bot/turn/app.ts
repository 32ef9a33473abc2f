import { ActivityTypes, type Storage, type TurnContext } from 'botbuilder';
import { Application } from '@microsoft/teams-ai';
import type { CoreDeps } from '../../domain/usecases/deps.js';
import { getCaseForViewer } from '../../domain/usecases/queries.js';
import { menuCard } from '../../ui/cards/menu.js';
import { personOf, say, type LocalePreferences } from '../../ui/turn.js';
import { APPLY_USER_CERT_DIALOG, type ApplyOptions } from '../../dialogs/user-certificate/apply-dialog.js';
import { fromAnyApplication } from '../../dialogs/user-certificate/fields.js';
import { beginGoal } from '../../dialogs/goals.js';
import type { FormField } from '../../domain/cases/forms.js';
import { realmOfKind, type ApplicationData } from '../../domain/cases/operations.js';
import { bindAppState, type DialogRunner } from './dialog-runner.js';
import type { BotTurnState } from './state.js';
import { CorrectPayload, StartPayload } from './card-actions.js';
import { cardFor, registerApprovalRoutes } from '../certificates/approvals.js';
import { decidedCaseOf, updateDecisionCards, type DecisionCardUpdateDeps } from '../proactive/decision-card-updates.js';
import { currentCardFor, type DecisionCardKind } from '../proactive/decision-cards.js';
import type { CardElement } from '../../ui/cards/adaptive.js';
import type { Case } from '../../domain/cases/case.js';
import { CASE_EVENTS_TOPIC, caseEventOf } from '../../domain/cases/events.js';
import type { EventBus } from '../../domain/ports/event-bus.js';
import { registerServerRoutes, resendServerFiles, serverDecisionCards, showServerTasks } from '../server-certificates/routes.js';
import type { ServerDeps } from '../../domain/usecases/server-deps.js';
import { showMyCases, showStatus, showTasks } from './commands.js';
import { showOpenCases } from './open-cases.js';
import { renderNotification, type RenderDeps } from '../proactive/notifications.js';
import { loadNlu, type Nlu } from '../nlu/index.js';
import type { HelpdeskDeps } from '../../domain/usecases/helpdesk-deps.js';
import { hasRole } from '../../domain/people.js';
import { registerSatisfactionRoutes } from '../helpdesk/satisfaction.js';
import { helpdeskDecisionCards, onsiteStatusLines, registerHelpdeskRoutes, showHelpdeskTasks } from '../helpdesk/routes.js';
import { extractEntities } from '../nlu/entities.js';
import { registerNluRoutes, understand, type NluRouteDeps } from './nlu-routes.js';

export interface AppDeps {
  core: CoreDeps;
  runner: DialogRunner;
  render: RenderDeps;
  storage: Storage;
  prefs: LocalePreferences;
  /** Server-certificate ports; without them the server-certificate card verbs are not served. */
  server?: ServerDeps;
  /** The intent recogniser; loaded (trained if its cache is stale) here at start when not given. */
  nlu?: Nlu;
  /** Helpdesk tickets, visits and advisory requests. */
  hd?: HelpdeskDeps;
  /** Direct Line copies of decision cards, replaced by their decided version after a decision. */
  cardUpdates?: DecisionCardUpdateDeps;
  /**
   * The case changes this process makes (not other instances'): each one replaces the Direct Line
   * copies of that case's decision cards, whoever made it (a chat click, the agents' console, a job).
   */
  ownCaseEvents?: EventBus;
}

/**
 * Routes, specific first: card verbs, then commands, then one catch-all that runs the dialogs.
 * A route that answers while a guided dialog is open re-asks that dialog's question afterwards.
 */
export function createApplication(deps: AppDeps): Application<BotTurnState> {
  const app = new Application<BotTurnState>({
    storage: deps.storage,
    startTypingTimer: false,
    removeRecipientMention: true,
    longRunningMessages: false,
  });
  const nluDeps: NluRouteDeps = {
    nlu: deps.nlu ?? loadNlu(),
    core: deps.core,
    runner: deps.runner,
    prefs: deps.prefs,
    tasks: (ctx) => tasks(ctx, deps),
    busy: (ctx) => busy(ctx, deps),
  };

  app.turn('beforeTurn', async (ctx, state) => {
    bindAppState(ctx, state);
    skipUpdatesWithoutId(ctx);
    return true;
  });

  // Installing the Teams app in a personal chat sends a conversationUpdate whose membersAdded names
  // the bot itself (and an installationUpdate, whose turn only records the conversation reference);
  // Web Chat and the Emulator name the user instead. Either way the person is greeted once.
  app.conversationUpdate('membersAdded', async (ctx) => {
    const members = ctx.activity.membersAdded ?? [];
    const botInstalled = ctx.activity.channelId === 'msteams' && members.some((m) => m.id === ctx.activity.recipient?.id);
    const usersAdded = ctx.activity.channelId !== 'msteams' && members.some((m) => m.id !== ctx.activity.recipient?.id);
    if (!botInstalled && !usersAdded) return;
    await ctx.sendActivity(say(ctx, 'welcome', { name: personOf(ctx).name }));
    await ctx.sendActivity({ attachments: [menuCard(ctx)] });
  });
  app.activity('installationUpdate', async () => undefined);

  const decisionCards = [...(deps.server ? [serverDecisionCards(deps.render)] : []), ...(deps.hd ? helpdeskDecisionCards(deps.hd) : [])];
  registerApprovalRoutes(app, { core: deps.core, render: deps.render, afterAnswer: (ctx) => repromptIfBusy(ctx, deps), decisionCards });
  if (deps.server)
    registerServerRoutes(app, {
      server: deps.server,
      runner: deps.runner,
      render: deps.render,
      busy: (ctx) => busy(ctx, deps),
      afterAnswer: (ctx) => repromptIfBusy(ctx, deps),
    });

  if (deps.hd)
    registerHelpdeskRoutes(app, {
      hd: deps.hd,
      runner: deps.runner,
      afterAnswer: (ctx) => repromptIfBusy(ctx, deps),
      busy: (ctx) => busy(ctx, deps),
    });
  registerSatisfactionRoutes(app, { core: deps.core, afterAnswer: (ctx) => repromptIfBusy(ctx, deps) });
  if (deps.cardUpdates) updateCardsAfterDecisions(app, deps, deps.cardUpdates, decisionCards);

  app.adaptiveCards.actionSubmit('correct', async (ctx) => {
    const p = CorrectPayload.safeParse(ctx.activity.value);
    if (!p.success) return void (await refuseCard(ctx));
    const dc = await deps.runner.createContext(ctx);
    if (dc.activeDialog) return void (await busy(ctx, deps));
    const found = await getCaseForViewer(deps.core, p.data.caseId, personOf(ctx).id);
    const c = found.ok ? (found.value as typeof found.value & { data: ApplicationData }) : undefined;
    if (!c || c.applicantId !== personOf(ctx).id || c.status !== 'PERLU_PEMBETULAN' || !c.correction) {
      return void (await ctx.sendActivity(say(ctx, 'correct.notAllowed', { caseId: p.data.caseId })));
    }
    const copyId = (c.data as { mykadCopyFileId?: string }).mykadCopyFileId;
    const copy = copyId ? await deps.core.files.head(copyId) : undefined;
    await ctx.sendActivity(say(ctx, 'correct.start', { caseId: c.id, note: c.correction.note }));
    const ask = [...(c.correction.fields as FormField[]), 'declaration' as const];
    const realm = realmOfKind(c.kind) ?? 'user';
    await dc.beginDialog(APPLY_USER_CERT_DIALOG, {
      mode: 'correct',
      caseId: c.id,
      values: fromAnyApplication(c.data, copy?.size ?? 0),
      ask,
      realm,
    } satisfies ApplyOptions);
  });

  app.adaptiveCards.actionSubmit('start', async (ctx) => {
    const p = StartPayload.safeParse(ctx.activity.value);
    if (!p.success) return void (await refuseCard(ctx));
    const dc = await deps.runner.createContext(ctx);
    if (dc.activeDialog) return void (await busy(ctx, deps));
    await beginGoal(dc, p.data.goal, { serial: p.data.serial });
  });

  app.adaptiveCards.actionSubmit('myCases', async (ctx) => {
    await showMyCases(ctx, deps.core);
    await repromptIfBusy(ctx, deps);
  });
  app.adaptiveCards.actionSubmit('tasks', async (ctx) => {
    await tasks(ctx, deps);
    await repromptIfBusy(ctx, deps);
  });
  app.adaptiveCards.actionSubmit('help', async (ctx) => {
    await ctx.sendActivity(say(ctx, 'help.general'));
    await repromptIfBusy(ctx, deps);
  });

  registerNluRoutes(app, nluDeps);

  app.message(/^\s*status(\s|$)/i, async (ctx) => {
    // "status UC-2026-000001 dah lulus ke?": the case number wherever it is in the sentence;
    // "status permohonan saya", words and no number: the person's cases in progress.
    const text = ctx.activity.text ?? '';
    const caseId = extractEntities(text).caseNumbers[0];
    if (!caseId && /^\s*status\s+[^\d]+$/i.test(text)) await showOpenCases(ctx, deps.core);
    else
      await showStatus(
        ctx,
        deps.core,
        caseId ? `status ${caseId}` : text,
        deps.hd ? (c) => onsiteStatusLines(ctx, deps.hd!, c) : undefined,
      );
    if (caseId && deps.server) await resendServerFiles(ctx, { server: deps.server, render: deps.render }, caseId.toUpperCase());
    await repromptIfBusy(ctx, deps);
  });
  app.message(/^\s*(tugasan|tasks)\s*$/i, async (ctx) => {
    await tasks(ctx, deps);
    await repromptIfBusy(ctx, deps);
  });

  // Catch-all: the open dialog continues (its base handles cancel/help/menu/language), or the
  // text is understood (bot/nlu) and acted on, offered as suggestions, or politely declined.
  app.activity(ActivityTypes.Message, async (ctx, state) => {
    const dc = await deps.runner.createContext(ctx);
    if (dc.activeDialog) {
      await dc.continueDialog();
      return;
    }
    if (ctx.activity.value && !ctx.activity.text) return void (await refuseCard(ctx));
    await understand(ctx, state, nluDeps);
  });

  // Catch-all for invokes: teams-ai tries its invoke routes (the card verbs above) first, so only
  // an invoke nobody serves gets here: a forged name or an unknown verb. That is the sender's
  // mistake, a 400, where botbuilder's default would answer 501 as if the bot were broken.
  app.activity(ActivityTypes.Invoke, async (ctx) => {
    await ctx.sendActivity({ type: ActivityTypes.InvokeResponse, value: { status: 400, body: { code: 'UNKNOWN_INVOKE' } } });
  });

  return app;
}

/**
 * teams-ai answers an Action.Execute on a card with `refresh` by replacing the message that holds
 * the card, named by the invoke's `replyToId`. An invoke without one (forged, or not from a message)
 * has nothing to replace, and the connector call would throw (a 5xx for a client's mistake); the
 * clicker still gets the card in the invoke's answer.
 */
function skipUpdatesWithoutId(ctx: TurnContext): void {
  if (ctx.activity.type !== ActivityTypes.Invoke || ctx.activity.replyToId) return;
  ctx.onUpdateActivity(async (_ctx, activity, next) => (activity.id ? next() : undefined));
}

async function tasks(ctx: TurnContext, deps: AppDeps): Promise<void> {
  // Helpdesk roles see their tickets, visits and advisory requests; APs also their approvals, and
  // whoever endorses or approves server certificates those too (a lead officer may do both).
  const helpdeskShown = deps.hd ? await showHelpdeskTasks(ctx, deps.hd) : 0;
  const me = personOf(ctx).id;
  if (helpdeskShown === 0 || hasRole(personOf(ctx), 'AP')) {
    await showTasks(ctx, deps.core, (c) =>
      renderNotification(deps.render, me, { type: 'approvalRequest', caseId: c.id }, ctx.activity.channelId),
    );
  }
  if (deps.server) await showServerTasks(ctx, { server: deps.server, render: deps.render });
}

async function refuseCard(ctx: TurnContext): Promise<void> {
  await ctx.sendActivity(say(ctx, 'card.invalid'));
}

async function busy(ctx: TurnContext, deps: AppDeps): Promise<void> {
  await ctx.sendActivity(say(ctx, 'busy.finishFirst'));
  await repromptIfBusy(ctx, deps);
}

async function repromptIfBusy(ctx: TurnContext, deps: AppDeps): Promise<void> {
  const dc = await deps.runner.createContext(ctx);
  if (dc.activeDialog) await dc.repromptDialog();
}

/**
 * Every Direct Line copy of a case's decision card is replaced by what its viewer should see now,
 * as Teams' refresh does for Teams: after each change this process makes to the case (a click in
 * chat, an agent's action in the console, a job), and after a click that changed nothing (a
 * refused second decision shows the state that refused it). A click's turn ends once its update is
 * made, so the clicker's page has it when the answer comes.
 */
function updateCardsAfterDecisions(
  app: Application<BotTurnState>,
  deps: AppDeps,
  updates: DecisionCardUpdateDeps,
  kinds: DecisionCardKind[],
): void {
  const cardNow = async (ctx: TurnContext, c: Case<unknown>): Promise<CardElement | undefined> => {
    if (c.kind === 'UC' || c.kind === 'TC') return (await cardFor(ctx, deps, c)) as unknown as CardElement;
    const kind = kinds.find((k) => k.kinds.includes(c.kind));
    return kind ? ((await currentCardFor(ctx, deps.core.directory, kind, c)) as unknown as CardElement | undefined) : undefined;
  };
  // One update at a time per case, in the order of the changes; the latest is what a click waits for.
  const running = new Map<string, Promise<void>>();
  const refresh = (caseId: string): Promise<void> => {
    const next = (running.get(caseId) ?? Promise.resolve())
      .then(() => deps.core.cases.get(caseId))
      .then((c) => (c ? updateDecisionCards(updates, c, cardNow) : undefined))
      .catch((err: unknown) => updates.logger.warn({ err, caseId }, 'decision cards not updated after the change'));
    running.set(caseId, next);
    void next.finally(() => running.get(caseId) === next && running.delete(caseId));
    return next;
  };
  if (deps.ownCaseEvents)
    void deps.ownCaseEvents
      .subscribe(CASE_EVENTS_TOPIC, (m) => {
        const e = caseEventOf(m);
        if (e) void refresh(e.caseId);
      })
      .catch((err: unknown) => updates.logger.error({ err }, 'decision cards will not follow case changes'));
  app.turn('afterTurn', async (ctx) => {
    const caseId = decidedCaseOf(ctx.activity);
    if (!caseId) return true;
    // The click changed the case: its event is already updating the cards. Otherwise (refused), update them now.
    await (running.get(caseId) ?? refresh(caseId));
    return true;
  });
}
