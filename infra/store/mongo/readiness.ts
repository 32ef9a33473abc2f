/** mongoose's `connected` readyState. */
const CONNECTED = 1;

/** What readiness reads of a mongoose connection (an EventEmitter with `readyState`). */
export interface ConnectionEvents {
  readonly readyState: number;
  on(event: 'connected' | 'reconnected' | 'disconnected' | 'close', listener: () => void): unknown;
}

/** How long the store may be without a primary and still count as ready (a replica-set election). */
export const READY_GRACE_MS = 10_000;

/**
 * Whether the MongoDB store is ready, answered at once from connection events (never a round
 * trip, so `/readyz` never waits on the database). mongoose reports "disconnected" as soon as the
 * replica set has no primary, which an ordinary election causes for a few seconds; following
 * that raw state would take every instance out of the load balancer at once. So the store stays
 * ready while connected or disconnected for less than `graceMs`, and is not ready once closed.
 * Operations during the gap wait for the new primary (server selection) and retry once.
 */
export function trackReadiness(connection: ConnectionEvents, opts: { graceMs?: number; now?: () => number } = {}): () => boolean {
  const graceMs = opts.graceMs ?? READY_GRACE_MS;
  const now = opts.now ?? Date.now;
  let downSince = connection.readyState === CONNECTED ? undefined : now();
  let closed = false;
  const up = () => {
    downSince = undefined;
  };
  connection.on('connected', up);
  connection.on('reconnected', up);
  connection.on('disconnected', () => {
    downSince ??= now();
  });
  connection.on('close', () => {
    closed = true;
  });
  return () => {
    if (closed) return false;
    if (connection.readyState === CONNECTED) return true;
    return downSince !== undefined && now() - downSince < graceMs;
  };
}
