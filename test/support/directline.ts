import { createHmac } from 'node:crypto';
import WebSocket from 'ws';
import { waitFor } from './wait-for.js';

/** An activity as Direct Line clients receive it. */
export interface DlActivity {
  id: string;
  type: string;
  text?: string;
  from: { id: string; name?: string; role?: string };
  replyToId?: string;
  timestamp?: string;
  attachments?: { contentType: string; name?: string; contentUrl?: string; content?: Record<string, unknown> }[];
  channelData?: { clientActivityID?: string; prompt?: { field: string; kind: string } };
}

export interface StartAnswer {
  conversationId: string;
  token: string;
  expires_in: number;
  streamUrl: string;
}

/** An intranet identity assertion signed the way the README tells intranet backends to. */
export function signAssertion(secret: string, payload: { sub: string; name?: string; exp: number }): string {
  const p = Buffer.from(JSON.stringify(payload)).toString('base64url');
  return `${p}.${createHmac('sha256', secret).update(p).digest('base64url')}`;
}

export const inSeconds = (s: number): number => Math.floor(Date.now() / 1000) + s;

/** The claims of a token (the part Web Chat reads with jwt-decode). */
export function claimsOf(token: string): { conv: string; user: string; name?: string; exp: number } {
  return JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString('utf8')) as {
    conv: string;
    user: string;
    name?: string;
    exp: number;
  };
}

