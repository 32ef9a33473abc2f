import type { Locale } from '../people.js';

/** One FAQ entry, in both languages. */
export interface FaqEntry {
  id: string;
  category: string;
  question: Record<Locale, string>;
  answer: Record<Locale, string>;
}

/**
 * The self-help knowledge base. Promises: `search` returns at most `limit` entries, best first,
 * only ones that share meaningful words with the text (an empty list when nothing fits); `get`
 * returns `undefined` for an unknown id.
 */
export interface FaqSearch {
  search(text: string, limit: number): FaqEntry[];
  get(id: string): FaqEntry | undefined;
  size(): number;
}
