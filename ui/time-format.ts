import type { Locale } from '../domain/people.js';
import { malaysiaParts } from '../domain/rules/malaysia-time.js';
import { t } from './i18n/index.js';

/**
 * The one way a time is shown to a person (chat, cards, the download page): Malaysian time with
 * its label, e.g. "21/05/2026 17:45 (waktu Malaysia)" / "21/05/2026 17:45 (Malaysia time)"; '-'
 * when there is none. Instants are stored in UTC; the server's own time zone never matters.
 */
export function timeText(locale: Locale, at: Date | string | undefined): string {
  if (at === undefined || at === '' || Number.isNaN(new Date(at).getTime())) return '-';
  return t(locale, 'time.at', malaysiaParts(at));
}

/** A calendar day ("dd/MM/yyyy"), the Malaysian day of the instant (an expiry at 20:00 UTC is the next day there). */
export function dateText(at: Date | string | undefined): string {
  if (at === undefined || at === '' || Number.isNaN(new Date(at).getTime())) return '-';
  return malaysiaParts(at).date;
}
