import type { Case } from '../../domain/cases/case.js';
import { isFormField } from '../../domain/cases/forms.js';
import { isOpenCase } from '../../domain/cases/open.js';
import type { Locale } from '../../domain/people.js';
import type { CaseRepository } from '../../domain/ports/case-repository.js';
import type { HandoffNote, HandoffRecord } from '../../domain/ports/handoff-repository.js';
import { t, tDynamic, type Params } from '../../ui/i18n/index.js';
import type { FormDraft } from '../../dialogs/user-certificate/form-api.js';

/**
 * What the agent console shows in words, from the ms and en catalogs: every label the server
 * sends is given in both console languages and the browser shows the one the agent chose, so no
 * field code, status code or internal name reaches the screen.
 */

/** A text in both console languages. */
export type Bilingual = Record<Locale, string>;
const LOCALES: Locale[] = ['ms', 'en'];

/** The same catalog message in Malay and English. */
export function bilingual(render: (locale: Locale) => string): Bilingual {
  return Object.fromEntries(LOCALES.map((l) => [l, render(l)])) as Bilingual;
}

/** A catalog key built at run time, in both languages ('system' when the catalog has no such key). */
export const labelOf = (key: string, params: Params = {}): Bilingual => bilingual((l) => tDynamic(l, key, 'system', params));

export const fieldLabel = (field: string): Bilingual => labelOf(`field.${field}`);

/** The form fields an agent may correct, with their labels (the correction select). */
export const fieldChoices = (fields: readonly string[]) => fields.map((field) => ({ field, label: fieldLabel(field) }));

/** One of the person's cases still in progress, as the console lists it. */
export interface OpenCaseView {
  id: string;
  kind: string;
  kindLabel: Bilingual;
  status: string;
  statusLabel: Bilingual;
  updatedAt: string;
}

/** The person's cases still in progress (domain/cases/open.ts), the most recently changed first. */
export async function openCasesOf(cases: Pick<CaseRepository, 'listByApplicant'>, personId: string): Promise<OpenCaseView[]> {
  const open = (await cases.listByApplicant(personId)).filter(isOpenCase) as Case[];
  return open
    .sort((a, b) => b.updatedAt.localeCompare(a.updatedAt) || b.id.localeCompare(a.id))
    .slice(0, 20)
    .map((c) => ({
      id: c.id,
      kind: c.kind,
      kindLabel: labelOf(`console.kind.${c.kind}`),
      status: c.status,
      statusLabel: labelOf(`status.${c.status}`),
      updatedAt: c.updatedAt,
    }));
}

/** One value of the request in progress, with its label. */
export interface FieldShown {
  field: string;
  label: Bilingual;
  value: Bilingual;
}

/** The request in progress in words: the step asked now and each value given so far. */
export function formShown(form: FormDraft, agencyName?: string): { asking?: Bilingual; fields: FieldShown[] } {
  const asking = form.asking;
  const askingLabel = !asking
    ? undefined
    : isFormField(asking)
      ? fieldLabel(asking)
      : asking === 'confirm'
        ? labelOf('console.value.confirm')
        : labelOf('console.step.other');
  const fields = Object.entries(form.values as Record<string, unknown>)
    .filter(([, v]) => v !== undefined && v !== null && v !== '')
    .map(([field, v]) => ({
      field,
      label: isFormField(field) ? fieldLabel(field) : labelOf('console.step.other'),
      value: bilingual((l) => valueText(l, field, v, agencyName)),
    }));
  return { ...(askingLabel ? { asking: askingLabel } : {}), fields };
}

function valueText(locale: Locale, field: string, v: unknown, agencyName?: string): string {
  if (field === 'agency' && typeof v === 'string') return agencyName ?? v;
  if (field === 'medium' && typeof v === 'string') return tDynamic(locale, `medium.${v}`, 'system');
  if (typeof v === 'boolean') return t(locale, v ? 'console.value.yes' : 'console.value.no');
  if (Array.isArray(v)) return v.map(String).join(', ');
  if (v && typeof v === 'object' && 'size' in v)
    return t(locale, 'console.value.file', { size: Math.max(1, Math.round(Number((v as { size: number }).size) / 1024)) });
  return String(v);
}

/** An agent's note in words: a correction names the field by its label. */
export function noteShown(note: HandoffNote): Bilingual {
  if (note.kind !== 'correction') return bilingual(() => note.text);
  return bilingual((l) => t(l, 'console.correction', { field: tDynamic(l, `field.${note.field}`, 'system'), value: note.value }));
}

/** The handoff's state and reason in words, for the queue. */
export function handoffLabels(r: HandoffRecord, agentName?: string): { statusLabel: Bilingual; reasonLabel: Bilingual } {
  return {
    statusLabel: labelOf(`console.handoff.${r.status}`, { agent: agentName ?? '' }),
    reasonLabel: labelOf(`console.reason.${r.reason}`),
  };
}

/** A language's name in both console languages. */
export const localeLabel = (locale: Locale): Bilingual => labelOf(`console.locale.${locale}`);
