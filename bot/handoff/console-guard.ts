import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Request, Response } from 'restify';
import type { Person } from '../../domain/people.js';
import type { Directory } from '../../domain/ports/directory.js';
import type { AgentCredentials } from '../../domain/ports/handoff-repository.js';
import { mayUse, mayUseConsole, type ConsoleArea } from '../../domain/rules/console-access.js';
import type { Logger } from '../../infra/logger.js';
import type { ClientAddresses } from '../http/client-address.js';
import { hashPassword, verifyPassword, type ConsoleSessions, type Session } from './console-auth.js';
import type { SignInThrottle } from './sign-in-throttle.js';

export const COOKIE = 'gpki_console';

/** The console pages' policy: nothing inline, nothing from elsewhere. */
export const CONSOLE_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/**
 * What a signed-in person without the area's role is told (403). `NOT_AN_AGENT` predates the
 * other console roles; it stays the desk's (and sign-in's) code so existing clients keep working.
 */
export const AREA_REFUSALS: Record<ConsoleArea | 'any', string> = {
  desk: 'NOT_AN_AGENT',
  reports: 'NOT_LEAD_AGENCY_OR_ADMIN',
  queues: 'NOT_AN_ADMIN',
  any: 'NOT_AN_AGENT',
};

export type GuardedHandler = (req: Request, res: Response, person: Person, session: Session) => Promise<void>;
export type Guarded = (handler: GuardedHandler) => (req: Request, res: Response) => Promise<void>;

/**
 * The console's one gate: a live session (401 `NO_SESSION`), the CSRF token on every change
 * (403 `CSRF`), and the person's roles asked of the directory on every request (403 by area).
 * A person who holds no console role any more has every session ended for good; one who holds
 * another console role keeps the session for what that role allows.
 */
export function guardFor(deps: { sessions: ConsoleSessions; directory: Directory }, area: ConsoleArea | 'any'): Guarded {
  return (handler) => async (req, res) => {
    const session = await deps.sessions.read(cookieOf(req, COOKIE));
    if (!session) return void res.send(401, { error: 'NO_SESSION' });
    if (req.method !== 'GET' && !deps.sessions.csrfValid(session, req.headers['x-csrf-token']))
      return void res.send(403, { error: 'CSRF' });
    const person = await consolePerson(deps, session);
    if (!person || (area !== 'any' && !mayUse(person, area))) return void res.send(403, { error: AREA_REFUSALS[area] });
    await handler(req, res, person, session);
  };
}

/**
 * The session's person while they hold a console role, asked of the directory on every request
 * (a role withdrawn there ends access at once); a session whose person holds none is ended.
 */
export async function consolePerson(
  deps: { sessions: ConsoleSessions; directory: Directory },
  session: Session,
): Promise<Person | undefined> {
  const person = await deps.directory.getPerson(session.agentId);
  if (person && mayUseConsole(person)) return person;
  await deps.sessions.endAllFor(session.agentId);
  return undefined;
}

/** Sends one of the console's pages from web/, with the console's headers. */
export async function sendConsolePage(res: Response, webDir: string, file: string): Promise<void> {
  const html = await readFile(path.join(webDir, file));
  res.setHeader('content-type', 'text/html; charset=utf-8');
  res.setHeader('content-security-policy', CONSOLE_CSP);
  res.setHeader('x-content-type-options', 'nosniff');
  res.setHeader('referrer-policy', 'no-referrer');
  res.setHeader('cache-control', 'no-store');
  res.sendRaw(200, html);
}

export interface SignInDeps {
  directory: Directory;
  credentials: AgentCredentials;
  logger: Logger;
  ssoHeader?: string;
  addresses: ClientAddresses;
  throttle: SignInThrottle;
}

/**
 * Signs a person in by the SSO header (from a trusted proxy only) or by e-mail and password.
 * Password attempts pass the throttle first; an unknown e-mail costs the same scrypt as a known
 * one and gets the same answer, so neither the answer nor its time tells who is an agent.
 */
export async function signIn(
  deps: SignInDeps,
  req: Request,
  res: Response,
): Promise<{ ok: true; value: Person } | { ok: false; status: number; error: string }> {
  const sso = deps.ssoHeader ? req.headers[deps.ssoHeader] : undefined;
  if (sso !== undefined) {
    if (!deps.addresses.fromTrustedProxy(req)) {
      deps.logger.warn({ from: deps.addresses.of(req) }, 'console sign-in: SSO header from an address that is not a trusted proxy refused');
      return { ok: false, status: 403, error: 'SSO_NOT_TRUSTED' };
    }
    const person = typeof sso === 'string' && sso ? await deps.directory.findByEmail(sso) : undefined;
    if (!person) return { ok: false, status: 401, error: 'SIGNIN_FAILED' };
    return mayUseConsole(person) ? { ok: true, value: person } : { ok: false, status: 403, error: AREA_REFUSALS.any };
  }
  const body = (req.body ?? {}) as { email?: unknown; password?: unknown };
  if (typeof body.email !== 'string' || typeof body.password !== 'string' || body.email.length > 254 || body.password.length > 1024)
    return { ok: false, status: 400, error: 'EMAIL_AND_PASSWORD_REQUIRED' };
  const email = body.email.trim().toLowerCase();
  const address = deps.addresses.of(req);
  const admitted = await deps.throttle.admit(email, address);
  if (!admitted.ok) {
    res.setHeader('retry-after', String(admitted.retryAfterSeconds));
    return { ok: false, status: 429, error: 'TOO_MANY_ATTEMPTS' };
  }
  const person = await deps.directory.findByEmail(email);
  const hash = person ? await deps.credentials.getHash(person.id) : undefined;
  const matches = await verifyPassword(body.password, hash ?? (await dummyHash()));
  if (!person || !hash || !matches) {
    deps.logger.info({ from: address }, 'console sign-in failed');
    return { ok: false, status: 401, error: 'SIGNIN_FAILED' };
  }
  await deps.throttle.succeeded(email, address);
  // Checked on every request too: a person whose roles were withdrawn cannot use a password set earlier.
  return mayUseConsole(person) ? { ok: true, value: person } : { ok: false, status: 403, error: AREA_REFUSALS.any };
}

/** A hash of nobody's password, with the real parameters: what an unknown e-mail is checked against. */
let dummy: Promise<string> | undefined;
export const dummyHash = (): Promise<string> => (dummy ??= hashPassword(randomBytes(24).toString('base64url')));

/** The live console session a request carries, for other operator pages. */
export function consoleSessionOf(req: Request, sessions: ConsoleSessions): Promise<Session | undefined> {
  return sessions.read(cookieOf(req, COOKIE));
}

export function cookieOf(req: Request, name: string): string | undefined {
  for (const part of String(req.headers.cookie ?? '').split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === name) return v.join('=');
  }
  return undefined;
}
