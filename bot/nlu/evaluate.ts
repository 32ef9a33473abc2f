import type { Example } from './data.js';
import { CERTIFICATE_OPERATIONS, CONFIDENCE_THRESHOLD, INTENTS, Nlu, type Intent } from './index.js';
import { train, type ClassifierKind } from './model.js';

export interface IntentScore {
  intent: Intent;
  /** Utterances labelled with the intent. */
  support: number;
  precision: number;
  recall: number;
}

export interface EvalReport {
  n: number;
  accuracy: number;
  perIntent: IntentScore[];
  /** Expected → predicted, most frequent first, with a few of the utterances. */
  confusions: { expected: Intent; predicted: Intent; count: number; examples: string[] }[];
  /** Out-of-scope utterances and the share of them classified as a certificate operation. */
  outOfScope: { n: number; toCertificateOperation: number; confidentlyToCertificateOperation: number };
  /** Share of utterances below the confidence threshold (the bot asks instead of acting). */
  lowConfidence: number;
  /** Accuracy over the utterances the bot would act on without asking. */
  accuracyWhenConfident: number;
}

/** Classifies every example and scores the answers. */
export function evaluate(nlu: Nlu, examples: readonly Example[]): EvalReport {
  const results = examples.map((e) => ({ e, c: nlu.classify(e.text) }));
  const right = results.filter((r) => r.c.intent === r.e.intent).length;
  const confident = results.filter((r) => r.c.confidence >= CONFIDENCE_THRESHOLD);
  const perIntent: IntentScore[] = INTENTS.map((intent) => {
    const support = results.filter((r) => r.e.intent === intent).length;
    const predicted = results.filter((r) => r.c.intent === intent).length;
    const hits = results.filter((r) => r.e.intent === intent && r.c.intent === intent).length;
    return { intent, support, precision: predicted ? hits / predicted : 1, recall: support ? hits / support : 1 };
  }).filter((s) => s.support > 0 || s.precision < 1);
  const pairs = new Map<string, { expected: Intent; predicted: Intent; count: number; examples: string[] }>();
  for (const r of results.filter((x) => x.c.intent !== x.e.intent)) {
    const key = `${r.e.intent}>${r.c.intent}`;
    const p = pairs.get(key) ?? { expected: r.e.intent, predicted: r.c.intent, count: 0, examples: [] };
    p.count++;
    if (p.examples.length < 3) p.examples.push(r.e.text);
    pairs.set(key, p);
  }
  const oos = results.filter((r) => r.e.intent === 'out_of_scope');
  const toCert = oos.filter((r) => CERTIFICATE_OPERATIONS.has(r.c.intent));
  return {
    n: results.length,
    accuracy: results.length ? right / results.length : 0,
    perIntent,
    confusions: [...pairs.values()].sort((a, b) => b.count - a.count || a.expected.localeCompare(b.expected)),
    outOfScope: {
      n: oos.length,
      toCertificateOperation: oos.length ? toCert.length / oos.length : 0,
      confidentlyToCertificateOperation: oos.length ? toCert.filter((r) => r.c.confidence >= CONFIDENCE_THRESHOLD).length / oos.length : 0,
    },
    lowConfidence: results.length ? 1 - confident.length / results.length : 0,
    accuracyWhenConfident: confident.length ? confident.filter((r) => r.c.intent === r.e.intent).length / confident.length : 0,
  };
}

/**
 * k-fold cross-validation on the training data: what tunes the features and the threshold
 * without looking at the held-out set. Folds are interleaved so every fold mixes languages.
 */
export function crossValidate(kind: ClassifierKind, examples: readonly Example[], k = 10): { accuracy: number; n: number } {
  let right = 0;
  for (let fold = 0; fold < k; fold++) {
    const test = examples.filter((_, i) => i % k === fold);
    const nlu = new Nlu(train(kind, examples.filter((_, i) => i % k !== fold)));
    right += test.filter((e) => nlu.classify(e.text).intent === e.intent).length;
  }
  return { accuracy: examples.length ? right / examples.length : 0, n: examples.length };
}

const pct = (x: number): string => `${(x * 100).toFixed(1)}%`;

/** The report as the lines `npm run nlu:eval` prints. */
export function formatReport(r: EvalReport): string[] {
  const lines = [
    `utterances: ${r.n}`,
    `accuracy: ${r.accuracy.toFixed(4)}`,
    `below confidence ${CONFIDENCE_THRESHOLD} (suggestions shown): ${pct(r.lowConfidence)}; accuracy when confident: ${r.accuracyWhenConfident.toFixed(4)}`,
    `out_of_scope → certificate operation: ${pct(r.outOfScope.toCertificateOperation)} of ${r.outOfScope.n} (acted on without asking: ${pct(r.outOfScope.confidentlyToCertificateOperation)})`,
    '',
    `${'intent'.padEnd(24)}${'n'.padStart(5)}${'precision'.padStart(11)}${'recall'.padStart(9)}`,
    ...r.perIntent.map((s) => `${s.intent.padEnd(24)}${String(s.support).padStart(5)}${s.precision.toFixed(3).padStart(11)}${s.recall.toFixed(3).padStart(9)}`),
    '',
    r.confusions.length ? 'confusions (expected → predicted):' : 'confusions: none',
    ...r.confusions.map((c) => `  ${c.count} × ${c.expected} → ${c.predicted}: ${c.examples.map((t) => JSON.stringify(t)).join(', ')}`),
  ];
  return lines;
}
