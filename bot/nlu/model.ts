import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import type * as NaturalClassifiers from 'natural/lib/natural/classifiers/index.js';
import { BayesScorer, type NaturalBayesState } from './bayes-scorer.js';
import type { Example } from './data.js';
import { features, normalise, withoutClitic } from './normalise.js';
import { SOFTMAX_DEFAULTS, SoftmaxScorer, softmaxInPlace, trainSoftmax, type SoftmaxOptions, type SoftmaxState } from './softmax.js';
import { SpellingCorrector, STOP } from './spelling.js';
import { appPath } from '../../infra/app-root.js';

/**
 * `logistic`: our sparse multinomial logistic regression (softmax.ts), the one the bot runs;
 * `bayes`: natural's BayesClassifier; `natural-logistic`: natural's LogisticRegressionClassifier
 * (minutes to train); `ensemble`: Bayes and `logistic` mixed. Compared in the README.
 */
export type ClassifierKind = 'logistic' | 'bayes' | 'natural-logistic' | 'ensemble';

/** The classifier the bot runs (loadNlu's default). */
export const DEFAULT_CLASSIFIER: ClassifierKind = 'logistic';

/** What the recogniser needs from a trained model, whichever classifier is behind it. */
export interface Model {
  readonly kind: ClassifierKind;
  /** Every feature seen in training: anything else tells the model nothing. */
  readonly vocabulary: ReadonlySet<string>;
  /** Features as the model reads them: typos of domain words corrected, other unknown words `#oov` (and `#oov2`). */
  encode(features: string[]): string[];
  /** Scores per intent for encoded features, best first, summing to 1. */
  scores(encoded: string[]): { label: string; value: number }[];
}

/** Choices compared in the README (bot/nlu/compare.ts); the defaults are the chosen ones. */
export interface TrainOptions {
  /** Read an unknown word one edit from a domain word of the lexicon as that word (spelling.ts). */
  spelling?: boolean;
  /** Bayes temperature: calibrates the confidence, never changes the best intent. */
  temperature?: number;
  /** The same for logistic regression (p ∝ p^(1/T)). */
  logisticTemperature?: number;
  /** Share of Bayes in the ensemble's log-linear mix with logistic regression. */
  ensembleWeight?: number;
  softmax?: Partial<SoftmaxOptions>;
  /** Character trigrams (`~abc`) of words the model does not know, so a new form of a known stem still counts. */
  subwords?: boolean;
}

// natural's classifier files only, each when first needed: natural's index also loads its storage
// back ends, which call dotenv (it prints at start), and the maxent and logistic-regression code
// (sylvester) the bot does not run; together that is most of the start cost of the NLU.
const requireNatural = createRequire(import.meta.url);
const naturalBayes = (): typeof NaturalClassifiers.BayesClassifier => requireNatural('natural/lib/natural/classifiers/bayes_classifier.js');
const naturalLogistic = (): typeof NaturalClassifiers.LogisticRegressionClassifier =>
  requireNatural('natural/lib/natural/classifiers/logistic_regression_classifier.js');

type NaturalClassifier = NaturalClassifiers.BayesClassifier | NaturalClassifiers.LogisticRegressionClassifier;

// Bumped when the model's meaning changes without its training features changing.
const MODEL_VERSION = 2;
// Bayes smoothing for unseen (class, feature) pairs; natural's default of 1 over-rewards a class
// for features it never saw, which makes small classes win on rare words.
const BAYES_SMOOTHING = 0.2;
/** Fitted by 10-fold cross-validation on the training data (log loss of the held-out folds; README). */
export const BAYES_TEMPERATURE = 1;
const ENSEMBLE_WEIGHT = 0.5;
/** Fitted like BAYES_TEMPERATURE (README). */
export const LOGISTIC_TEMPERATURE = 1;
const DEFAULTS: Required<Omit<TrainOptions, 'softmax'>> = {
  spelling: true,
  temperature: BAYES_TEMPERATURE,
  logisticTemperature: LOGISTIC_TEMPERATURE,
  ensembleWeight: ENSEMBLE_WEIGHT,
  subwords: false,
};

let sharedCorrector: SpellingCorrector | undefined;
/** The spelling corrector, built when a model is first made (not when this module loads: starts need it later). */
const spellingCorrector = (): SpellingCorrector => (sharedCorrector ??= new SpellingCorrector());

export const DEFAULT_CACHE_DIR = appPath('bot', 'nlu', 'model');

/**
 * The training documents: features of each normalised example (what the cache hash covers).
 * A word seen in one example only is replaced by `#oov`, so the model learns how likely an
 * unknown word is under each intent: out-of-scope requests are full of words the domain never
 * uses ("renew my road tax"), while in-scope ones mostly repeat the domain's vocabulary. A word
 * seen once that is one edit from a domain word is read as that word first, as at run time.
 */
