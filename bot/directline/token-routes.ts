import { randomBytes } from 'node:crypto';
import type { Request, Response, Server } from 'restify';
import { z } from 'zod';
import { ROLES, type Person } from '../../domain/people.js';
import { verifyAssertion } from './assertion.js';
import { dlError } from './activities.js';
import { authorize, available, intake, newConversationId, type RouteContext } from './context.js';
import { bearerOf } from './tokens.js';

const TokenRequest = z.object({
  assertion: z.string().max(4096).optional(),
  demoUser: z.string().max(128).optional(),
  /** Resume this conversation (after a reload) when it is the same user's. */
  conversationId: z.string().max(128).optional(),
  /** The page's language (`/chat?lang=en`): the greeting and the turns of someone who never chose one use it. */
  locale: z.enum(['ms', 'en']).optional(),
});

const GenerateRequest = z
  .object({
    user: z.object({ id: z.string().min(1).max(128), name: z.string().max(120).optional() }).optional(),
  })
  .passthrough();

/**
 * Where tokens come from:
 * - `POST /api/directline/token` for the Web Chat page: a signed intranet assertion, or in demo
 *   mode a seeded demo person; optionally resuming one of that user's conversations;
 * - `GET /api/directline/demo-users`: the demo people (404 when demo login is off);
 * - `POST /v3/directline/tokens/generate` for a trusted backend holding the Direct Line secret;
 * - `POST /v3/directline/tokens/refresh`: a new expiry for a valid token, same conversation.
 */
export function registerTokenRoutes(server: Server, rc: RouteContext): void {
  server.post('/api/directline/token', async (req: Request, res: Response) => {
    if (!intake(rc, res) || !(await available(rc, res))) return;
    const body = TokenRequest.safeParse(req.body ?? {});
    if (!body.success) return void res.send(400, dlError('BadArgument', 'expected { assertion } or { demoUser }'));
    const who = await identify(rc, res, body.data);
    if (!who) return;
    let conversationId = newConversationId();
    if (body.data.conversationId) {
      const existing = await rc.log.getConversation(body.data.conversationId);
      if (existing && existing.userId !== who.id)
        return void res.send(403, dlError('Forbidden', 'The conversation belongs to another user'));
      // An unknown id (a data folder reset since, say) simply gets a new conversation.
      if (existing) conversationId = existing.conversationId;
    }
    const { token, expiresIn } = rc.tokens.issue({ conversationId, userId: who.id, name: who.name, locale: body.data.locale });
    res.send(200, { token, conversationId, expires_in: expiresIn, userId: who.id });
  });

  server.get('/api/directline/demo-users', async (_req: Request, res: Response) => {
    if (!rc.demoLogin) return void res.send(404, dlError('NotFound', 'Demo login is off'));
    const people = await demoPeople(rc);
    res.send(
      200,
      people.map((p) => ({ id: p.id, name: p.name, roles: p.roles })),
    );
  });

  server.post('/v3/directline/tokens/generate', async (req: Request, res: Response) => {
    if (!intake(rc, res) || !(await available(rc, res))) return;
    if (!rc.tokens.isSecret(bearerOf(req.headers.authorization)))
      return void res.send(401, dlError('Unauthorized', 'The Direct Line secret is required'));
    const body = GenerateRequest.safeParse(req.body ?? {});
    if (!body.success) return void res.send(400, dlError('BadArgument', 'expected { user: { id, name } }'));
    const user = body.data.user ?? { id: `dl_${randomBytes(12).toString('base64url')}` };
    const conversationId = newConversationId();
    const { token, expiresIn } = rc.tokens.issue({ conversationId, userId: user.id, name: user.name });
    res.send(200, { conversationId, token, expires_in: expiresIn });
  });

  server.post('/v3/directline/tokens/refresh', async (req: Request, res: Response) => {
    const claims = authorize(rc, req, res);
    if (!claims) return;
    const { token, expiresIn } = rc.tokens.issue({
      conversationId: claims.conv,
      userId: claims.user,
      name: claims.name,
      locale: claims.loc,
    });
    res.send(200, { conversationId: claims.conv, token, expires_in: expiresIn });
  });
}

/** The user a token request speaks for; answers 401/403 itself and returns undefined when refused. */
async function identify(
  rc: RouteContext,
  res: Response,
  body: z.infer<typeof TokenRequest>,
): Promise<{ id: string; name?: string } | undefined> {
  if (body.assertion !== undefined) {
    if (!rc.intranetSecret)
      return void res.send(401, dlError('InvalidAssertion', 'Intranet assertions are not configured (INTRANET_SHARED_SECRET)'));
    const check = verifyAssertion(body.assertion, rc.intranetSecret, Math.floor((rc.now?.() ?? new Date()).getTime() / 1000));
    if (!check.ok) return void res.send(401, dlError('InvalidAssertion', `The assertion was refused: ${check.reason}`));
    return { id: check.sub, name: check.name };
  }
  if (body.demoUser !== undefined) {
    if (!rc.demoLogin) return void res.send(403, dlError('Forbidden', 'Demo login is off'));
    const person = body.demoUser.startsWith('demo-') ? await rc.directory.getPerson(body.demoUser) : undefined;
    if (!person) return void res.send(403, dlError('Forbidden', 'Not a demo person'));
    return { id: person.id, name: person.name };
  }
  res.send(400, dlError('BadArgument', 'expected { assertion } or { demoUser }'));
  return undefined;
}

/** Seeded demo people (ids starting `demo-`), by id; the directory lists by role, so every role is asked. */
async function demoPeople(rc: RouteContext): Promise<Person[]> {
  const byId = new Map<string, Person>();
  for (const role of ROLES) for (const p of await rc.directory.listByRole(role)) if (p.id.startsWith('demo-')) byId.set(p.id, p);
  return [...byId.values()].sort((a, b) => a.id.localeCompare(b.id));
}
