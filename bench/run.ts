/**
 * `npm run bench`: runs the benchmarks one after another (each needs the machine to itself), then
 * prints one table and one JSON line per benchmark. A missed goal is reported, not failed: the
 * exit code is 1 only when a benchmark could not run at all.
 *
 * `npm run bench -- B3 B5` runs only the benchmarks named (ids, any case), in the usual order.
 */
import { runB1, type B1Result } from './b1-turns.js';
import { runB6, type B6Result } from './b6-start.js';
import { runB2, type B2Result } from './b2-issue.js';
import { runB4, type B4Result } from './b4-nlu.js';
import { runB3, type B3Result } from './b3-jobs.js';
import { runB5, type B5Result } from './b5-memory.js';

interface Row {
  id: string;
  what: string;
  measured: string;
  ceiling: string;
  ratio: string;
  goal: string;
  /** Undefined for a row given for context, with no goal of its own. */
  met: boolean | undefined;
}

const f = (x: number, digits = 0) => x.toFixed(digits);

function b1Rows(r: B1Result): Row[] {
  return [
    {
      id: 'B1',
      what: 'turns/s, full dialog, 50 conc.',
      measured: `${f(r.botTurnsPerSecond)} turns/s`,
      ceiling: `echo ${f(r.echoTurnsPerSecond)} turns/s; restify ${f(r.restifyRps)} req/s`,
      ratio: `${f(r.ratioVsEcho, 3)} × echo`,
      goal: `≥ ${r.goalRatio} × echo`,
      met: r.ratioVsEcho >= r.goalRatio,
    },
    {
      // The same ratio from CPU time per turn: steadier than turns/s when the machine is shared.
      id: 'B1',
      what: 'server CPU per turn',
      measured: `${f(r.botCpuMsPerTurn, 2)} ms`,
      ceiling: `echo ${f(r.echoCpuMsPerTurn, 2)} ms`,
      ratio: `${f(r.cpuRatio, 3)} × echo`,
      goal: `≥ ${r.goalRatio} × echo`,
      met: r.cpuRatio >= r.goalRatio,
    },
    {
      id: 'B1',
      what: 'turn latency p99 (p50)',
      measured: `${f(r.botP99Ms)} ms (${f(r.botP50Ms)} ms)`,
      ceiling: `echo p99 ${f(r.echoP99Ms)} ms`,
      ratio: `${f(r.p99VsGoal, 2)} × goal`,
      goal: `≤ ${r.goalP99Ms} ms`,
      met: r.botP99Ms <= r.goalP99Ms,
    },
    'skipped' in r.withRedis
      ? {
          id: 'B1',
          what: 'the same with REDIS_URL',
          measured: `skipped: ${r.withRedis.skipped}`,
          ceiling: '',
          ratio: '',
          goal: '',
          met: undefined,
        }
      : {
          id: 'B1',
          what: 'the same with REDIS_URL: turns/s; CPU; p99',
          measured: `${f(r.withRedis.botTurnsPerSecond)} turns/s; ${f(r.withRedis.botCpuMsPerTurn, 2)} ms; ${f(r.withRedis.botP99Ms)} ms`,
          ceiling: 'echo, as above',
          ratio: `${f(r.withRedis.ratioVsEcho, 3)}; ${f(r.withRedis.cpuRatio, 3)} × echo`,
          goal: '',
          met: undefined,
        },
  ];
}

function b6Rows(r: B6Result): Row[] {
  const row = (what: string, s: number, cpu: number, ratio: number, goal: number, cpuToo: boolean): Row => ({
    id: 'B6',
    what,
    measured: `${f(s, 2)} s (CPU ${f(cpu, 2)} s)`,
    ceiling: `node -e "" ${f(r.nodeStartSeconds, 3)} s`,
    ratio: `${f(ratio, 1)} × node`,
    goal: `≤ ${goal} s${cpuToo ? ' (wall and CPU)' : ''}`,
    met: s <= goal && (!cpuToo || cpu <= goal),
  });
  return [
    row(`${r.command} → /readyz, empty DATA_DIR`, r.firstStartSeconds, r.cpuSecondsToReady[0], r.firstRatio, r.goalSeconds, false),
    row(
      `${r.command} → /readyz, same DATA_DIR`,
      r.secondStartSeconds,
      r.cpuSecondsToReady[1],
      r.secondRatio,
      r.goalSecondStartSeconds,
      true,
    ),
    row(
      `${r.directCommand} → /readyz, same DATA_DIR`,
      r.directStartSeconds,
      r.cpuSecondsToReady[2],
      r.directStartSeconds / r.nodeStartSeconds,
      r.goalSecondStartSeconds,
      true,
    ),
    {
      id: 'B6',
      what: 'SIGTERM exit (direct node; npm)',
      measured: `${r.directExitCode}; npm ${r.npmExit.join('/')}`,
      ceiling: '',
      ratio: '',
      goal: 'exit 0',
      met: r.directExitCode === 0 && !r.npmOrphanedBot,
    },
  ];
}

function b2Rows(r: B2Result): Row[] {
  return [
    {
      id: 'B2',
      what: 'certificates issued/s (RSA-2048 CSRs)',
      measured: `${f(r.issuedPerSecond)} /s`,
      ceiling: `raw RSA-2048 signing ${f(r.rawRsa2048PerSecond)} /s (RSA-3072 ${f(r.rawRsa3072PerSecond)} /s)`,
      ratio: `${f(r.ratio, 3)} (${f(r.ratioVsIssuingKey, 2)} vs issuing key)`,
      goal: `≥ ${r.goal}`,
      met: r.ratio >= r.goal,
    },
  ];
}

