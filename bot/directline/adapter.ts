import { setTimeout as sleep } from 'node:timers/promises';
import {
  ActivityEventNames,
  ActivityTypes,
  BotAdapter,
  TurnContext,
  type Activity,
  type ChannelAccount,
  type ConversationReference,
  type ResourceResponse,
} from 'botbuilder';
import type { ClaimsIdentity } from 'botframework-connector';
import type { ActivityLog } from '../../domain/ports/activity-log.js';
import type { EventBus } from '../../domain/ports/event-bus.js';
import type { ConversationLock } from '../../domain/ports/conversation-lock.js';
import { MemoryConversationLock } from '../../infra/lock/memory.js';
import { conversationLockKey, runExclusive } from '../../infra/lock/run.js';
import type { Logger } from '../../infra/logger.js';
import type { ProactiveAdapter } from '../proactive/notifications.js';
import { activityId, DIRECTLINE_CHANNEL, maskForHistory, topicOf, watermarkOfId } from './activities.js';

type Logic = (context: TurnContext) => Promise<void>;

export interface DirectLineAdapterOptions {
  log: ActivityLog;
  events: EventBus;
  /** The bot as it appears in `from` of its activities. */
  bot: { id: string; name: string };
  /** The bot's own Direct Line URL (known once the server listens): the activities' serviceUrl. */
  serviceUrl: () => string;
  logger: Logger;
  now?: () => Date;
  /** Serialises a conversation's turns; default: in this process only. */
  lock?: ConversationLock;
}

/** What was appended: the activity's id and its watermark. */
export interface Appended {
  id: string;
  watermark: number;
}

/**
 * The bot's side of its own Direct Line channel. A turn runs in-process on the same `onTurn` as
 * `/api/messages`; everything the bot sends is appended to the {@link ActivityLog} (so a client
 * that reconnects, here or on another instance, gets it) and announced on the EventBus (so open
 * WebSockets get it at once).
 *
 * - Turns of one conversation run one after another, in arrival order, holding the
 *   conversation's {@link ConversationLock} (in process, or on Redis across instances); the turn
 *   handler, which takes the same lock on `/api/messages`, finds it held and does not wait for
 *   itself. The lock is held around `onTurnError` too, and a lock that cannot be had (busy, Redis
 *   away) reaches `onTurnError` like any failed turn.
 * - What is stored has its MyKad numbers masked ({@link maskForHistory}), in both directions, as
 *   transcripts are: the history is kept for `RETENTION_ACTIVITY_DAYS` and replayed to clients. A
 *   client's turn still runs on the activity as it arrived, so a dialog gets the real number.
 * - `updateActivity` appends a replacement carrying the original id and timestamp; Web Chat shows
 *   it in place of the original. `deleteActivity` is not supported (Direct Line has no delete).
 * - `continueConversationAsync` (proactive) does not go through `onTurnError`: a failed send
 *   throws, so the notify job retries it.
 */
export class DirectLineAdapter extends BotAdapter implements ProactiveAdapter {
  private readonly running = new Set<Promise<unknown>>();
  private readonly lock: ConversationLock;

  constructor(private readonly opts: DirectLineAdapterOptions) {
    super();
    this.lock = opts.lock ?? new MemoryConversationLock();
  }

  /**
   * The serviceUrl of every activity: the bot's own configured address, never one derived from a
   * request (the attachment reader trusts the serviceUrl's origin, so a client-chosen Host header
   * would let a client make the bot fetch from any host).
   */
  get serviceUrl(): string {
    return this.opts.serviceUrl();
  }

  /** The bot's ChannelAccount (recipient of client activities, sender of the bot's). */
  get botAccount(): ChannelAccount {
    return { id: this.opts.bot.id, name: this.opts.bot.name, role: 'bot' };
  }

  /**
   * A client's activity, already stamped with its server-set identity: appended first (the client
   * sees its echo), then a turn runs on it. Typing is only echoed: the bot has nothing to say to it.
   */
  async receive(activity: Partial<Activity>, logic: Logic): Promise<Appended | undefined> {
    const conversationId = activity.conversation?.id ?? '';
    const appended = await this.append(conversationId, activity as Record<string, unknown>);
    if (!appended) return undefined;
    if (activity.type !== ActivityTypes.Typing) await this.processActivity({ ...activity, id: appended.id }, logic);
    return appended;
  }

