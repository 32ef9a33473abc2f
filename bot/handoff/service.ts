import type { Activity, ConversationReference, Storage, TurnContext } from 'botbuilder';
import { TurnState } from '@microsoft/teams-ai';
import type { FormField } from '../../domain/cases/forms.js';
import { hasRole, type Locale, type Person } from '../../domain/people.js';
import type { ConversationRecord, ConversationRepository } from '../../domain/ports/conversation-repository.js';
import type { EventBus } from '../../domain/ports/event-bus.js';
import type { HandoffOutcome, HandoffReason, HandoffRecord, HandoffRepository } from '../../domain/ports/handoff-repository.js';
import { withinAgentHours, type AgentHours } from '../../domain/rules/agent-hours.js';
import { maskMyKad, maskMyKadInText } from '../../domain/rules/mykad.js';
import type { CoreDeps } from '../../domain/usecases/deps.js';
import { recordEvent } from '../../domain/usecases/transition.js';
import { adaptiveCard, submit } from '../../dialogs/cards/adaptive.js';
import { menuCard } from '../../dialogs/cards/menu.js';
import { t, type MessageKey, type Params } from '../../dialogs/i18n/index.js';
import { LOCALE_KEY, PERSON_KEY, localeOf, personOf, say } from '../../dialogs/turn.js';
import { checkFieldAnswer } from '../../dialogs/user-certificate/field-check.js';
import type { AttachmentReader, FormValues } from '../../dialogs/user-certificate/fields.js';
import { JOBS } from '../../jobs/names.js';
import { bindAppState, type DialogRunner } from '../dialog-runner.js';
import type { ProactiveAdapter } from '../notifications.js';
import { maskActivity, type TranscriptSink } from '../turn-pipeline.js';
import { formOf, setFormValue, type FormInProgress } from './dialog-form.js';

/** The EventBus topic of the agent console: queue changes and relayed messages, for every instance. */
export const HANDOFF_TOPIC = 'handoff';

export type ConsoleEvent =
  | { type: 'queue' }
  | { type: 'message'; conversationId: string; from: 'user' | 'agent' | 'bot'; name: string; text: string; at: string };

export interface HandoffDeps {
  core: CoreDeps;
  handoffs: HandoffRepository;
  conversations: ConversationRepository;
  events: EventBus;
  storage: Storage;
  transcripts: TranscriptSink & { list(conversationId: string, limit?: number): Promise<{ at: string; direction: 'in' | 'out'; activity: Record<string, unknown> }[]> };
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

export type AgentResult<T = HandoffRecord> = { ok: true; value: T } | { ok: false; code: 'NOT_FOUND' | 'TAKEN' | 'NOT_OWNER' | 'NO_FORM' | 'INVALID'; message?: string; by?: string };

/** What an agent sees of one queued or taken conversation. */
export interface ConversationView {
  record: HandoffRecord;
  person: { id: string; name: string; email?: string; agency?: string; locale: Locale };
  agentName?: string;
  waitingSeconds: number;
  form?: FormInProgress;
  /** The person's latest cases (number and status), for the agent's context. */
  cases: { id: string; status: string }[];
  transcript: { at: string; from: 'user' | 'bot'; text: string }[];
}

/**
 * Helpdesk agents stepping into conversations (issue 8). Ownership lives in the store (the
 * HandoffRepository), so any instance knows who speaks for a conversation; the user's messages
 * reach the consoles of every instance through the EventBus; the agent's messages and the
 * hand-back are proactive sends on the conversation's saved reference, from whichever instance
 * the agent's request reached.
 */
export class HandoffService {
  constructor(private readonly deps: HandoffDeps) {}

