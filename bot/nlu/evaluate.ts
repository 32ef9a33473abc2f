import { readFileSync } from 'node:fs';
import { readExamples, type Example } from './data.js';
import { CERTIFICATE_OPERATIONS, CONFIDENCE_THRESHOLD, INTENTS, Nlu, type Intent } from './index.js';
import { train, type ClassifierKind } from './model.js';
import { ACT_THRESHOLD, CASE_INTENTS, decideMessage, opensCaseWithoutAsking, understandText, type Decision } from './policy.js';

/** An evaluation line may say what kind of test it is and whose voice it is written in. */
export type LabelledExample = Example & { kind?: string; voice?: string };

/** Like readExamples, keeping the optional `kind` and `voice` of each line. */
export function readLabelledExamples(file: string): LabelledExample[] {
  const examples = readExamples(file);
  const rows = readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as Record<string, unknown>);
  const text = (v: unknown): string | undefined => (typeof v === 'string' && v.trim() ? v : undefined);
  return examples.map((e, i) => ({ ...e, kind: text(rows[i]?.kind), voice: text(rows[i]?.voice) }));
}

/** Accuracy and what the bot would do, for one group of utterances (a `kind` or a `voice`). */
export interface GroupScore {
  group: string;
  n: number;
  accuracy: number;
  /** Shares of the group the bot acts on at once, asks about (confirm or suggest), or declines. */
  acted: number;
  asked: number;
  declined: number;
}

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
  /**
   * Out-of-scope utterances: the share classified as a certificate operation (at any confidence,
   * and at CONFIDENCE_THRESHOLD or more), and the share the bot would open a case for without
   * asking, by policy.decide with its real thresholds (must be 0).
   */
  outOfScope: {
    n: number;
    toCertificateOperation: number;
    confidentlyToCertificateOperation: number;
    actedWithoutAsking: number;
    examples: string[];
  };
  perKind: GroupScore[];
  perVoice: GroupScore[];
  /** What policy.decide does with the utterances labelled with a case-opening intent. */
  caseRequests: { n: number; actedAtOnce: number; actedRight: number; asked: number; askedRightFirst: number; askedRightOffered: number };
  /** Share of utterances below the confidence threshold (the bot asks instead of acting). */
  lowConfidence: number;
  /** Accuracy over the utterances the bot would act on without asking. */
  accuracyWhenConfident: number;
}

/** Classifies every example and scores the answers. */
export function evaluate(nlu: Nlu, examples: readonly LabelledExample[]): EvalReport {
  const results = examples.map((e) => {
    const c = understandText(nlu, e.text);
    // What the bot would do: short commands first, then the policy on the model's answer.
    return { e, c, d: decideMessage(e.text, c) };
  });
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
  const actedOos = oos.filter((r) => opensCaseWithoutAsking(r.d));
  const caseRequests = results.filter((r) => CASE_INTENTS.has(r.e.intent));
  const acted = caseRequests.filter((r) => r.d.kind === 'act');
  const asked = caseRequests.filter((r) => r.d.kind === 'confirm' || r.d.kind === 'suggest');
  return {
    n: results.length,
    accuracy: results.length ? right / results.length : 0,
    perIntent,
    confusions: [...pairs.values()].sort((a, b) => b.count - a.count || a.expected.localeCompare(b.expected)),
    outOfScope: {
      n: oos.length,
      toCertificateOperation: oos.length ? toCert.length / oos.length : 0,
      confidentlyToCertificateOperation: oos.length ? toCert.filter((r) => r.c.confidence >= CONFIDENCE_THRESHOLD).length / oos.length : 0,
      actedWithoutAsking: oos.length ? actedOos.length / oos.length : 0,
      examples: actedOos.slice(0, 5).map((r) => r.e.text),
    },
    perKind: groups(results, (e) => e.kind),
    perVoice: groups(results, (e) => e.voice),
    caseRequests: {
      n: caseRequests.length,
      actedAtOnce: acted.length,
      actedRight: acted.filter((r) => r.d.kind === 'act' && r.d.intent === r.e.intent).length,
      asked: asked.length,
      askedRightFirst: asked.filter((r) => (r.d.kind === 'confirm' || r.d.kind === 'suggest') && r.d.choices[0] === r.e.intent).length,
      askedRightOffered: asked.filter((r) => (r.d.kind === 'confirm' || r.d.kind === 'suggest') && r.d.choices.includes(r.e.intent)).length,
    },
    lowConfidence: results.length ? 1 - confident.length / results.length : 0,
    accuracyWhenConfident: confident.length ? confident.filter((r) => r.c.intent === r.e.intent).length / confident.length : 0,
  };
}

