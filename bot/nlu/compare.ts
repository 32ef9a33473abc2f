/**
 * `node --import tsx bot/nlu/compare.ts [--variants a,b,…] [--thresholds] [--temperatures]`
 *
 * How the model was chosen (README): each variant is scored by 10-fold cross-validation on the
 * training data (accuracy, log loss, out-of-scope recall, out-of-scope → certificate operation),
 * on the held-out sets (heldout.jsonl, fresh.jsonl) and on those two with one typo put into a
 * domain word of every utterance (seeded, so every run sees the same typos). `--thresholds`
 * prints acted-on share and accuracy per confidence threshold (cross-validated) for the default
 * model; `--temperatures` the cross-validated log loss of Bayes per temperature.
 * natural's logistic regression is left out (minutes per fit): `npm run nlu:eval -- --compare`.
 */
import path from 'node:path';
import { DATA_DIR, HELDOUT_FILE, readExamples, readTrainingExamples, type Example } from './data.js';
import { CERTIFICATE_OPERATIONS, Nlu, type Classification } from './index.js';
import { CONCEPTS } from './lexicon.js';
import { train, type ClassifierKind, type TrainOptions } from './model.js';

interface Variant {
  name: string;
  kind: ClassifierKind;
  opts: TrainOptions;
}

const VARIANTS: Variant[] = [
  { name: 'bayes', kind: 'bayes', opts: {} },
  { name: 'bayes-nospell', kind: 'bayes', opts: { spelling: false } },
  { name: 'logistic', kind: 'logistic', opts: {} },
  { name: 'logistic-nospell', kind: 'logistic', opts: { spelling: false } },
  { name: 'ensemble', kind: 'ensemble', opts: {} },
  { name: 'ensemble-0.3', kind: 'ensemble', opts: { ensembleWeight: 0.3 } },
  { name: 'ensemble-0.7', kind: 'ensemble', opts: { ensembleWeight: 0.7 } },
  { name: 'logistic-subwords', kind: 'logistic', opts: { subwords: true } },
  { name: 'bayes-subwords', kind: 'bayes', opts: { subwords: true } },
  { name: 'logistic-e20', kind: 'logistic', opts: { softmax: { epochs: 20 } } },
  { name: 'logistic-e80', kind: 'logistic', opts: { softmax: { epochs: 80 } } },
  { name: 'logistic-lr0.1', kind: 'logistic', opts: { softmax: { learningRate: 0.1 } } },
  { name: 'logistic-lr1', kind: 'logistic', opts: { softmax: { learningRate: 1 } } },
  { name: 'logistic-l2-0', kind: 'logistic', opts: { softmax: { l2: 0 } } },
  { name: 'logistic-l2-1e-3', kind: 'logistic', opts: { softmax: { l2: 1e-3 } } },
  { name: 'logistic-l2-3e-3', kind: 'logistic', opts: { softmax: { l2: 3e-3 } } },
];

const K = 10;
const out = (line = ''): void => void process.stdout.write(`${line}\n`);

interface Scored {
  e: Example;
  c: Classification;
  /** Probability the model gave the right intent (for log loss). */
  pRight: number;
}

function classifyAll(nlu: Nlu, examples: readonly Example[]): Scored[] {
  return examples.map((e) => {
    const c = nlu.classify(e.text);
    // Log loss on the model's full distribution (the rules may move out_of_scope to the top; count it as given).
    const pRight = c.top.find((t) => t.intent === e.intent)?.score ?? 1e-4;
    return { e, c, pRight: Math.max(pRight, 1e-4) };
  });
}

function crossValidated(v: Variant, examples: readonly Example[]): Scored[] {
  const all: Scored[] = [];
  for (let fold = 0; fold < K; fold++) {
    const nlu = new Nlu(
      train(
        v.kind,
        examples.filter((_, i) => i % K !== fold),
        v.opts,
      ),
    );
    all.push(
      ...classifyAll(
        nlu,
        examples.filter((_, i) => i % K === fold),
      ),
    );
  }
  return all;
}

function summary(s: readonly Scored[]): { acc: number; nll: number; oosRecall: number; oosToCert: number; oosN: number } {
  const oos = s.filter((r) => r.e.intent === 'out_of_scope');
  return {
    acc: s.filter((r) => r.c.intent === r.e.intent).length / s.length,
    nll: s.reduce((a, r) => a - Math.log(r.pRight), 0) / s.length,
    oosRecall: oos.filter((r) => r.c.intent === 'out_of_scope').length / (oos.length || 1),
    oosToCert: oos.filter((r) => CERTIFICATE_OPERATIONS.has(r.c.intent)).length / (oos.length || 1),
    oosN: oos.length,
  };
}

/** One typo per utterance, in a word of five letters or more that the lexicon or the training data knows. */
function withTypos(examples: readonly Example[], known: ReadonlySet<string>, seed = 11): Example[] {
  let a = seed;
  const random = (): number => {
    a = (a * 1103515245 + 12345) % 2147483648;
    return a / 2147483648;
  };
  const letters = 'abcdefghijklmnopqrstuvwxyz';
  return examples.map((e) => {
    const words = e.text.split(' ');
    const candidates = words.map((w, i) => [w, i] as const).filter(([w]) => /^[a-zA-Z]{5,}$/.test(w) && known.has(w.toLowerCase()));
    if (!candidates.length) return e;
    const [w, i] = candidates[Math.floor(random() * candidates.length)]!;
    const at = 1 + Math.floor(random() * (w.length - 2));
    const op = Math.floor(random() * 4);
    const letter = letters[Math.floor(random() * 26)]!;
    const typo =
      op === 0
        ? w.slice(0, at) + w.slice(at + 1)
        : op === 1
          ? w.slice(0, at) + w[at + 1] + w[at] + w.slice(at + 2)
          : op === 2
            ? w.slice(0, at) + letter + w.slice(at + 1)
            : w.slice(0, at) + letter + w.slice(at);
    words[i] = typo;
    return { text: words.join(' '), intent: e.intent };
  });
}