  /** In a turn: joins the queue (or offers a ticket outside working hours) and tells the user. */
  async request(ctx: TurnContext, reason: HandoffReason): Promise<void> {
    const now = this.deps.core.clock.now();
    if (!withinAgentHours(this.deps.hours, now)) {
      return void (await ctx.sendActivity({ text: say(ctx, 'handoff.offHours', { hours: this.hoursText(localeOf(ctx)) }), attachments: [this.ticketCard(localeOf(ctx))] }));
    }
    const a = ctx.activity;
    const caseId = await this.caseInProgress(ctx);
    const { record, created } = await this.deps.handoffs.enqueue({ conversationId: a.conversation.id, channelId: a.channelId, personId: personOf(ctx).id, reason, queuedAt: now.toISOString(), ...(caseId ? { caseId } : {}) });
    if (record.status === 'taken') return;
    const position = await this.positionOf(record.conversationId);
    if (!created) return void (await ctx.sendActivity(say(ctx, 'handoff.alreadyQueued', { position })));
    const key: MessageKey = reason === 'request' ? 'handoff.queued' : reason === 'misunderstood' ? 'handoff.queued.misunderstood' : 'handoff.queued.error';
    await ctx.sendActivity(say(ctx, key, { position, minutes: position * this.deps.minutesPerConversation }));
    await this.deps.core.jobs.enqueue({
      queue: JOBS.handoffTimeout.queue, name: JOBS.handoffTimeout.name, payload: { conversationId: record.conversationId, queuedAt: record.queuedAt },
      key: `handoff-timeout:${record.conversationId}:${record.queuedAt}`, delayMs: this.deps.waitSeconds * 1000, attempts: 3,
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
    if (!rec || rec.status === 'closed') return false;
    const text = maskMyKadInText(a.text ?? (a.attachments?.length ? '[lampiran / attachment]' : '[kad / card]'));
    await this.publish({ type: 'message', conversationId: rec.conversationId, from: 'user', name: personOf(ctx).name, text, at: this.now() });
    if (rec.status !== 'taken') return false;
    await this.timeline(rec, 'handoffMessage', personOf(ctx).id, text);
    return true;
  }

  /** The open conversations, oldest first, as the console lists them. */
  async queue(): Promise<ConversationView[]> {
    const open = await this.deps.handoffs.listOpen();
    return Promise.all(open.map((r) => this.view(r, { transcript: false })));
  }

  async details(conversationId: string): Promise<ConversationView | undefined> {
    const r = await this.deps.handoffs.get(conversationId);
    return r ? this.view(r, { transcript: true }) : undefined;
  }

  /** Atomic: of agents taking the same conversation, one wins; the others learn who did. */
  async take(conversationId: string, agent: Person): Promise<AgentResult> {
    const rec = await this.deps.handoffs.take(conversationId, agent.id, this.now());
    if (!rec) {
      const now = await this.deps.handoffs.get(conversationId);
      if (!now || now.status === 'closed') return { ok: false, code: 'NOT_FOUND' };
      const by = now.agentId ? (await this.deps.core.directory.getPerson(now.agentId))?.name ?? now.agentId : undefined;
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
    await this.deps.handoffs.addNote(conversationId, { at, agentId: agent.id, text: maskMyKadInText(text) });
    await this.timeline(rec.value, 'handoffNote', agent.id, maskMyKadInText(text));
    await this.publish({ type: 'queue' });
    return rec;
  }

  /**
   * Corrects one field of the request in progress with the dialog's own validation, written into
   * the conversation's dialog state (the user's turns do not touch it while the agent owns it).
   */
  async correct(conversationId: string, agent: Person, field: FormField, answer: string): Promise<AgentResult<FormInProgress>> {
    const rec = await this.owned(conversationId, agent);
    if (!rec.ok) return rec;
    const conv = await this.deps.conversations.get(conversationId);
    const key = conv && stateKey(conv);
    const item = key ? (await this.deps.storage.read([key]))[key] : undefined;
    if (!key || !item || !formOf(item)) return { ok: false, code: 'NO_FORM' };
    const user = await this.deps.core.directory.getPerson(rec.value.personId);
    const checked = await checkFieldAnswer({ core: this.deps.core, reader: this.deps.reader }, field, answer, { locale: agent.locale ?? this.deps.defaultLocale, person: user ?? agent });
    if (!checked.ok) return { ok: false, code: 'INVALID', message: checked.reason };
    setFormValue(item, field, checked.value);
    await this.deps.storage.write({ [key]: item });
    await this.timeline(rec.value, 'handoffCorrected', agent.id, field);
    await this.deps.handoffs.addNote(conversationId, { at: this.now(), agentId: agent.id, text: `${field} → ${field === 'mykad' ? maskMyKad(String(checked.value)) : String(checked.value)}` });
    await this.publish({ type: 'queue' });
    return { ok: true, value: formOf(item)! };
  }

  /** Gives the conversation back: the bot re-asks the step the user was at, and says so. */
  async handBack(conversationId: string, agent: Person): Promise<AgentResult> {
    return this.release(conversationId, agent, 'handback');
  }

  /** Ends the session: the open dialog is closed and the user greeted back at the menu. */
  async end(conversationId: string, agent: Person): Promise<AgentResult> {
    return this.release(conversationId, agent, 'end');
  }

  /** The queue timeout job: still waiting after AGENT_WAIT_SECONDS → out of the queue, ticket offered. */
  async timeout(conversationId: string, queuedAt: string): Promise<void> {
    const rec = await this.deps.handoffs.get(conversationId);
    if (!rec || rec.status !== 'waiting' || rec.queuedAt !== queuedAt) return;
    const closed = await this.deps.handoffs.close(conversationId, { outcome: 'timeout', at: this.now() });
    if (!closed) return;
    const locale = await this.localeOfPerson(rec.personId);
    const minutes = Math.max(1, Math.round(this.deps.waitSeconds / 60));
    await this.sendProactive(rec, { type: 'message', text: t(locale, 'handoff.timeout', { minutes }), attachments: [this.ticketCard(locale)] });
    await this.timeline(rec, 'handoffTimeout', 'system');
    await this.publish({ type: 'queue' });
  }

  private async release(conversationId: string, agent: Person, outcome: HandoffOutcome): Promise<AgentResult> {
    const owned = await this.owned(conversationId, agent);
    if (!owned.ok) return owned;
    const closed = await this.deps.handoffs.close(conversationId, { agentId: agent.id, outcome, at: this.now() });
    if (!closed) return { ok: false, code: 'NOT_OWNER' };
    const conv = await this.deps.conversations.get(conversationId);
    const user = await this.deps.core.directory.getPerson(closed.personId);
    const runner = this.deps.runner?.();
    if (conv && user && runner) {
      const locale = user.locale ?? this.deps.defaultLocale;
      await this.continueWithState(conv, user, locale, async (ctx) => {
        const dc = await runner.createContext(ctx);
        if (outcome === 'end') {
          if (dc.activeDialog) await dc.cancelAllDialogs(true);
          await ctx.sendActivity(say(ctx, 'handoff.ended', { agent: agent.name }));
          return void (await ctx.sendActivity({ attachments: [menuCard(ctx)] }));
        }
        if (!dc.activeDialog) {
          await ctx.sendActivity(say(ctx, 'handoff.handedBack.nothingOpen', { agent: agent.name }));
          return void (await ctx.sendActivity({ attachments: [menuCard(ctx)] }));
        }
        const fixes = closed.notes.filter((n) => n.agentId === agent.id && n.at >= (closed.takenAt ?? '') && / → /.test(n.text)).map((n) => n.text);
        await ctx.sendActivity(say(ctx, 'handoff.handedBack', { agent: agent.name }) + (fixes.length ? ` ${say(ctx, 'handoff.handedBack.corrected', { fields: fixes.join('; ') })}` : ''));
        await dc.repromptDialog();
      });
    }
    await this.timeline(closed, outcome === 'end' ? 'handoffEnded' : 'handoffReturned', agent.id);
    await this.publish({ type: 'queue' });
    return { ok: true, value: closed };
  }

  private async owned(conversationId: string, agent: Person): Promise<AgentResult> {
    if (!hasRole(agent, 'HELPDESK_AGENT')) return { ok: false, code: 'NOT_OWNER' };
    const rec = await this.deps.handoffs.get(conversationId);
    if (!rec || rec.status === 'closed') return { ok: false, code: 'NOT_FOUND' };
    if (rec.status !== 'taken' || rec.agentId !== agent.id) return { ok: false, code: 'NOT_OWNER' };
    return { ok: true, value: rec };
  }

  private async view(r: HandoffRecord, opts: { transcript: boolean }): Promise<ConversationView> {
    const person = await this.deps.core.directory.getPerson(r.personId);
    const agency = person?.agencyId ? await this.deps.core.directory.getAgency(person.agencyId) : undefined;
    const agentName = r.agentId ? (await this.deps.core.directory.getPerson(r.agentId))?.name : undefined;
    const conv = await this.deps.conversations.get(r.conversationId);
    const key = conv && stateKey(conv);
    const item = key ? (await this.deps.storage.read([key]))[key] : undefined;
    const form = formOf(item);
    if (form?.values.mykad) form.values.mykad = maskMyKad(form.values.mykad);
    const transcript = opts.transcript
      ? (await this.deps.transcripts.list(r.conversationId, 200)).map((e) => ({ at: e.at, from: e.direction === 'in' ? ('user' as const) : ('bot' as const), text: textOfActivity(e.activity) })).filter((e) => e.text)
      : [];
    return {
      record: r,
      person: { id: r.personId, name: person?.name ?? r.personId, email: person?.email, agency: agency?.name, locale: person?.locale ?? this.deps.defaultLocale },
      cases: (await this.deps.core.cases.listByApplicant(r.personId)).slice(-5).map((c) => ({ id: c.id, status: c.status })),
      agentName, waitingSeconds: Math.max(0, Math.round((this.deps.core.clock.now().getTime() - Date.parse(r.queuedAt)) / 1000)), form, transcript,
    };
  }

  /** Sends an agent's (or the handoff's) message to the user and records it in the transcript and on the consoles. */
  private async toUser(rec: HandoffRecord, agent: Person, key: MessageKey, params: Params, relay?: { from: 'agent'; text: string }): Promise<void> {
    const locale = await this.localeOfPerson(rec.personId);
    const text = t(locale, key, { role: t(locale, 'handoff.role'), ...params });
    await this.sendProactive(rec, { type: 'message', text, channelData: { agent: { id: agent.id, name: agent.name } } });
    await this.publish({ type: 'message', conversationId: rec.conversationId, from: relay ? 'agent' : 'bot', name: relay ? agent.name : 'MyGPKI', text: maskMyKadInText(relay?.text ?? text), at: this.now() });
  }

  private async sendProactive(rec: HandoffRecord, activity: Partial<Activity>): Promise<void> {
    const conv = await this.deps.conversations.get(rec.conversationId);
    if (!conv) return;
    let failure: unknown;
    await this.deps.adapterFor(conv.channelId).continueConversationAsync(this.deps.appId, conv.reference as Partial<ConversationReference>, async (ctx) => {
      try {
        await ctx.sendActivity(activity);
      } catch (e) {
        failure = e;
      }
    });
    if (failure) throw failure;
    await this.deps.transcripts.append([{ conversationId: rec.conversationId, at: this.now(), direction: 'out', activity: maskActivity(activity) as Record<string, unknown> } as never]);
  }

  /** A proactive turn with the conversation's state loaded and saved, as a user's turn has it. */
  private async continueWithState(conv: ConversationRecord, user: Person, locale: Locale, logic: (ctx: TurnContext) => Promise<void>): Promise<void> {
    let failure: unknown;
    await this.deps.adapterFor(conv.channelId).continueConversationAsync(this.deps.appId, conv.reference as Partial<ConversationReference>, async (ctx) => {
      try {
        const sent: Partial<Activity>[] = [];
        ctx.onSendActivities(async (_c, activities, next) => {
          sent.push(...activities);
          return next();
        });
        const state = new TurnState();
        await state.load(ctx, this.deps.storage);
        bindAppState(ctx, state);
        ctx.turnState.set(PERSON_KEY, user);
        ctx.turnState.set(LOCALE_KEY, locale);
        await logic(ctx);
        await state.save(ctx, this.deps.storage);
        const at = this.now();
        await this.deps.transcripts.append(sent.map((a) => ({ conversationId: conv.conversationId, at, direction: 'out' as const, activity: maskActivity(a) as Record<string, unknown> })) as never);
        for (const a of sent) if (a.text) await this.publish({ type: 'message', conversationId: conv.conversationId, from: 'bot', name: 'MyGPKI', text: maskMyKadInText(a.text), at });
      } catch (e) {
        failure = e;
      }
    });
    if (failure) throw failure;
  }

  private async caseInProgress(ctx: TurnContext): Promise<string | undefined> {
    const runner = this.deps.runner?.();
    if (!runner) return undefined;
    // A turn that failed before its state loaded (the error trigger) still joins the queue, without a case.
    const dc = await runner.createContext(ctx).catch(() => undefined);
    return dc ? formOf({ dialogState: { dialogStack: dc.stack } })?.caseId : undefined;
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

  private ticketCard(locale: Locale) {
    // The complaint dialog (issue 7) starts from the same suggestion verb the NLU buttons use.
    return adaptiveCard([], [submit(t(locale, 'handoff.ticketButton'), { verb: 'suggest', intent: 'complaint' })]);
  }

  private hoursText(locale: Locale): string {
    const h = this.deps.hours;
    if (h.days.size === 7 && h.from === 0 && h.to === 24 * 60) return t(locale, 'handoff.hours.always');
    const names = t(locale, 'handoff.days').split(',');
    const order = [1, 2, 3, 4, 5, 6, 0].filter((d) => h.days.has(d));
    const name = (d: number) => names[(d + 6) % 7];
    const hhmm = (m: number) => `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
    return t(locale, 'handoff.hours', { from: name(order[0]), to: name(order[order.length - 1]), start: hhmm(h.from), end: hhmm(h.to) });
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

/** teams-ai's storage key of a conversation's state scope (TurnState.onComputeStorageKeys). */
export function stateKey(conv: ConversationRecord): string | undefined {
  const ref = conv.reference as { channelId?: string; bot?: { id?: string } };
  return ref.bot?.id ? `${ref.channelId ?? conv.channelId}/${ref.bot.id}/conversations/${conv.conversationId}` : undefined;
}

function textOfActivity(a: Record<string, unknown>): string {
  if (typeof a.text === 'string' && a.text) return a.text;
  const value = a.value as Record<string, unknown> | undefined;
  if (value) return `[${String(value.verb ?? value.choice ?? 'kad')}]`;
  if (Array.isArray(a.attachments) && a.attachments.length) return '[kad / lampiran]';
  return '';
}

export type { FormValues };
