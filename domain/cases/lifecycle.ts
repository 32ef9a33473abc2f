import { assertNever } from '../errors.js';
import type { Case } from './case.js';
import { operationOf, type Operation } from './operations.js';
import {
  REPLACEMENT_EVENTS,
  REPLACEMENT_TERMINAL,
  replacementTransition,
  type ReplacementEvent,
  type ReplacementStatus,
} from './replacement.js';
import { REVOCATION_EVENTS, REVOCATION_TERMINAL, revocationTransition, type RevocationEvent, type RevocationStatus } from './revocation.js';
import { USER_CERT_TERMINAL, userCertTransition, type Actor, type UserCertEvent, type UserCertStatus } from './user-certificate.js';

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
 * replacements have their own. Training cases use the same lifecycles in their own realm.
 */
export function transitionOf(op: Operation, from: string, event: CertEvent): { to: string; by: Actor } | undefined {
  switch (op) {
    case 'new':
    case 'renew':
      return (APPLICATION_EVENTS as readonly string[]).includes(event)
        ? userCertTransition(from as UserCertStatus, event as UserCertEvent)
        : undefined;
    case 'revoke':
      return (REVOCATION_EVENTS as readonly string[]).includes(event)
        ? revocationTransition(from as RevocationStatus, event as RevocationEvent)
        : undefined;
    case 'replace':
      return (REPLACEMENT_EVENTS as readonly string[]).includes(event)
        ? replacementTransition(from as ReplacementStatus, event as ReplacementEvent)
        : undefined;
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
  if (op === 'revoke') return (REVOCATION_TERMINAL as readonly string[]).includes(c.status);
  if (op === 'replace') return (REPLACEMENT_TERMINAL as readonly string[]).includes(c.status);
  return (USER_CERT_TERMINAL as readonly string[]).includes(c.status);
}
