import type { DialogContext, DialogState } from 'botbuilder-dialogs';
import type { FormField } from '../../domain/cases/forms.js';
import type { Locale, Person } from '../../domain/people.js';
import { FIELD_PROMPT, WATERFALL } from './apply-dialog.js';
import { checkFieldAnswer } from './field-check.js';
import type { FieldDeps, FormValues } from './fields.js';

/**
 * The application form seen from outside a turn (a helpdesk agent's console): read the request in
 * progress, correct one field with the dialog's own parser. Only this file knows how the apply
 * dialog lays its state out in botbuilder's dialog stack; callers hand over the saved
 * `DialogState` and get data back.
 */

/** The partly filled request of a conversation, as its apply dialog holds it. */
export interface FormDraft {
  values: FormValues;
  /** The field the user is being asked now (`confirm` at the summary). */
  asking?: string;
  mode?: string;
  caseId?: string;
  realm?: string;
  operation?: string;
}

interface Instance {
  id: string;
  state?: Record<string, unknown>;
}

/** Every dialog instance in a dialog state, outer first, inner dialogs after their parent. */
function* instances(stack: unknown): Generator<Instance> {
  if (!Array.isArray(stack)) return;
  for (const inst of stack as Instance[]) {
    yield inst;
    yield* instances((inst.state?.dialogs as { dialogStack?: unknown } | undefined)?.dialogStack);
  }
}

/** The apply dialog's step state (its `values`), the innermost one when forms are nested. */
function stepState(state: DialogState | undefined): Record<string, unknown> | undefined {
  let found: Record<string, unknown> | undefined;
  for (const inst of instances(state?.dialogStack)) {
    const values = inst.state?.values as Record<string, unknown> | undefined;
    if (inst.id === WATERFALL && values?.mode) found = values;
  }
  return found;
}

/** The request in progress in a conversation's dialog state; undefined when no form is open. */
export function readDraft(state: DialogState | undefined): FormDraft | undefined {
  const s = stepState(state);
  if (!s) return undefined;
  let asking = s.pending as string | undefined;
  for (const inst of instances(state?.dialogStack)) {
    if (inst.id === FIELD_PROMPT && typeof inst.state?.field === 'string') asking = (inst.state.field as string).split(':')[0];
  }
  return {
    values: structuredClone(s.values as FormValues),
    asking,
    mode: s.mode as string,
    caseId: s.caseId as string | undefined,
    realm: s.realm as string | undefined,
    operation: s.operation as string | undefined,
  };
}

/**
 * Sets one field in place: the step state the dialog submits from, and the copy an open summary
 * prompt shows, so the re-asked summary shows the corrected value.
 */
function setValue(state: DialogState, field: FormField, value: unknown): void {
  (stepState(state)!.values as Record<string, unknown>)[field] = value;
  for (const inst of instances(state.dialogStack)) {
    const data = inst.state?.data as { values?: Record<string, unknown> } | undefined;
    if (inst.id === FIELD_PROMPT && inst.state?.field === 'confirm' && data?.values) data.values[field] = value;
  }
}

/**
 * The outcome of a correction: the parsed value and the draft after it, or why not: no form open
 * (`NO_FORM`), a field agents may not correct (`NOT_CORRECTABLE`), or the dialog's own parser
 * refused the answer (`INVALID`, with the parser's catalog `key` and its reason in `locale`).
 */
export type Correction =
  | { ok: true; value: unknown; draft: FormDraft }
  | { ok: false; code: 'NO_FORM' }
  | { ok: false; code: 'NOT_CORRECTABLE' | 'INVALID'; key: string; reason: string };

/**
 * Corrects `field` of the open form with `answer` read exactly as if the user had typed it (the
 * dialog's own parser), changing `state` in place; the caller saves it. Nothing changes on a refusal.
 */
export async function correctField(
  state: DialogState | undefined,
  field: FormField,
  answer: string,
  opts: { deps: FieldDeps; locale: Locale; person: Person },
): Promise<Correction> {
  if (!state || !stepState(state)) return { ok: false, code: 'NO_FORM' };
  const checked = await checkFieldAnswer(opts.deps, field, answer, { locale: opts.locale, person: opts.person });
  if (!checked.ok)
    return { ok: false, code: checked.key === 'NOT_CORRECTABLE' ? 'NOT_CORRECTABLE' : 'INVALID', key: checked.key, reason: checked.reason };
  setValue(state, field, checked.value);
  return { ok: true, value: checked.value, draft: readDraft(state)! };
}

/**
 * Continues the form after someone else corrected it: when the open question is one of the
 * `corrected` fields it is not asked again (the form moves on with the corrected value);
 * otherwise the open question is asked again.
 */
export async function resumeDraft(dc: DialogContext, corrected: readonly string[]): Promise<void> {
  const inner = dc.child;
  const field = inner?.activeDialog?.id === FIELD_PROMPT ? (inner.activeDialog.state.field as string) : undefined;
  const value = field ? (readDraft({ dialogStack: dc.stack })?.values as Record<string, unknown> | undefined)?.[field] : undefined;
  if (inner && field && value !== undefined && corrected.includes(field)) return void (await inner.endDialog(value));
  await dc.repromptDialog();
}