function groups(
  results: { e: LabelledExample; c: { intent: Intent }; d: Decision }[],
  key: (e: LabelledExample) => string | undefined,
): GroupScore[] {
  const by = new Map<string, typeof results>();
  for (const r of results) {
    const k = key(r.e);
    if (k === undefined) continue;
    by.set(k, [...(by.get(k) ?? []), r]);
  }
  return [...by]
    .map(([group, rs]) => ({
      group,
      n: rs.length,
      accuracy: rs.filter((r) => r.c.intent === r.e.intent).length / rs.length,
      acted: rs.filter((r) => r.d.kind === 'act').length / rs.length,
      asked: rs.filter((r) => r.d.kind === 'confirm' || r.d.kind === 'suggest').length / rs.length,
      declined: rs.filter((r) => r.d.kind === 'outOfScope').length / rs.length,
    }))
    .sort((a, b) => a.accuracy - b.accuracy || a.group.localeCompare(b.group));
}

/**
 * k-fold cross-validation on the training data: what tunes the features and the threshold
 * without looking at the held-out set. Folds are interleaved so every fold mixes languages.
 */
export function crossValidate(kind: ClassifierKind, examples: readonly Example[], k = 10): { accuracy: number; n: number } {
  let right = 0;
  for (let fold = 0; fold < k; fold++) {
    const test = examples.filter((_, i) => i % k === fold);
    const nlu = new Nlu(
      train(
        kind,
        examples.filter((_, i) => i % k !== fold),
      ),
    );
    right += test.filter((e) => nlu.classify(e.text).intent === e.intent).length;
  }
  return { accuracy: examples.length ? right / examples.length : 0, n: examples.length };
}

const pct = (x: number): string => `${(x * 100).toFixed(1)}%`;
const share = (k: number, n: number): number => (n ? k / n : 0);

function groupLines(title: string, scores: GroupScore[]): string[] {
  if (scores.length === 0) return [];
  const width = Math.max(24, ...scores.map((s) => s.group.length + 2));
  return [
    '',
    `${title.padEnd(width)}${'n'.padStart(5)}${'accuracy'.padStart(10)}${'acted'.padStart(8)}${'asked'.padStart(8)}${'declined'.padStart(10)}`,
    ...scores.map(
      (s) =>
        `${s.group.padEnd(width)}${String(s.n).padStart(5)}${s.accuracy.toFixed(3).padStart(10)}${pct(s.acted).padStart(8)}${pct(s.asked).padStart(8)}${pct(s.declined).padStart(10)}`,
    ),
  ];
}

/** The report as the lines `npm run nlu:eval` prints. */
export function formatReport(r: EvalReport): string[] {
  const lines = [
    `utterances: ${r.n}`,
    `accuracy: ${r.accuracy.toFixed(4)}`,
    `below confidence ${CONFIDENCE_THRESHOLD} (suggestions shown): ${pct(r.lowConfidence)}; accuracy when confident: ${r.accuracyWhenConfident.toFixed(4)}`,
    `out_of_scope → certificate operation: ${pct(r.outOfScope.toCertificateOperation)} of ${r.outOfScope.n} (${pct(r.outOfScope.confidentlyToCertificateOperation)} at confidence ≥ ${CONFIDENCE_THRESHOLD})`,
    `out_of_scope acted on without asking (policy: case-opening intents need ≥ ${ACT_THRESHOLD}, an object, no unknown word): ${pct(r.outOfScope.actedWithoutAsking)}${r.outOfScope.examples.length ? `: ${r.outOfScope.examples.map((t) => JSON.stringify(t)).join(', ')}` : ''}`,
    `requests that open a case (${r.caseRequests.n}): begun at once ${pct(share(r.caseRequests.actedAtOnce, r.caseRequests.n))} (right ${r.caseRequests.actedRight} of ${r.caseRequests.actedAtOnce}), asked first ${pct(share(r.caseRequests.asked, r.caseRequests.n))} (right intent first ${r.caseRequests.askedRightFirst}, among the choices ${r.caseRequests.askedRightOffered}, of ${r.caseRequests.asked})`,
    '',
    `${'intent'.padEnd(24)}${'n'.padStart(5)}${'precision'.padStart(11)}${'recall'.padStart(9)}`,
    ...r.perIntent.map(
      (s) =>
        `${s.intent.padEnd(24)}${String(s.support).padStart(5)}${s.precision.toFixed(3).padStart(11)}${s.recall.toFixed(3).padStart(9)}`,
    ),
    ...groupLines('kind', r.perKind),
    ...groupLines('voice', r.perVoice),
    '',
    r.confusions.length ? 'confusions (expected → predicted):' : 'confusions: none',
    ...r.confusions.map((c) => `  ${c.count} × ${c.expected} → ${c.predicted}: ${c.examples.map((t) => JSON.stringify(t)).join(', ')}`),
  ];
  return lines;
}
