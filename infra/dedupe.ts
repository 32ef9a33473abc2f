/**
 * Remembers the activities whose turn completed, for a while, so a channel's re-send (Teams
 * retries after 15 s) of a completed turn is dropped while a re-send of a turn that never
 * completed (the process died, or the turn threw) runs.
 *
 * Callers check and mark while holding the conversation's lock (infra/lock): two deliveries of one
 * activity then run one after the other, and the second sees the first's mark.
 */
export interface SeenActivities {
  /** True when a turn on this activity completed within the window. Checking marks nothing. */
  completed(id: string): Promise<boolean>;
  /** Records that the turn on this activity completed; idempotent. */
  markCompleted(id: string): Promise<void>;
  close(): Promise<void>;
}

/** One process: a bounded map in insertion order, oldest evicted first. */
export class MemorySeenActivities implements SeenActivities {
  private readonly done = new Map<string, number>();
  constructor(private readonly opts: { ttlMs: number; max: number; now?: () => number }) {}

  async completed(id: string): Promise<boolean> {
    const at = this.done.get(id);
    return at !== undefined && this.now() - at < this.opts.ttlMs;
  }

  async markCompleted(id: string): Promise<void> {
    // Deleted first so a re-mark moves to the young end of the eviction order.
    this.done.delete(id);
    this.done.set(id, this.now());
    while (this.done.size > this.opts.max) this.done.delete(this.done.keys().next().value as string);
  }

  async close(): Promise<void> {}

  private now(): number {
    return this.opts.now?.() ?? Date.now();
  }
}
