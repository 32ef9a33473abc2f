import type { TurnContext } from 'botbuilder';
import type { Application } from '@microsoft/teams-ai';
import { z } from 'zod';
import type { AdvisoryData } from '../../domain/cases/advisory.js';
import type { Case } from '../../domain/cases/case.js';
import type { ComplaintData } from '../../domain/cases/complaint.js';
import { mayFollow, taskOf, type Task } from '../../domain/cases/authority.js';
import { listTasksFor } from '../../domain/usecases/authority.js';
import { decideAdvisory, recordAdvisoryHeld } from '../../domain/usecases/advisory.js';
import { USER_ACTIONS, userAct } from '../../domain/usecases/complaint.js';
import { calendarOf, type HelpdeskDeps } from '../../domain/usecases/helpdesk-deps.js';
import { decideOnsite, fileVisitReport, onsiteClock, requestOnsite } from '../../domain/usecases/onsite.js';
import { BOOK_VISIT_DIALOG, type BookVisitOptions } from '../../dialogs/helpdesk/book-visit-dialog.js';
import { localeOf, personOf, say } from '../../ui/turn.js';
import type { DialogRunner } from '../turn/dialog-runner.js';
import type { BotTurnState } from '../turn/state.js';
import { actOnTicket, TICKET_AGENT_ACTIONS, ticketDoneText, ticketRefusalText } from './agent-actions.js';
import { advisoryCardJson, advisoryHeldCard, agentTicketCardJson, onsiteApprovalCardJson } from './cards.js';
import { renderHelpdeskNotice } from './notices.js';
import { currentCardFor, decisionModeFor, refusedCardFor, type DecisionCardKind } from '../proactive/decision-cards.js';
import { lastDecision } from '../certificates/approval-card.js';
import { esc } from '../../ui/cards/adaptive.js';
import { tDynamic } from '../../ui/i18n/index.js';
import { unknownErrorHookOf, type TicketActionCode } from '../../ui/errors.js';

const caseId = z.string().regex(/^[A-Z]{2}-\d{4}-\d{6}$/);
const text = z.string().max(2000).optional();
const TicketAgentPayload = z.object({
  verb: z.literal('ticketAgent'),
  caseId,
  action: z.enum(TICKET_AGENT_ACTIONS),
  text,
});
const TicketUserPayload = z.object({
  verb: z.literal('ticketUser'),
  caseId,
  action: z.enum([...USER_ACTIONS, 'escalate']),
  text,
});
const OnsiteDecidePayload = z.object({ verb: z.literal('onsiteDecide'), caseId, decision: z.enum(['approve', 'reject']), reason: text });
const BookVisitPayload = z.object({ verb: z.literal('bookVisit'), caseId });
// The card pre-sets neither answer: an unanswered choice comes back empty (or absent) and is asked for.
const choice = z.preprocess((v) => (v === '' || v === null ? undefined : v), z.enum(['yes', 'no']).optional());
const VisitReportPayload = z.object({
  verb: z.literal('visitReport'),
  caseId,
  present: choice,
  workDone: z.string().max(2000).default(''),
  resolved: choice,
});
const AdvisoryDecidePayload = z.object({
  verb: z.literal('advisoryDecide'),
  caseId,
  decision: z.enum(['accept', 'decline']),
  date: z.string().max(40).optional(),
  reason: text,
});
const AdvisoryHeldPayload = z.object({ verb: z.literal('advisoryHeld'), caseId, notes: z.string().max(2000).default('') });

export interface HelpdeskRouteDeps {
  hd: HelpdeskDeps;
  runner: DialogRunner;
  afterAnswer: (ctx: TurnContext) => Promise<void>;
  busy: (ctx: TurnContext) => Promise<void>;
}

/**
 * Card actions of the helpdesk: agents act on tickets, users answer, confirm or reopen, the lead
 * agency decides visits and advisory requests, the assigned officer files the visit report. Every
 * refusal is explained (by error code) and changes nothing.
 */
