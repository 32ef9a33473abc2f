import { readTrainingExamples, type Example } from './data.js';
import { extractEntities, type Entities } from './entities.js';
import { CERTIFICATE_OPERATIONS, isIntent, type Intent } from './intents.js';
import { DEFAULT_CLASSIFIER, loadModel, type ClassifierKind, type Model } from './model.js';
import { features, normalise } from './normalise.js';

export type { Entities } from './entities.js';
export { INTENTS, CERTIFICATE_OPERATIONS, isIntent, type Intent } from './intents.js';
export { DEFAULT_CLASSIFIER } from './model.js';

export interface Classification {
  /** The best intent; `out_of_scope` when the text says nothing the model knows. */
  intent: Intent;
  /** Its share of the probability (0..1); below CONFIDENCE_THRESHOLD the bot asks instead of acting. */
  confidence: number;
  /** The best intents with their scores, best first (at most five). */
  top: { intent: Intent; score: number }[];
  entities: Entities;
}

/**
 * Below this the bot offers the top suggestions as buttons instead of guessing. Chosen on the
 * training data by 10-fold cross-validation (bot/nlu/README.md, `compare.ts --thresholds`): the
 * logistic model acts on about 91% of utterances and is right on about 97% of those.
 */
export const CONFIDENCE_THRESHOLD = 0.7;

// Features that say nothing about what the user wants on their own.
const CONTENT_FREE = new Set(['#plain', '#oov', '#oov2']);
// What a certificate operation acts on. Without one of these and with words the model never saw,
// "renew my road tax" or "mohon pasport baru" is about something else, not a certificate
// (`#othercert`, a birth or course certificate, is not one either).
const CERTIFICATE_OBJECTS = new Set([
  '#cert',
  '#medium',
  '#server',
  '#training',
  '#user',
  '#serial',
  '#privkey',
  '#mykad',
  '#email',
  '#pin',
  '#govapp',
]);

/** The recogniser: a trained model plus the rules around it. Classifying is pure and synchronous. */
export class Nlu {
  private loaded?: Model;
  /** A model, or how to load it on first use (`loadNlu({ lazy: true })`). */
  constructor(private readonly source: Model | (() => Model)) {}

  get model(): Model {
    return (this.loaded ??= typeof this.source === 'function' ? this.source() : this.source);
  }

  classify(text: string): Classification {
    const entities = extractEntities(text);
    const encoded = this.model.encode(features(normalise(text)));
    if (!encoded.some((f) => !CONTENT_FREE.has(f))) {
      return { intent: 'out_of_scope', confidence: 1, top: [{ intent: 'out_of_scope', score: 1 }], entities };
    }
    let top: Classification['top'] = this.model
      .scores(encoded)
      .slice(0, 5)
      .filter((s) => isIntent(s.label))
      .map((s) => ({ intent: s.label as Intent, score: s.value }));
    const best = top[0]!;
    if (CERTIFICATE_OPERATIONS.has(best.intent) && encoded.includes('#oov') && !encoded.some((f) => CERTIFICATE_OBJECTS.has(f))) {
      const oos: Classification['top'][number] = { intent: 'out_of_scope', score: best.score };
      top = [oos, ...top.filter((t) => t.intent !== 'out_of_scope')].slice(0, 5);
    }
    return { intent: top[0]!.intent, confidence: top[0]!.score, top, entities };
  }
}

/**
 * The recogniser for the training files (or `examples`), from the model cache when it is
 * current: call once at start, never per request (training takes a fraction of a second, except
 * natural's logistic regression, minutes). Logistic regression unless `kind` says otherwise.
 * `lazy`: read (or train) the model at the first classification instead, so a start does not wait
 * for it; the edge then loads it shortly after it listens.
 */
export function loadNlu(opts: { kind?: ClassifierKind; examples?: readonly Example[]; cacheDir?: string; lazy?: boolean } = {}): Nlu {
  const load = () =>
    loadModel({ kind: opts.kind ?? DEFAULT_CLASSIFIER, examples: opts.examples ?? readTrainingExamples(), cacheDir: opts.cacheDir });
  return new Nlu(opts.lazy ? load : load());
}