export function trainingDocuments(examples: readonly Example[], opts: TrainOptions = {}): { features: string[]; intent: string }[] {
  const raw = examples.map((e) => ({ features: features(normalise(e.text)), intent: e.intent }));
  const df = new Map<string, number>();
  for (const d of raw) for (const f of d.features) df.set(f, (df.get(f) ?? 0) + 1);
  const known = new Set([...df].filter(([f, n]) => n > 1 || isConcept(f)).map(([f]) => f));
  const corrector = (opts.spelling ?? DEFAULTS.spelling) ? spellingCorrector() : undefined;
  if (opts.subwords ?? DEFAULTS.subwords) {
    // Trigrams of the words left unknown, kept when two or more documents share them.
    const grams = new Map<string, number>();
    const unknownGrams = raw.map((d) => [...new Set(d.features.filter((f) => !known.has(f) && !corrector?.correct(f)).flatMap(trigrams))]);
    for (const g of unknownGrams.flat()) grams.set(g, (grams.get(g) ?? 0) + 1);
    for (const [g, n] of grams) if (n > 1) known.add(g);
  }
  const subwords = opts.subwords ?? DEFAULTS.subwords;
  return raw
    .map((d) => ({ features: encodeWith(known, d.features, corrector, subwords), intent: d.intent }))
    .filter((d) => d.features.length > 0);
}

/** `~abc` features of a word, with `^`/`$` marking its ends. */
function trigrams(word: string): string[] {
  if (!/^[a-z]+$/.test(word)) return [];
  const w = `^${word}$`;
  const out: string[] = [];
  for (let i = 0; i + 3 <= w.length; i++) out.push(`~${w.slice(i, i + 3)}`);
  return out;
}

const isConcept = (f: string): boolean => f.startsWith('#');

function encodeWith(known: ReadonlySet<string>, feats: string[], corrector?: SpellingCorrector, subwords = false): string[] {
  const out: string[] = [];
  let unknown = 0;
  for (const f of feats) {
    if (known.has(f)) {
      if (!out.includes(f)) out.push(f);
      continue;
    }
    // A Malay clitic on a known word ("permohonannya", "sijilnya", "bagaimanakah"): the word.
    const stem = withoutClitic(f);
    if (stem && known.has(stem)) {
      if (!out.includes(stem)) out.push(stem);
      continue;
    }
    const reading = corrector?.correct(f);
    // A typo of a stop word ("plese", "dgan") says as little as the stop word.
    if (reading?.length === 1 && reading[0] === STOP) continue;
    const corrected = reading?.filter((c) => known.has(c));
    if (corrected?.length) {
      for (const c of corrected) if (!out.includes(c)) out.push(c);
    } else {
      unknown++;
      if (subwords) for (const g of trigrams(f)) if (known.has(g) && !out.includes(g)) out.push(g);
    }
  }
  if (unknown > 0) out.push('#oov');
  if (unknown > 1) out.push('#oov2');
  return out;
}

/** Trains a classifier of `kind` from scratch: a fraction of a second, except `natural-logistic` (minutes). Never per request. */
export function train(kind: ClassifierKind, examples: readonly Example[], opts: TrainOptions = {}): Model {
  const docs = trainingDocuments(examples, opts);
  return wrap(kind, fit(kind, docs, opts), opts);
}

interface Fitted {
  bayes?: NaturalBayesClassifier;
  logistic?: NaturalClassifiers.LogisticRegressionClassifier;
  softmax?: SoftmaxState;
}
type NaturalBayesClassifier = NaturalClassifiers.BayesClassifier;

function fit(kind: ClassifierKind, docs: { features: string[]; intent: string }[], opts: TrainOptions): Fitted {
  const out: Fitted = {};
  if (kind === 'bayes' || kind === 'ensemble') {
    const c = new (naturalBayes())(undefined, BAYES_SMOOTHING);
    for (const d of docs) c.addDocument(d.features, d.intent);
    c.train();
    out.bayes = c;
  }
  if (kind === 'natural-logistic') {
    const c = new (naturalLogistic())();
    for (const d of docs) c.addDocument(d.features, d.intent);
    c.train();
    out.logistic = c;
  }
  if (kind === 'logistic' || kind === 'ensemble') out.softmax = trainSoftmax(docs, { ...SOFTMAX_DEFAULTS, ...opts.softmax });
  return out;
}

/**
 * The model for `examples`: from the cache file when it was trained on exactly these features
 * (a SHA-256 of them is stored with it), otherwise trained now and cached for the next start.
 * A cache that cannot be written (read-only install) only costs the training at each start.
 */
export function loadModel(opts: { kind: ClassifierKind; examples: readonly Example[]; cacheDir?: string }): Model {
  const docs = trainingDocuments(opts.examples);
  const hash = createHash('sha256')
    .update(JSON.stringify({ v: MODEL_VERSION, kind: opts.kind, smoothing: BAYES_SMOOTHING, softmax: SOFTMAX_DEFAULTS, docs }))
    .digest('hex');
  const file = path.join(opts.cacheDir ?? DEFAULT_CACHE_DIR, `${opts.kind}.json`);
  const cached = readCache(file);
  if (cached?.hash === hash) return wrap(opts.kind, restore(cached.model), {});
  const fitted = fit(opts.kind, docs, {});
  writeCache(file, { hash, model: fitted });
  return wrap(opts.kind, fitted, {});
}

