import type { Case } from '../../domain/cases/case.js';
import { isTicket, TICKET_KIND, TICKET_OPEN, type ComplaintData } from '../../domain/cases/complaint.js';
import { caseEventOf } from '../../domain/cases/events.js';
import type { Locale } from '../../domain/people.js';
import { calendarOf, type HelpdeskDeps } from '../../domain/usecases/helpdesk-deps.js';
import { onsiteClock } from '../../domain/usecases/onsite.js';
import { tDynamic } from '../../ui/i18n/index.js';
import { bilingual, fieldLabel, openCasesOf, type Bilingual, type OpenCaseView } from './console-labels.js';
import { isFormField } from '../../domain/cases/forms.js';

export { bilingual, type Bilingual } from './console-labels.js';

const label = (key: string) => bilingual((l) => tDynamic(l, key, 'system'));

/** One open ticket as the console's list shows it. */
export interface TicketSummary {
  id: string;
  status: string;
  statusLabel: Bilingual;
  category: string;
  categoryLabel: Bilingual;
  person: { id: string; name: string; agency?: string };
  application: string;
  createdAt: string;
  updatedAt: string;
  ageSeconds: number;
  lastEvent: { event: string; label: Bilingual; at: string };
  /** When the person did something on the ticket (lodged, answered, reopened), oldest first: what the console counts as unread. */
  personActivity: string[];
}

/** One ticket in full: the description, the messages, the timeline and the on-site state. */
export interface TicketDetails extends TicketSummary {
  description: string;
  person: { id: string; name: string; agency?: string; email?: string; locale?: Locale };
  hasScreenshot: boolean;
  messages: { at: string; by: string; kind: string; text: string }[];
  /** `noteLabel`: the note in words when it names a form field (an agent's correction). */
  timeline: {
    at: string;
    event: string;
    label: Bilingual;
    by: string;
    status?: string;
    statusLabel?: Bilingual;
    note?: string;
    noteLabel?: Bilingual;
  }[];
  /** The person's cases still in progress (this one included while open). */
  openCases: OpenCaseView[];
  onsite?: {
    status: string;
    triedOnline: string;
    requestedBy: string;
    requestedAt: string;
    rejectReason?: string;
    deadline?: string;
    hoursLeft?: number;
    breached: boolean;
    pauses: { from: string; to: string; reason: string }[];
    slot?: { start: string; end: string };
    officer?: string;
    location?: string;
    reports: { at: string; representativePresent: boolean; workDone: string; resolved: boolean }[];
  };
}

type TicketViewDeps = Pick<HelpdeskDeps, 'cases' | 'directory' | 'clock' | 'calendars'>;

/** The open tickets (not closed), the most recent activity first. */
export async function listTickets(deps: TicketViewDeps): Promise<TicketSummary[]> {
  const open = (await deps.cases.listByStatus([...TICKET_OPEN], { kind: TICKET_KIND })) as unknown as Case<ComplaintData>[];
  const names = new Names(deps);
  const list = await Promise.all(open.map((c) => summaryOf(deps, names, c)));
  return list.sort((a, b) => b.updatedAt.localeCompare(a.updatedAt) || b.id.localeCompare(a.id));
}

