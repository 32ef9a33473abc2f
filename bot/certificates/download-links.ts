import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Links to a training certificate's one-time download page. The signature covers the case and
 * the link's expiry, so a link cannot be made up or extended; that it is used once is the case's
 * business (domain/usecases/training.ts).
 */
export class TrainingDownloadLinks {
  constructor(private readonly opts: { baseUrl: () => string; secret: string }) {}

  link(caseId: string, expiresAt: string): string {
    const exp = Math.floor(Date.parse(expiresAt) / 1000);
    return `${this.opts.baseUrl()}/pki/training/download/${encodeURIComponent(caseId)}?exp=${exp}&sig=${this.sign(caseId, exp)}`;
  }

  /** True for a link this bot made; whether it is still usable is decided by the case and the clock. */
  verify(caseId: string, exp: string | undefined, sig: string | undefined): boolean {
    const expiry = Number(exp);
    if (!Number.isInteger(expiry) || !sig) return false;
    const want = Buffer.from(this.sign(caseId, expiry));
    const got = Buffer.from(sig);
    return want.length === got.length && timingSafeEqual(want, got);
  }

  private sign(caseId: string, exp: number): string {
    return createHmac('sha256', this.opts.secret).update(`training-download:${caseId}.${exp}`).digest('base64url');
  }
}
