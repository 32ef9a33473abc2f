import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface SentActivity {
  /** The id the connector gave the message. */
  id?: string;
  /** How many times the bot replaced it since. */
  updated?: number;
  type: string;
  text?: string;
  attachments?: { contentType: string; content?: Record<string, unknown> }[];
  channelData?: { prompt?: { field: string; kind: string; choices?: { value: string; title: string }[] } };
  suggestedActions?: unknown;
  conversation?: { id: string };
  replyToId?: string;
}

/**
 * A stand-in for a channel's connector service (what Teams or Direct Line run): the bot posts its
 * replies and proactive messages here, exactly as it would to a real channel, and the test reads them.
 */
export class TestConnector {
  readonly byConversation = new Map<string, SentActivity[]>();
  private readonly files = new Map<string, { contentType: string; bytes: Buffer }>();
  private readonly failures = new Map<string, { status: number; left: number }>();
  /** Requests answered per conversation, including refused ones. */
  readonly attempts = new Map<string, number>();
  private server?: http.Server;
  url = '';

  async start(): Promise<void> {
    this.server = http.createServer((req, res) => {
      const file = req.method === 'GET' ? this.files.get(req.url ?? '') : undefined;
      if (file) {
        res.statusCode = 200;
        res.setHeader('content-type', file.contentType);
        res.end(file.bytes);
        return;
      }
      const m = /^\/v3\/conversations\/([^/]+)\/activities(?:\/([^/]+))?$/.exec(req.url ?? '');
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        if (req.method === 'PUT' && m?.[2]) {
          // An update of a message already sent (Universal Actions replace the card for everyone).
          const sent = this.activities(decodeURIComponent(m[1])).find((a) => a.id === decodeURIComponent(m[2]));
          if (sent) Object.assign(sent, JSON.parse(body) as SentActivity, { id: sent.id, updated: (sent.updated ?? 0) + 1 });
          res.statusCode = sent ? 200 : 404;
          res.setHeader('content-type', 'application/json');
          res.end(JSON.stringify({ id: m[2] }));
          return;
        }
        if (req.method !== 'POST' || !m) {
          // restify patches ServerResponse globally, so writeHead is not chained here.
          res.statusCode = 404;
          res.end();
          return;
        }
        const conv = decodeURIComponent(m[1]);
        this.attempts.set(conv, (this.attempts.get(conv) ?? 0) + 1);
        const fail = this.failures.get(conv);
        if (fail && fail.left > 0) {
          fail.left -= 1;
          res.statusCode = fail.status;
          res.setHeader('retry-after', '0');
          res.end(JSON.stringify({ error: { code: 'Throttled', message: 'slow down' } }));
          return;
        }
        const list = this.byConversation.get(conv) ?? [];
        const id = `r${list.length + 1}`;
        list.push({ ...(JSON.parse(body) as SentActivity), id });
        this.byConversation.set(conv, list);
        res.statusCode = 200;
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify({ id }));
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** Answers the next `count` posts to a conversation with `status` (e.g. 429), as a busy channel does. */
  failNext(conversationId: string, status: number, count: number): void {
    this.failures.set(conversationId, { status, left: count });
  }

  /** Hosts an uploaded file the way a channel does, returning its URL on the connector's origin. */
  host(contentType: string, bytes: Buffer): string {
    const p = `/attachments/${this.files.size + 1}`;
    this.files.set(p, { contentType, bytes });
    return `${this.url}${p}`;
  }

  activities(conversationId: string): SentActivity[] {
    return this.byConversation.get(conversationId) ?? [];
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.server?.close(() => resolve()));
  }
}
