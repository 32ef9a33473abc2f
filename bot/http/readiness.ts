/**
 * One dependency's check: resolves (anything but `false`) when it answers. A rejection or `false`
 * means it is down now (a Redis client that lost its connection says so at once); a probe that has
 * not answered within the timeout is "slow".
 */
export type Probe = () => unknown;

export interface ReadinessOptions {
  /** Longest wait for any probe (default 1000 ms): /readyz must answer within 2 s. */
  timeoutMs?: number;
  /** Slow answers in a row before a dependency counts as down (default 2): one slow PING is no outage. */
  slowBeforeDown?: number;
  /**
   * A check this recent is reused (default 500 ms): many probes and conversation starts share one
   * round. A finished round that found something down is not reused, so a dependency that comes up
   * (the CA finishing its start) shows at the next check; checks made meanwhile still share it.
   */
  reuseMs?: number;
  now?: () => number;
}

export type ReadinessChecks = Record<string, boolean>;

const SLOW = Symbol('slow');

/**
 * The bot's readiness, per dependency (store, queue, events, ca): every probe is bounded by a
 * timeout, so the answer never waits on a reconnecting client; a dependency that fails is down at
 * once, one that is merely slow only after `slowBeforeDown` slow answers in a row.
 */
export class Readiness {
  private readonly slowInARow = new Map<string, number>();
  private readonly timeoutMs: number;
  private readonly slowBeforeDown: number;
  private readonly reuseMs: number;
  private readonly now: () => number;
  private last?: { at: number; checks: Promise<ReadinessChecks> };

  constructor(
    private readonly probes: Record<string, Probe>,
    opts: ReadinessOptions = {},
  ) {
    this.timeoutMs = opts.timeoutMs ?? 1000;
    this.slowBeforeDown = opts.slowBeforeDown ?? 2;
    this.reuseMs = opts.reuseMs ?? 500;
    this.now = opts.now ?? Date.now;
  }

  /** Every dependency's state: true = up. */
  check(): Promise<ReadinessChecks> {
    const at = this.now();
    if (this.last && at - this.last.at < this.reuseMs) return this.last.checks;
    const checks = this.probeAll();
    const round = { at, checks };
    this.last = round;
    const forget = () => void (this.last === round && (this.last = undefined));
    void checks.then((c) => Object.values(c).includes(false) && forget(), forget);
    return checks;
  }

  /** The named dependencies (all when none are named) that are down now. */
  async down(names?: string[]): Promise<string[]> {
    const checks = await this.check();
    return Object.entries(checks)
      .filter(([name, up]) => !up && (!names || names.includes(name)))
      .map(([name]) => name);
  }

  private async probeAll(): Promise<ReadinessChecks> {
    const entries = await Promise.all(
      Object.entries(this.probes).map(async ([name, probe]) => [name, this.judge(name, await this.bounded(probe))] as const),
    );
    return Object.fromEntries(entries);
  }

  private judge(name: string, outcome: boolean | typeof SLOW): boolean {
    if (outcome !== SLOW) {
      this.slowInARow.set(name, 0);
      return outcome;
    }
    const slow = (this.slowInARow.get(name) ?? 0) + 1;
    this.slowInARow.set(name, slow);
    return slow < this.slowBeforeDown;
  }

  private async bounded(probe: Probe): Promise<boolean | typeof SLOW> {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<typeof SLOW>((resolve) => (timer = setTimeout(() => resolve(SLOW), this.timeoutMs)));
    try {
      const answer = (async () => (await probe()) !== false)().catch(() => false);
      return await Promise.race([answer, late]);
    } finally {
      clearTimeout(timer);
    }
  }
}
