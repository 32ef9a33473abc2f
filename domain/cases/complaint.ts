import { assertNever } from '../errors.js';
import { isOneOf } from '../lists.js';

/** Complaint ticket statuses (DOMAIN.md 3), on-site escalation included. */
export const TICKET_STATUSES = [
  'BARU',
  'DITERIMA',
  'DALAM_TINDAKAN',
  'MENUNGGU_PENGGUNA',
  'MOHON_KELULUSAN_TAPAK',
  'LULUS_TAPAK',
  'TOLAK_TAPAK',
  'DIJADUALKAN',
  'LAWATAN_SELESAI',
  'SELESAI',
  'DITUTUP',
  'DIBUKA_SEMULA',
] as const;
export type TicketStatus = (typeof TICKET_STATUSES)[number];
export const isTicketStatus = (s: string): s is TicketStatus => isOneOf(TICKET_STATUSES, s);

export type TicketEvent =
  | 'acknowledge'
  | 'reply'
  | 'askInfo'
  | 'userReply'
  | 'resolve'
  | 'confirm'
  | 'reopen'
  | 'autoClose'
  | 'escalate'
  | 'approveOnsite'
  | 'rejectOnsite'
  | 'schedule'
  | 'repAbsent'
  | 'visitResolved'
  | 'visitUnresolved';

/** Who may cause a ticket event. */
export type TicketActor = 'USER' | 'HELPDESK_AGENT' | 'LEAD_AGENCY' | 'TECHNICAL_OFFICER' | 'SYSTEM' | 'USER_OR_AGENT';

export const TICKET_OPEN: readonly TicketStatus[] = TICKET_STATUSES.filter((s) => s !== 'DITUTUP');

/** The case kind of a complaint ticket (numbered `AD-<year>-<seq>`). */
export const TICKET_KIND = 'AD';

/** Whether a case, or a case event, is a complaint ticket. */
export const isTicket = (c: { kind: string }): boolean => c.kind === TICKET_KIND;

export const COMPLAINT_CATEGORIES = ['code', 'status', 'pin', 'token', 'download', 'server', 'other'] as const;
export type ComplaintCategory = (typeof COMPLAINT_CATEGORIES)[number];

/** Statuses in which the helpdesk works the ticket remotely. */
const WORKING: readonly TicketStatus[] = [
  'DITERIMA',
  'DALAM_TINDAKAN',
  'MENUNGGU_PENGGUNA',
  'TOLAK_TAPAK',
  'LAWATAN_SELESAI',
  'DIBUKA_SEMULA',
];

const rule = (to: TicketStatus, by: TicketActor) => ({ to, by });

/**
 * The one transition function of the complaint ticket: new → acknowledged → in progress ↔ waiting
 * for the user → resolved → closed (by the user or after working days of silence), reopened; and
 * the on-site escalation: approval requested → approved/rejected → visit scheduled → visit done.
 */
export function ticketTransition(from: TicketStatus, event: TicketEvent): { to: TicketStatus; by: TicketActor } | undefined {
  const at = (...s: TicketStatus[]) => s.includes(from);
  switch (event) {
    case 'acknowledge':
      return at('BARU', 'DIBUKA_SEMULA') ? rule('DITERIMA', 'HELPDESK_AGENT') : undefined;
    case 'reply':
      return at('BARU', ...WORKING) ? rule('DALAM_TINDAKAN', 'HELPDESK_AGENT') : undefined;
    case 'askInfo':
      return at('BARU', ...WORKING) ? rule('MENUNGGU_PENGGUNA', 'HELPDESK_AGENT') : undefined;
    case 'userReply':
      return at('MENUNGGU_PENGGUNA') ? rule('DALAM_TINDAKAN', 'USER') : undefined;
    case 'resolve':
      return at('BARU', ...WORKING) ? rule('SELESAI', 'HELPDESK_AGENT') : undefined;
    case 'confirm':
      return at('SELESAI') ? rule('DITUTUP', 'USER') : undefined;
    case 'reopen':
      return at('SELESAI') ? rule('DIBUKA_SEMULA', 'USER') : undefined;
    case 'autoClose':
      return at('SELESAI') ? rule('DITUTUP', 'SYSTEM') : undefined;
    case 'escalate':
      return at(...WORKING) ? rule('MOHON_KELULUSAN_TAPAK', 'USER_OR_AGENT') : undefined;
    case 'approveOnsite':
      return at('MOHON_KELULUSAN_TAPAK') ? rule('LULUS_TAPAK', 'LEAD_AGENCY') : undefined;
    case 'rejectOnsite':
      return at('MOHON_KELULUSAN_TAPAK') ? rule('TOLAK_TAPAK', 'LEAD_AGENCY') : undefined;
    case 'schedule':
      return at('LULUS_TAPAK') ? rule('DIJADUALKAN', 'USER') : undefined;
    case 'repAbsent':
      return at('DIJADUALKAN') ? rule('LULUS_TAPAK', 'TECHNICAL_OFFICER') : undefined;
    case 'visitResolved':
      return at('DIJADUALKAN') ? rule('SELESAI', 'TECHNICAL_OFFICER') : undefined;
    case 'visitUnresolved':
      return at('DIJADUALKAN') ? rule('LAWATAN_SELESAI', 'TECHNICAL_OFFICER') : undefined;
    default:
      return assertNever(event);
  }
}

export interface TicketMessage {
  at: string;
  byId: string;
  kind: 'reply' | 'askInfo' | 'userReply' | 'resolution';
  text: string;
}

export interface VisitReport {
  at: string;
  byId: string;
  representativePresent: boolean;
  workDone: string;
  resolved: boolean;
}

/** The on-site part of a ticket (DOMAIN.md 2.9). Instants are ISO-8601. */
export interface OnsiteData {
  requestedById: string;
  requestedAt: string;
  /** What was tried online before asking for a visit (required). */
  triedOnline: string;
  decidedById?: string;
  decidedAt?: string;
  rejectReason?: string;
  /** When the 48-working-hour window started (approval) and ends, pauses included. */
  approvedAt?: string;
  deadline?: string;
  /** User-requested delays: the clock stood still from `from` to `to`. */
  pauses: { from: string; to: string; reason: string }[];
  slot?: { start: string; end: string };
  officerId?: string;
  representative?: { name: string; phone: string };
  location?: string;
  breachedAt?: string;
  reports: VisitReport[];
}

export interface ComplaintData {
  category: ComplaintCategory;
  application: string;
  description: string;
  screenshotFileId?: string;
  /** FAQ entries offered before the ticket was opened. */
  offeredFaq: string[];
  messages: TicketMessage[];
  resolvedAt?: string;
  onsite?: OnsiteData;
}
