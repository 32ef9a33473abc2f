import type { Storage, TurnContext } from 'botbuilder';
import type { FormField } from '../../domain/cases/forms.js';
import type { Locale, Person } from '../../domain/people.js';
import type { ConversationRepository } from '../../domain/ports/conversation-repository.js';
import type { EventBus } from '../../domain/ports/event-bus.js';
import type { HandoffReason, HandoffRecord, HandoffRepository } from '../../domain/ports/handoff-repository.js';
import { withinAgentHours, type AgentHours } from '../../domain/rules/agent-hours.js';
import { maskMyKad, maskMyKadInText } from '../../domain/rules/mykad.js';
import type { CoreDeps } from '../../domain/usecases/deps.js';
import { recordEvent } from '../../domain/usecases/transition.js';
import { decideHandoff, type HandoffStep } from '../../domain/handoff/lifecycle.js';
import { correctionNote, correctionsBy } from '../../domain/handoff/notes.js';
import { t, type MessageKey, type Params } from '../../ui/i18n/index.js';
import { localeOf, personOf, say } from '../../ui/turn.js';
import { correctField, readDraft, type FormDraft } from '../../dialogs/user-certificate/form-api.js';
import type { AttachmentReader } from '../../dialogs/user-certificate/fields.js';
import { JOBS } from '../../jobs/names.js';
import { savedDialogState, type DialogRunner } from '../turn/dialog-runner.js';
import type { ProactiveAdapter } from '../proactive/notifications.js';
import type { TranscriptSink } from '../turn/transcript.js';
import { continueWithState, sendTo, type DeliveryDeps } from './delivery.js';
import { afterRelease, hoursText, ticketCard } from './user-turns.js';
import { stateKey, viewOf, type ConversationView } from './views.js';

/** The EventBus topic of the agent console: queue changes and relayed messages, for every instance. */
export const HANDOFF_TOPIC = 'handoff';

export type ConsoleEvent =
  | { type: 'queue' }
  | {
      type: 'message';
      conversationId: string;
      from: 'user' | 'agent' | 'bot';
      name: string;
      text: string;
      at: string;
      marker?: 'card' | 'attachment';
    };

export interface HandoffDeps {
  core: CoreDeps;
  handoffs: HandoffRepository;
  conversations: ConversationRepository;
  events: EventBus;
  storage: Storage;
  transcripts: TranscriptSink & {
    list(conversationId: string, limit?: number): Promise<{ at: string; direction: 'in' | 'out'; activity: Record<string, unknown> }[]>;
  };
  adapterFor(channelId: string): ProactiveAdapter;
  appId: string;
  reader: AttachmentReader;
  hours: AgentHours;
  waitSeconds: number;
  minutesPerConversation: number;
  defaultLocale: Locale;
  /** The dialogs, to re-ask the step on hand-back (absent on job-only workers). */
  runner?: () => DialogRunner | undefined;
}

export type AgentResult<T = HandoffRecord> =
  { ok: true; value: T } | { ok: false; code: 'NOT_FOUND' | 'TAKEN' | 'NOT_OWNER' | 'NO_FORM' | 'INVALID'; message?: string; by?: string };

/**
 * Helpdesk agents stepping into conversations. Ownership lives in the store (the
 * HandoffRepository), so any instance knows who speaks for a conversation; the user's messages
 * reach the consoles of every instance through the EventBus; the agent's messages and the
 * hand-back are proactive sends on the conversation's saved reference, from whichever instance
 * the agent's request reached.
 */
export class HandoffService {
  private readonly delivery: DeliveryDeps;

  constructor(private readonly deps: HandoffDeps) {
    this.delivery = {
      conversations: deps.conversations,
      adapterFor: deps.adapterFor,
      appId: deps.appId,
      storage: deps.storage,
      transcripts: deps.transcripts,
      now: () => this.now(),
    };
  }