  /** Runs one turn on `activity` (errors go to `onTurnError`), after the turns of its conversation already waiting. */
  async processActivity(activity: Partial<Activity>, logic: Logic): Promise<void> {
    const ctx = new TurnContext(this, activity);
    let ran = false;
    const work = () => {
      ran = true;
      return this.runMiddleware(ctx, logic);
    };
    const turn = runExclusive(this.lock, conversationLockKey(activity.channelId, activity.conversation?.id), work, {
      held: ctx.turnState,
    }).catch(async (err: unknown) => {
      // The lock could not be had (busy, or Redis away): the user is answered as for a failed turn.
      if (ran || !this.onTurnError) throw err;
      await this.onTurnError(ctx, err as Error);
    });
    const settled = turn.then(
      () => undefined,
      () => undefined,
    );
    this.running.add(settled);
    void settled.then(() => this.running.delete(settled));
    await turn;
  }

  override async sendActivities(context: TurnContext, activities: Partial<Activity>[]): Promise<ResourceResponse[]> {
    const responses: ResourceResponse[] = [];
    for (const a of activities) {
      if (a.type === 'delay') {
        await sleep(typeof a.value === 'number' ? a.value : 1000);
        responses.push({ id: '' });
        continue;
      }
      // Trace is for the Emulator's inspector and invokeResponse for channels with invokes: no client shows either.
      if (a.type === ActivityTypes.Trace || a.type === ActivityTypes.InvokeResponse) {
        responses.push({ id: '' });
        continue;
      }
      const conversationId = a.conversation?.id ?? context.activity.conversation.id;
      const { id: _assigned, ...rest } = a;
      const appended = await this.append(conversationId, {
        ...rest,
        channelId: DIRECTLINE_CHANNEL,
        serviceUrl: this.serviceUrl,
        from: this.botAccount,
        timestamp: this.now().toISOString(),
      });
      if (!appended) throw new Error(`Direct Line conversation ${conversationId} does not exist`);
      responses.push({ id: appended.id });
    }
    return responses;
  }

  override async updateActivity(context: TurnContext, activity: Partial<Activity>): Promise<ResourceResponse> {
    const conversationId = activity.conversation?.id ?? context.activity.conversation.id;
    const watermark = watermarkOfId(conversationId, activity.id);
    const [original] = watermark ? await this.opts.log.listAfter(conversationId, watermark - 1, 1) : [];
    if (!original || original.watermark !== watermark)
      throw new Error(`Direct Line can only update an activity of conversation ${conversationId}; ${activity.id ?? '(no id)'} is not one`);
    const { timestamp, replyToId } = original.activity;
    await this.append(conversationId, { ...original.activity, ...activity, id: activity.id, from: this.botAccount, timestamp, replyToId });
    return { id: activity.id! };
  }

  override async deleteActivity(): Promise<void> {
    throw new Error('Direct Line cannot delete activities: the protocol has no delete');
  }

  override async continueConversation(reference: Partial<ConversationReference>, logic: Logic): Promise<void> {
    await this.continueConversationAsync(this.opts.bot.id, reference, logic);
  }

  /** CloudAdapter's signature, so ProactiveChannel can use either adapter. The app id or claims are not needed here. */
  override async continueConversationAsync(
    _botAppIdOrClaims: string | ClaimsIdentity,
    reference: Partial<ConversationReference>,
    logicOrAudience: Logic | string,
    maybeLogic?: Logic,
  ): Promise<void> {
    const logic = typeof logicOrAudience === 'function' ? logicOrAudience : maybeLogic;
    if (!logic) throw new TypeError('continueConversationAsync needs a logic function');
    const activity = TurnContext.applyConversationReference(
      { type: ActivityTypes.Event, name: ActivityEventNames.ContinueConversation },
      reference,
      true,
    );
    const context = new TurnContext(this, activity);
    await this.middleware.run(context, () => logic(context));
  }

  /** Appends to the log, masked, and announces it; `undefined` when the conversation does not exist. */
  async append(conversationId: string, activity: Record<string, unknown>): Promise<Appended | undefined> {
    const logged = await this.opts.log.append(conversationId, maskForHistory(activity));
    if (!logged) return undefined;
    // The activity is stored either way: a stream that misses this announcement gets it with the
    // next one, or when its client reconnects from its last watermark.
    await this.opts.events.publish(topicOf(conversationId), { watermark: logged.watermark }).catch((err: unknown) => {
      this.opts.logger.warn({ err, conversation: conversationId }, 'direct line: announcing an activity failed');
    });
    return { id: activityId(conversationId, logged.watermark), watermark: logged.watermark };
  }

  /** Waits for every turn running on this instance (shutdown). */
  async idle(): Promise<void> {
    await Promise.allSettled([...this.running]);
  }

  private now(): Date {
    return this.opts.now?.() ?? new Date();
  }
}
