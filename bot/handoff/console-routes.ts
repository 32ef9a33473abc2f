import type { Request, Response, Server } from 'restify';
import { FORM_FIELDS, type FormField } from '../../domain/cases/forms.js';
import { isCaseNumber } from '../../domain/cases/case.js';
import { TICKET_KIND } from '../../domain/cases/complaint.js';
import { CASE_EVENTS_TOPIC } from '../../domain/cases/events.js';
import { consoleAreasOf, mayUse } from '../../domain/rules/console-access.js';
import type { Directory } from '../../domain/ports/directory.js';
import type { EventBus } from '../../domain/ports/event-bus.js';
import type { AgentCredentials } from '../../domain/ports/handoff-repository.js';
import type { Logger } from '../../infra/logger.js';
import { AGENT_CORRECTABLE } from '../../dialogs/user-certificate/field-check.js';
import type { ConsoleSessions } from './console-auth.js';
import { AREA_REFUSALS, consolePerson, consoleSessionOf, COOKIE, dummyHash, guardFor, sendConsolePage, signIn } from './console-guard.js';
import type { ClientAddresses } from '../http/client-address.js';
import type { SignInThrottle } from './sign-in-throttle.js';
import { HANDOFF_TOPIC, type AgentResult, type HandoffService } from './service.js';
import type { HelpdeskDeps } from '../../domain/usecases/helpdesk-deps.js';
import { actOnTicket, ticketDoneText, ticketRefusalText, type TicketAgentAction } from '../helpdesk/agent-actions.js';
import { bilingual, listTickets, ticketChangeOf, ticketDetails } from './tickets.js';
import { fieldChoices } from './console-labels.js';
import type { SavedReplies } from '../../domain/ports/saved-replies.js';
import { mountSavedReplies } from './saved-replies-routes.js';
import { mountReports } from '../reports/routes.js';

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

/** Where the session cookie goes: the console, and the operators' queue dashboard (/admin/queues, bot/admin-queues.ts). */
const COOKIE_PATHS = ['/console', '/admin'];
const MAX_TEXT = 2000;

/**
 * The operators' console (`/console`) and its API. Every API call but sign-in needs the session
 * cookie (HttpOnly, SameSite=Strict) of a person who still holds a console role, and the role the
 * area needs (domain/rules/console-access.ts): the desk is for helpdesk agents, the reports
 * (`/console/reports`) for the lead agency and admins. Every state-changing call also needs the
 * session's CSRF token in `x-csrf-token`. Live updates are server-sent events fed by the
 * EventBus, so an agent on any instance sees every instance's traffic.
 */
