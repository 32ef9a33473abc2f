import { CONCEPTS, SHORT_FORMS, STOPWORDS } from './lexicon.js';
import { features, normalise } from './normalise.js';

/** The concepts a typo is corrected into: the requests' own verbs and objects, all long and rare words in everyday text. */
const TARGETS = new Set([
  '#cert',
  '#user',
  '#server',
  '#training',
  '#medium',
  '#apply',
  '#renew',
  '#expire',
  '#revoke',
  '#cancel',
  '#replace',
  '#lost',
  '#damaged',
  '#status',
  '#complaint',
  '#problem',
  '#error',
  '#blocked',
  '#onsite',
  '#advice',
  '#session',
  '#help',
  '#agent',
  '#privkey',
  '#leaked',
  '#code',
  '#login',
  '#download',
  '#upload',
  '#approve',
  '#approved',
  '#talk',
  '#process',
  '#lang',
  '#withdraw',
  '#govapp',
  '#submitted',
  '#tasks',
  '#greet',
  '#sign',
  '#please',
]);

/** What a correction into a stop word reads as: nothing (the word is dropped, not counted as unknown). */
export const STOP = '#stop';

/**
 * Typos of the lexicon's words, in the two shapes chat typing takes:
 *
 * - **Dropped vowels and doubled letters** ("sjil", "nasht", "tugsan", "pelyan", "reqest", "certficate",
 *   "reneww", "asalamualaikum"): SMS Malay writes words by their consonants. A word the model never
 *   saw whose letters are those of a lexicon word with some vowels left out (and doubled letters
 *   single or doubled), the same first letter and the same consonants in the same order, is read
 *   as that word. Every word of the lexicon of four letters or more is a target (concepts of
 *   every sense, short forms' full words, stop words): the consonants pin the word down, and real
 *   words rarely differ from another only by missing vowels.
 * - **One edit** (insertion, deletion, substitution or swap of neighbours: "sijli", "renw", "tokne",
 *   "batalkn"), into a word of five letters or more of the requests' own concepts only (of four
 *   letters, only the swap of the middle two: "tset", "hlep"; "lots" is not "lost"): Malay and
 *   English are full of real word pairs one letter apart ("lapor"/"lapar", "murah"/"merah",
 *   "prime"/"price") that must stay themselves; an unknown word already leans out of scope.
 *
 * A target stands for what the normaliser makes of it (features(normalise(word))): "certificate"
 * → `#cert`, "pelayan" → `#server`, a stop word ("please", "untuk") → STOP. A word with no single
 * reading among its candidates stays unknown (`#oov`), which is evidence of its own (model.ts).
 *
 * Both look-ups are hashes: the consonant skeleton for dropped vowels, symmetric deletes (as in
 * SymSpell) for one edit; a query costs one look-up per letter of the word (a few microseconds).
 */
export class SpellingCorrector {
  /** One-edit target word → its reading. */
  private readonly words = new Map<string, string[]>();
  /** A one-edit target word or one of its one-letter deletions → the target words it came from. */
  private readonly deletes = new Map<string, string[]>();
  /** Consonant skeleton → the abbreviation targets with that skeleton, with their readings. */
  private readonly skeletons = new Map<string, { word: string; reading: string[] }[]>();
  /** Four-letter request words ("test", "help", "user"), corrected from a swap of their middle letters only ("tset", "hlep"). */
  private readonly short = new Map<string, string[]>();
  /** The lexicon's own words, concepts and stop words (a query equal to one is no typo). */
  private readonly lexicon = new Set<string>();

