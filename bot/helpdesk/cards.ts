import type { Attachment } from 'botbuilder';
import type { AdvisoryData } from '../../domain/cases/advisory.js';
import type { Case } from '../../domain/cases/case.js';
import type { ComplaintData } from '../../domain/cases/complaint.js';
import type { Locale } from '../../domain/people.js';
import type { WorkingCalendar } from '../../domain/rules/working-calendar.js';
import { CardFactory } from 'botbuilder';
import { adaptiveCard, cardJson, esc, facts, heading, para, submit, type CardElement } from '../../ui/cards/adaptive.js';
import { cardAction, refreshOf, type CardActions } from '../certificates/approval-card.js';

/** How a decision card's buttons work in the channel, and (Teams) who gets it refreshed. */
export interface DecisionCardMode {
  actions: CardActions;
  refreshUserIds?: string[];
}
const SUBMIT: DecisionCardMode = { actions: 'submit' };
import { t, tDynamic } from '../../ui/i18n/index.js';

const input = (id: string, label: string, multiline = true): CardElement => ({
  type: 'Input.Text',
  id,
  label,
  isMultiline: multiline,
  maxLength: 2000,
});
// No answer is pre-set: the officer must say what happened (a pre-set "yes" once closed a ticket unread).
const yesNo = (locale: Locale, id: string, label: string): CardElement => ({
  type: 'Input.ChoiceSet',
  id,
  label,
  style: 'expanded',
  isRequired: true,
  errorMessage: t(locale, 'hd.card.chooseOne'),
  choices: [
    { title: t(locale, 'choice.yes'), value: 'yes' },
    { title: t(locale, 'choice.no'), value: 'no' },
  ],
});

function ticketFacts(locale: Locale, c: Case<ComplaintData>, userName: string): CardElement {
  return facts([
    [t(locale, 'hd.card.user'), esc(userName)],
    [t(locale, 'hd.card.category'), tDynamic(locale, `complaintCategory.${c.data.category}`, 'system')],
    [t(locale, 'hd.card.application'), esc(c.data.application)],
    [t(locale, 'hd.card.status'), tDynamic(locale, `status.${c.status}`, 'system')],
  ]);
}

/**
 * The latest messages, each in a shaded box: a markdown quote ("> …") is indented by Web Chat's
 * renderer past the card's right edge and cut off.
 */
function lastMessages(c: Case<ComplaintData>, count = 3): CardElement[] {
  return count <= 0 ? [] : c.data.messages.slice(-count).map((m) => ({ type: 'Container', style: 'emphasis', items: [para(esc(m.text))] }));
}

/**
 * The card's heading. A notice sends its text beside the card, so there the card has no title
 * (Web Chat showed the same words three times); a card shown alone (a Teams refresh) has one.
 */
const titled = (title: string): CardElement[] => (title ? [heading(title)] : []);

/** The helpdesk agent's card: acknowledge, reply, ask for information, resolve, or escalate to on-site. */
export function agentTicketCard(
  locale: Locale,
  c: Case<ComplaintData>,
  userName: string,
  title: string,
  mode: DecisionCardMode = SUBMIT,
): Attachment {
  return CardFactory.adaptiveCard(agentTicketCardJson(locale, c, userName, title, mode));
}

/** The agent's ticket card's JSON; on Teams `Action.Execute`, refreshed for every helpdesk agent. */
export function agentTicketCardJson(
  locale: Locale,
  c: Case<ComplaintData>,
  userName: string,
  title: string,
  mode: DecisionCardMode = SUBMIT,
): CardElement {
  const act = (key: string, action: string, style?: 'positive' | 'destructive') =>
    cardAction(mode.actions, t(locale, key as never), { verb: 'ticketAgent', caseId: c.id, action }, style);
  return cardJson(
    [
      ...titled(title),
      ticketFacts(locale, c, userName),
      para(esc(c.data.description)),
      ...lastMessages(c),
      input('text', t(locale, 'hd.card.agentText')),
    ],
    [
      act('hd.action.acknowledge', 'acknowledge'),
      act('hd.action.reply', 'reply'),
      act('hd.action.askInfo', 'askInfo'),
      act('hd.action.resolve', 'resolve', 'positive'),
      act('hd.action.escalate', 'escalate'),
    ],
    refreshOf(mode.actions, c.id, mode.refreshUserIds),
  );
}

/**
 * The user's card after a reply or a question from the helpdesk: answer, or ask for an on-site
 * visit. The notice's text carries the helpdesk's message, so the card does not repeat it.
 */
export function userReplyCard(locale: Locale, c: Case<ComplaintData>, title = ''): Attachment {
  return adaptiveCard(
    [...titled(title), input('text', t(locale, 'hd.card.userText'))],
    [
      submit(t(locale, 'hd.action.userReply'), { verb: 'ticketUser', caseId: c.id, action: 'reply' }, 'positive'),
      submit(t(locale, 'hd.action.requestOnsite'), { verb: 'ticketUser', caseId: c.id, action: 'escalate' }),
    ],
  );
}

/** The user's card after a resolution (told in the notice's text): confirm (closes) or reopen with a reason. */
export function resolvedCard(locale: Locale, c: Case<ComplaintData>, title = ''): Attachment {
  return adaptiveCard(
    [...titled(title), input('text', t(locale, 'hd.card.reopenText'))],
    [
      submit(t(locale, 'hd.action.confirm'), { verb: 'ticketUser', caseId: c.id, action: 'confirm' }, 'positive'),
      submit(t(locale, 'hd.action.reopen'), { verb: 'ticketUser', caseId: c.id, action: 'reopen' }),
    ],
  );
}

