import type { Attachment, TurnContext } from 'botbuilder';
import type { AttachmentReader } from '../../dialogs/user-certificate/fields.js';

/**
 * Reads uploads: `data:` URLs (Emulator, tests) and http(s) URLs on the channel's own service
 * origin or an origin the operator trusts. Any other URL is refused, so a user cannot make the
 * bot fetch arbitrary addresses. Reading stops as soon as the limit is passed.
 */
export const TEAMS_FILE_INFO = 'application/vnd.microsoft.teams.file.download.info';

export class HttpAttachmentReader implements AttachmentReader {
  /**
   * `ownFiles` reads the bot's own signed `/files/` links (Direct Line uploads) from the store, with
   * no HTTP: `undefined` = not such a link, `'refused'` = one, but not readable by this sender.
   */
  constructor(
    private readonly opts: {
      trustedOrigins: string[];
      timeoutMs: number;
      teamsFileHosts: string[];
      ownFiles?: (url: string, senderId: string) => Promise<Buffer | 'refused' | undefined>;
    },
  ) {}

  async read(ctx: TurnContext, attachment: Attachment, maxBytes: number): Promise<Buffer | 'too-large' | undefined> {
    if (attachment.contentType === TEAMS_FILE_INFO) return this.fromTeams(attachment, maxBytes);
    const url = attachment.contentUrl;
    if (!url) return undefined;
    if (url.startsWith('data:')) return this.fromDataUrl(url, maxBytes);
    const own = await this.opts.ownFiles?.(url, ctx.activity.from?.id ?? '');
    if (own !== undefined) return own === 'refused' ? undefined : own.length > maxBytes ? 'too-large' : own;
    let origin: string;
    try {
      origin = new URL(url).origin;
    } catch {
      return undefined;
    }
    const allowed = [...this.opts.trustedOrigins, safeOrigin(ctx.activity.serviceUrl)].filter(Boolean);
    if (!allowed.includes(origin)) return undefined;
    return this.download(url, maxBytes);
  }

  /**
   * A file sent in a personal Teams chat arrives as "file download info": a short-lived,
   * pre-authorised link on the tenant's SharePoint. Only hosts under the configured suffixes are fetched.
   */
  private async fromTeams(attachment: Attachment, maxBytes: number): Promise<Buffer | 'too-large' | undefined> {
    const url = (attachment.content as { downloadUrl?: unknown } | undefined)?.downloadUrl;
    if (typeof url !== 'string') return undefined;
    let host: string;
    try {
      host = new URL(url).hostname;
    } catch {
      return undefined;
    }
    if (!this.opts.teamsFileHosts.some((h) => host === h || host.endsWith(`.${h}`))) return undefined;
    return this.download(url, maxBytes);
  }

  private fromDataUrl(url: string, maxBytes: number): Buffer | 'too-large' | undefined {
    const comma = url.indexOf(',');
    if (comma < 0 || !url.slice(0, comma).endsWith(';base64')) return undefined;
    const b64 = url.slice(comma + 1);
    if (b64.length * 0.75 > maxBytes + 3) return 'too-large';
    return Buffer.from(b64, 'base64');
  }

  private async download(url: string, maxBytes: number): Promise<Buffer | 'too-large' | undefined> {
    const res = await fetch(url, { signal: AbortSignal.timeout(this.opts.timeoutMs), redirect: 'error' }).catch(() => undefined);
    if (!res || !res.ok || !res.body) return undefined;
    const chunks: Buffer[] = [];
    let total = 0;
    for await (const chunk of res.body as AsyncIterable<Uint8Array>) {
      total += chunk.length;
      if (total > maxBytes) return 'too-large';
      chunks.push(Buffer.from(chunk));
    }
    return Buffer.concat(chunks);
  }
}

function safeOrigin(url: string | undefined): string {
  try {
    return url ? new URL(url).origin : '';
  } catch {
    return '';
  }
}
