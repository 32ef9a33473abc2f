import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Request, Response, Server } from 'restify';
import { FORM_FIELDS, type FormField } from '../../domain/cases/forms.js';
import { hasRole, type Person } from '../../domain/people.js';
import type { Directory } from '../../domain/ports/directory.js';
import type { EventBus } from '../../domain/ports/event-bus.js';
import type { AgentCredentials } from '../../domain/ports/handoff-repository.js';
import type { Logger } from '../../infra/logger.js';
import { AGENT_CORRECTABLE } from '../../dialogs/user-certificate/field-check.js';
import { ConsoleSessions, hashPassword, verifyPassword, type Session } from './console-auth.js';
import type { ClientAddresses } from '../client-address.js';
import type { SignInThrottle } from './sign-in-throttle.js';
import { HANDOFF_TOPIC, type AgentResult, type HandoffService } from './service.js';
import type { HelpdeskDeps } from '../../domain/usecases/helpdesk-deps.js';
import { actOnTicket, ticketDoneText, ticketRefusalText, type TicketAgentAction } from '../helpdesk-agent-actions.js';
import { bilingual, listTickets, ticketDetails } from './tickets.js';
import { fieldChoices } from './console-labels.js';
import type { SavedReplies } from '../../domain/ports/saved-replies.js';
import { mountSavedReplies } from './saved-replies-routes.js';

export interface ConsoleDeps {
  service: HandoffService;
  /** The helpdesk use cases, for the ticket panel (the same ones the chat cards call). */
  helpdesk: HelpdeskDeps;
  directory: Directory;
  credentials: AgentCredentials;
  sessions: ConsoleSessions;
  events: EventBus;
  webDir: string;
  logger: Logger;
  /** An intranet SSO header carrying the signed-in person's e-mail, believed only from `addresses`' trusted proxies; unset = passwords only. */
  ssoHeader?: string;
  sessionTtlSeconds: number;
  /** Client addresses (forwarding headers believed only from TRUSTED_PROXIES). */
  addresses: ClientAddresses;
  /** Failed sign-ins per e-mail and per address, in the shared store. */
  throttle: SignInThrottle;
  /** The helpdesk's saved replies, in the shared store. */
  savedReplies: SavedReplies;
  /** The bot's clock, for when saved replies changed (the wall clock when absent). */
  now?: () => Date;
}

const COOKIE = 'gpki_console';
/** Where the session cookie goes: the console, and the operators' queue dashboard (/admin/queues, bot/admin-queues.ts). */
const COOKIE_PATHS = ['/console', '/admin'];
const MAX_TEXT = 2000;
const TICKET_NO = /^AD-\d{4}-\d{6}$/;

const CSP = [
  "default-src 'self'", "script-src 'self'", "style-src 'self'", "img-src 'self' data:", "connect-src 'self'",
  "object-src 'none'", "base-uri 'none'", "form-action 'self'", "frame-ancestors 'none'",
].join('; ');

/**
 * The agent console (`/console`) and its API. Every API call but sign-in needs the session
 * cookie (HttpOnly, SameSite=Strict) of a person who still holds the helpdesk-agent role; every
 * state-changing call also needs the session's CSRF token in `x-csrf-token`. Live updates are
 * server-sent events fed by the EventBus, so an agent on any instance sees every instance's traffic.
 */
