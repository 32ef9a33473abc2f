import { randomUUID } from 'node:crypto';
import { ActivityTypes, TurnContext, type Activity } from 'botbuilder';
import type { Application } from '@microsoft/teams-ai';
import type { Person } from '../../domain/people.js';
import type { ConversationRepository } from '../../domain/ports/conversation-repository.js';
import type { PersonLookup } from './person-lookup.js';
import type { BotTurnState } from './state.js';
import type { Notification } from '../../domain/ports/notifier.js';
import { LOCALE_KEY, PERSON_KEY, say } from '../../ui/turn.js';
import { UNKNOWN_ERROR_KEY, type UnknownErrorCode } from '../../ui/errors.js';
import type { SeenActivities } from '../../infra/dedupe.js';
import type { ConversationLock } from '../../domain/ports/conversation-lock.js';
import { conversationLockKey, runExclusive } from '../../infra/lock/run.js';
import type { Logger } from '../../infra/logger.js';
import type { Metrics } from '../../infra/metrics.js';
import { renderNotification, type RenderDeps } from '../proactive/notifications.js';
import { AGENT_REQUEST_KEY, type AgentRequestReason } from '../../dialogs/agent-request.js';
import { recordTranscript, startTranscriptWrite, transcriptWritten, type TranscriptSink } from './transcript.js';