function b4Rows(r: B4Result): Row[] {
  return [
    {
      id: 'B4',
      what: 'classify p99 (CPU p99)',
      measured: `${f(r.p99Ms, 3)} ms (${f(r.p99CpuMs, 3)} ms)`,
      ceiling: '',
      ratio: '',
      goal: '≤ 1 ms',
      met: r.p99Ms <= 1,
    },
    {
      id: 'B4',
      what: 'held-out accuracy; throughput',
      measured: `${f(r.accuracy, 4)}; ${f(r.throughputPerSec)} /s`,
      ceiling: '',
      ratio: '',
      goal: '≥ 0.95',
      met: r.accuracy >= 0.95,
    },
  ];
}

function b3Rows(r: B3Result): Row[] {
  return [
    {
      id: 'B3',
      what: `CA-issue jobs/s, BullMQ (conc. ${r.concurrency})`,
      measured: `${f(r.caJobsPerSecondBullmq, 2)} jobs/s`,
      ceiling: `no-op BullMQ ${f(r.noopJobsPerSecondBullmq)} jobs/s`,
      ratio: `${f(r.ratio, 4)} × no-op`,
      goal: `≥ ${r.goal} × no-op`,
      met: r.ratio >= r.goal,
    },
    {
      id: 'B3',
      what: 'CA-issue jobs/s, in-process runner',
      measured: `${f(r.caJobsPerSecondInline, 2)} jobs/s`,
      ceiling: `no-op BullMQ ${f(r.noopJobsPerSecondBullmq)} jobs/s`,
      ratio: `${f(r.inlineRatio, 4)} × no-op`,
      goal: '',
      met: undefined,
    },
    {
      id: 'B3',
      what: 'floor: jobs that only sign once (RSA-3072)',
      measured: `${f(r.signatureJobsPerSecondBullmq)} jobs/s`,
      ceiling: `no-op BullMQ ${f(r.noopJobsPerSecondBullmq)} jobs/s`,
      ratio: `${f(r.signatureFloorRatio, 4)} × no-op`,
      goal: '',
      met: undefined,
    },
  ];
}

function b5Rows(r: B5Result): Row[] {
  const row = (what: string, mb: number, abs: number): Row => ({
    id: 'B5',
    what,
    measured: `+${f(mb)} MB (${f(abs)} MB)`,
    ceiling: `idle bot ${f(r.idleRssMb)} MB`,
    ratio: `${f(mb / r.goalPeakMb, 2)} × goal`,
    goal: `≤ +${r.goalPeakMb} MB`,
    met: mb <= r.goalPeakMb,
  });
  return [
    row(`RSS peak, ${r.conversations} conv. parked (${r.concurrency} at a time)`, r.peakRssOverIdleMb, r.peakRssMb),
    { ...row(`RSS ${r.settleSeconds} s after the burst`, r.settledRssOverIdleMb, r.settledRssMb), ratio: '', goal: '', met: undefined },
  ];
}

const benchmarks: {
  id: string;
  run: () => Promise<B1Result | B2Result | B3Result | B4Result | B5Result | B6Result>;
  rows: (r: never) => Row[];
}[] = [
  { id: 'B1', run: runB1, rows: b1Rows },
  { id: 'B2', run: runB2, rows: b2Rows },
  { id: 'B3', run: runB3, rows: b3Rows },
  { id: 'B4', run: runB4, rows: b4Rows },
  { id: 'B5', run: runB5, rows: b5Rows },
  { id: 'B6', run: runB6, rows: b6Rows },
];

// `npm run bench -- B3 b5`: only those; no argument runs them all.
const wanted = process.argv.slice(2).map((a) => a.toUpperCase());
const unknown = wanted.filter((id) => !benchmarks.some((b) => b.id === id));
if (unknown.length > 0) {
  process.stderr.write(`unknown benchmark ${unknown.join(', ')}; known: ${benchmarks.map((b) => b.id).join(', ')}\n`);
  process.exit(2);
}
const selected = wanted.length > 0 ? benchmarks.filter((b) => wanted.includes(b.id)) : benchmarks;

function table(rows: Row[]): string {
  const head: Row = { id: 'id', what: 'what', measured: 'measured', ceiling: 'ceiling', ratio: 'ratio', goal: 'goal', met: true };
  const cells = (r: Row, isHead = false) => [
    r.id,
    r.what,
    r.measured,
    r.ceiling,
    r.ratio,
    r.goal,
    isHead ? 'met' : r.met === undefined ? '' : r.met ? 'yes' : 'NO',
  ];
  const all = [cells(head, true), ...rows.map((r) => cells(r))];
  const widths = all[0].map((_, i) => Math.max(...all.map((c) => c[i].length)));
  const line = (c: string[]) =>
    c
      .map((x, i) => x.padEnd(widths[i]))
      .join(' | ')
      .trimEnd();
  return [line(all[0]), widths.map((w) => '-'.repeat(w)).join('-|-'), ...all.slice(1).map(line)].join('\n');
}

const rows: Row[] = [];
const json: string[] = [];
let failed = false;
for (const b of selected) {
  try {
    const result = await b.run();
    rows.push(...b.rows(result as never));
    json.push(JSON.stringify(result));
  } catch (e) {
    failed = true;
    process.stderr.write(`${b.id} could not run: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    json.push(JSON.stringify({ id: b.id, error: e instanceof Error ? e.message : String(e) }));
  }
}
process.stdout.write(`${table(rows)}\n\n${json.join('\n')}\n`);
// Explicit: a leftover handle (a keep-alive socket, a worker) must not keep the run alive.
process.exit(failed ? 1 : 0);