export function registerHelpdeskRoutes(app: Application<BotTurnState>, deps: HelpdeskRouteDeps): void {
  const { hd } = deps;
  const refuse = (ctx: TurnContext, error: TicketActionCode, params?: Record<string, string | number>) =>
    ticketRefusalText(localeOf(ctx), error, {
      caseId: String((ctx.activity.value as { caseId?: unknown }).caseId ?? ''),
      params,
      onUnknown: unknownErrorHookOf(ctx),
    });

  const handle = <T>(verb: string, schema: z.ZodType<T>, run: (ctx: TurnContext, p: T) => Promise<string>) =>
    app.adaptiveCards.actionSubmit(verb, async (ctx) => {
      const p = schema.safeParse(ctx.activity.value);
      await ctx.sendActivity(p.success ? await run(ctx, p.data) : say(ctx, 'card.invalid'));
      await deps.afterAnswer(ctx);
    });

  handle('ticketUser', TicketUserPayload, async (ctx, p) => {
    const me = personOf(ctx).id;
    const r =
      p.action === 'escalate'
        ? await requestOnsite(hd, { caseId: p.caseId, actorId: me, triedOnline: p.text ?? '' })
        : await userAct(hd, { caseId: p.caseId, actorId: me, action: p.action, text: p.text });
    return r.ok ? say(ctx, `hd.done.user.${p.action}`, { caseId: p.caseId }) : refuse(ctx, r.error, r.params);
  });

  type Decided = { ok: boolean; text: string; c?: Case<unknown>; already?: boolean };
  const refused = async (
    ctx: TurnContext,
    caseId: string,
    error: TicketActionCode,
    params?: Record<string, string | number>,
  ): Promise<Decided> => ({
    ok: false,
    text: ticketRefusalText(localeOf(ctx), error, { caseId, params, onUnknown: unknownErrorHookOf(ctx) }),
    c: await hd.cases.get(caseId),
    already: error === 'NOT_ALLOWED_NOW',
  });

  const onsiteDecision = async (ctx: TurnContext, p: z.infer<typeof OnsiteDecidePayload>): Promise<Decided> => {
    const r = await decideOnsite(hd, { caseId: p.caseId, actorId: personOf(ctx).id, decision: p.decision, reason: p.reason });
    if (!r.ok) return refused(ctx, p.caseId, r.error, r.params);
    const cal = await calendarOf(hd, r.value);
    return {
      ok: true,
      c: r.value,
      text: say(ctx, `hd.done.onsite.${p.decision}`, {
        caseId: p.caseId,
        deadline: r.value.data.onsite?.deadline ? cal.format(new Date(r.value.data.onsite.deadline)) : '',
      }),
    };
  };
  handle('onsiteDecide', OnsiteDecidePayload, async (ctx, p) => (await onsiteDecision(ctx, p)).text);

  const ticketAction = async (ctx: TurnContext, p: z.infer<typeof TicketAgentPayload>): Promise<Decided> => {
    const r = await actOnTicket(hd, { caseId: p.caseId, actorId: personOf(ctx).id, action: p.action, text: p.text });
    return r.ok
      ? { ok: true, c: r.value, text: ticketDoneText(localeOf(ctx), p.action, p.caseId) }
      : refused(ctx, p.caseId, r.error, r.params);
  };
  handle('ticketAgent', TicketAgentPayload, async (ctx, p) => (await ticketAction(ctx, p)).text);

  handle('visitReport', VisitReportPayload, async (ctx, p) => {
    if (!p.present || (p.present === 'yes' && !p.resolved)) return refuse(ctx, 'CHOICE_REQUIRED');
    const r = await fileVisitReport(hd, {
      caseId: p.caseId,
      actorId: personOf(ctx).id,
      representativePresent: p.present === 'yes',
      workDone: p.workDone ?? '',
      resolved: p.resolved === 'yes',
    });
    if (!r.ok) return refuse(ctx, r.error, r.params);
    return say(
      ctx,
      p.present === 'no' ? 'hd.done.report.absent' : p.resolved === 'yes' ? 'hd.done.report.resolved' : 'hd.done.report.open',
      { caseId: p.caseId },
    );
  });

  const advisoryDecision = async (ctx: TurnContext, p: z.infer<typeof AdvisoryDecidePayload>): Promise<Decided> => {
    const r = await decideAdvisory(hd, {
      caseId: p.caseId,
      actorId: personOf(ctx).id,
      decision: p.decision,
      date: p.date,
      reason: p.reason,
    });
    if (!r.ok) return refused(ctx, p.caseId, r.error, r.params);
    const cal = await calendarOf(hd, r.value);
    if (p.decision === 'accept') await ctx.sendActivity({ attachments: [advisoryHeldCard(localeOf(ctx), r.value, cal)] });
    return {
      ok: true,
      c: r.value,
      text: say(ctx, `hd.done.advisory.${p.decision}`, {
        caseId: p.caseId,
        date: r.value.data.session ? cal.format(new Date(r.value.data.session.start)).slice(0, 10) : '',
      }),
    };
  };
  handle('advisoryDecide', AdvisoryDecidePayload, async (ctx, p) => (await advisoryDecision(ctx, p)).text);

  // Teams (Action.Execute): the answer is the card itself, refreshed; a second click gets the outcome.
  const execute = <T>(verb: string, schema: z.ZodType<T>, kind: DecisionCardKind, run: (ctx: TurnContext, p: T) => Promise<Decided>) =>
    app.adaptiveCards.actionExecute(verb, async (ctx, _state, data) => {
      const p = schema.safeParse({ ...(data as object), verb });
      if (!p.success) return say(ctx, 'card.invalid');
      const out = await run(ctx, p.data);
      if (out.ok && out.c) return (await currentCardFor(ctx, hd.directory, kind, out.c)) ?? out.text;
      // Not allowed now after someone decided: that is the "already decided" of the AP cards.
      const already = out.already === true && out.c !== undefined && lastDecision(out.c, kind.events) !== undefined;
      return refusedCardFor(ctx, hd.directory, kind, out.c, out.text, already ? 'already' : undefined);
    });
  const [ticketCards, advisoryCards] = helpdeskDecisionCards(hd);
  execute('onsiteDecide', OnsiteDecidePayload, ticketCards!, onsiteDecision);
  execute('ticketAgent', TicketAgentPayload, ticketCards!, ticketAction);
  execute('advisoryDecide', AdvisoryDecidePayload, advisoryCards!, advisoryDecision);

  handle('advisoryHeld', AdvisoryHeldPayload, async (ctx, p) => {
    const r = await recordAdvisoryHeld(hd, { caseId: p.caseId, actorId: personOf(ctx).id, notes: p.notes ?? '' });
    return r.ok ? say(ctx, 'hd.done.advisory.held', { caseId: p.caseId }) : refuse(ctx, r.error, r.params);
  });

  app.adaptiveCards.actionSubmit('bookVisit', async (ctx) => {
    const p = BookVisitPayload.safeParse(ctx.activity.value);
    if (!p.success) return void (await ctx.sendActivity(say(ctx, 'card.invalid')));
    const dc = await deps.runner.createContext(ctx);
    if (dc.activeDialog) return void (await deps.busy(ctx));
    await dc.beginDialog(BOOK_VISIT_DIALOG, { caseId: p.data.caseId } satisfies BookVisitOptions);
  });
}

