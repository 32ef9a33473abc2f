import { Redis } from 'ioredis';
import type { EventBus } from '../../domain/ports/event-bus.js';
import { dispatch, type EventBusLogger, type EventHandler, type Subscription } from './local.js';

export interface RedisEventBusOptions {
  /** Redis URL, e.g. `redis://127.0.0.1:6379`. */
  url: string;
  /** Channel namespace (default `events`): buses see each other only with the same prefix. Pub/sub ignores the db number. */
  prefix?: string;
  logger?: EventBusLogger;
}

interface Channel {
  subs: Set<Subscription>;
  /** Settles when Redis has confirmed (or refused) the SUBSCRIBE. */
  ready: Promise<unknown>;
}

/**
 * The scaled-out {@link EventBus} on Redis pub/sub, so any bot instance can relay any conversation.
 * One connection publishes, one is in subscriber mode; each Redis channel is subscribed once and
 * fanned out locally to this instance's handlers.
 */
export class RedisEventBus implements EventBus {
  private readonly prefix: string;
  private readonly logger?: EventBusLogger;
  private readonly pub: Redis;
  private readonly sub: Redis;
  private readonly channels = new Map<string, Channel>();
  private closed?: Promise<void>;

  constructor(opts: RedisEventBusOptions) {
    this.prefix = opts.prefix ?? 'events';
    this.logger = opts.logger;
    this.pub = new Redis(opts.url);
    this.sub = new Redis(opts.url);
    for (const client of [this.pub, this.sub]) {
      client.on('error', (err: Error) => this.logger?.error({ err }, 'event bus: Redis connection error'));
    }
    this.sub.on('message', (channel: string, text: string) => this.onMessage(channel, text));
  }

  async publish(topic: string, message: Record<string, unknown>): Promise<void> {
    if (this.closed) throw new Error('RedisEventBus is closed');
    await this.pub.publish(this.channelOf(topic), JSON.stringify(message));
  }

  async subscribe(topic: string, handler: EventHandler): Promise<() => Promise<void>> {
    if (this.closed) throw new Error('RedisEventBus is closed');
    const name = this.channelOf(topic);
    let channel = this.channels.get(name);
    if (!channel) {
      channel = { subs: new Set(), ready: this.sub.subscribe(name) };
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
    if (!this.closed) await this.sub.unsubscribe(name);
  }

  private onMessage(name: string, text: string): void {
    const channel = this.channels.get(name);
    if (!channel) return;
    const topic = name.slice(this.prefix.length + 1);
    try {
      JSON.parse(text);
    } catch (err) {
      this.logger?.error({ err, topic }, 'event bus: dropped a message that is not JSON');
      return;
    }
    dispatch(channel.subs, text, { topic, logger: this.logger });
  }
}