interface CacheFile {
  hash: string;
  model: { bayes?: Record<string, unknown>; logistic?: Record<string, unknown>; softmax?: SoftmaxState };
}

function readCache(file: string): CacheFile | undefined {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as CacheFile;
  } catch {
    return undefined;
  }
}

function writeCache(file: string, data: { hash: string; model: Fitted }): void {
  try {
    // Owner-only like everything under DATA_DIR (infra/store/embedded/data-dir.ts).
    mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
    // Written aside and renamed, so a second process starting at the same time never reads half a file.
    const tmp = `${file}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify(data), { mode: 0o600 });
    renameSync(tmp, file);
  } catch {
    // Read-only install: keep the model in memory.
  }
}

function restore(json: CacheFile['model']): Fitted {
  return {
    bayes: json.bayes ? naturalBayes().restore(json.bayes) : undefined,
    logistic: json.logistic ? naturalLogistic().restore(json.logistic) : undefined,
    softmax: json.softmax,
  };
}

interface Wrapped extends Model {
  /** natural's trained classifier (Bayes, or its logistic regression), for the agreement test. */
  natural?: NaturalClassifier;
}

function wrap(kind: ClassifierKind, fitted: Fitted, opts: TrainOptions): Wrapped {
  const temperature = opts.temperature ?? DEFAULTS.temperature;
  const share = opts.ensembleWeight ?? DEFAULTS.ensembleWeight;
  const natural: NaturalClassifier | undefined = fitted.bayes ?? fitted.logistic;
  const bayes = fitted.bayes ? new BayesScorer(fitted.bayes as unknown as NaturalBayesState) : undefined;
  const softmax = fitted.softmax ? new SoftmaxScorer(fitted.softmax) : undefined;
  // Vocabulary and document frequencies (natural keeps feature → count; the softmax model its weights only).
  const counts: Record<string, number> = natural ? (natural as unknown as { features: Record<string, number> }).features : {};
  const vocabulary = new Set([...Object.keys(counts), ...Object.keys(fitted.softmax?.weights ?? {})]);
  const corrector = (opts.spelling ?? DEFAULTS.spelling) ? spellingCorrector() : undefined;
  const sorted = (labels: readonly string[], p: Float64Array) =>
    labels.map((label, j) => ({ label, value: p[j]! })).sort((a, b) => b.value - a.value);
  let scores: (feats: string[]) => { label: string; value: number }[];
  if (kind === 'bayes') scores = (feats) => bayes!.scores(feats, temperature);
  else if (kind === 'logistic') {
    const t = opts.logisticTemperature ?? DEFAULTS.logisticTemperature;
    scores = (feats) => sorted(softmax!.labels, t === 1 ? softmax!.probabilities(feats) : soften(softmax!.probabilities(feats), t));
  } else if (kind === 'ensemble') {
    // Log-linear mix: p ∝ p_bayes^w · p_logistic^(1−w), label by label (both know the same labels).
    const labels = bayes!.labelOrder;
    const map = labels.map((l) => softmax!.labels.indexOf(l));
    scores = (feats) => {
      const pb = bayes!.probabilities(feats, temperature);
      const ps = softmax!.probabilities(feats);
      const z = new Float64Array(labels.length);
      for (let j = 0; j < z.length; j++) z[j] = share * Math.log(pb[j]! + 1e-300) + (1 - share) * Math.log(ps[map[j]!]! + 1e-300);
      return sorted(labels, softmaxInPlace(z));
    };
  } else scores = (feats) => naturalScores(natural!, feats);
  const subwords = opts.subwords ?? DEFAULTS.subwords;
  return { kind, vocabulary, natural, encode: (feats) => encodeWith(vocabulary, feats, corrector, subwords), scores };
}

/** p^(1/T), normalised: the same ranking, flatter (T > 1) or sharper (T < 1) probabilities. */
function soften(p: Float64Array, temperature: number): Float64Array {
  const z = new Float64Array(p.length);
  for (let j = 0; j < p.length; j++) z[j] = Math.log(p[j]! + 1e-300) / temperature;
  return softmaxInPlace(z);
}

/** natural's own scoring, normalised to sum to 1 (the reference the fast Bayes path is tested against). */
export function naturalScores(c: NaturalClassifier, feats: string[]): { label: string; value: number }[] {
  const raw = c.getClassifications(feats);
  const sum = raw.reduce((s, r) => s + r.value, 0);
  return sum > 0 ? raw.map((r) => ({ label: r.label, value: r.value / sum })) : raw;
}
