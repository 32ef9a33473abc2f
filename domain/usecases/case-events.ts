import type { Case, NewCase } from '../cases/case.js';
import { CASE_EVENTS_TOPIC, caseChangedOf, type CaseChanged } from '../cases/events.js';
import type { AuditInput } from '../ports/audit-log.js';
import type { CaseRepository } from '../ports/case-repository.js';
import type { EventBus } from '../ports/event-bus.js';

/** Told of an event the bus did not take (the change itself is stored). */
export type CaseEventError = (err: unknown, event: CaseChanged) => void;

/**
 * The case repository the use cases get: every successful `create`, `update` and
 * `updateWithAudit` publishes one {@link CaseChanged} on {@link CASE_EVENTS_TOPIC}, after the
 * store has committed the write, so no use case can change a case without its event and no event
 * tells of a change that was not stored (a stale write throws before anything is published). A bus
 * failure never fails the write: it goes to `onError` and the stored case is returned.
 */
export function publishingCases(cases: CaseRepository, bus: EventBus, onError: CaseEventError): CaseRepository {
  return new PublishingCaseRepository(cases, bus, onError);
}

class PublishingCaseRepository implements CaseRepository {
  constructor(
    private readonly cases: CaseRepository,
    private readonly bus: EventBus,
    private readonly onError: CaseEventError,
  ) {}

  async create<D>(c: NewCase<D>): Promise<Case<D>> {
    return this.published(await this.cases.create(c));
  }

  get<D = Record<string, unknown>>(id: string): Promise<Case<D> | undefined> {
    return this.cases.get<D>(id);
  }

  async update<D>(c: Case<D>): Promise<Case<D>> {
    return this.published(await this.cases.update(c));
  }

  async updateWithAudit<D>(c: Case<D>, audit: Omit<AuditInput, 'caseId'>): Promise<Case<D>> {
    return this.published(await this.cases.updateWithAudit(c, audit));
  }

  listByApplicant(applicantId: string): Promise<Case[]> {
    return this.cases.listByApplicant(applicantId);
  }

  listByStatus(statuses: string[], filter?: Parameters<CaseRepository['listByStatus']>[1]): Promise<Case[]> {
    return this.cases.listByStatus(statuses, filter);
  }

  private async published<D>(saved: Case<D>): Promise<Case<D>> {
    const event = caseChangedOf(saved);
    try {
      await this.bus.publish(CASE_EVENTS_TOPIC, event);
    } catch (err) {
      this.onError(err, event);
    }
    return saved;
  }
}