export interface PipelineDeps {
  app: Application<BotTurnState>;
  people: PersonLookup;
  conversations: ConversationRepository;
  /** Completed turns' activity ids: a re-send of one is dropped. */
  seen: SeenActivities;
  /** Turns of one conversation run one at a time: in process, or on Redis across instances. */
  lock: ConversationLock;
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
 * One turn, in order, while holding the conversation's lock: drop re-sent activities whose turn
 * completed, resolve the person, pick the language, record the transcript (masked) and the
 * conversation reference, hand over waiting notifications, then route; mark the activity
 * completed last.
 *
 * The lock makes a double click (two activities) run as two turns one after the other on any
 * instance, the second seeing the state the first saved. The completion mark comes after the
 * turn, so a channel's re-send of a turn that threw, or whose process died, runs once more.
 */
export function createTurnHandler(deps: PipelineDeps) {
  // Registered after the app's own handlers, so it runs last: the turn's replies are all sent.
  deps.app.turn('afterTurn', async (ctx) => {
    startTranscriptWrite(ctx, deps.transcripts, loggerOf(ctx, deps));
    return true;
  });
  return async (ctx: TurnContext): Promise<void> => {
    const a = ctx.activity;
    const started = performance.now();
    const log = lazyChild(deps.logger, () => ({
      turn: randomUUID(),
      activityId: a.id,
      channel: a.channelId,
      conversation: a.conversation?.id,
    }));
    ctx.turnState.set(LOGGER_KEY, log);
    ctx.turnState.set(UNKNOWN_ERROR_KEY, (u: UnknownErrorCode) => log.warn(u, 'error code with no message: the user got the generic text'));
    deps.metrics.turns.inc({ channel: a.channelId ?? 'unknown' });
    let waitedMs = 0;
    try {
      await runExclusive(
        deps.lock,
        conversationLockKey(a.channelId, a.conversation?.id),
        async () => {
          waitedMs = performance.now() - started;
          const done = a.id ? `${a.channelId}:${a.conversation.id}:${a.id}` : undefined;
          if (done && (await deps.seen.completed(done))) {
            log.info({ type: a.type }, 'duplicate activity dropped');
            // An invoke must be answered, or botbuilder answers 501 as if the bot were broken.
            if (a.type === ActivityTypes.Invoke)
              await ctx.sendActivity({ type: ActivityTypes.InvokeResponse, value: { status: 409, body: { code: 'DUPLICATE_ACTIVITY' } } });
            return;
          }
          await runTurn(ctx, deps);
          if (done)
            await deps.seen
              .markCompleted(done)
              .catch((err: unknown) => log.error({ err }, 'completed turn not marked: a re-send of it would run again'));
        },
        {
          held: ctx.turnState,
          onTrouble: (what, err) =>
            log.warn({ err, what }, what === 'lost' ? 'conversation lock lost during the turn' : 'conversation lock not released'),
        },
      );
    } finally {
      deps.metrics.turnDuration.observe((performance.now() - started) / 1000);
      log.debug({ ms: Math.round(performance.now() - started), waitedMs: Math.round(waitedMs) }, 'turn done');
    }
  };
}

const loggerOf = (ctx: TurnContext, deps: PipelineDeps): Logger => (ctx.turnState.get(LOGGER_KEY) as Logger | undefined) ?? deps.logger;

const LEVEL_METHODS = new Set(['fatal', 'error', 'warn', 'info', 'debug', 'trace']);
const noop = () => {};

/**
 * A turn's child logger, made when something logs at an enabled level (or uses it otherwise):
 * most turns log nothing at the configured level, and making a pino child (its bindings
 * serialised and redacted) on every turn was a share of each turn's garbage. What it logs, and
 * with which bindings, is the same as an eager child's.
 */
function lazyChild(parent: Logger, bindings: () => Record<string, unknown>): Logger {
  let child: Logger | undefined;
  const made = () => (child ??= parent.child(bindings()));
  return new Proxy(parent, {
    get(_target, prop) {
      if (!child && typeof prop === 'string' && LEVEL_METHODS.has(prop) && !parent.isLevelEnabled(prop)) return noop;
      const target = made();
      const value: unknown = Reflect.get(target, prop, target);
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
    set(_target, prop, value) {
      return Reflect.set(made(), prop, value);
    },
  });
}

/**
 * The transcript is written when the app's routes are done (its afterTurn, just before teams-ai
 * writes the state) and awaited before the turn answers: a store that commits writes in groups
 * (infra/store/embedded/write-batch.ts) then commits it with the state, and the turn waits for
 * one commit instead of two in a row. Each wait is a trip round the event loop behind every
 * other turn in progress; the extra one made every turn's latency about double. Nothing is
 * answered before the transcript is durable.
 */
async function runTurn(ctx: TurnContext, deps: PipelineDeps): Promise<void> {
  const a = ctx.activity;
  try {
    const person = await deps.people.resolve({ channelId: a.channelId, userId: a.from.id }, a.from.name);
    ctx.turnState.set(PERSON_KEY, person);
    ctx.turnState.set(LOCALE_KEY, person.locale ?? pageLocale(a) ?? deps.defaultLocale);
    recordTranscript(ctx, deps.clock);
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
    // What the afterTurn did not write (an agent's turn, a turn that threw, a late reply) goes now.
    startTranscriptWrite(ctx, deps.transcripts, loggerOf(ctx, deps));
    await transcriptWritten(ctx);
  }
}

/**
 * The language of the bot's own Web Chat page (`/chat?lang=en`), which Web Chat stamps on every
 * activity (`locale`, e.g. `en-US`) and the token carries for the greeting. It only applies to
 * someone who never chose a language in the bot. Other channels' locales are the client's UI
 * language (Teams in English for most users), not a choice made for this bot, so they are ignored.
 */
function pageLocale(a: Activity): 'ms' | 'en' | undefined {
  if (a.channelId !== 'directline' || typeof a.locale !== 'string') return undefined;
  const lang = a.locale.toLowerCase().split(/[-_]/)[0];
  return lang === 'en' ? 'en' : lang === 'ms' ? 'ms' : undefined;
}

// A conversation reference is re-saved at most this often while the person stays in the same
// conversation: it only needs to say which conversation a person used last, and writing it on
// every turn doubled the writes. A switch of conversation (back to Teams after a minute in Web
// Chat) is recorded at once, or notices would go to the conversation the person just left.
const REFERENCE_REFRESH_MS = 60_000;
interface SavedReferences {
  /** Per conversation: what was saved and when. */
  byConversation: Map<string, { key: string; at: number }>;
  /** Per person: the conversation whose reference this process saved last. */
  lastOfPerson: Map<string, string>;
}
const savedReferences = new WeakMap<ConversationRepository, SavedReferences>();

async function saveReference(deps: PipelineDeps, a: Activity, personId: string): Promise<void> {
  let saved = savedReferences.get(deps.conversations);
  if (!saved) savedReferences.set(deps.conversations, (saved = { byConversation: new Map(), lastOfPerson: new Map() }));
  const seen = saved.byConversation;
  const key = `${personId}|${a.channelId}|${a.serviceUrl}|${a.recipient?.id}`;
  const last = seen.get(a.conversation.id);
  const now = Date.now();
  // Within the window the write is skipped only while this is still the person's latest
  // conversation in the store: another instance may have recorded a turn elsewhere meanwhile.
  // When this process itself saved another conversation of the person since, it is not the
  // latest, and the store need not be asked.
  if (
    last &&
    last.key === key &&
    now - last.at < REFERENCE_REFRESH_MS &&
    saved.lastOfPerson.get(personId) === a.conversation.id &&
    (await deps.conversations.latestForPerson(personId))?.conversationId === a.conversation.id
  )
    return;
  await deps.conversations.save({
    conversationId: a.conversation.id,
    channelId: a.channelId,
    personId,
    reference: TurnContext.getConversationReference(a) as unknown as Record<string, unknown>,
    lastSeenAt: new Date(now).toISOString(),
  });
  seen.set(a.conversation.id, { key, at: now });
  if (seen.size > 50_000) seen.delete(seen.keys().next().value as string);
  // Re-inserted so that the oldest entry is the one dropped when the map is full.
  saved.lastOfPerson.delete(personId);
  saved.lastOfPerson.set(personId, a.conversation.id);
  if (saved.lastOfPerson.size > 50_000) saved.lastOfPerson.delete(saved.lastOfPerson.keys().next().value as string);
}

async function handOverPending(ctx: TurnContext, deps: PipelineDeps, person: Person): Promise<void> {
  const pending = await deps.conversations.takePending(person.id);
  for (const p of pending) {
    const activity = await renderNotification(deps.render, person.id, p.payload as unknown as Notification, ctx.activity.channelId);
    if (activity) await ctx.sendActivity(activity);
  }
}
