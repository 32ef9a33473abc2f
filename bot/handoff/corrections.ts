import type { Locale } from '../../domain/people.js';
import { tDynamic } from '../../ui/i18n/index.js';

/**
 * An agent's corrections (data on the handoff record) in words for the user at the hand-back:
 * "E-mel rasmi: aminah@moh.gov.my; …", the form's own field labels, never the field's code.
 */
export function correctionsText(locale: Locale, fixes: { field: string; value: string }[]): string {
  return fixes.map((f) => `${tDynamic(locale, `field.${f.field}`, 'system')}: ${f.value}`).join('; ');
}