export async function mountConsole(server: Server, deps: ConsoleDeps): Promise<{ close(): Promise<void> }> {
  // Made now, so even the first unknown e-mail costs one scrypt like every other sign-in.
  void dummyHash();
  /** Open event streams, each with the session it was opened under. */
  const clients = new Map<Response, string>();
  const unsubscribe = await deps.events.subscribe(HANDOFF_TOPIC, (message) => {
    const frame = `data: ${JSON.stringify(message)}\n\n`;
    for (const res of clients.keys()) res.write(frame);
  });
  const keepAlive = setInterval(() => {
    void closeEndedStreams().then(() => {
      for (const res of clients.keys()) res.write(': keep-alive\n\n');
    });
  }, 25_000);
  keepAlive.unref();

  server.get('/console', async (_req: Request, res: Response) => {
    const html = await readFile(path.join(deps.webDir, 'console.html'));
    res.setHeader('content-type', 'text/html; charset=utf-8');
    res.setHeader('content-security-policy', CSP);
    res.setHeader('x-content-type-options', 'nosniff');
    res.setHeader('referrer-policy', 'no-referrer');
    res.setHeader('cache-control', 'no-store');
    res.sendRaw(200, html);
  });

  server.post('/console/api/login', async (req: Request, res: Response) => {
    if (!String(req.headers['content-type'] ?? '').startsWith('application/json')) return void res.send(415, { error: 'JSON_REQUIRED' });
    const person = await signIn(deps, req, res);
    if (!person.ok) return void res.send(person.status, { error: person.error });
    const issued = await deps.sessions.issue(person.value.id);
    const secure = req.headers['x-forwarded-proto'] === 'https' || (req as { isSecure?: () => boolean }).isSecure?.() ? '; Secure' : '';
    res.setHeader('set-cookie', COOKIE_PATHS.map((p) => `${COOKIE}=${issued.cookie}; HttpOnly; SameSite=Strict; Path=${p}; Max-Age=${deps.sessionTtlSeconds}${secure}`));
    deps.logger.info({ agent: person.value.id }, 'console sign-in');
    res.send(200, { agent: { id: person.value.id, name: person.value.name }, csrf: issued.csrf });
  });

  /** Runs `handler` for a signed-in agent; POSTs also need the CSRF token. */
  const guarded = (handler: (req: Request, res: Response, agent: Person, session: Session) => Promise<void>) => async (req: Request, res: Response) => {
    const session = await deps.sessions.read(cookieOf(req, COOKIE));
    if (!session) return void res.send(401, { error: 'NO_SESSION' });
    if (req.method !== 'GET' && !deps.sessions.csrfValid(session, req.headers['x-csrf-token'])) return void res.send(403, { error: 'CSRF' });
    const agent = await currentAgent(session);
    if (!agent) return void res.send(403, { error: 'NOT_AN_AGENT' });
    await handler(req, res, agent, session);
  };

  server.get('/console/api/me', guarded(async (_req, res, agent, session) => {
    res.send(200, { agent: { id: agent.id, name: agent.name, locale: agent.locale }, csrf: deps.sessions.csrfOf(session), fields: AGENT_CORRECTABLE, fieldChoices: fieldChoices(AGENT_CORRECTABLE) });
  }));
  server.post('/console/api/logout', guarded(async (_req, res, agent, session) => {
    await deps.sessions.end(session);
    for (const [stream, sid] of clients) if (sid === session.sid) stream.end();
    deps.logger.info({ agent: agent.id }, 'console sign-out');
    res.setHeader('set-cookie', COOKIE_PATHS.map((p) => `${COOKIE}=; HttpOnly; SameSite=Strict; Path=${p}; Max-Age=0`));
    res.send(200, { ok: true });
  }));
  server.get('/console/api/queue', guarded(async (_req, res) => {
    res.send(200, { conversations: await deps.service.queue() });
  }));
  server.get('/console/api/conversations/:id', guarded(async (req, res) => {
    const view = await deps.service.details(idOf(req));
    if (!view) return void res.send(404, { error: 'NOT_FOUND' });
    res.send(200, view);
  }));
  server.post('/console/api/conversations/:id/take', guarded(async (req, res, agent) => answer(res, await deps.service.take(idOf(req), agent))));
  server.post('/console/api/conversations/:id/messages', guarded(async (req, res, agent) => {
    const text = textOf(req);
    if (!text) return void res.send(400, { error: 'TEXT_REQUIRED' });
    answer(res, await deps.service.say(idOf(req), agent, text));
  }));
  server.post('/console/api/conversations/:id/notes', guarded(async (req, res, agent) => {
    const text = textOf(req);
    if (!text) return void res.send(400, { error: 'TEXT_REQUIRED' });
    answer(res, await deps.service.note(idOf(req), agent, text));
  }));
  server.post('/console/api/conversations/:id/fields', guarded(async (req, res, agent) => {
    const body = (req.body ?? {}) as { field?: unknown; value?: unknown };
    const field = body.field as FormField;
    if (typeof body.field !== 'string' || !(FORM_FIELDS as readonly string[]).includes(body.field) || !AGENT_CORRECTABLE.includes(field)) return void res.send(400, { error: 'FIELD_NOT_CORRECTABLE' });
    if (typeof body.value !== 'string' || !body.value.trim() || body.value.length > 500) return void res.send(400, { error: 'VALUE_REQUIRED' });
    // The refusal reason comes in the console's language (the dialog's own check, in that locale).
    const lang = (req.body as { lang?: unknown }).lang;
    answer(res, await deps.service.correct(idOf(req), lang === 'ms' || lang === 'en' ? { ...agent, locale: lang } : agent, field, body.value));
  }));
  server.post('/console/api/conversations/:id/handback', guarded(async (req, res, agent) => answer(res, await deps.service.handBack(idOf(req), agent))));
  server.post('/console/api/conversations/:id/end', guarded(async (req, res, agent) => answer(res, await deps.service.end(idOf(req), agent))));

  // Complaint tickets: the same use cases as the agent's cards in chat, so the same rules and notices.
  server.get('/console/api/tickets', guarded(async (_req, res) => {
    res.send(200, { tickets: await listTickets(deps.helpdesk) });
  }));
  server.get('/console/api/tickets/:id', guarded(async (req, res) => {
    const view = TICKET_NO.test(idOf(req)) ? await ticketDetails(deps.helpdesk, idOf(req)) : undefined;
    if (!view) return void res.send(404, { error: 'NOT_FOUND' });
    res.send(200, view);
  }));
  const TICKET_ROUTES: Record<string, TicketAgentAction> = { acknowledge: 'acknowledge', reply: 'reply', askInfo: 'askInfo', resolve: 'resolve', onsite: 'escalate' };
  for (const [route, action] of Object.entries(TICKET_ROUTES)) {
    server.post(`/console/api/tickets/:id/${route}`, guarded(async (req, res, agent) => {
      const caseId = idOf(req);
      if (!TICKET_NO.test(caseId)) return void res.send(404, { error: 'CASE_NOT_FOUND', message: bilingual((l) => ticketRefusalText(l, 'CASE_NOT_FOUND', caseId)) });
      const body = (req.body ?? {}) as { text?: unknown; triedOnline?: unknown };
      const given = action === 'escalate' ? body.triedOnline : body.text;
      const r = await actOnTicket(deps.helpdesk, { caseId, actorId: agent.id, action, text: typeof given === 'string' ? given.slice(0, MAX_TEXT) : undefined });
      if (!r.ok) {
        const status = r.error === 'CASE_NOT_FOUND' ? 404 : r.error === 'ROLE_REQUIRED' || r.error === 'SELF_APPROVAL' ? 403 : r.error === 'NOT_ALLOWED_NOW' || r.error === 'NOT_YOURS' ? 409 : 422;
        return void res.send(status, { error: r.error, message: bilingual((l) => ticketRefusalText(l, r.error, caseId, r.params)), ...(r.params ? { params: r.params } : {}) });
      }
      deps.logger.info({ agent: agent.id, caseId, action }, 'ticket action from the console');
      res.send(200, { ok: true, message: bilingual((l) => ticketDoneText(l, action, caseId)), ticket: await ticketDetails(deps.helpdesk, caseId) });
    }));
  }

  mountSavedReplies(server, guarded, { replies: deps.savedReplies, logger: deps.logger, now: deps.now ?? (() => new Date()) });

  // Server-sent events; a callback handler that never calls next, since the response stays open.
  server.get('/console/api/events', (req: Request, res: Response, _next: unknown) => {
    void (async () => {
      const session = await deps.sessions.read(cookieOf(req, COOKIE));
      if (!session) return void res.send(401, { error: 'NO_SESSION' });
      if (!(await currentAgent(session))) return void res.send(403, { error: 'NOT_AN_AGENT' });
      openStream(req, res, session.sid);
    })().catch(() => res.send(503, { error: 'UNAVAILABLE' }));
  });

  function openStream(req: Request, res: Response, sid: string): void {
    res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-store', 'x-accel-buffering': 'no' });
    res.write('retry: 2000\n\n: connected\n\n');
    clients.set(res, sid);
    req.on('close', () => clients.delete(res));
  }

  /**
   * The session's agent, asked of the directory on every request (a role withdrawn there ends
   * access at once); a session whose person is no longer an agent is ended for good.
   */
  async function currentAgent(session: Session): Promise<Person | undefined> {
    const agent = await deps.directory.getPerson(session.agentId);
    if (agent && hasRole(agent, 'HELPDESK_AGENT')) return agent;
    await deps.sessions.endAllFor(session.agentId);
    return undefined;
  }

  /** Live streams whose session ended on any instance (logout elsewhere, a reset) are closed at the next keep-alive. */
  async function closeEndedStreams(): Promise<void> {
    for (const [stream, sid] of clients) {
      const live = await deps.sessions.readById(sid).catch(() => true);
      if (!live) {
        clients.delete(stream);
        stream.end();
      }
    }
  }

  return {
    close: async () => {
      clearInterval(keepAlive);
      for (const res of clients.keys()) res.end();
      clients.clear();
      await unsubscribe().catch(() => undefined);
    },
  };
}

