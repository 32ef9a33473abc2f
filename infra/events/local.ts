import type { EventBus } from '../../domain/ports/event-bus.js';

export type EventHandler = (message: Record<string, unknown>) => void;

/** The slice of a logger (pino's shape) the event buses use. */
export interface EventBusLogger {
  error(obj: object, msg?: string): void;
}

/** One subscription; an object rather than the bare handler so the same function can subscribe twice. */
export interface Subscription {
  handler: EventHandler;
  active: boolean;
}

/**
 * Hands one serialized message to each subscription, each its own parsed copy so no subscriber can
 * change what another sees. A throwing (or rejecting) subscriber is logged and the others still run.
 */
export function dispatch(subs: Iterable<Subscription>, text: string, where: { topic: string; logger?: EventBusLogger }): void {
  for (const sub of [...subs]) {
    if (!sub.active) continue;
    try {
      const result = sub.handler(JSON.parse(text) as Record<string, unknown>) as unknown;
      if (result instanceof Promise)
        result.catch((err: unknown) => where.logger?.error({ err, topic: where.topic }, 'event subscriber failed'));
    } catch (err) {
      where.logger?.error({ err, topic: where.topic }, 'event subscriber failed');
    }
  }
}

/**
 * The embedded {@link EventBus}: in-process only, for a single bot instance. Messages go through
 * JSON like on Redis, so code that works here does not depend on sharing object references.
 */
export class LocalEventBus implements EventBus {
  private readonly topics = new Map<string, Set<Subscription>>();
  private readonly logger?: EventBusLogger;
  private closed = false;

  constructor(opts: { logger?: EventBusLogger } = {}) {
    this.logger = opts.logger;
  }

  async publish(topic: string, message: Record<string, unknown>): Promise<void> {
    if (this.closed) throw new Error('LocalEventBus is closed');
    const subs = this.topics.get(topic);
    if (!subs || subs.size === 0) return;
    const text = JSON.stringify(message);
    const targets = [...subs];
    // Delivered after publish returns, as on Redis: a slow or re-publishing subscriber never runs inside the publisher.
    queueMicrotask(() => dispatch(targets, text, { topic, logger: this.logger }));
  }

  async subscribe(topic: string, handler: EventHandler): Promise<() => Promise<void>> {
    if (this.closed) throw new Error('LocalEventBus is closed');
    const sub: Subscription = { handler, active: true };
    let subs = this.topics.get(topic);
    if (!subs) this.topics.set(topic, (subs = new Set()));
    subs.add(sub);
    return async () => {
      sub.active = false;
      subs.delete(sub);
      if (subs.size === 0 && this.topics.get(topic) === subs) this.topics.delete(topic);
    };
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const subs of this.topics.values()) for (const sub of subs) sub.active = false;
    this.topics.clear();
  }
}
