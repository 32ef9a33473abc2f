import type { TurnContext } from 'botbuilder';
import type { AdaptiveCard, Application } from '@microsoft/teams-ai';
import { parseCaseNumber, type Case } from '../../domain/cases/case.js';
import { operationOf } from '../../domain/cases/operations.js';
import { mayDecide } from '../../domain/cases/authority.js';
import type { CoreDeps } from '../../domain/usecases/deps.js';
import { getCaseForViewer } from '../../domain/usecases/queries.js';
import { decideUserCertificate } from '../../domain/usecases/user-certificate-decide.js';
import { isMessageKey, tDynamic } from '../../ui/i18n/index.js';
import { localeOf, personOf, say } from '../../ui/turn.js';
import { sayError } from '../../ui/errors.js';
import { DecisionPayload, RefreshPayload } from '../turn/card-actions.js';
import type { BotTurnState } from '../turn/state.js';
import { decidedCardJson, lastDecision, REFRESH_VERB } from './approval-card.js';
import { approvalCardFor, cardActionsFor, type RenderDeps } from '../proactive/notifications.js';
import { currentCardFor, type DecisionCardKind } from '../proactive/decision-cards.js';

export interface ApprovalDeps {
  core: CoreDeps;
  render: RenderDeps;
  /** Re-asks the open dialog's question after an answer given outside it. */
  afterAnswer: (ctx: TurnContext) => Promise<void>;
  /** Other decision cards sharing the refresh verb on Teams (server certificates, helpdesk). */
  decisionCards?: DecisionCardKind[];
}

type Outcome = { ok: true; c: Case<unknown> } | { ok: false; text: string; c?: Case<unknown>; alreadyDecided?: boolean; changed?: boolean };

/**
 * AP decisions from cards. Web Chat and the Emulator click `Action.Submit` and get a message back;
 * Teams clicks `Action.Execute` and gets the card itself back, refreshed for every approver: after
 * one decision the card shows who decided what and when, and a second click learns that outcome.
 * The refresh verb is shared: cards of other kinds (`decisionCards`) refresh through it too.
 */
export function registerApprovalRoutes(app: Application<BotTurnState>, deps: ApprovalDeps): void {
  app.adaptiveCards.actionSubmit(['approve', 'return', 'reject'], async (ctx) => {
    const out = await decide(ctx, deps, ctx.activity.value);
    await ctx.sendActivity(
      out.ok ? decidedText(ctx, (ctx.activity.value as { verb: 'approve' | 'return' | 'reject' }).verb, out.c) : out.text,
    );
    await deps.afterAnswer(ctx);
  });

  app.adaptiveCards.actionExecute(['approve', 'return', 'reject'], async (ctx, _state, data) => {
    const verb = (ctx.activity.value as { action?: { verb?: string } }).action?.verb;
    const out = await decide(ctx, deps, { ...data, verb });
    if (out.ok) return cardFor(ctx, deps, out.c);
    if (out.c && out.alreadyDecided) return cardFor(ctx, deps, out.c, say(ctx, 'decided.again'));
    if (out.c && out.changed) return cardFor(ctx, deps, out.c, out.text);
    return out.text;
  });

  app.adaptiveCards.actionExecute(REFRESH_VERB, async (ctx, _state, data) => {
    const p = RefreshPayload.safeParse(data);
    if (!p.success) return say(ctx, 'card.invalid');
    const kind = parseCaseNumber(p.data.caseId)?.kind;
    const other = kind && deps.decisionCards?.find((k) => k.kinds.includes(kind));
    if (other) {
      const c = await deps.core.cases.get(p.data.caseId);
      return (c && (await currentCardFor(ctx, deps.core.directory, other, c))) || say(ctx, 'card.invalid');
    }
    const found = await getCaseForViewer(deps.core, p.data.caseId, personOf(ctx).id);
    return found.ok ? cardFor(ctx, deps, found.value) : say(ctx, 'card.invalid');
  });
}

async function decide(ctx: TurnContext, deps: ApprovalDeps, value: unknown): Promise<Outcome> {
  const p = DecisionPayload.safeParse(value);
  if (!p.success) return { ok: false, text: say(ctx, 'card.invalid') };
  const r = await decideUserCertificate(deps.core, {
    caseId: p.data.caseId,
    actorId: personOf(ctx).id,
    decision: p.data.verb,
    note: p.data.note,
    fields: p.data.fields,
    seenVersion: p.data.version,
  });
  if (r.ok) return { ok: true, c: r.value };
  const locale = localeOf(ctx);
  const status = r.params?.status ? tDynamic(locale, `status.${r.params.status}`, 'system') : '';
  const text = sayError(ctx, 'decision', r.error, { caseId: p.data.caseId, status });
  const c = await deps.core.cases.get(p.data.caseId);
  return { ok: false, text, c, alreadyDecided: r.error === 'ALREADY_DECIDED', changed: r.error === 'CHANGED_SINCE' };
}

/** The card this viewer should see now: the approval card while they can still decide, otherwise the outcome. */
export async function cardFor(
  ctx: TurnContext,
  deps: Pick<ApprovalDeps, 'core' | 'render'>,
  c: Case<unknown>,
  notice?: string,
): Promise<AdaptiveCard> {
  const viewer = personOf(ctx);
  const locale = localeOf(ctx);
  if (mayDecide(viewer, c, 'verify'))
    return (await approvalCardFor(deps.render, c, locale, ctx.activity.channelId)) as unknown as AdaptiveCard;
  const decider = lastDecision(c)?.actorId;
  const deciderName = decider ? ((await deps.core.directory.getPerson(decider))?.name ?? decider) : '';
  return decidedCardJson({ c, locale, deciderName, actions: cardActionsFor(ctx.activity.channelId), notice }) as unknown as AdaptiveCard;
}

/** What the AP is told after deciding: per operation where it differs (a revocation is not issued). */
function decidedText(ctx: TurnContext, verb: 'approve' | 'return' | 'reject', c: Case<unknown>): string {
  const specific = `decision.${verb}.${operationOf(c)}`;
  const text = tDynamic(localeOf(ctx), isMessageKey(specific) ? specific : `decision.${verb}`, 'card.invalid', { caseId: c.id });
  return c.kind === 'TC' ? `${text} ${say(ctx, 'training.tag')}` : text;
}
