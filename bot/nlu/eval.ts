/**
 * `npm run nlu:eval -- [file.jsonl] [--classifier logistic|bayes|natural-logistic|ensemble] [--compare] [--cv]`
 *
 * Scores the recogniser on lines of `{"text": "...", "intent": "..."}` (the held-out set by
 * default): accuracy, per-intent precision and recall, confusion pairs and the out-of-scope →
 * certificate-operation rate, accuracy per `kind` and per `voice` when the lines carry them, and
 * what the bot would do (bot/nlu/policy.ts). The last line is
 * `{"accuracy", "n", "outOfScopeToOperation", "actedWithoutAsking"}`: the share of out_of_scope lines
 * classified as a certificate operation, and the share the bot would open a case for without asking.
 * The classifier is the one the bot runs (DEFAULT_CLASSIFIER) unless `--classifier` names another.
 * `--compare` also scores the bot's logistic regression and natural's Bayes side by side (natural's
 * own logistic regression trains for many minutes: ask for it by name); `--cv` adds 10-fold
 * cross-validation on the training data.
 */
import { HELDOUT_FILE, readTrainingExamples } from './data.js';
import { crossValidate, evaluate, formatReport, readLabelledExamples } from './evaluate.js';
import { loadNlu } from './index.js';
import { DEFAULT_CLASSIFIER, type ClassifierKind } from './model.js';

const KINDS: readonly ClassifierKind[] = ['logistic', 'bayes', 'natural-logistic', 'ensemble'];

function parseArgs(argv: string[]): { file: string; kind: ClassifierKind; compare: boolean; cv: boolean } {
  const opts = { file: HELDOUT_FILE, kind: DEFAULT_CLASSIFIER, compare: false, cv: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--compare') opts.compare = true;
    else if (a === '--cv') opts.cv = true;
    else if (a === '--classifier') {
      const k = argv[++i];
      if (!KINDS.includes(k as ClassifierKind)) throw new Error(`--classifier must be one of ${KINDS.join(', ')}`);
      opts.kind = k as ClassifierKind;
    } else if (a.startsWith('--')) throw new Error(`unknown option ${a}`);
    else opts.file = a;
  }
  return opts;
}

function main(): void {
  const opts = parseArgs(process.argv.slice(2));
  const examples = readLabelledExamples(opts.file);
  const training = readTrainingExamples();
  const out = (line = ''): void => void process.stdout.write(`${line}\n`);

  out(`file: ${opts.file}`);
  out(
    `classifier: ${opts.kind}${opts.kind === DEFAULT_CLASSIFIER ? ' (the one the bot runs)' : ''}, trained on ${training.length} utterances`,
  );
  const report = evaluate(loadNlu({ kind: opts.kind, examples: training }), examples);
  for (const line of formatReport(report)) out(line);

  if (opts.compare) {
    out();
    out('comparison on the same utterances:');
    for (const kind of ['logistic', 'bayes'] as const) {
      const started = performance.now();
      const r = evaluate(loadNlu({ kind, examples: training }), examples);
      const secs = ((performance.now() - started) / 1000).toFixed(1);
      out(
        `  ${kind.padEnd(9)} accuracy ${r.accuracy.toFixed(4)}, out_of_scope → certificate operation ${(r.outOfScope.toCertificateOperation * 100).toFixed(1)}%  (${secs} s incl. training if not cached)`,
      );
    }
  }
  if (opts.cv) {
    const cv = crossValidate(opts.kind, training);
    out();
    out(`10-fold cross-validation on the training data (${opts.kind}): accuracy ${cv.accuracy.toFixed(4)} over ${cv.n}`);
  }
  out(
    JSON.stringify({
      accuracy: Number(report.accuracy.toFixed(4)),
      n: report.n,
      outOfScopeToOperation: Number(report.outOfScope.toCertificateOperation.toFixed(4)),
      actedWithoutAsking: Number(report.outOfScope.actedWithoutAsking.toFixed(4)),
    }),
  );
}

main();
