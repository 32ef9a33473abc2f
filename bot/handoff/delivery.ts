import type { Activity, ConversationReference, Storage, TurnContext } from 'botbuilder';
import { TurnState } from '@microsoft/teams-ai';
import type { Locale, Person } from '../../domain/people.js';
import type { ConversationRecord, ConversationRepository } from '../../domain/ports/conversation-repository.js';
import { LOCALE_KEY, PERSON_KEY } from '../../ui/turn.js';
import { bindAppState } from '../turn/dialog-runner.js';
import type { BotConversationState, BotTurnState } from '../turn/state.js';
import type { ProactiveAdapter } from '../proactive/notifications.js';
import { maskActivity, type TranscriptSink } from '../turn/transcript.js';

/** What sending outside a user's turn needs: the saved reference, the channel's adapter, the state and the transcript. */
export interface DeliveryDeps {
  conversations: ConversationRepository;
  adapterFor(channelId: string): ProactiveAdapter;
  appId: string;
  storage: Storage;
  transcripts: TranscriptSink;
  now(): string;
}

/**
 * Runs `logic` in a proactive turn on the conversation; a send failure reaches the caller (the
 * adapter would otherwise hand it to onTurnError). What the turn sent is written to the
 * transcript, masked, and returned.
 */
async function proactive(
  deps: DeliveryDeps,
  conv: ConversationRecord,
  logic: (ctx: TurnContext) => Promise<void>,
): Promise<Partial<Activity>[]> {
  let failure: unknown;
  const sent: Partial<Activity>[] = [];
  await deps
    .adapterFor(conv.channelId)
    .continueConversationAsync(deps.appId, conv.reference as Partial<ConversationReference>, async (ctx) => {
      try {
        ctx.onSendActivities(async (_c, activities, next) => {
          sent.push(...activities);
          return next();
        });
        await logic(ctx);
      } catch (e) {
        failure = e;
      }
    });
  if (failure) throw failure;
  const at = deps.now();
  if (sent.length)
    await deps.transcripts.append(
      sent.map((a) => ({ conversationId: conv.conversationId, at, direction: 'out' as const, activity: maskActivity(a) })),
    );
  return sent;
}

/** Sends one message to a conversation outside the user's turn. False when the conversation is unknown. */
export async function sendTo(deps: DeliveryDeps, conversationId: string, activity: Partial<Activity>): Promise<boolean> {
  const conv = await deps.conversations.get(conversationId);
  if (!conv) return false;
  await proactive(deps, conv, async (ctx) => void (await ctx.sendActivity(activity)));
  return true;
}

/** A proactive turn with the conversation's state loaded and saved, as a user's turn has it (the hand-back). */
export function continueWithState(
  deps: DeliveryDeps,
  conv: ConversationRecord,
  user: Person,
  locale: Locale,
  logic: (ctx: TurnContext, conversation: BotConversationState) => Promise<void>,
): Promise<Partial<Activity>[]> {
  return proactive(deps, conv, async (ctx) => {
    const state: BotTurnState = new TurnState();
    await state.load(ctx, deps.storage);
    bindAppState(ctx, state);
    ctx.turnState.set(PERSON_KEY, user);
    ctx.turnState.set(LOCALE_KEY, locale);
    await logic(ctx, state.conversation);
    await state.save(ctx, deps.storage);
  });
}
