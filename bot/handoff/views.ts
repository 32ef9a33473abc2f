import type { Storage } from 'botbuilder';
import type { Locale } from '../../domain/people.js';
import type { ConversationRecord, ConversationRepository } from '../../domain/ports/conversation-repository.js';
import type { HandoffRecord } from '../../domain/ports/handoff-repository.js';
import { maskMyKad } from '../../domain/rules/mykad.js';
import type { CoreDeps } from '../../domain/usecases/deps.js';
import { readDraft, type FormDraft } from '../../dialogs/user-certificate/form-api.js';
import { savedDialogState } from '../turn/dialog-runner.js';
import {
  formShown,
  handoffLabels,
  localeLabel,
  noteShown,
  openCasesOf,
  type Bilingual,
  type FieldShown,
  type OpenCaseView,
} from './console-labels.js';

export interface ViewDeps {
  core: CoreDeps;
  conversations: ConversationRepository;
  storage: Storage;
  transcripts: {
    list(conversationId: string, limit?: number): Promise<{ at: string; direction: 'in' | 'out'; activity: Record<string, unknown> }[]>;
  };
  defaultLocale: Locale;
}

/** What an agent sees of one queued or taken conversation. */
export interface ConversationView {
  record: HandoffRecord;
  person: { id: string; name: string; email?: string; agency?: string; locale: Locale };
  agentName?: string;
  waitingSeconds: number;
  form?: FormDraft;
  /** The person's latest cases (number and status), for the agent's context. */
  cases: { id: string; status: string }[];
  /** Who said each line (the person, an agent by name, or MyGPKI); `marker` for a card press or an attachment. */
  transcript: { at: string; from: 'user' | 'bot'; name: string; text: string; marker?: 'card' | 'attachment' }[];
  /** The same in words, in both console languages: no field or status code is shown to the agent. */
  shown: {
    status: Bilingual;
    reason: Bilingual;
    locale: Bilingual;
    form?: { asking?: Bilingual; fields: FieldShown[] };
    notes: { at: string; text: Bilingual }[];
  };
  /** The person's cases still in progress, with their kind and status in words. */
  openCases: OpenCaseView[];
}

/** One conversation as the console shows it: the person, the request in progress (MyKad masked), the transcript. */
export async function viewOf(deps: ViewDeps, r: HandoffRecord, opts: { transcript: boolean }): Promise<ConversationView> {
  const person = await deps.core.directory.getPerson(r.personId);
  const agency = person?.agencyId ? await deps.core.directory.getAgency(person.agencyId) : undefined;
  const agentName = r.agentId ? (await deps.core.directory.getPerson(r.agentId))?.name : undefined;
  const conv = await deps.conversations.get(r.conversationId);
  const key = conv && stateKey(conv);
  const item = key ? (await deps.storage.read([key]))[key] : undefined;
  const form = readDraft(savedDialogState(item));
  if (form?.values.mykad) form.values.mykad = maskMyKad(form.values.mykad);
  const name = person?.name ?? r.personId;
  const transcript = opts.transcript
    ? (await deps.transcripts.list(r.conversationId, 200)).map((e) => lineOf(e, name)).filter((e) => e.text || e.marker)
    : [];
  const formAgency = typeof form?.values.agency === 'string' ? (await deps.core.directory.getAgency(form.values.agency))?.name : undefined;
  const locale = person?.locale ?? deps.defaultLocale;
  const labels = handoffLabels(r, agentName ?? r.agentId);
  return {
    record: r,
    person: { id: r.personId, name, email: person?.email, agency: agency?.name, locale },
    shown: {
      status: labels.statusLabel,
      reason: labels.reasonLabel,
      locale: localeLabel(locale),
      ...(form ? { form: formShown(form, formAgency) } : {}),
      notes: r.notes.map((n) => ({ at: n.at, text: noteShown(n) })),
    },
    openCases: await openCasesOf(deps.core.cases, r.personId),
    cases: (await deps.core.cases.listByApplicant(r.personId)).slice(-5).map((c) => ({ id: c.id, status: c.status })),
    agentName,
    waitingSeconds: Math.max(0, Math.round((deps.core.clock.now().getTime() - Date.parse(r.queuedAt)) / 1000)),
    form,
    transcript,
  };
}

/** teams-ai's storage key of a conversation's state scope (TurnState.onComputeStorageKeys). */
export function stateKey(conv: ConversationRecord): string | undefined {
  const ref = conv.reference as { channelId?: string; bot?: { id?: string } };
  return ref.bot?.id ? `${ref.channelId ?? conv.channelId}/${ref.bot.id}/conversations/${conv.conversationId}` : undefined;
}

/** One transcript line: the text, or a marker the console shows in words (a card pressed, an attachment). */
function lineOf(
  e: { at: string; direction: 'in' | 'out'; activity: Record<string, unknown> },
  personName: string,
): ConversationView['transcript'][number] {
  const a = e.activity;
  const from = e.direction === 'in' ? ('user' as const) : ('bot' as const);
  const agent = (a.channelData as { agent?: { name?: string } } | undefined)?.agent?.name;
  const name = from === 'user' ? personName : (agent ?? 'MyGPKI');
  if (typeof a.text === 'string' && a.text) return { at: e.at, from, name, text: a.text };
  if (from === 'user' && a.value) return { at: e.at, from, name, text: '', marker: 'card' };
  if (Array.isArray(a.attachments) && a.attachments.length)
    return { at: e.at, from, name, text: '', marker: from === 'user' ? 'attachment' : 'card' };
  return { at: e.at, from, name, text: '' };
}