  constructor(readingOf: (word: string) => string[] = readingOfWord) {
    const words = new Set([...Object.keys(CONCEPTS), ...Object.keys(SHORT_FORMS), ...STOPWORDS].filter(isWord));
    for (const word of words) {
      if (CONCEPTS[word] || STOPWORDS.has(word)) this.lexicon.add(word);
      const read = STOPWORDS.has(word) ? [] : readingOf(word);
      const reading = read.length ? read : [STOP];
      const readsAsStop = reading.length === 1 && reading[0] === STOP;
      if (word.length >= MIN_ABBREVIATED) {
        const key = skeleton(word);
        const list = this.skeletons.get(key) ?? [];
        list.push({ word, reading });
        this.skeletons.set(key, list);
      }
      const domain = reading.some((c) => TARGETS.has(c));
      if (word.length >= MIN_TARGET && (readsAsStop || domain)) this.add(word, reading);
      else if (word.length === MIN_TARGET - 1 && domain) this.short.set(word, reading);
    }
  }

  private add(word: string, reading: string[]): void {
    this.words.set(word, reading);
    for (const d of [word, ...deletions(word)]) {
      const list = this.deletes.get(d);
      if (!list) this.deletes.set(d, [word]);
      else if (!list.includes(word)) list.push(word);
    }
  }

  /**
   * What a misspelt word stands for (concepts or words, or [STOP]); undefined when it is a word of
   * the lexicon, nothing is near it, or the candidates disagree.
   */
  correct(word: string): string[] | undefined {
    if (!isWord(word) || this.lexicon.has(word)) return undefined;
    if (word.length >= MIN_ABBREVIATION) {
      const found = agree((this.skeletons.get(skeleton(word)) ?? []).filter((t) => abbreviates(word, t.word)).map((t) => t.reading));
      if (found !== undefined) return found || undefined;
    }
    if (word.length < MIN_QUERY) return undefined;
    if (word.length === MIN_QUERY) {
      const swapped = this.short.get(word[0]! + word[2]! + word[1]! + word[3]!);
      if (swapped) return swapped;
    }
    const candidates = new Set<string>();
    for (const d of [word, ...deletions(word)]) for (const w of this.deletes.get(d) ?? []) candidates.add(w);
    // People rarely mistype the first letter.
    return agree([...candidates].filter((c) => c[0] === word[0] && withinOneEdit(word, c)).map((c) => this.words.get(c)!)) || undefined;
  }
}

/** What the normaliser makes of a lexicon word on its own (without the `#plain` default). */
function readingOfWord(word: string): string[] {
  return features(normalise(word)).filter((f) => f !== '#plain');
}

/** The one reading all candidates share; undefined when there is none, false when they disagree. */
function agree(readings: string[][]): string[] | false | undefined {
  if (readings.length === 0) return undefined;
  const first = readings[0]!.join(' ');
  return readings.every((r) => r.join(' ') === first) ? readings[0]! : false;
}

// Four letters and up: below that one edit turns most words into another ("tol" → "tok", "bas" → "bps").
const MIN_QUERY = 4;
// Corrected only into words of five letters or more: a short word is one edit from too many others
// ("cost" is not "lost", "many" not "mana", "blank" not "bank").
const MIN_TARGET = 5;
// Abbreviations: three letters or more ("sjl", "hlp", "btl"), of a word of four or more.
const MIN_ABBREVIATION = 3;
const MIN_ABBREVIATED = 4;

const isWord = (w: string): boolean => /^[a-z]+$/.test(w);
const isVowel = (c: string | undefined): boolean => c === 'a' || c === 'e' || c === 'i' || c === 'o' || c === 'u';
/** Runs of one letter as one ("reneww" → "renew", "support" → "suport"). */
const single = (w: string): string => w.replace(/(.)\1+/g, '$1');
/** The first letter and the consonants after it, doubled letters single: "nasihat" → "nsht", "assalamualaikum" → "aslmlkm". */
const skeleton = (w: string): string => {
  const s = single(w);
  return s[0] + s.slice(1).replace(/[aeiou]/g, '');
};

/** Whether `query` is `target` with some vowels left out (doubled letters read as single); their skeletons already agree. */
function abbreviates(query: string, target: string): boolean {
  const q = single(query);
  const t = single(target);
  if (q.length > t.length || q[0] !== t[0]) return false;
  let j = 0;
  for (let i = 0; i < t.length; i++) {
    if (t[i] === q[j]) j++;
    else if (!isVowel(t[i])) return false;
  }
  return j === q.length;
}

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
