import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import type { EventBus } from '../../domain/ports/event-bus.js';
import { failFastRedisOptions } from '../redis-options.js';
import { RedisGuard } from '../redis-guard.js';
import { dispatch, type EventBusLogger, type EventHandler, type Subscription } from './local.js';

export interface RedisEventBusOptions {
  /** Redis URL, e.g. `redis://127.0.0.1:6379`. */
  url: string;
  /** Channel namespace (default `events`): buses see each other only with the same prefix. Pub/sub ignores the db number. */
  prefix?: string;
  logger?: EventBusLogger;
}

/** A publish or (un)subscribe gives up after this, as INFRA_UNAVAILABLE. */
const CALL_TIMEOUT_MS = 1500;

interface Channel {
  subs: Set<Subscription>;
  /** Settles when Redis has confirmed (or refused) the SUBSCRIBE. */
  ready: Promise<unknown>;
}

/**
 * The scaled-out {@link EventBus} on Redis pub/sub, so any bot instance can relay any conversation.
 * One connection publishes, one is in subscriber mode; each Redis channel is subscribed once and
 * fanned out locally to this instance's handlers.
 *
 * When Redis is away: a message Redis did not take still reaches this instance's own subscribers
 * (delivered here, and skipped should Redis deliver it after all, so once), so a Web Chat stream
 * still shows the reply of a turn that ran here; `publish` then rejects with INFRA_UNAVAILABLE, at
 * once, since other instances missed it, and a subscription to a new topic is refused the same way.
 * Both connections reconnect in the background; ioredis subscribes again to every channel when
 * Redis returns.
 */
export class RedisEventBus implements EventBus {
  private readonly prefix: string;
  private readonly logger?: EventBusLogger;
  private readonly pub: Redis;
  private readonly sub: Redis;
  private readonly pubGuard: RedisGuard;
  private readonly subGuard: RedisGuard;
  private readonly channels = new Map<string, Channel>();
  /** Channels left while Redis was away: unsubscribed once it is back (ioredis subscribes to them again). */
  private readonly orphans = new Set<string>();
  /** Marks this bus's own messages on the wire, `<origin>:<seq>`, so one delivered here is not delivered twice. */
  private readonly origin = randomUUID();
  private seq = 0;
  /** Sequence numbers of messages delivered here because publishing failed (bounded: Redis may never echo them). */
  private readonly deliveredHere = new Set<number>();
  private closed?: Promise<void>;

  constructor(opts: RedisEventBusOptions) {
    this.prefix = opts.prefix ?? 'events';
    this.logger = opts.logger;
    this.pub = new Redis(opts.url, failFastRedisOptions());
    this.sub = new Redis(opts.url, failFastRedisOptions());
    this.pubGuard = new RedisGuard(this.pub, { dependency: 'events', timeoutMs: CALL_TIMEOUT_MS });
    this.subGuard = new RedisGuard(this.sub, { dependency: 'events', timeoutMs: CALL_TIMEOUT_MS });
    for (const client of [this.pub, this.sub]) {
      // Reported once per outage: the clients retry every 2 s until Redis returns.
      let reported = false;
      client.on('error', (err: Error) => {
        if (!reported) this.logger?.error({ err }, 'event bus: Redis connection error');
        reported = true;
      });
      client.on('ready', () => void (reported = false));
    }
    this.sub.on('message', (channel: string, text: string) => this.onMessage(channel, text));
    this.sub.on('ready', () => this.dropOrphans());
  }

  async publish(topic: string, message: Record<string, unknown>): Promise<void> {
    if (this.closed) throw new Error('RedisEventBus is closed');
    const name = this.channelOf(topic);
    const text = JSON.stringify(message);
    const seq = ++this.seq;
    try {
      // In the normal case this instance's subscribers get it from Redis too, in Redis's order for everyone.
      await this.pubGuard.run(() => this.pub.publish(name, `${this.origin}:${seq}\n${text}`));
    } catch (e) {
      this.deliverHere(name, text, seq);
      throw e;
    }
  }