/** One ticket, closed ones included; undefined when there is no such ticket. */
export async function ticketDetails(deps: TicketViewDeps, id: string): Promise<TicketDetails | undefined> {
  const c = await deps.cases.get<ComplaintData>(id);
  if (!c || !isTicket(c)) return undefined;
  const names = new Names(deps);
  const summary = await summaryOf(deps, names, c);
  const person = await deps.directory.getPerson(c.applicantId);
  const o = c.data.onsite;
  const clock = o ? onsiteClock(deps, await calendarOf(deps, c), o) : undefined;
  return {
    ...summary,
    person: { ...summary.person, email: person?.email, locale: person?.locale },
    description: c.data.description,
    hasScreenshot: Boolean(c.data.screenshotFileId),
    messages: await Promise.all(c.data.messages.map(async (m) => ({ at: m.at, by: await names.of(m.byId), kind: m.kind, text: m.text }))),
    timeline: await Promise.all(
      c.timeline.map(async (e) => ({
        at: e.at,
        event: e.event,
        label: label(`event.${e.event}`),
        by: await names.of(e.actorId),
        status: e.status,
        ...(e.status ? { statusLabel: label(`status.${e.status}`) } : {}),
        note: e.note,
        ...(e.note && isFormField(e.note) ? { noteLabel: fieldLabel(e.note) } : {}),
      })),
    ),
    openCases: await openCasesOf(deps.cases, c.applicantId),
    ...(o && clock
      ? {
          onsite: {
            status: c.status,
            triedOnline: o.triedOnline,
            requestedBy: await names.of(o.requestedById),
            requestedAt: o.requestedAt,
            rejectReason: o.rejectReason,
            deadline: clock.deadline,
            hoursLeft: clock.hoursLeft,
            breached: clock.breached,
            pauses: clock.pauses,
            slot: o.slot,
            officer: o.officerId ? await names.of(o.officerId) : undefined,
            location: o.location,
            reports: o.reports.map((r) => ({
              at: r.at,
              representativePresent: r.representativePresent,
              workDone: r.workDone,
              resolved: r.resolved,
            })),
          },
        }
      : {}),
  };
}

async function summaryOf(deps: TicketViewDeps, names: Names, c: Case<ComplaintData>): Promise<TicketSummary> {
  const person = await deps.directory.getPerson(c.applicantId);
  const agencyId = c.agencyId ?? person?.agencyId;
  const agency = agencyId ? await names.agency(agencyId) : undefined;
  const last = c.timeline.at(-1);
  return {
    id: c.id,
    status: c.status,
    statusLabel: label(`status.${c.status}`),
    category: c.data.category,
    categoryLabel: label(`complaintCategory.${c.data.category}`),
    person: { id: c.applicantId, name: person?.name ?? c.applicantId, agency },
    application: c.data.application,
    createdAt: c.createdAt,
    updatedAt: c.updatedAt,
    ageSeconds: Math.max(0, Math.round((deps.clock.now().getTime() - Date.parse(c.createdAt)) / 1000)),
    lastEvent: { event: last?.event ?? '', label: label(`event.${last?.event ?? ''}`), at: last?.at ?? c.updatedAt },
    personActivity: c.timeline
      .filter((e) => e.actorId === c.applicantId)
      .slice(-50)
      .map((e) => e.at),
  };
}

/** Person and agency names, looked up once per view. */
class Names {
  private readonly people = new Map<string, Promise<string>>();
  private readonly agencies = new Map<string, Promise<string | undefined>>();
  constructor(private readonly deps: Pick<HelpdeskDeps, 'directory'>) {}
  of(id: string): Promise<string> {
    if (id === 'system') return Promise.resolve('MyGPKI');
    if (!this.people.has(id))
      this.people.set(
        id,
        this.deps.directory.getPerson(id).then((p) => p?.name ?? id),
      );
    return this.people.get(id)!;
  }
  agency(id: string): Promise<string | undefined> {
    if (!this.agencies.has(id))
      this.agencies.set(
        id,
        this.deps.directory.getAgency(id).then((a) => a?.name ?? id),
      );
    return this.agencies.get(id)!;
  }
}

/**
 * The console's live event for a ticket that changed (any caller: cards, console, user, jobs),
 * made from the domain's case event. `event` is `ticket` and the timeline event
 * (`acknowledged` → `ticketAcknowledged`), a lodged ticket being `ticketNew`.
 */
export interface TicketChanged {
  type: 'ticket';
  caseId: string;
  event: string;
  status: string;
  version: number;
  at: string;
}

/** The console's event for a case event about a ticket; undefined for any other case or message. */
export function ticketChangeOf(message: Record<string, unknown>): TicketChanged | undefined {
  const e = caseEventOf(message);
  if (!e || !isTicket(e)) return undefined;
  const event = e.event === 'lodged' ? 'ticketNew' : `ticket${e.event.charAt(0).toUpperCase()}${e.event.slice(1)}`;
  return { type: 'ticket', caseId: e.caseId, event, status: e.status, version: e.version, at: e.at };
}
