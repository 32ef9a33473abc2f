import type { Activity } from 'botbuilder';
import type { AdvisoryData } from '../../domain/cases/advisory.js';
import type { Case } from '../../domain/cases/case.js';
import type { ComplaintData } from '../../domain/cases/complaint.js';
import type { Locale } from '../../domain/people.js';
import type { Directory } from '../../domain/ports/directory.js';
import { calendarOf, type CalendarsByState } from '../../domain/usecases/helpdesk-deps.js';
import { esc } from '../../ui/cards/adaptive.js';
import { tDynamic } from '../../ui/i18n/index.js';
import {
  advisoryCard,
  advisoryHeldCard,
  agentTicketCard,
  bookVisitCard,
  onsiteApprovalCard,
  resolvedCard,
  userReplyCard,
  visitCard,
} from './cards.js';
import { decisionModeFor } from '../proactive/decision-cards.js';
import { satisfactionCard } from './satisfaction.js';
import type { Task } from '../../domain/cases/authority.js';

export interface HelpdeskNoticeDeps {
  directory: Directory;
  calendars: CalendarsByState;
}

/**
 * The messages of tickets, on-site visits and advisory requests, in the person's language: a
 * text from `hd.notify.<event>`, with the card the person acts on where there is one. Dates and
 * times follow the calendar of the case's agency.
 */
export async function renderHelpdeskNotice(
  deps: HelpdeskNoticeDeps,
  locale: Locale,
  c: Case<unknown>,
  event: string,
  channelId = '',
): Promise<Partial<Activity>> {
  // The lead agency's decision cards use Universal Actions on Teams and refresh for every lead officer.
  const modeFor = (task: Task) => decisionModeFor(deps.directory, channelId, c, task);
  const cal = await calendarOf(deps, c);
  const name = async (id?: string) => (id ? ((await deps.directory.getPerson(id))?.name ?? id) : '');
  const fmt = (iso?: string) => (iso ? cal.format(new Date(iso)) : '-');
  const user = await name(c.applicantId);
  if (c.kind === 'KN') {
    const k = c as Case<AdvisoryData>;
    const text = tDynamic(locale, `hd.notify.${event}`, 'system', {
      caseId: c.id,
      topic: esc(k.data.topic),
      date: fmt(k.data.session?.start).slice(0, 10),
      reason: esc(c.reason ?? ''),
      notes: esc(k.data.notes ?? ''),
    });
    // The text goes beside each card, which does not repeat it as its title (Web Chat showed it twice).
    if (event === 'advisoryRequest')
      return { type: 'message', text, attachments: [advisoryCard(locale, k, cal, user, '', await modeFor('advisory'))] };
    return { type: 'message', text };
  }
  const tk = c as Case<ComplaintData>;
  const o = tk.data.onsite;
  const last = tk.data.messages.at(-1)?.text ?? '';
  const text = tDynamic(locale, `hd.notify.${event}`, 'system', {
    caseId: c.id,
    user: esc(user),
    text: esc(last),
    deadline: fmt(o?.deadline),
    slot: fmt(o?.slot?.start),
    location: esc(o?.location ?? ''),
    officer: esc(await name(o?.officerId)),
    reason: esc(o?.rejectReason ?? ''),
    rep: esc(o?.representative?.name ?? ''),
  });
  switch (event) {
    case 'ticketNew':
    case 'ticketUserReplied':
    case 'ticketReopened':
    case 'visitUnresolved':
      return { type: 'message', text, attachments: [agentTicketCard(locale, tk, user, '', await modeFor('ticket'))] };
    case 'ticketReplied':
    case 'ticketAcknowledgedText':
    case 'ticketInfoRequested':
      return { type: 'message', text, attachments: [userReplyCard(locale, tk)] };
    case 'ticketResolved':
      return { type: 'message', text, attachments: [resolvedCard(locale, tk), satisfactionCard(locale, c.id)] };
    case 'onsiteApproval':
      return { type: 'message', text, attachments: [onsiteApprovalCard(locale, tk, user, '', await modeFor('onsiteApproval'))] };
    case 'onsiteApproved':
    case 'visitRepAbsent':
      return { type: 'message', text, attachments: [bookVisitCard(locale, tk)] };
    case 'visitAssigned':
      return { type: 'message', text, attachments: [visitCard(locale, tk, cal, user, '')] };
    default:
      return { type: 'message', text };
  }
}

export { advisoryHeldCard };