  /** In a turn: joins the queue (or offers a ticket outside working hours) and tells the user. */
  async request(ctx: TurnContext, reason: HandoffReason): Promise<void> {
    const now = this.deps.core.clock.now();
    if (!withinAgentHours(this.deps.hours, now)) {
      return void (await ctx.sendActivity({
        text: say(ctx, 'handoff.offHours', { hours: hoursText(localeOf(ctx), this.deps.hours) }),
        attachments: [ticketCard(localeOf(ctx))],
      }));
    }
    const a = ctx.activity;
    const caseId = await this.caseInProgress(ctx);
    const { record, created } = await this.deps.handoffs.enqueue({
      conversationId: a.conversation.id,
      channelId: a.channelId,
      personId: personOf(ctx).id,
      reason,
      queuedAt: now.toISOString(),
      ...(caseId ? { caseId } : {}),
    });
    // The store's enqueue is atomic; the lifecycle says what the status it found means for the user.
    const step = decideHandoff(created ? undefined : record, 'ask', { as: 'person' });
    if (!step.ok || step.effect === 'withAgent') return;
    const position = await this.positionOf(record.conversationId);
    if (step.effect === 'alreadyQueued') return void (await ctx.sendActivity(say(ctx, 'handoff.alreadyQueued', { position })));
    const key: MessageKey =
      reason === 'request' ? 'handoff.queued' : reason === 'misunderstood' ? 'handoff.queued.misunderstood' : 'handoff.queued.error';
    await ctx.sendActivity(say(ctx, key, { position, minutes: position * this.deps.minutesPerConversation }));
    await this.deps.core.jobs.enqueue({
      queue: JOBS.handoffTimeout.queue,
      name: JOBS.handoffTimeout.name,
      payload: { conversationId: record.conversationId, queuedAt: record.queuedAt },
      key: `handoff-timeout:${record.conversationId}:${record.queuedAt}`,
      delayMs: this.deps.waitSeconds * 1000,
      attempts: 3,
    });
    await this.timeline(record, 'handoffQueued', personOf(ctx).id);
    await this.publish({ type: 'queue' });
  }

  /**
   * In the turn pipeline, before any route: relays the user's message to the consoles while the
   * conversation is queued or taken. True when an agent owns it, so the bot stays silent.
   */
  async intercept(ctx: TurnContext): Promise<boolean> {
    const a = ctx.activity;
    if (a.type !== 'message') return false;
    const rec = await this.deps.handoffs.get(a.conversation.id);
    const step = decideHandoff(rec, 'userMessage', { as: 'person' });
    if (!rec || !step.ok) return false;
    const text = maskMyKadInText(a.text ?? (a.attachments?.length ? '[lampiran / attachment]' : '[kad / card]'));
    const marker = a.text ? undefined : a.attachments?.length ? ('attachment' as const) : ('card' as const);
    await this.publish({
      type: 'message',
      conversationId: rec.conversationId,
      from: 'user',
      name: personOf(ctx).name,
      text,
      at: this.now(),
      ...(marker ? { marker } : {}),
    });
    if (step.effect !== 'relayOnly') return false;
    await this.timeline(rec, 'handoffMessage', personOf(ctx).id, text);
    return true;
  }

  /** The open conversations, oldest first, as the console lists them. */
  async queue(): Promise<ConversationView[]> {
    const open = await this.deps.handoffs.listOpen();
    return Promise.all(open.map((r) => viewOf(this.deps, r, { transcript: false })));
  }

  async details(conversationId: string): Promise<ConversationView | undefined> {
    const r = await this.deps.handoffs.get(conversationId);
    return r ? viewOf(this.deps, r, { transcript: true }) : undefined;
  }

  /** Atomic: of agents taking the same conversation, one wins; the others learn who did. */
  async take(conversationId: string, agent: Person): Promise<AgentResult> {
    const who = { as: 'agent', agent } as const;
    let step = decideHandoff(await this.deps.handoffs.get(conversationId), 'take', who);
    // The store's conditional take decides between agents racing for the same conversation.
    const rec = step.ok ? await this.deps.handoffs.take(conversationId, agent.id, this.now()) : undefined;
    if (!rec) {
      const now = await this.deps.handoffs.get(conversationId);
      if (step.ok) step = decideHandoff(now, 'take', who);
      if (!step.ok && step.code !== 'TAKEN') return refused(step);
      const by = now?.agentId ? ((await this.deps.core.directory.getPerson(now.agentId))?.name ?? now.agentId) : undefined;
      return { ok: false, code: 'TAKEN', by };
    }
    await this.toUser(rec, agent, 'handoff.taken', { agent: agent.name });
    await this.timeline(rec, 'handoffTaken', agent.id);
    await this.publish({ type: 'queue' });
    return { ok: true, value: rec };
  }

