import type { Storage } from 'botbuilder';
import type { Locale } from '../../domain/people.js';
import type { ConversationRecord, ConversationRepository } from '../../domain/ports/conversation-repository.js';
import type { HandoffRecord } from '../../domain/ports/handoff-repository.js';
import { maskMyKad } from '../../domain/rules/mykad.js';
import type { CoreDeps } from '../../domain/usecases/deps.js';
import { formOf, type FormInProgress } from './dialog-form.js';

export interface ViewDeps {
  core: CoreDeps;
  conversations: ConversationRepository;
  storage: Storage;
  transcripts: { list(conversationId: string, limit?: number): Promise<{ at: string; direction: 'in' | 'out'; activity: Record<string, unknown> }[]> };
  defaultLocale: Locale;
}

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

/** One conversation as the console shows it: the person, the request in progress (MyKad masked), the transcript. */
export async function viewOf(deps: ViewDeps, r: HandoffRecord, opts: { transcript: boolean }): Promise<ConversationView> {
  const person = await deps.core.directory.getPerson(r.personId);
  const agency = person?.agencyId ? await deps.core.directory.getAgency(person.agencyId) : undefined;
  const agentName = r.agentId ? (await deps.core.directory.getPerson(r.agentId))?.name : undefined;
  const conv = await deps.conversations.get(r.conversationId);
  const key = conv && stateKey(conv);
  const item = key ? (await deps.storage.read([key]))[key] : undefined;
  const form = formOf(item);
  if (form?.values.mykad) form.values.mykad = maskMyKad(form.values.mykad);
  const transcript = opts.transcript
    ? (await deps.transcripts.list(r.conversationId, 200)).map((e) => ({ at: e.at, from: e.direction === 'in' ? ('user' as const) : ('bot' as const), text: textOfActivity(e.activity) })).filter((e) => e.text)
    : [];
  return {
    record: r,
    person: { id: r.personId, name: person?.name ?? r.personId, email: person?.email, agency: agency?.name, locale: person?.locale ?? deps.defaultLocale },
    cases: (await deps.core.cases.listByApplicant(r.personId)).slice(-5).map((c) => ({ id: c.id, status: c.status })),
    agentName, waitingSeconds: Math.max(0, Math.round((deps.core.clock.now().getTime() - Date.parse(r.queuedAt)) / 1000)), form, transcript,
  };
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

