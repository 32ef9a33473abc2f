import { CONCEPTS } from './lexicon.js';

/** The concepts a typo is corrected into: the requests' own verbs and objects, all long and rare words in everyday text. */
const TARGETS = new Set(['#cert', '#user', '#server', '#training', '#medium', '#apply', '#renew', '#expire', '#revoke', '#cancel', '#replace', '#lost',
  '#damaged', '#status', '#complaint', '#problem', '#error', '#blocked', '#onsite', '#advice', '#session', '#help', '#agent', '#privkey', '#leaked',
  '#code', '#login', '#download', '#upload', '#approve', '#approved', '#talk', '#process', '#lang', '#withdraw', '#govapp', '#submitted']);

/**
 * Typos of the domain's words ("sijli", "renw", "tokn", "batalkn"): a word the model never saw,
 * one edit (insertion, deletion, substitution or swap of neighbours) away from a word of the
 * lexicon's request concepts, is read as that concept. A word with no such neighbour stays unknown
 * (`#oov`), which is evidence of its own (model.ts): most words outside the domain are nowhere near
 * one inside it.
 *
 * Symmetric-delete look-up (as in SymSpell): every target word is indexed under itself and each
 * of its one-letter deletions, so a query costs one look-up per letter of the word (a few
 * microseconds), whatever the size of the lexicon.
 */
export class SpellingCorrector {
  /** Target word → the concepts it stands for. */
  private readonly words = new Map<string, string[]>();
  /** A target word or one of its one-letter deletions → the target words it came from. */
  private readonly deletes = new Map<string, string[]>();

  /**
   * Corrects only into the domain's own words, the lexicon's request concepts ("batalkan" →
   * #revoke): a misspelt domain word is what matters, and Malay and English are full of real word
   * pairs one letter apart ("lapor"/"lapar", "murah"/"merah", "prime"/"price") that must stay
   * themselves. Everyday senses, office IT, small talk and common words (cost, news) are left out
   * as targets: an unknown word already leans out of scope.
   */
  constructor() {
    for (const [word, concepts] of Object.entries(CONCEPTS)) {
      const domain = concepts.split(' ').filter((c) => TARGETS.has(c));
      if (isWord(word) && word.length >= MIN_TARGET && domain.length) this.add(word, domain);
    }
  }

  private add(word: string, concepts: string[]): void {
    this.words.set(word, concepts);
    for (const d of [word, ...deletions(word)]) {
      const list = this.deletes.get(d);
      if (!list) this.deletes.set(d, [word]);
      else if (!list.includes(word)) list.push(word);
    }
  }

  /** The concepts a misspelt word stands for; undefined when no target is one edit away, or two targets of different concepts are. */
  correct(word: string): string[] | undefined {
    if (word.length < MIN_QUERY || !isWord(word) || this.words.has(word)) return undefined;
    const candidates = new Set<string>();
    for (const d of [word, ...deletions(word)]) for (const w of this.deletes.get(d) ?? []) candidates.add(w);
    let best: string[] | undefined;
    for (const c of candidates) {
      // People rarely mistype the first letter.
      if (c[0] !== word[0] || !withinOneEdit(word, c)) continue;
      const concepts = this.words.get(c)!;
      if (best && best.join() !== concepts.join()) return undefined;
      best = concepts;
    }
    return best;
  }
}

// Four letters and up: below that one edit turns most words into another ("tol" → "tok", "bas" → "bps").
const MIN_QUERY = 4;
// Corrected only into words of five letters or more: a short word is one edit from too many others
// ("cost" is not "lost", "many" not "mana", "blank" not "bank").
const MIN_TARGET = 5;

const isWord = (w: string): boolean => /^[a-z]+$/.test(w);

function deletions(word: string): string[] {
  const out: string[] = [];
  for (let i = 0; i < word.length; i++) out.push(word.slice(0, i) + word.slice(i + 1));
  return out;
}

/** Optimal-string-alignment distance ≤ 1: one insertion, deletion, substitution or adjacent swap. */
export function withinOneEdit(a: string, b: string): boolean {
  if (a === b) return true;
  const la = a.length;
  const lb = b.length;
  if (Math.abs(la - lb) > 1) return false;
  let i = 0;
  while (i < la && i < lb && a[i] === b[i]) i++;
  if (la === lb) {
    if (a.slice(i + 1) === b.slice(i + 1)) return true; // substitution
    return a[i] === b[i + 1] && a[i + 1] === b[i] && a.slice(i + 2) === b.slice(i + 2); // swap
  }
  return la > lb ? a.slice(i + 1) === b.slice(i) : a.slice(i) === b.slice(i + 1);
}
