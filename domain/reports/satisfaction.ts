import type { Case, CaseKind } from '../cases/case.js';
import { satisfactionOf } from '../usecases/satisfaction.js';
import { monthOf } from './service-levels.js';

/** One rating, with the case it is about. */
export interface SatisfactionRow {
  caseId: string;
  kind: CaseKind;
  agencyId: string;
  /** Malaysian month (YYYY-MM) the rating was given in. */
  month: string;
  score: number;
  comment?: string;
  at: string;
}

export interface SatisfactionFigure {
  month?: string;
  agencyId?: string;
  kind?: CaseKind;
  count: number;
  /** Mean score, two decimals. */
  mean: number;
  /** How many gave 1, 2, 3, 4 and 5. */
  distribution: [number, number, number, number, number];
  caseIds: string[];
}

export function satisfactionRows(cases: readonly Case<unknown>[]): SatisfactionRow[] {
  return cases
    .flatMap((c) => {
      const s = satisfactionOf(c);
      return s
        ? [
            {
              caseId: c.id,
              kind: c.kind,
              agencyId: c.agencyId ?? '',
              month: monthOf(s.at),
              score: s.score,
              ...(s.comment ? { comment: s.comment } : {}),
              at: s.at,
            },
          ]
        : [];
    })
    .sort((a, b) => a.at.localeCompare(b.at));
}

export function summariseSatisfaction(
  rows: readonly SatisfactionRow[],
  by: readonly ('month' | 'agencyId' | 'kind')[] = [],
): SatisfactionFigure[] {
  const groups = new Map<string, SatisfactionRow[]>();
  for (const r of rows) {
    const key = by.map((g) => r[g]).join('|');
    groups.set(key, [...(groups.get(key) ?? []), r]);
  }
  return [...groups.values()]
    .map((list) => {
      const distribution: SatisfactionFigure['distribution'] = [0, 0, 0, 0, 0];
      for (const r of list) distribution[r.score - 1]! += 1;
      const f: SatisfactionFigure = {
        count: list.length,
        mean: Math.round((list.reduce((s, r) => s + r.score, 0) / list.length) * 100) / 100,
        distribution,
        caseIds: list.map((r) => r.caseId).sort(),
      };
      for (const g of by) (f as unknown as Record<string, unknown>)[g] = list[0]![g];
      return f;
    })
    .sort(
      (a, b) =>
        String(a.month ?? '').localeCompare(String(b.month ?? '')) ||
        String(a.agencyId ?? '').localeCompare(String(b.agencyId ?? '')) ||
        String(a.kind ?? '').localeCompare(String(b.kind ?? '')),
    );
}