/** JSON fetch against the bot: status and parsed body. */
export async function call(
  url: string,
  init: { method?: string; token?: string; json?: unknown; body?: BodyInit; headers?: Record<string, string> } = {},
): Promise<{ status: number; body: any }> {
  const headers: Record<string, string> = { ...init.headers };
  if (init.token) headers.authorization = `Bearer ${init.token}`;
  if (init.json !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(url, {
    method: init.method ?? (init.json !== undefined || init.body ? 'POST' : 'GET'),
    headers,
    body: init.json !== undefined ? JSON.stringify(init.json) : init.body,
  });
  const text = await res.text();
  return { status: res.status, body: text ? (JSON.parse(text) as unknown) : undefined };
}

/** A WebSocket stream and everything it received, in order (keep-alives counted apart). */
export class Stream {
  readonly activities: DlActivity[] = [];
  readonly watermarks: string[] = [];
  keepAlives = 0;
  private constructor(private readonly ws: WebSocket) {
    ws.on('message', (data: Buffer) => {
      const text = data.toString();
      if (!text) return void this.keepAlives++;
      const group = JSON.parse(text) as { activities: DlActivity[]; watermark: string };
      this.activities.push(...group.activities);
      this.watermarks.push(group.watermark);
    });
  }

  static open(streamUrl: string): Promise<Stream> {
    const ws = new WebSocket(streamUrl);
    return new Promise((resolve, reject) => {
      ws.once('open', () => resolve(new Stream(ws)));
      ws.once('error', reject);
      ws.once('unexpected-response', (_req, res) => reject(new Error(`stream refused: HTTP ${res.statusCode}`)));
    });
  }

  /** The first activity received that matches (waiting for it). */
  async waitFor(what: string, match: (a: DlActivity) => boolean, timeoutMs = 15_000): Promise<DlActivity> {
    return waitFor(what, () => this.activities.find(match), { timeoutMs });
  }

  async close(): Promise<void> {
    if (this.ws.readyState === WebSocket.CLOSED) return;
    await new Promise<void>((resolve) => {
      this.ws.once('close', () => resolve());
      this.ws.close();
    });
  }
}

/** One user of the bot's Direct Line, driving it over HTTP the way DirectLineJS does. */
export class DirectLineUser {
  conversationId: string;
  constructor(
    readonly botUrl: string,
    public token: string,
  ) {
    this.conversationId = claimsOf(token).conv;
  }

  /** A demo person's token from the token endpoint. */
  static async demo(botUrl: string, demoUser: string): Promise<DirectLineUser> {
    const r = await call(`${botUrl}/api/directline/token`, { json: { demoUser } });
    if (r.status !== 200) throw new Error(`demo token refused: ${r.status} ${JSON.stringify(r.body)}`);
    return new DirectLineUser(botUrl, r.body.token as string);
  }

  get base(): string {
    return `${this.botUrl}/v3/directline/conversations/${encodeURIComponent(this.conversationId)}`;
  }

  /** POST /conversations; adopts the fresh token. */
  async start(): Promise<StartAnswer> {
    const r = await call(`${this.botUrl}/v3/directline/conversations`, { method: 'POST', token: this.token });
    if (r.status !== 201) throw new Error(`start refused: ${r.status} ${JSON.stringify(r.body)}`);
    this.token = r.body.token as string;
    return r.body as StartAnswer;
  }

  /** GET /conversations/:id?watermark= (what DirectLineJS does on a reconnect). */
  async resume(watermark?: string): Promise<StartAnswer> {
    const r = await call(`${this.base}${watermark ? `?watermark=${watermark}` : ''}`, { token: this.token });
    if (r.status !== 200) throw new Error(`resume refused: ${r.status} ${JSON.stringify(r.body)}`);
    this.token = r.body.token as string;
    return r.body as StartAnswer;
  }

  async post(activity: Record<string, unknown>): Promise<{ status: number; body: any }> {
    return call(`${this.base}/activities`, { token: this.token, json: activity });
  }

  /** Says something; resolves with the activity id once the bot's turn has run. */
  async say(text: string, extra: Record<string, unknown> = {}): Promise<string> {
    const r = await this.post({ type: 'message', text, ...extra });
    if (r.status !== 200) throw new Error(`post refused: ${r.status} ${JSON.stringify(r.body)}`);
    return r.body.id as string;
  }

  async submit(value: Record<string, unknown>): Promise<string> {
    const r = await this.post({ type: 'message', value });
    if (r.status !== 200) throw new Error(`submit refused: ${r.status} ${JSON.stringify(r.body)}`);
    return r.body.id as string;
  }

  /** Every activity of the conversation, page after page, as a client reading the whole history gets it. */
  async history(): Promise<DlActivity[]> {
    const all: DlActivity[] = [];
    let watermark: string | undefined;
    for (;;) {
      const page = await this.activities(watermark);
      if (page.activities.length === 0) return all;
      all.push(...page.activities);
      watermark = page.watermark;
    }
  }

  async activities(watermark?: string): Promise<{ activities: DlActivity[]; watermark: string }> {
    const r = await call(`${this.base}/activities${watermark ? `?watermark=${watermark}` : ''}`, { token: this.token });
    if (r.status !== 200) throw new Error(`get refused: ${r.status}`);
    return r.body as { activities: DlActivity[]; watermark: string };
  }

  /** Uploads files the way DirectLineJS does: multipart with `file` parts and an `activity` part. */
  async upload(
    files: { name: string; type: string; bytes: Buffer }[],
    activity: Record<string, unknown> = { type: 'message' },
  ): Promise<{ status: number; body: any }> {
    const form = new FormData();
    form.append('activity', new Blob([JSON.stringify(activity)], { type: 'application/vnd.microsoft.activity' }));
    for (const f of files) form.append('file', new Blob([new Uint8Array(f.bytes)], { type: f.type }), f.name);
    return call(`${this.base}/upload?userId=ignored`, { token: this.token, body: form });
  }
}

/** The adaptive card content of an activity, if any. */
export function cardOf(a: DlActivity | undefined): Record<string, unknown> | undefined {
  return a?.attachments?.find((x) => x.contentType === 'application/vnd.microsoft.card.adaptive')?.content;
}

/** The field the bot's prompt asks for (channelData.prompt.field). */
export const promptOf = (a: DlActivity | undefined): string | undefined => a?.channelData?.prompt?.field;
