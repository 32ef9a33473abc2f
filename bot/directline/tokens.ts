import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * What a Direct Line token says. `user` is the claim Web Chat reads to learn its user id, so the
 * browser never chooses it. `scope: 'stream'` tokens only open the WebSocket of `conv`.
 */
export interface TokenClaims {
  conv: string;
  user: string;
  name?: string;
  /** The page's language when the token was asked for ('ms' | 'en'): the bot's greeting and a default for the turn. */
  loc?: 'ms' | 'en';
  scope: 'conversation' | 'stream';
  iat: number;
  exp: number;
  jti: string;
}

export type TokenCheck = { ok: true; claims: TokenClaims } | { ok: false; reason: 'invalid' | 'expired' };

const b64 = (s: string | Buffer) => Buffer.from(s).toString('base64url');
const HEADER = b64(JSON.stringify({ alg: 'HS256', typ: 'JWT' }));

/**
 * Direct Line tokens: JWTs (HS256) the server issues per conversation and user. The signing key is
 * derived from the Direct Line secret, so the secret itself (the Bearer of tokens/generate) never
 * signs anything a client holds. Every instance with the same secret accepts the others' tokens.
 */
export class DirectLineTokens {
  private readonly key: Buffer;
  private readonly secret: Buffer;

  constructor(private readonly opts: { secret: string; ttlSeconds: number; now?: () => number }) {
    this.secret = Buffer.from(opts.secret);
    this.key = createHmac('sha256', opts.secret).update('gpki directline token v1').digest();
  }

  get ttlSeconds(): number {
    return this.opts.ttlSeconds;
  }

  /** A token for one user in one conversation, valid for the configured lifetime (stream tokens: at most 5 minutes). */
  issue(
    subject: { conversationId: string; userId: string; name?: string; locale?: 'ms' | 'en' },
    scope: TokenClaims['scope'] = 'conversation',
  ): { token: string; expiresIn: number } {
    const iat = this.nowSeconds();
    // A stream token is used at once (DirectLineJS fetches a fresh stream URL for every reconnect).
    const expiresIn = scope === 'stream' ? Math.min(this.opts.ttlSeconds, 300) : this.opts.ttlSeconds;
    const claims: TokenClaims = {
      conv: subject.conversationId,
      user: subject.userId,
      scope,
      iat,
      exp: iat + expiresIn,
      jti: randomBytes(9).toString('base64url'),
    };
    if (subject.name) claims.name = subject.name;
    if (subject.locale) claims.loc = subject.locale;
    const body = `${HEADER}.${b64(JSON.stringify(claims))}`;
    return { token: `${body}.${this.sign(body)}`, expiresIn };
  }

  /** Checks signature, shape and expiry; `scopes` lists the scopes this use accepts. */
  verify(token: string | undefined, scopes: TokenClaims['scope'][] = ['conversation']): TokenCheck {
    const parts = (token ?? '').split('.');
    if (parts.length !== 3 || parts[0] !== HEADER) return { ok: false, reason: 'invalid' };
    const want = Buffer.from(this.sign(`${parts[0]}.${parts[1]}`));
    const got = Buffer.from(parts[2]);
    if (want.length !== got.length || !timingSafeEqual(want, got)) return { ok: false, reason: 'invalid' };
    let claims: TokenClaims;
    try {
      claims = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8')) as TokenClaims;
    } catch {
      return { ok: false, reason: 'invalid' };
    }
    if (
      typeof claims.conv !== 'string' ||
      typeof claims.user !== 'string' ||
      typeof claims.exp !== 'number' ||
      !scopes.includes(claims.scope)
    ) {
      return { ok: false, reason: 'invalid' };
    }
    return claims.exp <= this.nowSeconds() ? { ok: false, reason: 'expired' } : { ok: true, claims };
  }

  /** Seconds until the token expires (0 once it has). */
  remaining(claims: TokenClaims): number {
    return Math.max(0, claims.exp - this.nowSeconds());
  }

  /** True when `bearer` is the Direct Line secret itself (compared in constant time). */
  isSecret(bearer: string | undefined): boolean {
    const got = Buffer.from(bearer ?? '');
    return got.length === this.secret.length && timingSafeEqual(got, this.secret);
  }

  private sign(body: string): string {
    return createHmac('sha256', this.key).update(body).digest('base64url');
  }

  private nowSeconds(): number {
    return Math.floor((this.opts.now?.() ?? Date.now()) / 1000);
  }
}

/** The Bearer credential of a request, if any. */
export function bearerOf(authorization: string | undefined): string | undefined {
  const m = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '');
  return m?.[1];
}