  /** Readiness: both connections up, and the publisher answers a PING within `timeoutMs`. */
  async ping(timeoutMs = CALL_TIMEOUT_MS): Promise<void> {
    if (this.closed) throw new Error('RedisEventBus is closed');
    this.subGuard.assertUp();
    await this.pubGuard.ping(timeoutMs);
  }

  async subscribe(topic: string, handler: EventHandler): Promise<() => Promise<void>> {
    if (this.closed) throw new Error('RedisEventBus is closed');
    const name = this.channelOf(topic);
    let channel = this.channels.get(name);
    if (!channel) {
      this.orphans.delete(name);
      channel = { subs: new Set(), ready: this.subGuard.run(() => this.sub.subscribe(name)) };
      this.channels.set(name, channel);
    }
    // Joined before awaiting, so a concurrent last unsubscribe cannot drop the Redis subscription under us.
    const sub: Subscription = { handler, active: true };
    channel.subs.add(sub);
    try {
      await channel.ready;
    } catch (e) {
      await this.leave(name, channel, sub);
      throw e;
    }
    return () => this.leave(name, channel, sub);
  }

  close(): Promise<void> {
    this.closed ??= (async () => {
      for (const channel of this.channels.values()) for (const sub of channel.subs) sub.active = false;
      this.channels.clear();
      await Promise.allSettled([this.pub, this.sub].map((c) => c.quit().catch(() => c.disconnect())));
    })();
    return this.closed;
  }

  private channelOf(topic: string): string {
    return `${this.prefix}:${topic}`;
  }

  private async leave(name: string, channel: Channel, sub: Subscription): Promise<void> {
    sub.active = false;
    channel.subs.delete(sub);
    if (channel.subs.size > 0 || this.channels.get(name) !== channel) return;
    this.channels.delete(name);
    // A later subscribe sends SUBSCRIBE after this on the same connection, so Redis ends up subscribed again.
    if (this.closed) return;
    // The handler is gone either way; without Redis the channel is unsubscribed when it returns.
    await this.subGuard.run(() => this.sub.unsubscribe(name)).catch(() => void this.orphans.add(name));
  }

  /** Runs on every reconnection, after ioredis has sent its SUBSCRIBEs again: the same connection keeps the order. */
  private dropOrphans(): void {
    const names = [...this.orphans].filter((name) => !this.channels.has(name));
    this.orphans.clear();
    if (names.length > 0 && !this.closed) void this.sub.unsubscribe(...names).catch(() => names.forEach((n) => this.orphans.add(n)));
  }

  private deliverHere(name: string, text: string, seq: number): void {
    const channel = this.channels.get(name);
    if (!channel) return;
    this.deliveredHere.add(seq);
    if (this.deliveredHere.size > 10_000) this.deliveredHere.delete(this.deliveredHere.values().next().value as number);
    const targets = [...channel.subs];
    // After publish returns, as from Redis: a subscriber never runs inside the publisher.
    queueMicrotask(() => dispatch(targets, text, { topic: name.slice(this.prefix.length + 1), logger: this.logger }));
  }

  private onMessage(name: string, wire: string): void {
    const channel = this.channels.get(name);
    if (!channel) return;
    const topic = name.slice(this.prefix.length + 1);
    // `<origin>:<seq>\n<json>`; a message without that header (another publisher) is delivered as it is.
    const cut = wire.indexOf('\n');
    const header = cut > 0 && !wire.startsWith('{') ? wire.slice(0, cut) : undefined;
    if (header?.startsWith(`${this.origin}:`) && this.deliveredHere.delete(Number(header.slice(this.origin.length + 1)))) return;
    const text = header === undefined ? wire : wire.slice(cut + 1);
    try {
      JSON.parse(text);
    } catch (err) {
      this.logger?.error({ err, topic }, 'event bus: dropped a message that is not JSON');
      return;
    }
    dispatch(channel.subs, text, { topic, logger: this.logger });
  }
}