/**
 * The helpdesk's decision cards for the shared Teams refresh: a ticket (AD) shows the agents their
 * ticket card while they can act and the lead officers the on-site approval while it waits; the
 * advisory request (KN) shows the lead officers its card. Otherwise: who did what last, and when.
 * Who may act, and whose card refreshes, is domain/cases/authority.ts.
 */
export function helpdeskDecisionCards(hd: HelpdeskDeps): DecisionCardKind[] {
  const name = async (id: string) => (await hd.directory.getPerson(id))?.name ?? id;
  const mode = (ctx: TurnContext, c: Case<unknown>, task: Task) => decisionModeFor(hd.directory, ctx.activity.channelId, c, task);
  return [
    {
      kinds: ['AD'],
      events: ['acknowledged', 'replied', 'infoRequested', 'resolved', 'onsiteRequested', 'onsiteApproved', 'onsiteRejected'],
      mayView: mayFollow,
      decisionCard: async (ctx, viewer, c) => {
        const task = taskOf(viewer, c);
        if (task !== 'onsiteApproval' && task !== 'ticket') return undefined;
        const user = await name(c.applicantId);
        const tk = c as Case<ComplaintData>;
        // No title: the card replaces one sent beside its notice, whose text stays (it was shown twice).
        if (task === 'onsiteApproval') return onsiteApprovalCardJson(localeOf(ctx), tk, user, '', await mode(ctx, c, task));
        return agentTicketCardJson(localeOf(ctx), tk, user, '', await mode(ctx, c, task));
      },
    },
    {
      kinds: ['KN'],
      events: ['advisoryAccepted', 'advisoryDeclined'],
      mayView: mayFollow,
      decisionCard: async (ctx, viewer, c) => {
        if (taskOf(viewer, c) !== 'advisory') return undefined;
        const k = c as Case<AdvisoryData>;
        const user = await name(c.applicantId);
        const text = tDynamic(localeOf(ctx), 'hd.notify.advisoryRequest', 'system', { caseId: c.id, topic: esc(k.data.topic) });
        return advisoryCardJson(localeOf(ctx), k, await calendarOf(hd, c), user, text, await mode(ctx, c, 'advisory'));
      },
    },
  ];
}

