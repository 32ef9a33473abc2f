import type { FormField } from '../../domain/cases/forms.js';
import type { FormValues } from '../../dialogs/user-certificate/fields.js';
import { FIELD_PROMPT, WATERFALL } from '../../dialogs/user-certificate/apply-dialog.js';

/** The partly filled request of a conversation, as its apply dialog holds it. */
export interface FormInProgress {
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

/** Every dialog instance in a conversation's dialog state, outer first, inner dialogs after their parent. */
function* instances(stack: unknown): Generator<Instance> {
  if (!Array.isArray(stack)) return;
  for (const inst of stack as Instance[]) {
    yield inst;
    yield* instances((inst.state?.dialogs as { dialogStack?: unknown } | undefined)?.dialogStack);
  }
}

function stackOf(conversation: Record<string, unknown> | undefined): unknown {
  return (conversation?.dialogState as { dialogStack?: unknown } | undefined)?.dialogStack;
}

/** The apply dialog's step state (its `values`), the innermost one when forms are nested. */
function stepState(conversation: Record<string, unknown> | undefined): Record<string, unknown> | undefined {
  let found: Record<string, unknown> | undefined;
  for (const inst of instances(stackOf(conversation))) {
    const values = inst.state?.values as Record<string, unknown> | undefined;
    if (inst.id === WATERFALL && values?.mode) found = values;
  }
  return found;
}

/** Reads the request in progress from a conversation's state scope, if a form is open. */
export function formOf(conversation: Record<string, unknown> | undefined): FormInProgress | undefined {
  const s = stepState(conversation);
  if (!s) return undefined;
  let asking = s.pending as string | undefined;
  for (const inst of instances(stackOf(conversation))) {
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
 * Sets one field of the open form, in place: the step state the dialog submits from, and the copy
 * an open summary prompt shows, so the re-asked summary shows the corrected value. False when no form is open.
 */
export function setFormValue(conversation: Record<string, unknown> | undefined, field: FormField, value: unknown): boolean {
  const s = stepState(conversation);
  if (!s) return false;
  (s.values as Record<string, unknown>)[field] = value;
  for (const inst of instances(stackOf(conversation))) {
    const data = inst.state?.data as { values?: Record<string, unknown> } | undefined;
    if (inst.id === FIELD_PROMPT && inst.state?.field === 'confirm' && data?.values) data.values[field] = value;
  }
  return true;
}
