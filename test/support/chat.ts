import { randomUUID } from 'node:crypto';
import type { SentActivity, TestConnector } from './connector.js';
import { waitFor } from './wait-for.js';

/**
 * One person in one conversation, driving the bot over HTTP the way a channel does: activities
 * posted to /api/messages with a serviceUrl pointing at the test connector.
 */
export class Chat {
  readonly conversationId = `conv-${randomUUID()}`;
  private seen = 0;

  constructor(private readonly opts: { botUrl: () => string; connector: TestConnector; userId: string; channelId?: string }) {}

  /** The channel user id this chat speaks as. */
  get userId(): string {
    return this.opts.userId;
  }

  /** Posts one activity; resolves with the HTTP status once the turn is done. */
  async post(activity: Record<string, unknown>): Promise<number> {
    const res = await fetch(`${this.opts.botUrl()}/api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        id: randomUUID(),
        channelId: this.opts.channelId ?? 'test',
        serviceUrl: this.opts.connector.url,
        from: { id: this.opts.userId, name: this.opts.userId },
        recipient: { id: 'gpki-bot' },
        conversation: { id: this.conversationId },
        timestamp: new Date().toISOString(),
        ...activity,
      }),
    });
    await res.arrayBuffer();
    return res.status;
  }

  /** Says something and returns every reply of that turn. */
  async say(text: string): Promise<SentActivity[]> {
    await this.expectOk(this.post({ type: 'message', text }));
    return this.take();
  }

  /** Clicks a card button (Action.Submit): a message with a value and no text. */
  async submit(value: Record<string, unknown>): Promise<SentActivity[]> {
    await this.expectOk(this.post({ type: 'message', value }));
    return this.take();
  }

  /**
   * Uploads a file: small ones inline as a data: URL (as the Emulator does), large ones hosted on
   * the connector's origin (as channels do).
   */
  async upload(name: string, contentType: string, bytes: Buffer): Promise<SentActivity[]> {
    const contentUrl =
      bytes.length < 100_000 ? `data:${contentType};base64,${bytes.toString('base64')}` : this.opts.connector.host(contentType, bytes);
    await this.expectOk(this.post({ type: 'message', attachments: [{ name, contentType, contentUrl }] }));
    return this.take();
  }

  /** Everything the bot sent since the last call. */
  take(): SentActivity[] {
    const all = this.opts.connector.activities(this.conversationId);
    const fresh = all.slice(this.seen);
    this.seen = all.length;
    return fresh;
  }

  /** Waits for a message (a proactive one, typically) that satisfies `match`, then consumes up to it. */
  async waitFor(what: string, match: (a: SentActivity) => boolean): Promise<SentActivity> {
    return waitFor(
      what,
      () => {
        const all = this.opts.connector.activities(this.conversationId);
        const i = all.findIndex((a, idx) => idx >= this.seen && match(a));
        if (i < 0) return undefined;
        this.seen = i + 1;
        return all[i];
      },
      { timeoutMs: 15_000 },
    );
  }

  /**
   * Waits for a message satisfying `match` anywhere in the conversation, consuming nothing: for
   * notices delivered by concurrent jobs, whose order is not part of any promise.
   */
  async waitForSeen(what: string, match: (a: SentActivity) => boolean): Promise<SentActivity> {
    return waitFor(what, () => this.opts.connector.activities(this.conversationId).find(match), { timeoutMs: 15_000 });
  }

  private async expectOk(p: Promise<number>): Promise<void> {
    const status = await p;
    if (status < 200 || status >= 300) throw new Error(`bot answered HTTP ${status}`);
  }
}

/** The field the last prompt among `replies` asks for (channelData.prompt.field). */
export function askedField(replies: SentActivity[]): string | undefined {
  return [...replies].reverse().find((a) => a.channelData?.prompt)?.channelData?.prompt?.field;
}

/**
 * The last prompt among `replies` (the activity carrying channelData.prompt): proactive notices may
 * arrive in the same turn, so "the last reply" is not always the question.
 */
export function promptOf(replies: SentActivity[]): SentActivity | undefined {
  return [...replies].reverse().find((a) => a.channelData?.prompt);
}

export function texts(replies: SentActivity[]): string {
  return replies.map((a) => a.text ?? '').join('\n');
}

export function cardOf(a: SentActivity | undefined): Record<string, unknown> | undefined {
  return a?.attachments?.find((x) => x.contentType === 'application/vnd.microsoft.card.adaptive')?.content;
}
