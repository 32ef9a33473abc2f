import type { Locale } from '../../domain/people.js';
import { en } from './en.js';
import { ms } from './ms.js';

export type MessageKey = keyof typeof ms;
export type Params = Record<string, string | number | undefined>;

const CATALOGS: Record<Locale, Record<MessageKey, string>> = { ms, en };

export function isMessageKey(key: string): key is MessageKey {
  return Object.prototype.hasOwnProperty.call(ms, key);
}

/** The message for `key` in `locale`, with `{name}` placeholders filled. */
export function t(locale: Locale, key: MessageKey, params: Params = {}): string {
  const template = CATALOGS[locale][key] ?? ms[key];
  return template.replace(/\{(\w+)\}/g, (m, name: string) => (params[name] === undefined ? m : String(params[name])));
}

/**
 * Like `t` for keys built at run time from a value that is not an error (`status.${status}`,
 * `field.${field}`); falls back to `fallback`. An error code's message comes from ui/errors.ts.
 */
export function tDynamic(locale: Locale, key: string, fallback: MessageKey, params: Params = {}): string {
  return t(locale, isMessageKey(key) ? key : fallback, params);
}
