import { randomUUID } from 'node:crypto';
import type { Request, Response, Server } from 'restify';
import { ActivityTypes, type Activity } from 'botbuilder';
import { toWire, dlError, parseClientActivity } from './activities.js';
import { authorize, available, baseOf, intake, ownConversation, stamp, type RouteContext } from './context.js';
import type { TokenClaims } from './tokens.js';
import { handleUpload } from './upload.js';
import { catchUp } from './catch-up.js';

/** Most activities one GET returns; the client asks again from the new watermark. */
const PAGE = 100;

/**
 * Direct Line 3.0 conversations: start, resume, post, poll and upload. Every route takes the
 * conversation's token; the token fixes the conversation and the user, whatever the body says.
 */
export function registerConversationRoutes(server: Server, rc: RouteContext): void {
  server.post('/v3/directline/conversations', async (req: Request, res: Response) => {
    if (!intake(rc, res)) return;
    const claims = authorize(rc, req, res);
    if (!claims || !(await available(rc, res))) return;
    if (!(await start(rc, res, claims))) return;
    res.send(201, conversationAnswer(rc, claims));
  });

  // Resume: a fresh token and stream URL (DirectLineJS calls this on every reconnect). A
  // conversation the token names but nobody started yet is started here, so a page that passes
  // both token and conversationId to Web Chat works as well as one that passes the token only.
  server.get('/v3/directline/conversations/:id', async (req: Request, res: Response) => {
    const claims = authorize(rc, req, res, String(req.params.id));
    if (!claims || !(await available(rc, res))) return;
    if (!(await start(rc, res, claims))) return;
    res.send(200, conversationAnswer(rc, claims, watermarkParam(req)));
  });

  server.post('/v3/directline/conversations/:id/activities', async (req: Request, res: Response) => {
    if (!intake(rc, res)) return;
    const claims = authorize(rc, req, res, String(req.params.id));
    if (!claims || !(await ownConversation(rc, res, claims))) return;
    const parsed = parseClientActivity(req.body);
    if (!parsed.ok) return void res.send(400, dlError('BadArgument', parsed.reason));
    const appended = await rc.adapter.receive(stamp(rc, claims, parsed.activity), rc.onTurn);
    if (!appended) return void res.send(404, dlError('NotFound', 'The conversation has not been started'));
    res.send(200, { id: appended.id });
  });

  server.get('/v3/directline/conversations/:id/activities', async (req: Request, res: Response) => {
    const claims = authorize(rc, req, res, String(req.params.id));
    if (!claims || !(await ownConversation(rc, res, claims))) return;
    const after = watermarkParam(req);
    const page = await rc.log.listAfter(claims.conv, after, PAGE);
    const watermark = page.length > 0 ? page[page.length - 1].watermark : after;
    // Polling clients are served here: what this answer hands out counts as delivered (an empty
    // page hands out nothing new, and a client's own claim of a watermark is not taken).
    if (page.length > 0) {
      await rc.log.markDelivered(claims.conv, watermark).catch((err: unknown) => {
        rc.logger.warn({ err, conversation: claims.conv }, 'direct line: recording delivery failed');
      });
    }
    res.send(200, { activities: page.map(toWire), watermark: String(watermark) });
  });

  server.post('/v3/directline/conversations/:id/upload', async (req: Request, res: Response) => {
    if (!intake(rc, res)) return;
    const claims = authorize(rc, req, res, String(req.params.id));
    if (!claims || !(await ownConversation(rc, res, claims))) return;
    await handleUpload(rc, req, res, claims);
  });
}

/**
 * Creates the conversation on first use and greets: the bot gets a `conversationUpdate` with the
 * user added, as Azure sends when a conversation starts; then the bot's messages the person was
 * never handed in their other recent conversations are carried over ({@link catchUp}). Refuses (403) a conversation that exists
 * for another user. Returns false when it answered the request.
 */
async function start(rc: RouteContext, res: Response, claims: TokenClaims): Promise<boolean> {
  const createdAt = (rc.now?.() ?? new Date()).toISOString();
  const created = await rc.log.createConversation({ conversationId: claims.conv, userId: claims.user, createdAt });
  if (!created) {
    const existing = await rc.log.getConversation(claims.conv);
    if (existing?.userId !== claims.user) {
      res.send(403, dlError('Forbidden', 'The conversation belongs to another user'));
      return false;
    }
    return true;
  }
  const user = { id: claims.user, ...(claims.name && { name: claims.name }), role: 'user' };
  // Awaited, so the greeting is in the log before the client opens its stream (which replays it).
  const update = stamp(rc, claims, { type: ActivityTypes.ConversationUpdate, id: randomUUID(), membersAdded: [user] }) as Partial<Activity>;
  await rc.adapter.processActivity(update, rc.onTurn);
  // After the greeting: what the person missed in a tab they closed (catch-up.ts).
  await catchUp(rc, claims);
  return true;
}

/** Azure's answer to start and resume, with a fresh token (same conversation and user) and stream URL. */
function conversationAnswer(rc: RouteContext, claims: TokenClaims, watermark = 0) {
  const subject = { conversationId: claims.conv, userId: claims.user, name: claims.name, locale: claims.loc };
  const { token, expiresIn } = rc.tokens.issue(subject);
  const stream = rc.tokens.issue(subject, 'stream').token;
  const ws = baseOf(rc).replace(/^http/, 'ws');
  const streamUrl = `${ws}/v3/directline/conversations/${encodeURIComponent(claims.conv)}/stream?t=${stream}${watermark > 0 ? `&watermark=${watermark}` : ''}`;
  return { conversationId: claims.conv, token, expires_in: expiresIn, streamUrl, referenceGrammarId: '' };
}

function watermarkParam(req: Request): number {
  const n = Number((req.query as Record<string, string | undefined>)?.watermark ?? 0);
  return Number.isInteger(n) && n > 0 ? n : 0;
}
