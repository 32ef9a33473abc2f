import { CASE_KINDS, type Case, type CaseKind } from './case.js';

/**
 * The case events: what happened to a case, published on the EventBus when it is recorded (see
 * `publishingCases`, domain/usecases/case-events.ts). Listeners (the agent consoles) subscribe to
 * {@link CASE_EVENTS_TOPIC} and tell kinds, statuses and events from these fields, never from a
 * case number, a notice or a key string. Messages are plain JSON, as every bus carries them.
 */
export const CASE_EVENTS_TOPIC = 'cases';

/**
 * A case was created or changed: one per committed write, so one per version (a create is version
 * 1). Every write appends one timeline entry (`recordEvent`), whose event name `event` carries.
 */
export type CaseChanged = {
  type: 'caseChanged';
  caseId: string;
  kind: CaseKind;
  /** The status after the change. */
  status: string;
  /** The timeline entry's event name (`lodged`, `acknowledged`, `issued`, ...). */
  event: string;
  /** Who made the change: a person id, or `system` for jobs. */
  actorId: string;
  /** The case's version after the change. */
  version: number;
  /** ISO-8601 instant of the change. */
  at: string;
};

/** Every case event (one kind for now). */
export type CaseEvent = CaseChanged;

/** The event of a case as just stored: its newest timeline entry, its status and its version. */
export function caseChangedOf(c: Case<unknown>): CaseChanged {
  const last = c.timeline.at(-1);
  return {
    type: 'caseChanged',
    caseId: c.id,
    kind: c.kind,
    status: c.status,
    event: last?.event ?? '',
    actorId: last?.actorId ?? '',
    version: c.version,
    at: last?.at ?? c.updatedAt,
  };
}

/** A message from {@link CASE_EVENTS_TOPIC} as a case event; undefined for anything else (an older or malformed message). */
export function caseEventOf(m: Record<string, unknown>): CaseEvent | undefined {
  if (m.type !== 'caseChanged') return undefined;
  const { caseId, kind, status, event, actorId, version, at } = m;
  const texts = [caseId, status, event, actorId, at];
  if (!texts.every((t) => typeof t === 'string') || typeof version !== 'number') return undefined;
  if (!CASE_KINDS.includes(kind as CaseKind)) return undefined;
  return m as CaseChanged;
}
