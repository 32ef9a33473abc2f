import type { Attachment } from 'botbuilder';
import { CardFactory } from 'botbuilder';
import { timeText } from '../../ui/time-format.js';
import type { Case, TimelineEntry } from '../../domain/cases/case.js';
import type { Locale } from '../../domain/people.js';
import { t, tDynamic } from '../../ui/i18n/index.js';
import { adaptiveCard, cardJson, esc, facts, heading, para, submit, type CardElement } from '../../ui/cards/adaptive.js';

/** Teams gets Universal Actions (`Action.Execute`, the card refreshes itself); other channels `Action.Submit`. */
export type CardActions = 'execute' | 'submit';

export interface ApprovalCardInput {
  c: Case<unknown>;
  locale: Locale;
  applicantName: string;
  /** What the card shows of the case (bot/cards/approval-content.ts): title, rows, returnable fields. */
  content: ApprovalContent;
  actions: CardActions;
  /** Teams user ids that get the card refreshed automatically (the approvers). */
  refreshUserIds?: string[];
}

/** What a case puts on its AP card; the rows are escaped already. */
export interface ApprovalContent {
  title: string;
  rows: [string, string][];
  /** Fields the AP may return for correction; none means the case cannot be returned (revocations). */
  fieldChoices: { title: string; value: string }[];
  /** Signed, expiring link to the MyKad copy for the AP to inspect. */
  copyUrl?: string;
  /** Extra lines, e.g. the not-for-production label of training certificates. */
  notes: string[];
}

export const REFRESH_VERB = 'refreshApproval';

/** A card button: `Action.Submit` (verb in the data) or `Action.Execute` (verb beside the data). */
export const cardAction = (
  mode: CardActions,
  title: string,
  data: Record<string, unknown>,
  style?: 'positive' | 'destructive',
): CardElement => {
  if (mode === 'submit') return submit(title, data, style);
  const { verb, ...rest } = data;
  return { type: 'Action.Execute', title, verb, data: rest, ...(style ? { style } : {}) };
};

/**
 * The AP's card. The AP must see the full MyKad number to verify documents; user text is escaped.
 * Every action carries the case id and the version the AP saw, so a stale card is refused.
 */
export function approvalCardJson(input: ApprovalCardInput): CardElement {
  const { c, locale, applicantName, content } = input;
  const f = (k: Parameters<typeof t>[1]) => t(locale, k);
  const returnable = content.fieldChoices.length > 0;
  const body = [
    heading(content.title),
    ...content.notes.map(para),
    para(`**${c.id}** · ${f('approval.applicant')}: ${esc(applicantName)}`),
    facts(content.rows),
    ...(content.copyUrl ? [para(`[${f('field.mykadCopy')}](${content.copyUrl})`)] : []),
    ...(returnable
      ? [{ type: 'Input.ChoiceSet', id: 'fields', isMultiSelect: true, label: f('approval.fieldsLabel'), choices: content.fieldChoices }]
      : []),
    { type: 'Input.Text', id: 'note', isMultiline: true, maxLength: 500, label: f('approval.noteLabel') },
  ];
  const data = { caseId: c.id, version: c.version };
  const actions = [
    cardAction(input.actions, f('approval.approve'), { verb: 'approve', ...data }, 'positive'),
    ...(returnable ? [cardAction(input.actions, f('approval.return'), { verb: 'return', ...data })] : []),
    cardAction(input.actions, f('approval.reject'), { verb: 'reject', ...data }, 'destructive'),
  ];
  return cardJson(body, actions, refreshOf(input.actions, c.id, input.refreshUserIds));
}

export function approvalCard(input: ApprovalCardInput): Attachment {
  return CardFactory.adaptiveCard(approvalCardJson(input));
}

/** The `refresh` of a Teams card: the shared refresh verb, for the people who may still act on it. */
export function refreshOf(mode: CardActions, caseId: string, userIds: string[] | undefined): CardElement {
  if (mode !== 'execute') return {};
  return { refresh: { action: { type: 'Action.Execute', verb: REFRESH_VERB, data: { caseId } }, userIds: (userIds ?? []).slice(0, 60) } };
}

const DECISIONS = ['approved', 'approvedOnBehalf', 'returned', 'rejected'] as const;

/** The last decision on a case, if any: the AP's by default, or one of `events` (server, helpdesk). */
export function lastDecision(c: Case<unknown>, events: readonly string[] = DECISIONS): TimelineEntry | undefined {
  return [...c.timeline].reverse().find((e) => events.includes(e.event));
}

/**
 * What every viewer sees once the case left the AP's hands: who decided what and when. It keeps
 * the refresh so a later view shows later changes too.
 */
export function decidedCardJson(opts: {
  c: Case<unknown>;
  locale: Locale;
  deciderName: string;
  actions: CardActions;
  notice?: string;
  events?: readonly string[];
}): CardElement {
  const { c, locale } = opts;
  const last = lastDecision(c, opts.events);
  const at = last ? timeText(locale, last.at) : '';
  const line = last
    ? tDynamic(locale, `decided.${last.event}`, 'decided.other', { name: esc(opts.deciderName), at, note: esc(last.note ?? '') })
    : t(locale, 'decided.other', { status: tDynamic(locale, `status.${c.status}`, 'system') });
  const body = [heading(t(locale, 'decided.title', { caseId: c.id })), para(line), ...(opts.notice ? [para(opts.notice)] : [])];
  return cardJson(body, [], refreshOf(opts.actions, c.id, []));
}

/** The applicant's card after a return: what the AP asked, and a button to correct just that. */
export function returnedCard(c: Case<unknown>, locale: Locale): Attachment {
  const fields = (c.correction?.fields ?? []).map((k) => tDynamic(locale, `field.${k}`, 'system')).join(', ');
  return adaptiveCard(
    [para(t(locale, 'notify.caseReturned', { caseId: c.id, note: esc(c.correction?.note ?? ''), fields }))],
    [submit(t(locale, 'notify.caseReturned.action'), { verb: 'correct', caseId: c.id, version: c.version }, 'positive')],
  );
}
