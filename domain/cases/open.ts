import { assertNever } from '../errors.js';
import { isOneOf } from '../lists.js';
import type { AdvisoryStatus } from './advisory.js';
import type { Case } from './case.js';
import { TICKET_OPEN } from './complaint.js';
import { isClosed } from './lifecycle.js';
import { isServerClosed } from './server-certificate.js';

/** Advisory requests end declined or held (advisoryTransition takes no event from either). */
const ADVISORY_TERMINAL: readonly AdvisoryStatus[] = ['DITOLAK', 'SELESAI'];

/**
 * Whether a case is still in progress: not in a terminal status of its own lifecycle (a resolved
 * complaint stays open until it is closed, as TICKET_OPEN says). What "my application, where is
 * it?" lists.
 */
export function isOpenCase(c: Pick<Case<unknown>, 'kind' | 'data' | 'status'>): boolean {
  switch (c.kind) {
    case 'UC':
    case 'TC':
      return !isClosed(c);
    case 'SC':
      return !isServerClosed(c);
    case 'AD':
      return isOneOf(TICKET_OPEN, c.status);
    case 'KN':
      return !isOneOf(ADVISORY_TERMINAL, c.status);
    default:
      return assertNever(c.kind);
  }
}
