import {
  CardFactory,
  type Activity,
  type ChannelAccount,
  type ConversationReference,
  type Middleware,
  type ResourceResponse,
  type Storage,
  type TurnContext,
} from 'botbuilder';
import type { Case } from '../../domain/cases/case.js';
import type { Person } from '../../domain/people.js';
import type { Directory } from '../../domain/ports/directory.js';
import type { Logger } from '../../infra/logger.js';
import { LOCALE_KEY, PERSON_KEY } from '../../ui/turn.js';
import type { CardElement } from '../../ui/cards/adaptive.js';

/** Card verbs that decide a case: a card carrying one is updated after the decision (Direct Line). */
export const DECISION_VERBS: ReadonlySet<string> = new Set([
  'approve',
  'return',
  'reject',
  'serverDecide',
  'ticketAgent',
  'onsiteDecide',
  'advisoryDecide',
]);

/** A decision card sent in one of the bot's Direct Line conversations. */
export interface SentCard {
  conversationId: string;
  activityId: string;
  /** The Direct Line user id of the conversation (who saw the card). */
  userId: string;
}

const MAX_PER_CASE = 50;
const keyOf = (caseId: string) => `gpki/decisionCards/${caseId}`;

/** The case a decision card in `a` decides (a card action carrying a decision verb and a case number). */
export function decisionCaseOf(a: Partial<Activity>): string | undefined {
  const find = (v: unknown): string | undefined => {
    if (!v || typeof v !== 'object') return undefined;
    if (Array.isArray(v)) return v.map(find).find(Boolean);
    const o = v as Record<string, unknown>;
    const data = o.data as { verb?: unknown; caseId?: unknown } | undefined;
    const verb = o.type === 'Action.Execute' ? o.verb : data?.verb;
    if (typeof verb === 'string' && DECISION_VERBS.has(verb) && typeof data?.caseId === 'string') return data.caseId;
    return find(o.actions) ?? find(o.body) ?? find(o.items) ?? find(o.card);
  };
  for (const att of a.attachments ?? []) {
    if (att.contentType === 'application/vnd.microsoft.card.adaptive') {
      const id = find(att.content);
      if (id) return id;
    }
  }
  return undefined;
}

/** The case a decision click (a card submit, or a Teams `Action.Execute` invoke) acted on. */
export function decidedCaseOf(a: Partial<Activity>): string | undefined {
  const v = a.value as { verb?: unknown; caseId?: unknown; action?: { verb?: unknown; data?: { caseId?: unknown } } } | undefined;
  const verb = v?.action?.verb ?? v?.verb;
  const caseId = v?.action?.data?.caseId ?? v?.caseId;
  return typeof verb === 'string' && DECISION_VERBS.has(verb) && typeof caseId === 'string' ? caseId : undefined;
}

/**
 * Where each case's decision cards went in Direct Line conversations, kept in the bot's state
 * store (SQLite or MongoDB) so any instance can update them after a decision. Teams needs none of
 * this: its Universal Actions refresh the card for everyone.
 */
export class SentDecisionCards {
  constructor(private readonly storage: Storage) {}

  async record(caseId: string, card: SentCard): Promise<void> {
    const key = keyOf(caseId);
    // Two cards of one case sent at once (to two APs) write the same key: retry on an eTag conflict.
    for (let attempt = 0; ; attempt++) {
      const item = ((await this.storage.read([key]))[key] ?? {}) as { eTag?: string; cards?: SentCard[] };
      const cards = [
        ...(item.cards ?? []).filter((c) => c.activityId !== card.activityId || c.conversationId !== card.conversationId),
        card,
      ].slice(-MAX_PER_CASE);
      try {
        return await this.storage.write({ [key]: { eTag: item.eTag ?? '*', cards } });
      } catch (e) {
        if ((e as { code?: unknown }).code !== 'ETAG_CONFLICT' || attempt >= 4) throw e;
      }
    }
  }

  async list(caseId: string): Promise<SentCard[]> {
    const key = keyOf(caseId);
    return (((await this.storage.read([key]))[key] ?? {}) as { cards?: SentCard[] }).cards ?? [];
  }
}

/** Records the id of every decision card the Direct Line adapter sends, in turns and proactively. */
export function recordDecisionCards(cards: SentDecisionCards, logger: Logger): Middleware {
  return {
    async onTurn(ctx: TurnContext, next: () => Promise<void>): Promise<void> {
      ctx.onSendActivities(async (c, activities, send): Promise<ResourceResponse[]> => {
        const sent = await send();
        for (const [i, a] of activities.entries()) {
          const caseId = decisionCaseOf(a);
          const activityId = sent[i]?.id;
          const userId = c.activity.from?.id;
          if (!caseId || !activityId || !userId) continue;
          await cards
            .record(caseId, { conversationId: a.conversation?.id ?? c.activity.conversation.id, activityId, userId })
            .catch((err: unknown) => logger.warn({ err, caseId }, 'decision card not recorded: it will not be updated after the decision'));
        }
        return sent;
      });
      await next();
    },
  };
}

export interface DecisionCardUpdateDeps {
  cards: SentDecisionCards;
  adapter: {
    readonly botAccount: ChannelAccount;
    readonly serviceUrl: string;
    continueConversationAsync(
      botAppId: string,
      reference: Partial<ConversationReference>,
      logic: (ctx: TurnContext) => Promise<void>,
    ): Promise<void>;
  };
  channelId: string;
  directory: Pick<Directory, 'findByIdentity'>;
  logger: Logger;
}

/** The card a viewer should now see for a case (the decided version, or the live one while they may still act). */
export type CardNow = (ctx: TurnContext, c: Case<unknown>) => Promise<CardElement | undefined>;

/**
 * After a decision, every Direct Line copy of the case's decision card is replaced (Direct Line
 * `updateActivity`: Web Chat shows the replacement in place) by the card its viewer should see now,
 * the same one a Teams refresh gives. A failure is logged and never undoes the decision.
 */
export async function updateDecisionCards(deps: DecisionCardUpdateDeps, c: Case<unknown>, cardNow: CardNow): Promise<void> {
  for (const sent of await deps.cards.list(c.id)) {
    try {
      const person = await deps.directory.findByIdentity({ channelId: deps.channelId, userId: sent.userId });
      if (!person) continue;
      const reference: Partial<ConversationReference> = {
        channelId: deps.channelId,
        serviceUrl: deps.adapter.serviceUrl,
        conversation: { id: sent.conversationId } as ConversationReference['conversation'],
        user: { id: sent.userId, name: person.name },
        bot: deps.adapter.botAccount,
      };
      await deps.adapter.continueConversationAsync(deps.adapter.botAccount.id, reference, async (ctx) => {
        asViewer(ctx, person);
        const card = await cardNow(ctx, c);
        if (card)
          await ctx.updateActivity({
            type: 'message',
            id: sent.activityId,
            conversation: reference.conversation,
            attachments: [CardFactory.adaptiveCard(card)],
          });
      });
    } catch (err) {
      deps.logger.warn({ err, caseId: c.id, conversation: sent.conversationId }, 'decision card not updated after the decision');
    }
  }
}

function asViewer(ctx: TurnContext, person: Person): void {
  ctx.turnState.set(PERSON_KEY, person);
  ctx.turnState.set(LOCALE_KEY, person.locale ?? 'ms');
}