/**
 * Signs a person in by the SSO header (from a trusted proxy only) or by e-mail and password.
 * Password attempts pass the throttle first; an unknown e-mail costs the same scrypt as a known
 * one and gets the same answer, so neither the answer nor its time tells who is an agent.
 */
async function signIn(deps: ConsoleDeps, req: Request, res: Response): Promise<{ ok: true; value: Person } | { ok: false; status: number; error: string }> {
  const sso = deps.ssoHeader ? req.headers[deps.ssoHeader] : undefined;
  if (sso !== undefined) {
    if (!deps.addresses.fromTrustedProxy(req)) {
      deps.logger.warn({ from: deps.addresses.of(req) }, 'console sign-in: SSO header from an address that is not a trusted proxy refused');
      return { ok: false, status: 403, error: 'SSO_NOT_TRUSTED' };
    }
    const person = typeof sso === 'string' && sso ? await deps.directory.findByEmail(sso) : undefined;
    if (!person) return { ok: false, status: 401, error: 'SIGNIN_FAILED' };
    return hasRole(person, 'HELPDESK_AGENT') ? { ok: true, value: person } : { ok: false, status: 403, error: 'NOT_AN_AGENT' };
  }
  const body = (req.body ?? {}) as { email?: unknown; password?: unknown };
  if (typeof body.email !== 'string' || typeof body.password !== 'string' || body.email.length > 254 || body.password.length > 1024) return { ok: false, status: 400, error: 'EMAIL_AND_PASSWORD_REQUIRED' };
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
  // Checked on every request too: a person whose role was withdrawn cannot use a password set earlier.
  return hasRole(person, 'HELPDESK_AGENT') ? { ok: true, value: person } : { ok: false, status: 403, error: 'NOT_AN_AGENT' };
}

