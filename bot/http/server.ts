import restify, { type Request, type Response, type Server } from 'restify';
import { activityProblem } from '../turn/activity-shape.js';
import { dlError } from '../directline/activities.js';
import { jsonDepthExceeds, MAX_JSON_DEPTH } from './json-limits.js';
import type { CloudAdapter, TurnContext } from 'botbuilder';
import type { CertificateAuthority } from '../../domain/ports/certificate-authority.js';
import type { FileStore } from '../../domain/ports/file-store.js';
import type { Logger } from '../../infra/logger.js';
import type { Metrics } from '../../infra/metrics.js';
import type { FileLinks } from './file-links.js';
import { processActivityRequest } from './process-request.js';

export interface HttpDeps {
  adapter: CloudAdapter;
  onTurn: (ctx: TurnContext) => Promise<void>;
  ca: CertificateAuthority;
  files: FileStore;
  fileLinks: FileLinks;
  metrics: Metrics;
  logger: Logger;
  openMode: boolean;
  /**
   * Readiness of each dependency (store, queue, events, ca), answered within a bound of its own
   * (bot/readiness.ts); /readyz is 200 only when all are true and intake is open.
   */
  readiness: () => Promise<Record<string, boolean>>;
  /**
   * Where browsers reach the bot: PUBLIC_URL, or http://localhost:<port> once listening. Every
   * response carries HSTS when it is https. Never taken from a request's Host header.
   */
  publicUrl: () => string;
}

export const MAX_BODY_BYTES = 512 * 1024;

/** One year, subdomains included: sent only when the public address is https. */
export const HSTS = 'max-age=31536000; includeSubDomains';

/** The queue dashboard (bot/admin-queues.ts): an express app that reads its own request bodies. */
export const ADMIN_QUEUES_PATH = '/admin/queues';

/** The bot's HTTP surface (architecture §10) on restify 11. */
export function createHttpServer(deps: HttpDeps): { server: Server; stopIntake(): void } {
  let intakeOpen = true;
  const server = restify.createServer({ name: 'gpki-bot', handleUncaughtExceptions: false });
  // Before routing, so 404s and errors get them too. Tokens, cases and transcripts travel in most
  // answers, so nothing is stored by a browser or proxy unless its route says so (web/ files set
  // their own cache-control, which replaces this one).
  server.pre((_req: Request, res: Response, next: restify.Next) => {
    res.setHeader('cache-control', 'no-store');
    if (deps.publicUrl().startsWith('https:')) res.setHeader('strict-transport-security', HSTS);
    return next();
  });
  server.use(restify.plugins.queryParser({ mapParams: false }));
  // restify's multipart parser ignores maxBodySize and spools files to the temp folder on any
  // route, so multipart bodies are left unread here; only Direct Line's /upload reads them, capped.
  // The depth check runs between reading and parsing: on the raw text, before anything recurses.
  const [readBody, parseBody] = restify.plugins.bodyParser({ maxBodySize: MAX_BODY_BYTES, mapParams: false, rejectUnknown: true });
  const ownBodies = (req: Request) => req.getContentType() === 'multipart/form-data' || req.getPath().startsWith(ADMIN_QUEUES_PATH);
  server.use(
    [refuseEncodedBody, readBody, refuseDeepJson, parseBody].map(
      (handler) => (req: Request, res: Response, next: restify.Next) => (ownBodies(req) ? next() : handler(req, res, next)),
    ),
  );

  server.post('/api/messages', async (req: Request, res: Response) => {
    if (!intakeOpen) return void res.send(503, { error: 'shutting down' });
    if (!deps.openMode && !req.headers.authorization) return void res.send(401, { error: 'unauthorized' });
    const problem = activityProblem(req.body);
    if (problem) return void res.send(400, { error: 'invalid activity', ...problem });
    const body = req.body as { recipient?: { id?: string } };
    // teams-ai requires a recipient id; some Direct Line clients omit it.
    if (!body.recipient?.id) body.recipient = { ...body.recipient, id: 'gpki-bot' };
    await processActivityRequest(deps.adapter, req, res, deps.onTurn);
  });

  server.get('/healthz', async (_req: Request, res: Response) => void res.send(200, { status: 'ok' }));
  server.get('/readyz', async (_req: Request, res: Response) => {
    const checks: Record<string, boolean> = await deps.readiness().catch(() => ({ readiness: false }));
    const ready = intakeOpen && Object.values(checks).every(Boolean);
    // `down` names what is missing (e.g. ["queue","events"] while Redis is away) for operators and probes' logs.
    const down = Object.keys(checks).filter((name) => !checks[name]);
    res.send(ready ? 200 : 503, { ready, intakeOpen, checks, down });
  });
  server.get('/metrics', async (_req: Request, res: Response) => {
    res.setHeader('content-type', deps.metrics.registry.contentType);
    res.sendRaw(200, await deps.metrics.registry.metrics());
  });
  server.get('/pki/ca.pem', async (_req: Request, res: Response) => {
    res.setHeader('content-type', 'application/x-pem-file');
    res.sendRaw(200, await deps.ca.caCertificatesPem());
  });
  server.get('/pki/crl', async (_req: Request, res: Response) => {
    res.setHeader('content-type', 'application/pkix-crl');
    res.sendRaw(200, await deps.ca.crlDer());
  });
  server.get('/files/:id', async (req: Request, res: Response) => {
    const id = String(req.params.id);
    const q = req.query as Record<string, string | undefined>;
    if (!deps.fileLinks.verify(id, q.exp, q.sig)) return void res.send(403, { error: 'link invalid or expired' });
    const file = await deps.files.get(id);
    if (!file) return void res.send(404, { error: 'not found' });
    res.setHeader('content-type', file.meta.contentType);
    res.setHeader('cache-control', 'private, no-store');
    // The stored type is trusted only as far as it was sniffed; never let a browser guess another.
    res.setHeader('x-content-type-options', 'nosniff');
    res.sendRaw(200, file.bytes);
  });

  server.on('restifyError', (req: Request, res: Response, err: Error & { statusCode?: number }, cb: () => void) => {
    deps.logger.warn({ url: req.url, status: err.statusCode, err: err.message }, 'http error');
    return cb();
  });

  return { server, stopIntake: () => void (intakeOpen = false) };
}

