import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Signed, expiring links to uploaded files, so an AP can open a MyKad copy from a card without
 * the file being public. The signature covers the file id and the expiry.
 */
export class FileLinks {
  constructor(private readonly opts: { baseUrl: () => string; secret: string; ttlSeconds: number; now?: () => number }) {}

  link(fileId: string): string {
    const exp = Math.floor((this.opts.now?.() ?? Date.now()) / 1000) + this.opts.ttlSeconds;
    return `${this.opts.baseUrl()}/files/${encodeURIComponent(fileId)}?exp=${exp}&sig=${this.sign(fileId, exp)}`;
  }

  verify(fileId: string, exp: string | undefined, sig: string | undefined): boolean {
    const expiry = Number(exp);
    if (!Number.isInteger(expiry) || !sig || expiry * 1000 < (this.opts.now?.() ?? Date.now())) return false;
    const want = Buffer.from(this.sign(fileId, expiry));
    const got = Buffer.from(sig);
    return want.length === got.length && timingSafeEqual(want, got);
  }

  /** The file id behind one of this bot's links that is valid now; undefined for anything else. */
  idOf(url: string): string | undefined {
    let link: URL;
    let base: URL;
    try {
      link = new URL(url);
      base = new URL(this.opts.baseUrl());
    } catch {
      return undefined;
    }
    const prefix = `${base.pathname.replace(/\/$/, '')}/files/`;
    if (link.origin !== base.origin || !link.pathname.startsWith(prefix)) return undefined;
    const id = decodeURIComponent(link.pathname.slice(prefix.length));
    return this.verify(id, link.searchParams.get('exp') ?? undefined, link.searchParams.get('sig') ?? undefined) ? id : undefined;
  }

  private sign(fileId: string, exp: number): string {
    return createHmac('sha256', this.opts.secret).update(`${fileId}.${exp}`).digest('base64url');
  }
}
