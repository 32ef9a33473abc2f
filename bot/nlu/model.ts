import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import type * as NaturalClassifiers from 'natural/lib/natural/classifiers/index.js';
import { BayesScorer, type NaturalBayesState } from './bayes-scorer.js';
import type { Example } from './data.js';
import { features, normalise } from './normalise.js';

export type ClassifierKind = 'bayes' | 'logistic';

/** What the recogniser needs from a trained model, whichever classifier is behind it. */
export interface Model {
  readonly kind: ClassifierKind;
  /** Every feature seen in training: anything else tells the model nothing. */
  readonly vocabulary: ReadonlySet<string>;
  /** Features as the model reads them: words it never learned become `#oov` (and `#oov2`). */
  encode(features: string[]): string[];
  /** Scores per intent for encoded features, best first, summing to 1. */
  scores(encoded: string[]): { label: string; value: number }[];
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
const MODEL_VERSION = 1;
// Bayes smoothing for unseen (class, feature) pairs; natural's default of 1 over-rewards a class
// for features it never saw, which makes small classes win on rare words.
const BAYES_SMOOTHING = 0.2;

export const DEFAULT_CACHE_DIR = fileURLToPath(new URL('./model/', import.meta.url));

/**
 * The training documents: features of each normalised example (what the cache hash covers).
 * A word seen in one example only is replaced by `#oov`, so the model learns how likely an
 * unknown word is under each intent: out-of-scope requests are full of words the domain never
 * uses ("renew my road tax"), while in-scope ones mostly repeat the domain's vocabulary.
 */
export function trainingDocuments(examples: readonly Example[]): { features: string[]; intent: string }[] {
  const raw = examples.map((e) => ({ features: features(normalise(e.text)), intent: e.intent }));
  const df = new Map<string, number>();
  for (const d of raw) for (const f of d.features) df.set(f, (df.get(f) ?? 0) + 1);
  const known = new Set([...df].filter(([f, n]) => n > 1 || isConcept(f)).map(([f]) => f));
  return raw.map((d) => ({ features: encodeWith(known, d.features), intent: d.intent })).filter((d) => d.features.length > 0);
}

const isConcept = (f: string): boolean => f.startsWith('#');

function encodeWith(known: ReadonlySet<string>, feats: string[]): string[] {
  const out = feats.filter((f) => known.has(f));
  const unknown = feats.length - out.length;
  if (unknown > 0) out.push('#oov');
  if (unknown > 1) out.push('#oov2');
  return out;
}

/** Trains a classifier of `kind` from scratch. Slow for `logistic` (seconds to minutes): never per request. */
export function train(kind: ClassifierKind, examples: readonly Example[]): Model {
  const c: NaturalClassifier = kind === 'bayes' ? new (naturalBayes())(undefined, BAYES_SMOOTHING) : new (naturalLogistic())();
  for (const d of trainingDocuments(examples)) c.addDocument(d.features, d.intent);
  c.train();
  return wrap(kind, c);
}

/**
 * The model for `examples`: from the cache file when it was trained on exactly these features
 * (a SHA-256 of them is stored with it), otherwise trained now and cached for the next start.
 * A cache that cannot be written (read-only install) only costs the training at each start.
 */
export function loadModel(opts: { kind: ClassifierKind; examples: readonly Example[]; cacheDir?: string }): Model {
  const docs = trainingDocuments(opts.examples);
  const hash = createHash('sha256').update(JSON.stringify({ v: MODEL_VERSION, kind: opts.kind, smoothing: BAYES_SMOOTHING, docs })).digest('hex');
  const file = path.join(opts.cacheDir ?? DEFAULT_CACHE_DIR, `${opts.kind}.json`);
  const cached = readCache(file);
  if (cached?.hash === hash) return wrap(opts.kind, restore(opts.kind, cached.classifier));
  const model = train(opts.kind, opts.examples);
  writeCache(file, { hash, classifier: (model as Wrapped).natural });
  return model;
}

interface CacheFile {
  hash: string;
  classifier: Record<string, unknown>;
}

function readCache(file: string): CacheFile | undefined {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as CacheFile;
  } catch {
    return undefined;
  }
}

function writeCache(file: string, data: { hash: string; classifier: NaturalClassifier }): void {
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

function restore(kind: ClassifierKind, json: Record<string, unknown>): NaturalClassifier {
  return kind === 'bayes' ? naturalBayes().restore(json) : naturalLogistic().restore(json);
}

interface Wrapped extends Model {
  natural: NaturalClassifier;
}

function wrap(kind: ClassifierKind, c: NaturalClassifier): Wrapped {
  const vocabulary = new Set(Object.keys(c.features));
  const fast = kind === 'bayes' ? new BayesScorer(c as unknown as NaturalBayesState) : undefined;
  return {
    kind,
    vocabulary,
    natural: c,
    encode: (feats) => encodeWith(vocabulary, feats),
    scores: (feats) => fast?.scores(feats) ?? naturalScores(c, feats),
  };
}

/** natural's own scoring, normalised to sum to 1 (the reference the fast Bayes path is tested against). */
export function naturalScores(c: NaturalClassifier, feats: string[]): { label: string; value: number }[] {
  const raw = c.getClassifications(feats);
  const sum = raw.reduce((s, r) => s + r.value, 0);
  return sum > 0 ? raw.map((r) => ({ label: r.label, value: r.value / sum })) : raw;
}
