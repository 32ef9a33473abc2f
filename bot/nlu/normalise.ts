import { isHostName, PATTERNS } from './entities.js';
import { CONCEPTS, OTHER_SENSES, PHRASES, QUESTION_WORDS, SHORT_FORMS, STOPWORDS } from './lexicon.js';

// Entities become placeholder words: "status UC-2026-000001" and "status SC-2025-000777" are the
// same request, and a MyKad number or an address must never become a feature of the model.
const PLACEHOLDERS: [RegExp, (m: string, host?: string) => string][] = [
  [PATTERNS.caseNumber, () => ' _case_ '],
  [PATTERNS.email, () => ' _email_ '],
  [PATTERNS.mykad, () => ' _mykad_ '],
  [PATTERNS.serial, () => ' _serial_ '],
  [PATTERNS.domain, (m, host) => (isHostName((host ?? '').toLowerCase()) ? ' _domain_ ' : m)],
];

// One alternation, longest phrase first, so "sijil digital pengguna" wins over "sijil digital".
const PHRASE_RE = new RegExp(
  `(?<=^| )(${[...PHRASES]
    .sort((a, b) => b.length - a.length)
    .map(escapeRe)
    .join('|')})(?= |$)`,
  'g',
);

/**
 * Chat text → the canonical form the classifier reads: lower case, entities as placeholders,
 * punctuation gone, stretched letters and "sijil2" reduplication undone, short forms expanded
 * ("sy nk" → "saya nak", "x leh" → "tak boleh") and fixed phrases joined ("macam_mana").
 */
export function normalise(text: string): string {
  let s = text.normalize('NFKC');
  for (const [re, word] of PLACEHOLDERS)
    s = s.replace(re, (m: string, host?: unknown) => word(m, typeof host === 'string' ? host : undefined));
  s = s
    .toLowerCase()
    .replace(/[’']/g, '')
    .replace(/[^a-z0-9_]+/g, ' ')
    .replace(/([a-z])\1{2,}/g, '$1')
    .replace(/\b([a-z]{3,})2\b/g, '$1');
  const words: string[] = [];
  for (let w of s.split(' ')) {
    if (!w) continue;
    if (!SHORT_FORMS[w] && !CONCEPTS[w] && !STOPWORDS.has(w)) {
      const stem = withoutClitic(w);
      if (stem && LEXICON_WORDS.has(stem)) w = stem;
    }
    const expanded = SHORT_FORMS[w];
    if (expanded) words.push(...expanded.split(' '));
    else words.push(w);
  }
  return words.join(' ').replace(PHRASE_RE, (m) => m.replace(/ /g, '_'));
}

/**
 * The features of normalised text: stop words and bare numbers dropped, synonyms merged into
 * concepts ("renew", "sambung", "pembaharuan" → `#renew`), every other word kept as itself.
 * A certificate word right next to an everyday sense ("sijil lahir", "SPM certificate", "sijil
 * kursus", "certificate of attendance") is `#othercert`: a certificate, but not a GPKI one.
 */
export function features(normalised: string): string[] {
  const out: string[] = [];
  const words = normalised.split(' ');
  for (let i = 0; i < words.length; i++) {
    const w = words[i]!;
    if (!w || STOPWORDS.has(w) || /^\d+$/.test(w)) continue;
    let concept = CONCEPTS[w];
    if (concept === '#cert' && isOtherCertificate(words, i)) concept = '#othercert';
    if (concept) {
      for (const c of concept.split(' ')) if (!out.includes(c)) out.push(c);
    } else if (!out.includes(w)) out.push(w);
  }
  // Bayes only weighs the words present, so "which certificate" needs a word of its own when
  // nothing names a server or a training certificate: the user certificate is the default.
  if (!out.includes('#server') && !out.includes('#training')) out.push('#plain');
  return out;
}

/** Whether the certificate word at `i` is qualified by an everyday sense: the word before, the word after, or after "of". */
function isOtherCertificate(words: readonly string[], i: number): boolean {
  const next = words[i + 1] === 'of' ? words[i + 2] : words[i + 1];
  return isOtherSense(words[i - 1]) || isOtherSense(next);
}

function isOtherSense(word: string | undefined): boolean {
  const concepts = word ? CONCEPTS[word] : undefined;
  return !!concepts && concepts.split(' ').some((c) => OTHER_SENSES.has(c) || c === '#course');
}

/**
 * A word without the Malay clitic on its end: the question particle "-kah" ("bolehkah",
 * "bagaimanakah"), "-nya" ("sijilnya", "kunci persendiriannya"), "-lah"; undefined when there is none.
 * The stem is only used when it is a known word (here: a word of the lexicon; model.ts: a word of the model).
 */
export function withoutClitic(word: string): string | undefined {
  return /^([a-z]{3,})(?:nya|kah|lah)$/.exec(word)?.[1];
}

// Words the normaliser knows without the model: what a clitic may be taken off to reach.
const LEXICON_WORDS: ReadonlySet<string> = new Set([
  ...Object.keys(CONCEPTS),
  ...Object.keys(SHORT_FORMS),
  ...STOPWORDS,
  ...PHRASES.flatMap((p) => p.split(' ')),
  ...QUESTION_WORDS,
]);

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
