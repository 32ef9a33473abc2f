import { randomUUID } from 'node:crypto';
import { TurnContext, type Activity } from 'botbuilder';
import type { Application, TurnState } from '@microsoft/teams-ai';
import type { Person } from '../domain/people.js';
import type { ConversationRepository } from '../domain/ports/conversation-repository.js';
import type { PersonLookup } from './person-lookup.js';
import type { Notification } from '../domain/ports/notifier.js';
import { maskMyKadInText } from '../domain/rules/mykad.js';
import { LOCALE_KEY, PERSON_KEY, say } from '../dialogs/turn.js';
import type { SeenActivities } from '../infra/dedupe.js';
import type { Logger } from '../infra/logger.js';
import type { Metrics } from '../infra/metrics.js';
import { renderNotification, type RenderDeps } from './notifications.js';
import { AGENT_REQUEST_KEY, type AgentRequestReason } from '../dialogs/agent-request.js';

type TranscriptEntry = { conversationId: string; at: string; direction: 'in' | 'out'; activity: Partial<Activity> };

/** Where transcripts go (masked before they get there), one call per turn. */
export interface TranscriptSink {
  append(entries: TranscriptEntry[]): Promise<void>;
}

export interface PipelineDeps {
  app: Application<TurnState>;
  people: PersonLookup;
  conversations: ConversationRepository;
  seen: SeenActivities;
  transcripts: TranscriptSink;
  render: RenderDeps;
  logger: Logger;
  metrics: Metrics;
  defaultLocale: 'ms' | 'en';
  maxTextLength: number;
  /** Stamps transcript entries (the retention sweep prunes by that stamp); the system clock when absent. */
  clock?: { now(): Date };
  /** Helpdesk agents (bot/handoff): relays turns of conversations an agent owns instead of routing them. */
  handoff?: { intercept(ctx: TurnContext): Promise<boolean>; request(ctx: TurnContext, reason: AgentRequestReason): Promise<void> };
}

export const LOGGER_KEY = Symbol('gpki.logger');

/**
 * One turn, in order: drop re-sent activities, resolve the person, pick the language, record the
 * transcript (masked) and the conversation reference, hand over waiting notifications, then route.
 */
export function createTurnHandler(deps: PipelineDeps) {
  return async (ctx: TurnContext): Promise<void> => {
    const a = ctx.activity;
    const started = performance.now();
    const log = deps.logger.child({ turn: randomUUID(), activityId: a.id, channel: a.channelId, conversation: a.conversation?.id });
    ctx.turnState.set(LOGGER_KEY, log);
    deps.metrics.turns.inc({ channel: a.channelId ?? 'unknown' });
    let transcript: TranscriptEntry[] | undefined;
    try {
      if (a.id && !(await deps.seen.firstSeen(`${a.channelId}:${a.conversation.id}:${a.id}`))) {
        log.info({ type: a.type }, 'duplicate activity dropped');
        return;
      }
      const person = await deps.people.resolve({ channelId: a.channelId, userId: a.from.id }, a.from.name);
      ctx.turnState.set(PERSON_KEY, person);
      ctx.turnState.set(LOCALE_KEY, person.locale ?? deps.defaultLocale);
      transcript = recordTranscript(ctx, deps.clock);
      await saveReference(deps, a, person.id);
      await handOverPending(ctx, deps, person);
      if (a.type === 'message' && (a.text?.length ?? 0) > deps.maxTextLength) {
        await ctx.sendActivity(say(ctx, 'error.tooLong', { max: deps.maxTextLength }));
        return;
      }
      const handoff = deps.handoff;
      if (handoff) {
        ctx.turnState.set(AGENT_REQUEST_KEY, (c: TurnContext, r: AgentRequestReason) => handoff.request(c, r));
        // While an agent owns the conversation the bot does not answer, and its state is left alone.
        if (await handoff.intercept(ctx)) return;
      }
      await deps.app.run(ctx);
    } finally {
      if (transcript?.length) {
        await deps.transcripts.append(transcript).catch((e: unknown) => log.error({ err: e }, 'transcript write failed'));
      }
      deps.metrics.turnDuration.observe((performance.now() - started) / 1000);
      log.debug({ ms: Math.round(performance.now() - started) }, 'turn done');
    }
  };
}

// A conversation reference is re-saved at most this often unless it changes: it only needs to
// say which conversation a person used last, and writing it on every turn doubled the writes.
const REFERENCE_REFRESH_MS = 60_000;
const savedReferences = new WeakMap<ConversationRepository, Map<string, { key: string; at: number }>>();

async function saveReference(deps: PipelineDeps, a: Activity, personId: string): Promise<void> {
  const seen = savedReferences.get(deps.conversations) ?? new Map<string, { key: string; at: number }>();
  savedReferences.set(deps.conversations, seen);
  const key = `${personId}|${a.channelId}|${a.serviceUrl}|${a.recipient?.id}`;
  const last = seen.get(a.conversation.id);
  const now = Date.now();
  if (last && last.key === key && now - last.at < REFERENCE_REFRESH_MS) return;
  await deps.conversations.save({
    conversationId: a.conversation.id,
    channelId: a.channelId,
    personId,
    reference: TurnContext.getConversationReference(a) as unknown as Record<string, unknown>,
    lastSeenAt: new Date(now).toISOString(),
  });
  seen.set(a.conversation.id, { key, at: now });
  if (seen.size > 50_000) seen.delete(seen.keys().next().value as string);
}

/** Collects the turn's activities, masked, to be written once when the turn ends. */
function recordTranscript(ctx: TurnContext, clock: { now(): Date } = { now: () => new Date() }): TranscriptEntry[] {
  const conversationId = ctx.activity.conversation.id;
  const entries: TranscriptEntry[] = [];
  const add = (direction: 'in' | 'out', activity: Partial<Activity>) => entries.push({ conversationId, at: clock.now().toISOString(), direction, activity: maskActivity(activity) });
  add('in', ctx.activity);
  ctx.onSendActivities(async (_c, activities, next) => {
    for (const act of activities) add('out', act);
    return next();
  });
  return entries;
}

/** Only what a transcript needs, with MyKad numbers masked in text and card data. */
export function maskActivity(a: Partial<Activity>): Partial<Activity> {
  const pick: Partial<Activity> = { type: a.type, id: a.id, text: a.text, value: a.value, attachments: a.attachments?.map((x) => ({ contentType: x.contentType, name: x.name, content: x.content })) };
  return JSON.parse(maskMyKadInText(JSON.stringify(pick))) as Partial<Activity>;
}

async function handOverPending(ctx: TurnContext, deps: PipelineDeps, person: Person): Promise<void> {
  const pending = await deps.conversations.takePending(person.id);
  for (const p of pending) {
    const activity = await renderNotification(deps.render, person.id, p.payload as unknown as Notification, ctx.activity.channelId);
    if (activity) await ctx.sendActivity(activity);
  }
}
