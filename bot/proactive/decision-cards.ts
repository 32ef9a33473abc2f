import type { TurnContext } from 'botbuilder';
import type { AdaptiveCard } from '@microsoft/teams-ai';
import type { AuthorityCase, Task } from '../../domain/cases/authority.js';
import type { Case } from '../../domain/cases/case.js';
import type { Person } from '../../domain/people.js';
import type { Directory } from '../../domain/ports/directory.js';
import { decidersOf } from '../../domain/usecases/authority.js';
import { localeOf, personOf, say } from '../../ui/turn.js';
import type { CardElement } from '../../ui/cards/adaptive.js';
import { decidedCardJson, lastDecision, type CardActions } from '../certificates/approval-card.js';

/** Universal Actions where the client supports them (Teams), Action.Submit elsewhere. */
export const cardActionsFor = (channelId: string): CardActions => (channelId === 'msteams' ? 'execute' : 'submit');

/** The Teams user ids of people (their `msteams` or any-channel identities), for a card's `refresh.userIds`. */
export async function teamsIdsOf(directory: Pick<Directory, 'getPerson'>, personIds: string[]): Promise<string[]> {
  const people = await Promise.all([...new Set(personIds)].map((id) => directory.getPerson(id)));
  return people.flatMap((p) => p?.identities.filter((i) => i.channelId === 'msteams' || i.channelId === '*').map((i) => i.userId) ?? []);
}

/**
 * How a decision card's buttons work in `channelId`: on Teams `Action.Execute`, refreshed for
 * everyone who may do `task` on the case (domain/cases/authority.ts); elsewhere `Action.Submit`.
 */
export async function decisionModeFor(
  directory: Pick<Directory, 'getPerson' | 'listByRole'>,
  channelId: string,
  c: AuthorityCase,
  task: Task,
): Promise<{ actions: CardActions; refreshUserIds?: string[] }> {
  const actions = cardActionsFor(channelId);
  if (actions !== 'execute') return { actions };
  return { actions, refreshUserIds: await teamsIdsOf(directory, await decidersOf({ directory }, c, task)) };
}

/**
 * A kind of decision card other than the AP's (server certificates, on-site visits, advisory
 * requests) as the shared refresh verb and `Action.Execute` clicks need it: the card this viewer
 * may still decide on, or nothing when they may not (any more).
 */
export interface DecisionCardKind {
  /** Case kinds whose refresh this answers (`SC`, `AD`, `KN`). */
  kinds: readonly string[];
  /** Timeline events that are this card's decisions; the outcome card names the last one. */
  events: readonly string[];
  /** Whether this viewer may see the outcome at all (the deciders and the case's parties). */
  mayView(viewer: Person, c: Case<unknown>): boolean;
  /** The decision card while the viewer may still decide; undefined otherwise. */
  decisionCard(ctx: TurnContext, viewer: Person, c: Case<unknown>): Promise<CardElement | undefined>;
}

/**
 * The card this viewer should see now: the decision card while they can still decide, otherwise
 * who decided what and when (with `notice`, e.g. "already decided"). Undefined: not theirs to see.
 */
export async function currentCardFor(
  ctx: TurnContext,
  directory: Pick<Directory, 'getPerson'>,
  kind: DecisionCardKind,
  c: Case<unknown>,
  notice?: string,
): Promise<AdaptiveCard | undefined> {
  const viewer = personOf(ctx);
  if (!kind.mayView(viewer, c)) return undefined;
  const card = await kind.decisionCard(ctx, viewer, c);
  if (card) return card as unknown as AdaptiveCard;
  const decider = lastDecision(c, kind.events)?.actorId;
  const deciderName = decider ? ((await directory.getPerson(decider))?.name ?? decider) : '';
  return decidedCardJson({
    c,
    locale: localeOf(ctx),
    deciderName,
    actions: cardActionsFor(ctx.activity.channelId),
    notice,
    events: kind.events,
  }) as unknown as AdaptiveCard;
}

/**
 * What an `Action.Execute` click answers after a refused decision, as the AP cards do: the outcome
 * with "already decided" when someone decided first, the current card when it changed since,
 * otherwise just why (a missing note, a wrong role), leaving the card as it is.
 */
export async function refusedCardFor(
  ctx: TurnContext,
  directory: Pick<Directory, 'getPerson'>,
  kind: DecisionCardKind,
  c: Case<unknown> | undefined,
  text: string,
  why?: 'already' | 'changed',
): Promise<AdaptiveCard | string> {
  if (!c || !why) return text;
  const card = await currentCardFor(ctx, directory, kind, c, why === 'already' ? say(ctx, 'decided.again') : text);
  return card ?? text;
}