/** The notice (and so the card) each helpdesk task is shown with in `tugasan`, in the order shown. */
const HELPDESK_NOTICE: readonly [Task, string][] = [
  ['ticket', 'ticketNew'],
  ['onsiteApproval', 'onsiteApproval'],
  ['advisory', 'advisoryRequest'],
  ['visitReport', 'visitAssigned'],
];

/**
 * The helpdesk part of `tugasan`: tickets for agents, visit approvals and advisory requests for the
 * lead agency, assigned visits for technical officers. Returns how many items it showed (none: the
 * usual "no approvals waiting" answer follows).
 */
export async function showHelpdeskTasks(ctx: TurnContext, hd: HelpdeskDeps): Promise<number> {
  const locale = localeOf(ctx);
  const tasks = await listTasksFor(hd, personOf(ctx).id, ['AD', 'KN']);
  const cards = HELPDESK_NOTICE.flatMap(([task, event]) =>
    tasks.filter((t) => t.task === task).map(({ c }) => ({ c: c as Case<unknown>, event })),
  );
  const held = tasks.filter((t) => t.task === 'advisoryHeld').map(({ c }) => c as Case<unknown>);
  const count = cards.length + held.length;
  if (count === 0) return 0;
  await ctx.sendActivity(say(ctx, 'hd.tasks.header', { count }));
  for (const { c, event } of cards.slice(0, 10))
    await ctx.sendActivity(await renderHelpdeskNotice(hd, locale, c, event, ctx.activity.channelId));
  for (const c of held.slice(0, 10))
    await ctx.sendActivity({ attachments: [advisoryHeldCard(locale, c as unknown as Case<AdvisoryData>, await calendarOf(hd, c))] });
  return count;
}

/**
 * Extra `status` lines of an on-site case: the deadline, the working time left (in the calendar of
 * the case's agency), pauses and any breach.
 */
export async function onsiteStatusLines(ctx: TurnContext, hd: HelpdeskDeps, c: Case<unknown>): Promise<string[]> {
  const onsite = c.kind === 'AD' ? (c.data as unknown as ComplaintData).onsite : undefined;
  if (!onsite?.deadline) return [];
  const cal = await calendarOf(hd, c);
  const clock = onsiteClock(hd, cal, onsite);
  const lines = [say(ctx, 'hd.status.deadline', { deadline: cal.format(new Date(clock.deadline!)), hours: clock.hoursLeft ?? 0 })];
  for (const p of clock.pauses)
    lines.push(say(ctx, 'hd.status.pause', { from: cal.format(new Date(p.from)), to: cal.format(new Date(p.to)), reason: p.reason }));
  if (clock.breached) lines.push(say(ctx, 'hd.status.breached'));
  return lines;
}
