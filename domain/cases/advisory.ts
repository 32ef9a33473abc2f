import { assertNever } from '../errors.js';
import { isOneOf } from '../lists.js';

/** Advisory request statuses (DOMAIN.md 3): requested → under review → scheduled / declined → held. */
export const ADVISORY_STATUSES = ['DIMOHON', 'DISEMAK', 'DIJADUALKAN', 'DITOLAK', 'SELESAI'] as const;
export type AdvisoryStatus = (typeof ADVISORY_STATUSES)[number];
export const isAdvisoryStatus = (s: string): s is AdvisoryStatus => isOneOf(ADVISORY_STATUSES, s);
export type AdvisoryEvent = 'review' | 'accept' | 'decline' | 'held';
export const ADVISORY_MODES = ['online', 'physical'] as const;
export type AdvisoryMode = (typeof ADVISORY_MODES)[number];

export interface AdvisoryData {
  topic: string;
  description: string;
  systems: string;
  mode: AdvisoryMode;
  attendees: string;
  /** Preferred dates, ISO instants at the start of office hours, 2 or 3 of them. */
  preferredDates: string[];
  letterFileId?: string;
  /** The chosen session slot once accepted. */
  session?: { start: string };
  notes?: string;
}

/** The one transition function of the advisory request; every event is the lead agency's. */
export function advisoryTransition(from: AdvisoryStatus, event: AdvisoryEvent): { to: AdvisoryStatus; by: 'LEAD_AGENCY' } | undefined {
  switch (event) {
    case 'review':
      return from === 'DIMOHON' ? { to: 'DISEMAK', by: 'LEAD_AGENCY' } : undefined;
    case 'accept':
      return from === 'DIMOHON' || from === 'DISEMAK' ? { to: 'DIJADUALKAN', by: 'LEAD_AGENCY' } : undefined;
    case 'decline':
      return from === 'DIMOHON' || from === 'DISEMAK' ? { to: 'DITOLAK', by: 'LEAD_AGENCY' } : undefined;
    case 'held':
      return from === 'DIJADUALKAN' ? { to: 'SELESAI', by: 'LEAD_AGENCY' } : undefined;
    default:
      return assertNever(event);
  }
}
