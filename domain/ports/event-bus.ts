/**
 * Publish/subscribe for live events (agent relay, console updates).
 *
 * Promises: every subscriber of a topic on any instance connected to the same bus receives each
 * message published after its subscription became active (`subscribe` resolves once it is);
 * messages are JSON; delivery is at most once; one throwing subscriber does not affect others.
 */
export interface EventBus {
  publish(topic: string, message: Record<string, unknown>): Promise<void>;
  subscribe(topic: string, handler: (message: Record<string, unknown>) => void): Promise<() => Promise<void>>;
  close(): Promise<void>;
}
