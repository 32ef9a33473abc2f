import { createHmac, randomBytes, scrypt, timingSafeEqual } from 'node:crypto';
import { promisify } from 'node:util';
import { hasRole, type Person } from '../../domain/people.js';
import type { Directory } from '../../domain/ports/directory.js';
import type { AgentCredentials } from '../../domain/ports/handoff-repository.js';

const scryptAsync = promisify(scrypt) as (password: string, salt: Buffer, keylen: number, opts: { N: number; r: number; p: number; maxmem: number }) => Promise<Buffer>;
const PARAMS = { N: 16384, r: 8, p: 1 };
export const MIN_PASSWORD_LENGTH = 12;

/** `scrypt$N$r$p$salt$hash` (base64url), with a fresh 16-byte salt. */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const hash = await scryptAsync(password, salt, 32, { ...PARAMS, maxmem: 64 * 1024 * 1024 });
  return ['scrypt', PARAMS.N, PARAMS.r, PARAMS.p, salt.toString('base64url'), hash.toString('base64url')].join('$');
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [kind, n, r, p, salt, hash] = stored.split('$');
  if (kind !== 'scrypt' || !salt || !hash) return false;
  const expected = Buffer.from(hash, 'base64url');
  const got = await scryptAsync(password, Buffer.from(salt, 'base64url'), expected.length, { N: Number(n), r: Number(r), p: Number(p), maxmem: 64 * 1024 * 1024 });
  return got.length === expected.length && timingSafeEqual(got, expected);
}

/** Sets (or resets) an agent's console password; only directory people with the helpdesk-agent role. */
export async function setAgentPassword(deps: { directory: Directory; credentials: AgentCredentials }, email: string, password: string): Promise<{ ok: true; person: Person } | { ok: false; reason: string }> {
  const person = await deps.directory.findByEmail(email.trim());
  if (!person) return { ok: false, reason: `no person with the e-mail ${email} in the directory` };
  if (!hasRole(person, 'HELPDESK_AGENT')) return { ok: false, reason: `${email} does not have the HELPDESK_AGENT role` };
  if (password.length < MIN_PASSWORD_LENGTH) return { ok: false, reason: `the password must have at least ${MIN_PASSWORD_LENGTH} characters` };
  await deps.credentials.setHash(person.id, await hashPassword(password));
  return { ok: true, person };
}

export interface Session {
  agentId: string;
  sid: string;
  exp: number;
}

/**
 * Stateless console sessions: the cookie is the session signed with HMAC-SHA256, so every bot
 * instance sharing the secret accepts it. The CSRF token is derived from the session id and must
 * come back in the `x-csrf-token` header of every state-changing request.
 */
export class ConsoleSessions {
  constructor(private readonly opts: { secret: string; ttlSeconds: number; now: () => number }) {}

  issue(agentId: string): { cookie: string; csrf: string; session: Session } {
    const session: Session = { agentId, sid: randomBytes(16).toString('base64url'), exp: Math.floor(this.opts.now() / 1000) + this.opts.ttlSeconds };
    const body = Buffer.from(JSON.stringify(session)).toString('base64url');
    return { cookie: `${body}.${this.sign(body)}`, csrf: this.csrfOf(session), session };
  }

  read(cookie: string | undefined): Session | undefined {
    if (!cookie) return undefined;
    const [body, sig] = cookie.split('.');
    if (!body || !sig || !safeEqual(sig, this.sign(body))) return undefined;
    try {
      const s = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as Session;
      return typeof s.agentId === 'string' && typeof s.sid === 'string' && s.exp * 1000 > this.opts.now() ? s : undefined;
    } catch {
      return undefined;
    }
  }

  csrfOf(s: Session): string {
    return this.sign(`csrf:${s.sid}`);
  }

  csrfValid(s: Session, token: unknown): boolean {
    return typeof token === 'string' && safeEqual(token, this.csrfOf(s));
  }

  private sign(text: string): string {
    return createHmac('sha256', this.opts.secret).update(text).digest('base64url');
  }
}

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
