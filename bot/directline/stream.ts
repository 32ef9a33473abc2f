import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import type { ActivityLog } from '../../domain/ports/activity-log.js';
import type { EventBus } from '../../domain/ports/event-bus.js';
import type { Logger } from '../../infra/logger.js';
import { toWire, topicOf } from './activities.js';
import type { DirectLineTokens } from './tokens.js';

const STREAM_PATH = /^\/v3\/directline\/conversations\/([^/?]+)\/stream$/;
/** Activities per message when a stream catches up on a long backlog. */
const BATCH = 100;

export interface StreamOptions {
  log: ActivityLog;
  events: EventBus;
  tokens: DirectLineTokens;
  logger: Logger;
  /** How often an empty message keeps idle proxies from closing the socket (Azure does the same). */
  keepAliveMs?: number;
  /** What a stream needs that is down right now (the event bus while Redis is away): the upgrade is then refused with 503. */
  unavailable?: () => Promise<string[]>;
}

/**
 * The WebSocket half of Direct Line: `GET /v3/directline/conversations/:id/stream?t=<token>
 * [&watermark=n]` upgrades to a socket that first receives what the conversation holds after the
 * watermark, then every new activity as `{ activities, watermark }`, never one twice and none
 * skipped. A socket subscribes to the conversation's EventBus topic; an announcement only wakes
 * it, and it reads the log from its last watermark, so announcements that are lost, duplicated or
 * out of order (two instances on Redis) change nothing. What clients send on the socket is ignored
 * (DirectLineJS sends empty pings). Each batch sent is recorded as delivered
 * (`ActivityLog.markDelivered`), so what the person saw is not carried into a new tab of theirs.
 */
export class DirectLineStreams {
  private readonly wss = new WebSocketServer({ noServer: true, maxPayload: 4096 });
  private readonly open = new Set<{ socket: WebSocket; stop(): Promise<void> }>();
  private closed = false;

  constructor(private readonly opts: StreamOptions) {}

  /** The `upgrade` listener for the HTTP server: handles stream paths, leaves every other path alone. */
  readonly onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer): void => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const m = STREAM_PATH.exec(url.pathname);
    if (!m) return;
    void this.accept(req, socket, head, { conversationId: decodeURIComponent(m[1]), url }).catch((err: unknown) => {
      this.opts.logger.error({ err }, 'direct line: stream upgrade failed');
      refuse(socket, 500, 'Internal Server Error');
    });
  };

  /** Closes every socket and unsubscribes; new upgrades are refused. */
  async close(): Promise<void> {
    this.closed = true;
    await Promise.all(
      [...this.open].map(async (s) => {
        s.socket.terminate();
        await s.stop();
      }),
    );
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
  }

  private async accept(req: IncomingMessage, socket: Duplex, head: Buffer, at: { conversationId: string; url: URL }): Promise<void> {
    if (this.closed) return refuse(socket, 503, 'Service Unavailable');
    const check = this.opts.tokens.verify(at.url.searchParams.get('t') ?? undefined, ['stream', 'conversation']);
    if (!check.ok) return refuse(socket, check.reason === 'expired' ? 403 : 401, check.reason === 'expired' ? 'Forbidden' : 'Unauthorized');
    if (check.claims.conv !== at.conversationId) return refuse(socket, 403, 'Forbidden');
    const conversation = await this.opts.log.getConversation(at.conversationId);
    if (!conversation) return refuse(socket, 404, 'Not Found');
    if (conversation.userId !== check.claims.user) return refuse(socket, 403, 'Forbidden');
    // Refused before the upgrade: DirectLineJS retries a refused stream, never an open one that stays silent.
    if (((await this.opts.unavailable?.()) ?? []).length > 0) return refuse(socket, 503, 'Service Unavailable');
    const from = Number(at.url.searchParams.get('watermark') ?? 0);
    const ws = await new Promise<WebSocket>((resolve) => this.wss.handleUpgrade(req, socket, head, resolve));
    await this.serve(ws, at.conversationId, Number.isInteger(from) && from > 0 ? from : 0);
  }

  private async serve(socket: WebSocket, conversationId: string, watermark: number): Promise<void> {
    let sent = watermark;
    let pumping: Promise<void> | undefined;
    let again = false;
    const drain = async (): Promise<void> => {
      for (;;) {
        const batch = await this.opts.log.listAfter(conversationId, sent, BATCH);
        if (batch.length === 0 || socket.readyState !== socket.OPEN) return;
        sent = batch[batch.length - 1].watermark;
        socket.send(JSON.stringify({ activities: batch.map(toWire), watermark: String(sent) }));
        // Handed to the client: a new tab of this person's will not be given these again. A
        // failed mark only means a later tab may repeat them; the stream goes on.
        await this.opts.log.markDelivered(conversationId, sent).catch((err: unknown) => {
          this.opts.logger.warn({ err, conversation: conversationId }, 'direct line: recording delivery failed');
        });
      }
    };
    // One reader at a time; a wake-up during a read makes it read once more. `again` is looked at
    // again after `pumping` is cleared, so a wake-up between the last read and that moment is not lost.
    const wake = (): void => {
      again = true;
      if (pumping) return;
      pumping = (async () => {
        while (again) {
          again = false;
          await drain();
        }
      })()
        .catch((err: unknown) => this.opts.logger.error({ err, conversation: conversationId }, 'direct line: stream read failed'))
        .finally(() => {
          pumping = undefined;
          if (again) wake();
        });
    };
    // Subscribed before the first read, so nothing appended in between is missed.
    let unsubscribe: () => Promise<void>;
    try {
      unsubscribe = await this.opts.events.subscribe(topicOf(conversationId), wake);
    } catch (err) {
      // The bus went away after the check above: 1011 tells the client to come back later.
      this.opts.logger.warn({ err, conversation: conversationId }, 'direct line: stream could not subscribe');
      return void socket.close(1011, 'Service Unavailable');
    }
    const keepAlive = setInterval(() => socket.readyState === socket.OPEN && socket.send(''), this.opts.keepAliveMs ?? 30_000);
    keepAlive.unref();
    let stopped: Promise<void> | undefined;
    const entry = {
      socket,
      stop: () =>
        (stopped ??= (async () => {
          clearInterval(keepAlive);
          this.open.delete(entry);
          await unsubscribe().catch(() => undefined);
        })()),
    };
    this.open.add(entry);
    socket.on('close', () => void entry.stop());
    socket.on('error', () => socket.terminate());
    socket.on('message', () => undefined);
    if (socket.readyState !== socket.OPEN || this.closed) return void (await entry.stop());
    wake();
  }
}

/** Answers an upgrade that will not become a WebSocket, then drops the connection. */
function refuse(socket: Duplex, status: number, text: string): void {
  if (!socket.writable) return void socket.destroy();
  socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
}
