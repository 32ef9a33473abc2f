import { assertNever } from '../errors.js';
import { isOneOf } from '../lists.js';
import type { Case } from './case.js';
import { operationOf, type Operation } from './operations.js';
import {
  isReplacementStatus,
  REPLACEMENT_EVENTS,
  REPLACEMENT_TERMINAL,
  replacementTransition,
  type ReplacementEvent,
} from './replacement.js';
import { isRevocationStatus, REVOCATION_EVENTS, REVOCATION_TERMINAL, revocationTransition, type RevocationEvent } from './revocation.js';
import { isUserCertStatus, USER_CERT_TERMINAL, userCertTransition, type Actor, type UserCertEvent } from './user-certificate.js';

const APPLICATION_EVENTS: readonly UserCertEvent[] = [
  'route',
  'return',
  'resubmit',
  'approve',
  'reject',
  'withdraw',
  'sendToCa',
  'issued',
  'caRefused',
];

/** Every event of every certificate lifecycle. */
export type CertEvent = UserCertEvent | RevocationEvent | ReplacementEvent;

/**
 * The lifecycle of a certificate case by its operation: new applications and renewals share the
 * application lifecycle (a renewal is verified like a new application), revocations and
 * replacements have their own. Training cases use the same lifecycles in their own realm. A status
 * or event that is not the operation's lifecycle's allows nothing.
 */
export function transitionOf(op: Operation, from: string, event: CertEvent): { to: string; by: Actor } | undefined {
  switch (op) {
    case 'new':
    case 'renew':
      return isUserCertStatus(from) && isOneOf(APPLICATION_EVENTS, event) ? userCertTransition(from, event) : undefined;
    case 'revoke':
      return isRevocationStatus(from) && isOneOf(REVOCATION_EVENTS, event) ? revocationTransition(from, event) : undefined;
    case 'replace':
      return isReplacementStatus(from) && isOneOf(REPLACEMENT_EVENTS, event) ? replacementTransition(from, event) : undefined;
    default:
      return assertNever(op);
  }
}

/** Whether `event` is allowed on the case now. */
export function canTransition(c: Pick<Case<unknown>, 'data' | 'status'>, event: CertEvent): boolean {
  return transitionOf(operationOf(c), c.status, event) !== undefined;
}

/** The status `event` leads to; a disallowed event is a bug in the caller, so it throws. */
export function nextStatus(c: Pick<Case<unknown>, 'data' | 'status' | 'id'>, event: CertEvent): string {
  const rule = transitionOf(operationOf(c), c.status, event);
  if (!rule) throw new Error(`${c.id ?? 'case'}: ${event} not allowed from ${c.status} (${operationOf(c)})`);
  return rule.to;
}

/** A case in a terminal status takes no further events. */
export function isClosed(c: Pick<Case<unknown>, 'data' | 'status'>): boolean {
  const op = operationOf(c);
  if (op === 'revoke') return isOneOf(REVOCATION_TERMINAL, c.status);
  if (op === 'replace') return isOneOf(REPLACEMENT_TERMINAL, c.status);
  return isOneOf(USER_CERT_TERMINAL, c.status);
}
