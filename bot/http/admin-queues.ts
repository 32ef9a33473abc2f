import type { IncomingMessage, ServerResponse } from 'node:http';
import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { ExpressAdapter } from '@bull-board/express';
import type { Queue } from 'bullmq';
import type { Request, Response, Server } from 'restify';
import { mayUse } from '../../domain/rules/console-access.js';
import type { Directory } from '../../domain/ports/directory.js';
import type { Logger } from '../../infra/logger.js';
import type { ConsoleSessions } from '../handoff/console-auth.js';
import { AREA_REFUSALS, consoleSessionOf } from '../handoff/console-guard.js';
import { ADMIN_QUEUES_PATH } from './server.js';

export interface AdminQueuesDeps {
  /** The BullMQ queues of the scaled-out scheduler (infra/queue/bullmq.ts `dashboardQueues()`). */
  queues: Queue[];
  /** The agent console's sessions: the dashboard has no sign-in of its own. */
  sessions: ConsoleSessions;
  directory: Directory;
  logger: Logger;
  /** The bot's public address (PUBLIC_URL, else http://localhost:<port>): the only origin a change may come from. */
  publicUrl: () => string;
}

/**
 * The changes an administrator may make from the dashboard: pause and resume, retry failed jobs,
 * clean finished ones. Everything else Bull Board offers is refused, because it would break what
 * the scheduler promises: an added or edited job bypasses the use cases (a CA job acts on the ids in
 * its payload), an emptied queue or a removed waiting job leaves its idempotency key behind so the
 * recovery sweep's enqueue is swallowed as a duplicate, and a promoted deadline check fires early.
 */
const ALLOWED_CHANGES = [
  /^\/api\/queues\/(pause|resume)$/,
  /^\/api\/queues\/[^/]+\/(pause|resume)$/,
  /^\/api\/queues\/[^/]+\/retry\/failed$/,
  /^\/api\/queues\/[^/]+\/[^/]+\/retry$/,
  /^\/api\/queues\/[^/]+\/clean\/(completed|failed)$/,
];

type ExpressApp = (req: IncomingMessage, res: ServerResponse, next: (err?: unknown) => void) => void;

/**
 * Bull Board at `/admin/queues` (scaled-out mode only), for people signed in through the agent
 * console whose directory entry holds the ADMIN role: 401 without a console session, 403 with one
 * that is not an administrator's. Bull Board is an express app; restify hands it Node's request and
 * response with the path below the mount point, and leaves the body for express to read (bot/http.ts).
 */
export function mountAdminQueues(server: Server, deps: AdminQueuesDeps): void {
  const board = new ExpressAdapter();
  board.setBasePath(ADMIN_QUEUES_PATH);
  createBullBoard({
    queues: deps.queues.map((q) => new BullMQAdapter(q, { allowRetries: true })),
    serverAdapter: board,
    options: { uiConfig: { boardTitle: 'MyGPKI jobs' } },
  });
  const app = board.getRouter() as ExpressApp;

  const handle = (req: Request, res: Response, _next: unknown): void => {
    void admit(req, res, deps).then(
      (ok) => {
        if (!ok) return;
        res.setHeader('x-frame-options', 'DENY');
        res.setHeader('referrer-policy', 'no-referrer');
        const url = req.url ?? '/';
        // express routes on the path below its mount point, as express's own `app.use(path, sub)` does.
        Object.assign(req, { originalUrl: url, url: url.slice(ADMIN_QUEUES_PATH.length) || '/' });
        app(req as unknown as IncomingMessage, res as unknown as ServerResponse, (err?: unknown) => {
          if (err) deps.logger.warn({ err, url }, 'queue dashboard: request failed');
          plain(res, err ? 500 : 404, err ? 'Internal Server Error' : 'Not Found');
        });
      },
      (err: unknown) => {
        deps.logger.warn({ err }, 'queue dashboard: could not check the session');
        plain(res, 503, 'Service Unavailable');
      },
    );
  };
  // Callback handlers that never call next: express answers (or `plain` does) and restify sees the response end.
  for (const path of [ADMIN_QUEUES_PATH, `${ADMIN_QUEUES_PATH}/*`]) {
    server.get(path, handle);
    server.head(path, handle);
    server.post(path, handle);
    server.put(path, handle);
    server.patch(path, handle);
    server.del(path, handle);
  }
}

/** Answers 401/403 itself and returns false unless an administrator may make this request. */
async function admit(req: Request, res: Response, deps: AdminQueuesDeps): Promise<boolean> {
  const session = await consoleSessionOf(req, deps.sessions);
  if (!session) return refuse(res, 401, 'NO_SESSION');
  // Asked on every request: a role withdrawn in the directory ends access at once.
  const person = await deps.directory.getPerson(session.agentId);
  if (!person || !mayUse(person, 'queues')) return refuse(res, 403, AREA_REFUSALS.queues);
  if (req.method === 'GET' || req.method === 'HEAD') return true;
  // SameSite=Strict keeps other sites' forms from carrying the cookie; an Origin header, when sent, must be ours too.
  const origin = req.headers.origin;
  // Compared with the configured address, never the request's own Host (which the sender writes).
  if (origin && hostOf(origin) !== hostOf(deps.publicUrl())) return refuse(res, 403, 'CROSS_ORIGIN');
  const path = (req.getPath() ?? '').slice(ADMIN_QUEUES_PATH.length);
  if (!ALLOWED_CHANGES.some((allowed) => allowed.test(path))) return refuse(res, 403, 'CHANGE_NOT_ALLOWED');
  deps.logger.info({ admin: person.id, method: req.method, path }, 'queue dashboard: change');
  return true;
}

function hostOf(origin: string): string | undefined {
  try {
    return new URL(origin).host;
  } catch {
    return undefined;
  }
}

function refuse(res: Response, status: number, error: string): false {
  res.setHeader('cache-control', 'no-store');
  res.send(status, { error });
  return false;
}

/** An answer that does not depend on whose `send` the response carries now (express swaps the prototype). */
function plain(res: Response, status: number, text: string): void {
  const raw = res as unknown as ServerResponse;
  if (raw.headersSent) return void raw.end();
  raw.statusCode = status;
  raw.setHeader('content-type', 'text/plain; charset=utf-8');
  raw.end(text);
}
