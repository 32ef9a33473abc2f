import type { TurnContext } from 'botbuilder';
import { isDomainError } from '../../domain/errors.js';
import type { Locale } from '../../domain/people.js';
import type { Directory } from '../../domain/ports/directory.js';
import { t } from '../../ui/i18n/index.js';
import { LOCALE_KEY } from '../../ui/turn.js';

/**
 * The MongoDB driver's classes for "no server answered" (no primary within the selection timeout,
 * a dropped or timed-out connection): the store is away, not the request wrong. Told by class name
 * because the driver is loaded only in the scaled-out mode.
 */
const MONGO_UNAVAILABLE = new Set([
  'MongoServerSelectionError',
  'MongoNetworkError',
  'MongoNetworkTimeoutError',
  'MongoNotConnectedError',
  'MongoTopologyClosedError',
]);

/** The coded error every adapter throws when a service the bot needs (Redis, the store) does not answer. */
export function isInfraUnavailable(e: unknown): boolean {
  if (isDomainError(e)) return e.code === 'INFRA_UNAVAILABLE';
  return e instanceof Error && MONGO_UNAVAILABLE.has(e.name);
}

export interface UnavailableReplyDeps {
  directory: Directory;
  defaultLocale: Locale;
  /** How long the person's language is looked for (default 1000 ms): the reply must come within seconds. */
  lookupMs?: number;
}

/**
 * "Temporarily unavailable, nothing you entered is lost" for a turn that could not run. An outage
 * often strikes before the turn knows the person (the conversation lock and the duplicate check come
 * first), so their language is looked up here, briefly; when that fails too, the reply is in both
 * languages, Malay first.
 */
export async function unavailableReply(ctx: TurnContext, deps: UnavailableReplyDeps): Promise<string> {
  const known = ctx.turnState.get(LOCALE_KEY) as Locale | undefined;
  const locale = known ?? (await lookupLocale(ctx, deps));
  if (locale) return t(locale, 'error.unavailable');
  return `${t('ms', 'error.unavailable')}\n\n${t('en', 'error.unavailable')}`;
}

async function lookupLocale(ctx: TurnContext, deps: UnavailableReplyDeps): Promise<Locale | undefined> {
  const { channelId, from } = ctx.activity;
  if (!channelId || !from?.id) return undefined;
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), deps.lookupMs ?? 1000)));
  try {
    const person = await Promise.race([deps.directory.findByIdentity({ channelId, userId: from.id }), late]);
    return person ? (person.locale ?? deps.defaultLocale) : undefined;
  } catch {
    return undefined;
  } finally {
    clearTimeout(timer);
  }
}
