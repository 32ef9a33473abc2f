import type { TurnContext } from 'botbuilder';
import type { Locale, Person } from '../domain/people.js';
import { t, type MessageKey, type Params } from './i18n/index.js';

/** Keys under which the edge's middleware leaves the person and locale of the turn. */
export const PERSON_KEY = Symbol('gpki.person');
export const LOCALE_KEY = Symbol('gpki.locale');

export function personOf(ctx: TurnContext): Person {
  const p = ctx.turnState.get(PERSON_KEY) as Person | undefined;
  if (!p) throw new Error('person not resolved: identity middleware must run first');
  return p;
}

export function localeOf(ctx: TurnContext): Locale {
  return (ctx.turnState.get(LOCALE_KEY) as Locale | undefined) ?? 'ms';
}

export function setLocale(ctx: TurnContext, locale: Locale): void {
  ctx.turnState.set(LOCALE_KEY, locale);
}

/** The catalog message for this turn's language. */
export function say(ctx: TurnContext, key: MessageKey, params?: Params): string {
  return t(localeOf(ctx), key, params);
}

/** Normalised text of the activity (trimmed, lower case), or '' for card submits and files. */
export function textOf(ctx: TurnContext): string {
  return (ctx.activity.text ?? '').trim().toLowerCase();
}

/** Remembers a language choice for the person (the edge persists it to the directory). */
export interface LocalePreferences {
  remember(personId: string, locale: Locale): Promise<void>;
}
