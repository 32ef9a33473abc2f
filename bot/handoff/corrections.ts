import type { HandoffRecord } from '../../domain/ports/handoff-repository.js';
import type { Locale } from '../../domain/people.js';
import { tDynamic } from '../../ui/i18n/index.js';

/**
 * An agent's correction of a form field is kept as a note `field → value` on the handoff record:
 * written and read here only (the domain handoff of the architecture issue would make it data).
 */
const ARROW = ' → ';

export const correctionNote = (field: string, shown: string): string => `${field}${ARROW}${shown}`;

/** The corrections `agentId` made while the conversation was theirs, oldest first. */
export function correctionsOf(record: HandoffRecord, agentId: string): { field: string; value: string }[] {
  return record.notes
    .filter((n) => n.agentId === agentId && n.at >= (record.takenAt ?? '') && n.text.includes(ARROW))
    .map((n) => {
      const [field, ...rest] = n.text.split(ARROW);
      return { field: field!, value: rest.join(ARROW) };
    });
}

/** "E-mel rasmi: aminah@moh.gov.my; …": the form's own field labels, never the field's code. */
export function correctionsText(locale: Locale, fixes: { field: string; value: string }[]): string {
  return fixes.map((f) => `${tDynamic(locale, `field.${f.field}`, 'system')}: ${f.value}`).join('; ');
}

/** The field and value of a correction note; undefined for an agent's ordinary note. */
export function parseCorrection(text: string): { field: string; value: string } | undefined {
  const i = text.indexOf(ARROW);
  return i > 0 ? { field: text.slice(0, i), value: text.slice(i + ARROW.length) } : undefined;
}