/** The lead agency's card: approve the on-site visit or reject it with a reason. */
export function onsiteApprovalCard(
  locale: Locale,
  c: Case<ComplaintData>,
  userName: string,
  title: string,
  mode: DecisionCardMode = SUBMIT,
): Attachment {
  return CardFactory.adaptiveCard(onsiteApprovalCardJson(locale, c, userName, title, mode));
}

/** The on-site approval card's JSON; on Teams `Action.Execute`, refreshed for every lead officer. */
export function onsiteApprovalCardJson(
  locale: Locale,
  c: Case<ComplaintData>,
  userName: string,
  title: string,
  mode: DecisionCardMode = SUBMIT,
): CardElement {
  const act = (key: Parameters<typeof t>[1], decision: string, style: 'positive' | 'destructive') =>
    cardAction(mode.actions, t(locale, key), { verb: 'onsiteDecide', caseId: c.id, decision }, style);
  return cardJson(
    [
      ...titled(title),
      ticketFacts(locale, c, userName),
      para(esc(c.data.description)),
      para(`${t(locale, 'hd.card.triedOnline')}: ${esc(c.data.onsite?.triedOnline ?? '')}`),
      input('reason', t(locale, 'hd.card.reason')),
    ],
    [act('hd.action.approve', 'approve', 'positive'), act('hd.action.reject', 'reject', 'destructive')],
    refreshOf(mode.actions, c.id, mode.refreshUserIds),
  );
}

/** A button that opens the visit booking (the notice's text says why). */
export function bookVisitCard(locale: Locale, c: Case<ComplaintData>, text = ''): Attachment {
  return adaptiveCard(text ? [para(text)] : [], [
    submit(t(locale, 'hd.action.bookVisit'), { verb: 'bookVisit', caseId: c.id }, 'positive'),
  ]);
}

/** The technical officer's card: visit details and the report form. */
export function visitCard(locale: Locale, c: Case<ComplaintData>, cal: WorkingCalendar, userName: string, title: string): Attachment {
  const o = c.data.onsite!;
  return adaptiveCard(
    [
      ...titled(title),
      facts([
        [t(locale, 'hd.card.slot'), o.slot ? cal.format(new Date(o.slot.start)) : '-'],
        [t(locale, 'hd.card.location'), esc(o.location ?? '')],
        [t(locale, 'hd.card.representative'), esc(`${o.representative?.name ?? ''} (${o.representative?.phone ?? ''})`)],
        [t(locale, 'hd.card.user'), esc(userName)],
        [t(locale, 'hd.card.deadline'), o.deadline ? cal.format(new Date(o.deadline)) : '-'],
      ]),
      para(esc(c.data.description)),
      yesNo(locale, 'present', t(locale, 'hd.card.present')),
      input('workDone', t(locale, 'hd.card.workDone')),
      yesNo(locale, 'resolved', t(locale, 'hd.card.resolved')),
    ],
    [submit(t(locale, 'hd.action.fileReport'), { verb: 'visitReport', caseId: c.id }, 'positive')],
  );
}

/** The lead agency's card for an advisory request: accept with one of the preferred dates, or decline. */
export function advisoryCard(
  locale: Locale,
  c: Case<AdvisoryData>,
  cal: WorkingCalendar,
  requester: string,
  title: string,
  mode: DecisionCardMode = SUBMIT,
): Attachment {
  return CardFactory.adaptiveCard(advisoryCardJson(locale, c, cal, requester, title, mode));
}

/** The advisory card's JSON; on Teams `Action.Execute`, refreshed for every lead officer. */
export function advisoryCardJson(
  locale: Locale,
  c: Case<AdvisoryData>,
  cal: WorkingCalendar,
  requester: string,
  title: string,
  mode: DecisionCardMode = SUBMIT,
): CardElement {
  const d = c.data;
  const act = (key: Parameters<typeof t>[1], decision: string, style: 'positive' | 'destructive') =>
    cardAction(mode.actions, t(locale, key), { verb: 'advisoryDecide', caseId: c.id, decision }, style);
  return cardJson(
    [
      ...titled(title),
      facts([
        [t(locale, 'hd.card.requester'), esc(requester)],
        [t(locale, 'hd.card.topic'), esc(d.topic)],
        [t(locale, 'hd.card.systems'), esc(d.systems)],
        [t(locale, 'hd.card.mode'), t(locale, `advisoryMode.${d.mode}`)],
        [t(locale, 'hd.card.attendees'), esc(d.attendees)],
        [t(locale, 'hd.card.letter'), d.letterFileId ? t(locale, 'choice.yes') : t(locale, 'choice.no')],
      ]),
      para(esc(d.description)),
      {
        type: 'Input.ChoiceSet',
        id: 'date',
        label: t(locale, 'hd.card.chooseDate'),
        style: 'expanded',
        value: d.preferredDates[0],
        choices: d.preferredDates.map((x) => ({ title: cal.format(new Date(x)).slice(0, 10), value: x })),
      },
      input('reason', t(locale, 'hd.card.reason')),
    ],
    [act('hd.action.accept', 'accept', 'positive'), act('hd.action.decline', 'decline', 'destructive')],
    refreshOf(mode.actions, c.id, mode.refreshUserIds),
  );
}

/** The lead agency's card to record a scheduled session as held. */
export function advisoryHeldCard(locale: Locale, c: Case<AdvisoryData>, cal: WorkingCalendar): Attachment {
  return adaptiveCard(
    [
      heading(t(locale, 'hd.card.heldTitle', { caseId: c.id })),
      para(`${esc(c.data.topic)}: ${c.data.session ? cal.format(new Date(c.data.session.start)).slice(0, 10) : ''}`),
      input('notes', t(locale, 'hd.card.notes')),
    ],
    [submit(t(locale, 'hd.action.held'), { verb: 'advisoryHeld', caseId: c.id }, 'positive')],
  );
}