  /** The agent's message, to the user as from a named person. */
  async say(conversationId: string, agent: Person, text: string): Promise<AgentResult> {
    const rec = await this.owned(conversationId, agent);
    if (!rec.ok) return rec;
    await this.toUser(rec.value, agent, 'handoff.agentSays', { agent: agent.name, text }, { from: 'agent', text });
    await this.timeline(rec.value, 'handoffMessage', agent.id, maskMyKadInText(text));
    return rec;
  }

  async note(conversationId: string, agent: Person, text: string): Promise<AgentResult> {
    const rec = await this.owned(conversationId, agent);
    if (!rec.ok) return rec;
    const at = this.now();
    await this.deps.handoffs.addNote(conversationId, { kind: 'note', at, agentId: agent.id, text: maskMyKadInText(text) });
    await this.timeline(rec.value, 'handoffNote', agent.id, maskMyKadInText(text));
    await this.publish({ type: 'queue' });
    return rec;
  }

  /**
   * Corrects one field of the request in progress through the apply dialog's form API (its own
   * parser), saved into the conversation's dialog state (the user's turns do not touch it while
   * the agent owns it), and kept on the record as a correction.
   */
  async correct(conversationId: string, agent: Person, field: FormField, answer: string): Promise<AgentResult<FormDraft>> {
    const rec = await this.owned(conversationId, agent);
    if (!rec.ok) return rec;
    const conv = await this.deps.conversations.get(conversationId);
    const key = conv && stateKey(conv);
    const item = key ? (await this.deps.storage.read([key]))[key] : undefined;
    if (!key || !item) return { ok: false, code: 'NO_FORM' };
    const user = await this.deps.core.directory.getPerson(rec.value.personId);
    const fixed = await correctField(savedDialogState(item), field, answer, {
      deps: { core: this.deps.core, reader: this.deps.reader },
      locale: agent.locale ?? this.deps.defaultLocale,
      person: user ?? agent,
    });
    if (!fixed.ok) return fixed.code === 'NO_FORM' ? { ok: false, code: 'NO_FORM' } : { ok: false, code: 'INVALID', message: fixed.reason };
    await this.deps.storage.write({ [key]: item });
    await this.timeline(rec.value, 'handoffCorrected', agent.id, field);
    const shown = field === 'mykad' ? maskMyKad(String(fixed.value)) : String(fixed.value);
    await this.deps.handoffs.addNote(conversationId, correctionNote({ at: this.now(), agentId: agent.id, field, value: shown }));
    await this.publish({ type: 'queue' });
    return { ok: true, value: fixed.draft };
  }

  /** Gives the conversation back: the bot re-asks the step the user was at, and says so. */
  async handBack(conversationId: string, agent: Person): Promise<AgentResult> {
    return this.release(conversationId, agent, 'handBack');
  }

  /** Ends the session: the open dialog is closed and the user greeted back at the menu. */
  async end(conversationId: string, agent: Person): Promise<AgentResult> {
    return this.release(conversationId, agent, 'end');
  }

  /** The queue timeout job: still waiting after AGENT_WAIT_SECONDS → out of the queue, ticket offered. */
  async timeout(conversationId: string, queuedAt: string): Promise<void> {
    const rec = await this.deps.handoffs.get(conversationId);
    const step = decideHandoff(rec, 'timeout', { as: 'system' }, { queuedAt });
    if (!rec || !step.ok) return;
    const closed = await this.deps.handoffs.close(conversationId, { outcome: step.outcome!, at: this.now() });
    if (!closed) return;
    const locale = await this.localeOfPerson(rec.personId);
    const minutes = Math.max(1, Math.round(this.deps.waitSeconds / 60));
    await sendTo(this.delivery, rec.conversationId, {
      type: 'message',
      text: t(locale, 'handoff.timeout', { minutes }),
      attachments: [ticketCard(locale)],
    });
    await this.timeline(rec, 'handoffTimeout', 'system');
    await this.publish({ type: 'queue' });
  }

