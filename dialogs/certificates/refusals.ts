import type { TurnContext } from 'botbuilder';
import { dateText } from '../../ui/time-format.js';
import type { Realm } from '../../domain/cases/operations.js';
import { t, tDynamic } from '../../ui/i18n/index.js';
import { localeOf } from '../../ui/turn.js';
import { sayError } from '../../ui/errors.js';

const DATE_PARAMS = ['opensOn', 'expiresOn', 'expiredOn', 'at'] as const;

export const day = (iso: string | undefined): string => dateText(iso);

/**
 * Why a certificate request was refused and what to do instead, in the user's language: dates
 * as the user reads them, RFC 5280 reasons by their plain names.
 */
export function refusalText(ctx: TurnContext, error: string, params: Record<string, string | number> = {}, realm?: Realm): string {
  const locale = localeOf(ctx);
  const p: Record<string, string | number> = { ...params };
  for (const k of DATE_PARAMS) if (typeof p[k] === 'string' && p[k]) p[k] = day(String(p[k]));
  if (typeof p.reason === 'string' && p.reason) p.reason = tDynamic(locale, `reason.${p.reason}`, 'reason.unspecified');
  return labelled(ctx, realm, sayError(ctx, 'refusal', error, p));
}

/** Every message about a training certificate says it is not for production use. */
export function labelled(ctx: TurnContext, realm: Realm | undefined, text: string): string {
  return realm === 'training' ? `${text} ${t(localeOf(ctx), 'training.tag')}` : text;
}