function pct(x: number): string {
  return `${(x * 100).toFixed(1)}%`;
}

function main(): void {
  const args = process.argv.slice(2);
  const pick = args.includes('--variants') ? args[args.indexOf('--variants') + 1]!.split(',') : VARIANTS.map((v) => v.name);
  const training = readTrainingExamples();
  const heldout = readExamples(HELDOUT_FILE);
  const fresh = readExamples(path.join(DATA_DIR, 'fresh.jsonl'));
  const known = new Set([...Object.keys(CONCEPTS), ...training.flatMap((e) => e.text.toLowerCase().split(/[^a-z]+/))]);
  const typos = withTypos([...heldout, ...fresh], known);
  out(`training ${training.length}, held-out ${heldout.length}, fresh ${fresh.length}, typo copy ${typos.length}`);
  out(
    `${'variant'.padEnd(18)}${'CV acc'.padStart(8)}${'CV nll'.padStart(8)}${'CV oos→op'.padStart(11)}${'CV oos rec'.padStart(12)}${'heldout'.padStart(9)}${'h oos→op'.padStart(10)}${'fresh'.padStart(8)}${'typos'.padStart(8)}${'train s'.padStart(9)}`,
  );
  for (const v of VARIANTS.filter((x) => pick.includes(x.name))) {
    const cv = summary(crossValidated(v, training));
    const started = performance.now();
    const nlu = new Nlu(train(v.kind, training, v.opts));
    const secs = (performance.now() - started) / 1000;
    const h = summary(classifyAll(nlu, heldout));
    const f = summary(classifyAll(nlu, fresh));
    const t = summary(classifyAll(nlu, typos));
    out(
      `${v.name.padEnd(18)}${cv.acc.toFixed(4).padStart(8)}${cv.nll.toFixed(3).padStart(8)}${pct(cv.oosToCert).padStart(11)}${pct(cv.oosRecall).padStart(12)}${h.acc.toFixed(4).padStart(9)}${pct(h.oosToCert).padStart(10)}${f.acc.toFixed(4).padStart(8)}${t.acc.toFixed(4).padStart(8)}${secs.toFixed(2).padStart(9)}`,
    );
  }

  if (args.includes('--temperatures')) {
    out();
    out('temperature: cross-validated log loss (accuracy does not change)');
    for (const temperature of [0.7, 1, 1.5, 2, 3, 5]) {
      const b = summary(crossValidated({ name: `t${temperature}`, kind: 'bayes', opts: { temperature } }, training));
      const l = summary(
        crossValidated({ name: `t${temperature}`, kind: 'logistic', opts: { logisticTemperature: temperature } }, training),
      );
      out(`  T=${String(temperature).padEnd(4)} log loss: bayes ${b.nll.toFixed(4)}, logistic ${l.nll.toFixed(4)}`);
    }
  }
  if (args.includes('--thresholds')) {
    const kind = (args.includes('--kind') ? args[args.indexOf('--kind') + 1] : 'bayes') as ClassifierKind;
    const s = crossValidated({ name: kind, kind, opts: {} }, training);
    out();
    out(
      `confidence threshold (${kind}, 10-fold CV on the training data): acted on, accuracy of those, out-of-scope acted on as a certificate operation`,
    );
    const oos = s.filter((r) => r.e.intent === 'out_of_scope');
    for (const th of [0, 0.3, 0.4, 0.5, 0.55, 0.6, 0.65, 0.7, 0.8]) {
      const acted = s.filter((r) => r.c.confidence >= th);
      const right = acted.filter((r) => r.c.intent === r.e.intent).length;
      const oosActed = oos.filter((r) => r.c.confidence >= th && CERTIFICATE_OPERATIONS.has(r.c.intent)).length;
      out(
        `  ${th.toFixed(2)}  ${pct(acted.length / s.length).padStart(6)}  ${(right / (acted.length || 1)).toFixed(4)}  ${pct(oosActed / (oos.length || 1)).padStart(6)}`,
      );
    }
    out('reliability: confidence bin, share of utterances, accuracy in the bin');
    for (const [lo, hi] of [
      [0, 0.4],
      [0.4, 0.5],
      [0.5, 0.6],
      [0.6, 0.7],
      [0.7, 0.8],
      [0.8, 0.9],
      [0.9, 0.97],
      [0.97, 1.01],
    ] as const) {
      const bin = s.filter((r) => r.c.confidence >= lo && r.c.confidence < hi);
      out(
        `  [${lo.toFixed(2)}, ${Math.min(hi, 1).toFixed(2)})  ${pct(bin.length / s.length).padStart(6)}  ${(bin.filter((r) => r.c.intent === r.e.intent).length / (bin.length || 1)).toFixed(3)}`,
      );
    }
  }
}

main();