export async function mountConsole(server: Server, deps: ConsoleDeps): Promise<{ close(): Promise<void> }> {
  // Made now, so even the first unknown e-mail costs one scrypt like every other sign-in.
  void dummyHash();
  /** Open event streams, each with the session it was opened under. */
  const clients = new Map<Response, string>();
  const broadcast = (message: object) => {
    const frame = `data: ${JSON.stringify(message)}\n\n`;
    for (const res of clients.keys()) res.write(frame);
  };
  const unsubscribe = await deps.events.subscribe(HANDOFF_TOPIC, broadcast);
  // Ticket changes come from the domain's case events, whoever made them (cards, console, the user, jobs).
  const unsubscribeCases = await deps.events.subscribe(CASE_EVENTS_TOPIC, (message) => {
    const change = ticketChangeOf(message);
    if (change) broadcast(change);
  });
  const keepAlive = setInterval(() => {
    void closeEndedStreams().then(() => {
      for (const res of clients.keys()) res.write(': keep-alive\n\n');
    });
  }, 25_000);
  keepAlive.unref();

  server.get('/console', async (_req: Request, res: Response) => sendConsolePage(res, deps.webDir, 'console.html'));

  server.post('/console/api/login', async (req: Request, res: Response) => {
    if (!String(req.headers['content-type'] ?? '').startsWith('application/json')) return void res.send(415, { error: 'JSON_REQUIRED' });
    const person = await signIn(deps, req, res);
    if (!person.ok) return void res.send(person.status, { error: person.error });
    const issued = await deps.sessions.issue(person.value.id);
    const secure = req.headers['x-forwarded-proto'] === 'https' || (req as { isSecure?: () => boolean }).isSecure?.() ? '; Secure' : '';
    res.setHeader(
      'set-cookie',
      COOKIE_PATHS.map(
        (p) => `${COOKIE}=${issued.cookie}; HttpOnly; SameSite=Strict; Path=${p}; Max-Age=${deps.sessionTtlSeconds}${secure}`,
      ),
    );
    deps.logger.info({ agent: person.value.id }, 'console sign-in');
    res.send(200, { agent: { id: person.value.id, name: person.value.name }, areas: consoleAreasOf(person.value), csrf: issued.csrf });
  });

  /** Handlers for a signed-in person with the desk's role (`guarded`) or any console role (`signedIn`); changes also need the CSRF token. */
  const guarded = guardFor(deps, 'desk');
  const signedIn = guardFor(deps, 'any');

  // Who is signed in and which console areas are theirs (the page shows only those).
  server.get(
    '/console/api/me',
    signedIn(async (_req, res, agent, session) => {
      const desk = mayUse(agent, 'desk') ? { fields: AGENT_CORRECTABLE, fieldChoices: fieldChoices(AGENT_CORRECTABLE) } : {};
      res.send(200, {
        agent: { id: agent.id, name: agent.name, locale: agent.locale },
        areas: consoleAreasOf(agent),
        csrf: deps.sessions.csrfOf(session),
        ...desk,
      });
    }),
  );
  server.post(
    '/console/api/logout',
    signedIn(async (_req, res, agent, session) => {
      await deps.sessions.end(session);
      for (const [stream, sid] of clients) if (sid === session.sid) stream.end();
      deps.logger.info({ agent: agent.id }, 'console sign-out');
      res.setHeader(
        'set-cookie',
        COOKIE_PATHS.map((p) => `${COOKIE}=; HttpOnly; SameSite=Strict; Path=${p}; Max-Age=0`),
      );
      res.send(200, { ok: true });
    }),
  );
  server.get(
    '/console/api/queue',
    guarded(async (_req, res) => {
      res.send(200, { conversations: await deps.service.queue() });
    }),
  );
  server.get(
    '/console/api/conversations/:id',
    guarded(async (req, res) => {
      const view = await deps.service.details(idOf(req));
      if (!view) return void res.send(404, { error: 'NOT_FOUND' });
      res.send(200, view);
    }),
  );
  server.post(
    '/console/api/conversations/:id/take',
    guarded(async (req, res, agent) => answer(res, await deps.service.take(idOf(req), agent))),
  );
  server.post(
    '/console/api/conversations/:id/messages',
    guarded(async (req, res, agent) => {
      const text = textOf(req);
      if (!text) return void res.send(400, { error: 'TEXT_REQUIRED' });
      answer(res, await deps.service.say(idOf(req), agent, text));
    }),
  );
  server.post(
    '/console/api/conversations/:id/notes',
    guarded(async (req, res, agent) => {
      const text = textOf(req);
      if (!text) return void res.send(400, { error: 'TEXT_REQUIRED' });
      answer(res, await deps.service.note(idOf(req), agent, text));
    }),
  );
  server.post(
    '/console/api/conversations/:id/fields',
    guarded(async (req, res, agent) => {
      const body = (req.body ?? {}) as { field?: unknown; value?: unknown };
      const field = body.field as FormField;
      if (typeof body.field !== 'string' || !(FORM_FIELDS as readonly string[]).includes(body.field) || !AGENT_CORRECTABLE.includes(field))
        return void res.send(400, { error: 'FIELD_NOT_CORRECTABLE' });
      if (typeof body.value !== 'string' || !body.value.trim() || body.value.length > 500)
        return void res.send(400, { error: 'VALUE_REQUIRED' });
      // The refusal reason comes in the console's language (the dialog's own check, in that locale).
      const lang = (req.body as { lang?: unknown }).lang;
      answer(
        res,
        await deps.service.correct(idOf(req), lang === 'ms' || lang === 'en' ? { ...agent, locale: lang } : agent, field, body.value),
      );
    }),
  );
  server.post(
    '/console/api/conversations/:id/handback',
    guarded(async (req, res, agent) => answer(res, await deps.service.handBack(idOf(req), agent))),
  );
  server.post(
    '/console/api/conversations/:id/end',
    guarded(async (req, res, agent) => answer(res, await deps.service.end(idOf(req), agent))),
  );

  // Complaint tickets: the same use cases as the agent's cards in chat, so the same rules and notices.
  server.get(
    '/console/api/tickets',
    guarded(async (_req, res) => {
      res.send(200, { tickets: await listTickets(deps.helpdesk) });
    }),
  );
  server.get(
    '/console/api/tickets/:id',
    guarded(async (req, res) => {
      const view = isCaseNumber(idOf(req), TICKET_KIND) ? await ticketDetails(deps.helpdesk, idOf(req)) : undefined;
      if (!view) return void res.send(404, { error: 'NOT_FOUND' });
      res.send(200, view);
    }),
  );
  const TICKET_ROUTES: Record<string, TicketAgentAction> = {
    acknowledge: 'acknowledge',
    reply: 'reply',
    askInfo: 'askInfo',
    resolve: 'resolve',
    onsite: 'escalate',
  };
  for (const [route, action] of Object.entries(TICKET_ROUTES)) {
    server.post(
      `/console/api/tickets/:id/${route}`,
      guarded(async (req, res, agent) => {
        const caseId = idOf(req);
        if (!isCaseNumber(caseId, TICKET_KIND))
          return void res.send(404, {
            error: 'CASE_NOT_FOUND',
            message: bilingual((l) => ticketRefusalText(l, 'CASE_NOT_FOUND', { caseId })),
          });
        const body = (req.body ?? {}) as { text?: unknown; triedOnline?: unknown };
        const given = action === 'escalate' ? body.triedOnline : body.text;
        const r = await actOnTicket(deps.helpdesk, {
          caseId,
          actorId: agent.id,
          action,
          text: typeof given === 'string' ? given.slice(0, MAX_TEXT) : undefined,
        });
        if (!r.ok) {
          const status =
            r.error === 'CASE_NOT_FOUND'
              ? 404
              : r.error === 'ROLE_REQUIRED' || r.error === 'SELF_APPROVAL'
                ? 403
                : r.error === 'NOT_ALLOWED_NOW' || r.error === 'NOT_YOURS'
                  ? 409
                  : 422;
          return void res.send(status, {
            error: r.error,
            message: bilingual((l) => ticketRefusalText(l, r.error, { caseId, params: r.params })),
            ...(r.params ? { params: r.params } : {}),
          });
        }
        deps.logger.info({ agent: agent.id, caseId, action }, 'ticket action from the console');
        res.send(200, {
          ok: true,
          message: bilingual((l) => ticketDoneText(l, action, caseId)),
          ticket: await ticketDetails(deps.helpdesk, caseId),
        });
      }),
    );
  }

  mountSavedReplies(server, guarded, { replies: deps.savedReplies, logger: deps.logger, now: deps.now ?? (() => new Date()) });
  mountReports(server, guardFor(deps, 'reports'), {
    helpdesk: deps.helpdesk,
    sessions: deps.sessions,
    webDir: deps.webDir,
    logger: deps.logger,
  });

  // Server-sent events; a callback handler that never calls next, since the response stays open.
  server.get('/console/api/events', (req: Request, res: Response, _next: unknown) => {
    void (async () => {
      const session = await consoleSessionOf(req, deps.sessions);
      if (!session) return void res.send(401, { error: 'NO_SESSION' });
      const person = await consolePerson(deps, session);
      if (!person || !mayUse(person, 'desk')) return void res.send(403, { error: AREA_REFUSALS.desk });
      openStream(req, res, session.sid);
    })().catch(() => res.send(503, { error: 'UNAVAILABLE' }));
  });

  function openStream(req: Request, res: Response, sid: string): void {
    res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-store', 'x-accel-buffering': 'no' });
    res.write('retry: 2000\n\n: connected\n\n');
    clients.set(res, sid);
    req.on('close', () => clients.delete(res));
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
      await unsubscribeCases().catch(() => undefined);
    },
  };
}

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
