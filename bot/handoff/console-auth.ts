import { createHash, createHmac, randomBytes, scrypt, timingSafeEqual } from 'node:crypto';
import { promisify } from 'node:util';
import type { Person } from '../../domain/people.js';
import { CONSOLE_ROLES, mayUseConsole } from '../../domain/rules/console-access.js';
import type { Directory } from '../../domain/ports/directory.js';
import type { AgentCredentials } from '../../domain/ports/handoff-repository.js';
import type { AgentSessions } from '../../domain/ports/agent-sessions.js';

const scryptAsync = promisify(scrypt) as (
  password: string,
  salt: Buffer,
  keylen: number,
  opts: { N: number; r: number; p: number; maxmem: number },
) => Promise<Buffer>;
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
  const got = await scryptAsync(password, Buffer.from(salt, 'base64url'), expected.length, {
    N: Number(n),
    r: Number(r),
    p: Number(p),
    maxmem: 64 * 1024 * 1024,
  });
  return got.length === expected.length && timingSafeEqual(got, expected);
}

/**
 * Sets (or resets) a console password; only directory people with a console role (helpdesk
 * agent, lead agency, admin: domain/rules/console-access.ts). Every session the person had is
 * ended: whoever signed in with the old password is out.
 */
export async function setAgentPassword(
  deps: { directory: Directory; credentials: AgentCredentials; sessions: AgentSessions },
  email: string,
  password: string,
): Promise<{ ok: true; person: Person; sessionsEnded: number } | { ok: false; reason: string }> {
  const person = await deps.directory.findByEmail(email.trim());
  if (!person) return { ok: false, reason: `no person with the e-mail ${email} in the directory` };
  if (!mayUseConsole(person)) return { ok: false, reason: `${email} has none of the console roles (${CONSOLE_ROLES.join(', ')})` };
  if (password.length < MIN_PASSWORD_LENGTH)
    return { ok: false, reason: `the password must have at least ${MIN_PASSWORD_LENGTH} characters` };
  await deps.credentials.setHash(person.id, await hashPassword(password));
  return { ok: true, person, sessionsEnded: await deps.sessions.deleteForAgent(person.id) };
}

export interface Session {
  agentId: string;
  /** The session's key in the store (a digest of the cookie, which only the browser holds). */
  sid: string;
  exp: number;
}

/**
 * Server-side console sessions in the shared store: the cookie is 32 random bytes, the store keeps
 * only their SHA-256, so ending a session (logout, a password reset, a role withdrawn) ends it on
 * every instance at once, and reading the store does not give anyone a usable cookie. The CSRF
 * token is derived from the session id and must come back in `x-csrf-token` on every change.
 */
export class ConsoleSessions {
  constructor(private readonly opts: { store: AgentSessions; secret: string; ttlSeconds: number; now: () => Date }) {}

  async issue(agentId: string): Promise<{ cookie: string; csrf: string; session: Session }> {
    const cookie = randomBytes(32).toString('base64url');
    const now = this.opts.now();
    const exp = Math.floor(now.getTime() / 1000) + this.opts.ttlSeconds;
    const session: Session = { agentId, sid: digest(cookie), exp };
    await this.opts.store.create({ id: session.sid, agentId, createdAt: now.toISOString(), expiresAt: new Date(exp * 1000).toISOString() });
    return { cookie, csrf: this.csrfOf(session), session };
  }

  async read(cookie: string | undefined): Promise<Session | undefined> {
    if (!cookie || !/^[\w-]{43}$/.test(cookie)) return undefined;
    const found = await this.opts.store.get(digest(cookie), this.opts.now());
    return found ? { agentId: found.agentId, sid: found.id, exp: Math.floor(Date.parse(found.expiresAt) / 1000) } : undefined;
  }

  /** True while the session with this store id lives (for long-lived streams opened under it). */
  async readById(sid: string): Promise<boolean> {
    return (await this.opts.store.get(sid, this.opts.now())) !== undefined;
  }

  /** Ends one session (logout). */
  async end(session: Session): Promise<void> {
    await this.opts.store.delete(session.sid);
  }

  /** Ends every session of an agent (password reset, role withdrawn); returns how many. */
  async endAllFor(agentId: string): Promise<number> {
    return this.opts.store.deleteForAgent(agentId);
  }

  csrfOf(s: Session): string {
    return createHmac('sha256', this.opts.secret).update(`csrf:${s.sid}`).digest('base64url');
  }

  csrfValid(s: Session, token: unknown): boolean {
    return typeof token === 'string' && safeEqual(token, this.csrfOf(s));
  }
}

/**
 * Ends the console sessions of everyone who no longer holds any console role (after the
 * directory was loaded again); returns whose were ended. Each request checks the roles too: this
 * also closes what the next request would have found.
 */
export async function endSessionsOfFormerAgents(deps: { directory: Directory; sessions: AgentSessions; now: Date }): Promise<string[]> {
  const ended: string[] = [];
  for (const agentId of await deps.sessions.agentIds(deps.now)) {
    const person = await deps.directory.getPerson(agentId);
    if (person && mayUseConsole(person)) continue;
    await deps.sessions.deleteForAgent(agentId);
    ended.push(agentId);
  }
  return ended;
}

function digest(cookie: string): string {
  return createHash('sha256').update(cookie).digest('base64url');
}

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
