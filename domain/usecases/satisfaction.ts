import type { Case } from '../cases/case.js';
import { isRevocation } from '../cases/operations.js';
import { DomainError } from '../errors.js';
import { fail, ok, type Result } from '../result.js';
import { maskMyKadInText } from '../rules/mykad.js';
import type { CoreDeps } from './deps.js';
import { recordEvent } from './transition.js';

/** One person's answer to "how was the service?", kept on the case it is about. */
export interface Satisfaction {
  /** 1 (very dissatisfied) to 5 (very satisfied). */
  score: number;
  comment?: string;
  at: string;
}

export type RateError = 'CASE_NOT_FOUND' | 'NOT_YOURS' | 'NOT_ALLOWED_NOW' | 'SCORE_INVALID';

export const COMMENT_MAX = 500;

/** Whether a case has reached the point where its applicant is asked: a ticket resolved, a certificate issued. */
export function mayRate(c: Case<unknown>): boolean {
  if (c.kind === 'AD') return c.timeline.some((e) => e.event === 'resolved' || e.event === 'visitReportResolved');
  if (c.kind === 'KN') return false;
  return !isRevocation(c) && c.timeline.some((e) => e.event === 'issued' || e.event === 'keyGenerated');
}

export function satisfactionOf(c: Case<unknown>): Satisfaction | undefined {
  const s = (c.data as { satisfaction?: Satisfaction } | undefined)?.satisfaction;
  return s && Number.isInteger(s.score) && s.score >= 1 && s.score <= 5 ? s : undefined;
}

/**
 * The applicant's rating of a resolved ticket or an issued certificate: optional, never blocking;
 * a second answer replaces the first. A MyKad number typed in the comment is masked before it is
 * kept. A concurrent change to the case is retried, so a rating is never lost to one.
 */
export async function rateService(
  deps: Pick<CoreDeps, 'cases' | 'clock'>,
  input: { caseId: string; actorId: string; score: number; comment?: string },
): Promise<Result<Case<unknown>, RateError>> {
  if (!Number.isInteger(input.score) || input.score < 1 || input.score > 5) return fail('SCORE_INVALID');
  const comment = maskMyKadInText((input.comment ?? '').trim()).slice(0, COMMENT_MAX);
  for (let attempt = 0; ; attempt++) {
    const c = await deps.cases.get(input.caseId);
    if (!c) return fail('CASE_NOT_FOUND');
    if (c.applicantId !== input.actorId) return fail('NOT_YOURS');
    if (!mayRate(c)) return fail('NOT_ALLOWED_NOW');
    const satisfaction: Satisfaction = { score: input.score, ...(comment ? { comment } : {}), at: deps.clock.now().toISOString() };
    try {
      const saved = await recordEvent(deps, c, {
        event: 'rated',
        actorId: input.actorId,
        note: `${input.score}/5`,
        patch: { data: { ...c.data, satisfaction } },
      });
      return ok(saved);
    } catch (e) {
      if (!(e instanceof DomainError && e.code === 'CASE_STALE') || attempt >= 4) throw e;
    }
  }
}