/** The Direct Line APIs answer errors in Azure's shape (`{ error: { code, message } }`). */
const isDirectLine = (req: Request) => /^\/(?:v3|api)\/directline\//.test(req.getPath());

/**
 * 415 for a compressed body. restify caps the bytes received, not what they inflate to: 512 KB of
 * gzip becomes hundreds of MB in memory before any limit applies. No channel compresses what it
 * posts to a bot (the Bot Connector, DirectLineJS and the console send plain JSON).
 */
function refuseEncodedBody(req: Request, res: Response, next: restify.Next): void {
  const encoding = String(req.headers['content-encoding'] ?? 'identity')
    .trim()
    .toLowerCase();
  const hasBody = req.getContentLength() > 0 || req.isChunked();
  if (!hasBody || encoding === 'identity' || encoding === '') return next();
  res.send(
    415,
    isDirectLine(req)
      ? dlError('UnsupportedMediaType', 'CONTENT_ENCODING_UNSUPPORTED: send the body uncompressed')
      : { error: 'CONTENT_ENCODING_UNSUPPORTED' },
  );
  return next(false);
}

/** The types restify's body parser reads as JSON (its own test: `application/json` or `application/<x>+json`). */
const JSON_TYPE = /^application\/(?:json$|[a-z.]+\+json)/;

/**
 * 400 for a JSON body nested deeper than MAX_JSON_DEPTH, in the error shape of the route's API
 * (Direct Line's `{ error: { code, message } }`, `{ error }` elsewhere), before it is parsed.
 */
function refuseDeepJson(req: Request, res: Response, next: restify.Next): void {
  const body = req.body as unknown;
  const parsedHere = req.method !== 'GET' && req.method !== 'HEAD' && JSON_TYPE.test(req.getContentType().toLowerCase());
  if (!parsedHere || !(typeof body === 'string' || body instanceof Uint8Array) || !jsonDepthExceeds(body)) return next();
  res.send(
    400,
    isDirectLine(req)
      ? dlError('BadArgument', `JSON_TOO_DEEP: the body nests deeper than ${MAX_JSON_DEPTH} levels`)
      : { error: 'JSON_TOO_DEEP', maxDepth: MAX_JSON_DEPTH },
  );
  return next(false);
}