/** A hash of nobody's password, with the real parameters: what an unknown e-mail is checked against. */
let dummy: Promise<string> | undefined;
const dummyHash = (): Promise<string> => (dummy ??= hashPassword(randomBytes(24).toString('base64url')));

function answer<T>(res: Response, r: AgentResult<T>): void {
  if (r.ok) return void res.send(200, { ok: true, value: r.value });
  const status = r.code === 'NOT_FOUND' ? 404 : r.code === 'INVALID' || r.code === 'NO_FORM' ? 422 : 409;
  res.send(status, { error: r.code, ...(r.message ? { message: r.message } : {}), ...(r.by ? { by: r.by } : {}) });
}

function idOf(req: Request): string {
  return String((req.params as Record<string, string>).id);
}

function textOf(req: Request): string | undefined {
  const text = (req.body as { text?: unknown } | undefined)?.text;
  // Line breaks inside the text are kept: a multi-line reply reaches the person as written.
  return typeof text === 'string' && text.trim() ? text.replace(/\r\n?/g, '\n').trim().slice(0, MAX_TEXT) : undefined;
}

/** The live console session a request carries, for other operator pages. */
export function consoleSessionOf(req: Request, sessions: ConsoleSessions): Promise<Session | undefined> {
  return sessions.read(cookieOf(req, COOKIE));
}

function cookieOf(req: Request, name: string): string | undefined {
  for (const part of String(req.headers.cookie ?? '').split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === name) return v.join('=');
  }
  return undefined;
}
