/** Remembers activity ids for a while so a channel's re-send (Teams retries after 15 s) runs once. */
export interface SeenActivities {
  /** True the first time an id is seen within the window, false afterwards. */
  firstSeen(id: string): Promise<boolean>;
  close(): Promise<void>;
}

/** One process: a bounded map in insertion order, oldest evicted first. */
export class MemorySeenActivities implements SeenActivities {
  private readonly seen = new Map<string, number>();
  constructor(private readonly opts: { ttlMs: number; max: number; now?: () => number }) {}

  async firstSeen(id: string): Promise<boolean> {
    const now = this.opts.now?.() ?? Date.now();
    const at = this.seen.get(id);
    if (at !== undefined && now - at < this.opts.ttlMs) return false;
    this.seen.delete(id);
    this.seen.set(id, now);
    while (this.seen.size > this.opts.max) this.seen.delete(this.seen.keys().next().value as string);
    return true;
  }

  async close(): Promise<void> {}
}
