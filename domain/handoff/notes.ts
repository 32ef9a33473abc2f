import { isFormField, type FormField } from '../cases/forms.js';
import type { HandoffCorrection, HandoffNote, HandoffRecord } from '../ports/handoff-repository.js';

/** The text the previous version stored for a correction: `field → value`. */
const LEGACY_ARROW = ' → ';

/** An agent's correction of a form field, as the record keeps it (the value as shown: a MyKad masked). */
export const correctionNote = (c: { at: string; agentId: string; field: FormField; value: string }): HandoffCorrection => ({
  kind: 'correction',
  at: c.at,
  agentId: c.agentId,
  field: c.field,
  value: c.value,
});

/**
 * One stored note as the domain reads it. Records written before corrections were data hold a
 * correction as a note whose text is `field → value` (with no `kind`); it is read as the
 * correction it was. Any other note is a plain note, as stored.
 */
export function noteFromStored(raw: {
  kind?: unknown;
  at: string;
  agentId: string;
  text?: unknown;
  field?: unknown;
  value?: unknown;
}): HandoffNote {
  if (raw.kind === 'correction' && isFormField(raw.field))
    return correctionNote({ at: raw.at, agentId: raw.agentId, field: raw.field, value: String(raw.value ?? '') });
  const text = typeof raw.text === 'string' ? raw.text : '';
  if (raw.kind == null) {
    const i = text.indexOf(LEGACY_ARROW);
    const field = i > 0 ? text.slice(0, i) : undefined;
    if (isFormField(field)) return correctionNote({ at: raw.at, agentId: raw.agentId, field, value: text.slice(i + LEGACY_ARROW.length) });
  }
  return { ...(raw.kind === 'note' ? { kind: 'note' as const } : {}), at: raw.at, agentId: raw.agentId, text };
}

export const isCorrection = (n: HandoffNote): n is HandoffCorrection => n.kind === 'correction';

/** The corrections `agentId` made while the conversation was theirs (since it was last taken), oldest first. */
export function correctionsBy(record: Pick<HandoffRecord, 'notes' | 'takenAt'>, agentId: string): HandoffCorrection[] {
  return record.notes.filter(isCorrection).filter((n) => n.agentId === agentId && n.at >= (record.takenAt ?? ''));
}
