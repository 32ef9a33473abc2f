import { randomUUID } from 'node:crypto';
import { TurnContext, type Activity } from 'botbuilder';
import type { Application, TurnState } from '@microsoft/teams-ai';
import type { Person } from '../domain/people.js';
import type { ConversationRepository } from '../domain/ports/conversation-repository.js';
import type { Directory } from '../domain/ports/directory.js';
import type { Notification } from '../domain/ports/notifier.js';
import { maskMyKadInText } from '../domain/rules/mykad.js';
import { LOCALE_KEY, PERSON_KEY, say } from '../dialogs/turn.js';
import type { SeenActivities } from '../infra/dedupe.js';
import type { Logger } from '../infra/logger.js';
import type { Metrics } from '../infra/metrics.js';
import { renderNotification, type RenderDeps } from './notifications.js';

/** Where transcripts go (masked before they get there). */
export interface TranscriptSink {
  append(entry: { conversationId: string; at: string; direction: 'in' | 'out'; activity: Partial<Activity> }): Promise<void>;
}

export interface PipelineDeps {
  app: Application<TurnState>;
  directory: Directory;
  conversations: ConversationRepository;
  seen: SeenActivities;
  transcripts: TranscriptSink;
  render: RenderDeps;
  logger: Logger;
  metrics: Metrics;
  defaultLocale: 'ms' | 'en';
  maxTextLength: number;
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
    try {
      if (a.id && !(await deps.seen.firstSeen(`${a.channelId}:${a.conversation.id}:${a.id}`))) {
        log.info({ type: a.type }, 'duplicate activity dropped');
        return;
      }
      const person = await resolvePerson(deps.directory, a);
      ctx.turnState.set(PERSON_KEY, person);
      ctx.turnState.set(LOCALE_KEY, person.locale ?? deps.defaultLocale);
      recordTranscript(ctx, deps);
      await deps.conversations.save({
        conversationId: a.conversation.id,
        channelId: a.channelId,
        personId: person.id,
        reference: TurnContext.getConversationReference(a) as unknown as Record<string, unknown>,
        lastSeenAt: new Date().toISOString(),
      });
      await handOverPending(ctx, deps, person);
      if (a.type === 'message' && (a.text?.length ?? 0) > deps.maxTextLength) {
        await ctx.sendActivity(say(ctx, 'error.tooLong', { max: deps.maxTextLength }));
        return;
      }
      await deps.app.run(ctx);
    } finally {
      deps.metrics.turnDuration.observe((performance.now() - started) / 1000);
      log.debug({ ms: Math.round(performance.now() - started) }, 'turn done');
    }
  };
}

/** People are found by their channel identity; someone unknown is registered as a plain user. */
async function resolvePerson(directory: Directory, a: Activity): Promise<Person> {
  const identity = { channelId: a.channelId, userId: a.from.id };
  const known = await directory.findByIdentity(identity);
  if (known) return known;
  const person: Person = { id: `u-${randomUUID()}`, name: (a.from.name ?? '').slice(0, 120) || 'Pengguna', roles: ['USER'], identities: [identity] };
  await directory.upsertPerson(person);
  return person;
}

function recordTranscript(ctx: TurnContext, deps: PipelineDeps): void {
  const conversationId = ctx.activity.conversation.id;
  const write = (direction: 'in' | 'out', activity: Partial<Activity>) =>
    deps.transcripts.append({ conversationId, at: new Date().toISOString(), direction, activity: maskActivity(activity) }).catch((e: unknown) => {
      (ctx.turnState.get(LOGGER_KEY) as Logger).error({ err: e }, 'transcript write failed');
    });
  void write('in', ctx.activity);
  ctx.onSendActivities(async (_c, activities, next) => {
    for (const act of activities) void write('out', act);
    return next();
  });
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
