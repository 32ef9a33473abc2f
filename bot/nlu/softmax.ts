/**
 * Multinomial logistic regression (softmax) on binary features, L2-regularised, fitted by AdaGrad
 * stochastic gradient descent in a fixed, seeded order: deterministic, and a second or less on the
 * training data (natural's LogisticRegressionClassifier needs minutes: one-vs-rest, full-batch,
 * dense matrices). Used as the comparison and in the ensemble (model.ts, README).
 */
export interface SoftmaxState {
  labels: string[];
  /** Feature → weight per label (same order as `labels`). */
  weights: Record<string, number[]>;
  bias: number[];
}

export interface SoftmaxOptions {
  epochs: number;
  learningRate: number;
  l2: number;
  seed: number;
}

export const SOFTMAX_DEFAULTS: SoftmaxOptions = { epochs: 40, learningRate: 0.3, l2: 1e-4, seed: 7 };

export function trainSoftmax(
  docs: readonly { features: string[]; intent: string }[],
  opts: SoftmaxOptions = SOFTMAX_DEFAULTS,
): SoftmaxState {
  const labels = [...new Set(docs.map((d) => d.intent))].sort();
  const k = labels.length;
  const labelIndex = new Map(labels.map((l, i) => [l, i]));
  const featureIndex = new Map<string, number>();
  const rows = docs.map((d) => ({
    x: [...new Set(d.features)].map((f) => featureIndex.get(f) ?? featureIndex.set(f, featureIndex.size).get(f)!),
    y: labelIndex.get(d.intent)!,
  }));
  const nf = featureIndex.size;
  const w = new Float64Array(nf * k);
  const gw = new Float64Array(nf * k).fill(1e-8);
  const b = new Float64Array(k);
  const gb = new Float64Array(k).fill(1e-8);
  const p = new Float64Array(k);
  const order = rows.map((_, i) => i);
  const random = mulberry32(opts.seed);
  for (let epoch = 0; epoch < opts.epochs; epoch++) {
    for (let i = order.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [order[i], order[j]] = [order[j]!, order[i]!];
    }
    for (const r of order) {
      const { x, y } = rows[r]!;
      for (let c = 0; c < k; c++) {
        let z = b[c]!;
        for (const f of x) z += w[f * k + c]!;
        p[c] = z;
      }
      softmaxInPlace(p);
      for (let c = 0; c < k; c++) {
        const g = p[c]! - (c === y ? 1 : 0);
        gb[c]! += g * g;
        b[c]! -= (opts.learningRate * g) / Math.sqrt(gb[c]!);
        for (const f of x) {
          const at = f * k + c;
          const gf = g + opts.l2 * w[at]!;
          gw[at]! += gf * gf;
          w[at]! -= (opts.learningRate * gf) / Math.sqrt(gw[at]!);
        }
      }
    }
  }
  const weights: Record<string, number[]> = {};
  for (const [f, i] of featureIndex) weights[f] = Array.from(w.subarray(i * k, (i + 1) * k));
  return { labels, weights, bias: Array.from(b) };
}

/** Scores with a trained softmax model, reading only the features present. */
export class SoftmaxScorer {
  private readonly weights: Map<string, number[]>;

  constructor(readonly state: SoftmaxState) {
    this.weights = new Map(Object.entries(state.weights));
  }

  get labels(): readonly string[] {
    return this.state.labels;
  }

  /** Probabilities in the order of `labels`. */
  probabilities(features: readonly string[]): Float64Array {
    const z = Float64Array.from(this.state.bias);
    const seen = new Set<string>();
    for (const f of features) {
      const row = this.weights.get(f);
      if (!row || seen.has(f)) continue;
      seen.add(f);
      for (let c = 0; c < z.length; c++) z[c]! += row[c]!;
    }
    return softmaxInPlace(z);
  }
}

export function softmaxInPlace(z: Float64Array): Float64Array {
  let max = -Infinity;
  for (const v of z) if (v > max) max = v;
  let sum = 0;
  for (let c = 0; c < z.length; c++) sum += z[c] = Math.exp(z[c]! - max);
  for (let c = 0; c < z.length; c++) z[c]! /= sum;
  return z;
}

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