  private async release(conversationId: string, agent: Person, event: 'handBack' | 'end'): Promise<AgentResult> {
    const step = decideHandoff(await this.deps.handoffs.get(conversationId), event, { as: 'agent', agent });
    if (!step.ok) return refused(step);
    // Every move to `closed` names its outcome (test/unit/handoff-lifecycle.test.ts).
    const outcome = step.outcome!;
    const closed = await this.deps.handoffs.close(conversationId, { agentId: agent.id, outcome, at: this.now() });
    if (!closed) return { ok: false, code: 'NOT_OWNER' };
    const conv = await this.deps.conversations.get(conversationId);
    const user = await this.deps.core.directory.getPerson(closed.personId);
    const runner = this.deps.runner?.();
    if (conv && user && runner) {
      const locale = user.locale ?? this.deps.defaultLocale;
      const corrections = correctionsBy(closed, agent.id);
      const sent = await continueWithState(this.delivery, conv, user, locale, async (ctx) =>
        afterRelease(ctx, await runner.createContext(ctx), { outcome, agent, corrections }),
      );
      const at = this.now();
      for (const a of sent)
        if (a.text)
          await this.publish({
            type: 'message',
            conversationId: conv.conversationId,
            from: 'bot',
            name: 'MyGPKI',
            text: maskMyKadInText(a.text),
            at,
          });
    }
    await this.timeline(closed, outcome === 'end' ? 'handoffEnded' : 'handoffReturned', agent.id);
    await this.publish({ type: 'queue' });
    return { ok: true, value: closed };
  }

  /** The record, when `agent` is the helpdesk agent who owns the conversation now. */
  private async owned(conversationId: string, agent: Person): Promise<AgentResult> {
    const rec = await this.deps.handoffs.get(conversationId);
    const step = decideHandoff(rec, 'agentAct', { as: 'agent', agent });
    return step.ok && rec ? { ok: true, value: rec } : refused(step);
  }

  /** Sends an agent's (or the handoff's) message to the user and records it in the transcript and on the consoles. */
  private async toUser(
    rec: HandoffRecord,
    agent: Person,
    key: MessageKey,
    params: Params,
    relay?: { from: 'agent'; text: string },
  ): Promise<void> {
    const locale = await this.localeOfPerson(rec.personId);
    const text = t(locale, key, { role: t(locale, 'handoff.role'), ...params });
    await sendTo(this.delivery, rec.conversationId, { type: 'message', text, channelData: { agent: { id: agent.id, name: agent.name } } });
    await this.publish({
      type: 'message',
      conversationId: rec.conversationId,
      from: relay ? 'agent' : 'bot',
      name: relay ? agent.name : 'MyGPKI',
      text: maskMyKadInText(relay?.text ?? text),
      at: this.now(),
    });
  }

  private async caseInProgress(ctx: TurnContext): Promise<string | undefined> {
    const runner = this.deps.runner?.();
    if (!runner) return undefined;
    // A turn that failed before its state loaded (the error trigger) still joins the queue, without a case.
    const dc = await runner.createContext(ctx).catch(() => undefined);
    return dc ? readDraft({ dialogStack: dc.stack })?.caseId : undefined;
  }

  private async positionOf(conversationId: string): Promise<number> {
    const waiting = (await this.deps.handoffs.listOpen()).filter((r) => r.status === 'waiting');
    const i = waiting.findIndex((r) => r.conversationId === conversationId);
    return i < 0 ? 1 : i + 1;
  }

  /** Takeovers, messages and hand-backs go on the case's timeline when the user works on a numbered case. */
  private async timeline(rec: HandoffRecord, event: string, actorId: string, note?: string): Promise<void> {
    if (!rec.caseId) return;
    const c = await this.deps.core.cases.get(rec.caseId);
    if (c) await recordEvent(this.deps.core, c, { event, actorId, note: note?.slice(0, 500) });
  }

  private async localeOfPerson(personId: string): Promise<Locale> {
    return (await this.deps.core.directory.getPerson(personId))?.locale ?? this.deps.defaultLocale;
  }

  private now(): string {
    return this.deps.core.clock.now().toISOString();
  }

  private async publish(e: ConsoleEvent): Promise<void> {
    await this.deps.events.publish(HANDOFF_TOPIC, e as unknown as Record<string, unknown>);
  }
}

/** A refusal of the lifecycle as the console's API answers it. */
function refused(step: HandoffStep): { ok: false; code: 'NOT_FOUND' | 'TAKEN' | 'NOT_OWNER' } {
  if (step.ok) return { ok: false, code: 'NOT_FOUND' };
  return { ok: false, code: step.code === 'TAKEN' || step.code === 'NOT_OWNER' ? step.code : 'NOT_FOUND' };
}
