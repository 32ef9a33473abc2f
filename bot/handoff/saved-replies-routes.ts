import { randomUUID } from 'node:crypto';
import type { Request, Response, Server } from 'restify';
import type { Locale, Person } from '../../domain/people.js';
import type { SavedReplies, SavedReply } from '../../domain/ports/saved-replies.js';
import type { Logger } from '../../infra/logger.js';
import { t } from '../../ui/i18n/index.js';
import { bilingual } from './console-labels.js';

export const REPLY_TITLE_MAX = 80;
export const REPLY_TEXT_MAX = 2000;
/** Enough for a helpdesk's phrasebook; a bound so a runaway script cannot fill the store. */
export const REPLIES_MAX = 300;
const LOCALES: readonly Locale[] = ['ms', 'en'];

type ReplyError = 'TITLE_REQUIRED' | 'TITLE_TOO_LONG' | 'TEXT_REQUIRED' | 'TEXT_TOO_LONG' | 'LOCALE_INVALID';
type Guarded = (handler: (req: Request, res: Response, agent: Person) => Promise<void>) => (req: Request, res: Response) => Promise<void>;

/** A saved reply as the agent sent it, checked: trimmed title and text (inner line breaks kept), a console language. */
export function checkReply(
  body: unknown,
): { ok: true; value: { locale: Locale; title: string; text: string } } | { ok: false; error: ReplyError } {
  const b = (body ?? {}) as { title?: unknown; text?: unknown; locale?: unknown };
  const title = typeof b.title === 'string' ? b.title.trim() : '';
  const text = typeof b.text === 'string' ? b.text.replace(/\r\n?/g, '\n').trim() : '';
  if (!title) return { ok: false, error: 'TITLE_REQUIRED' };
  if (title.length > REPLY_TITLE_MAX) return { ok: false, error: 'TITLE_TOO_LONG' };
  if (!text) return { ok: false, error: 'TEXT_REQUIRED' };
  if (text.length > REPLY_TEXT_MAX) return { ok: false, error: 'TEXT_TOO_LONG' };
  if (typeof b.locale !== 'string' || !(LOCALES as readonly string[]).includes(b.locale)) return { ok: false, error: 'LOCALE_INVALID' };
  return { ok: true, value: { locale: b.locale as Locale, title, text } };
}

const refusal = (error: ReplyError | 'NOT_FOUND' | 'TOO_MANY') =>
  bilingual((l) =>
    t(l, `console.reply.${error}`, {
      max: error === 'TITLE_TOO_LONG' ? REPLY_TITLE_MAX : error === 'TOO_MANY' ? REPLIES_MAX : REPLY_TEXT_MAX,
    }),
  );

/**
 * The helpdesk's saved replies, under the console's signed-in, CSRF-checked API (`guarded`):
 * any agent lists, adds, edits and deletes them. Each change is logged with who and when, and
 * the stored reply keeps who created and who last changed it.
 */
export function mountSavedReplies(
  server: Server,
  guarded: Guarded,
  deps: { replies: SavedReplies; logger: Logger; now: () => Date },
): void {
  const logged = (agent: Person, action: string, r: Pick<SavedReply, 'id' | 'locale' | 'title'>, at: string) =>
    deps.logger.info({ agent: agent.id, action, replyId: r.id, locale: r.locale, title: r.title, at }, `saved reply ${action}`);

  server.get(
    '/console/api/replies',
    guarded(async (_req, res) => {
      res.send(200, { replies: await deps.replies.list() });
    }),
  );

  server.post(
    '/console/api/replies',
    guarded(async (req, res, agent) => {
      const checked = checkReply(req.body);
      if (!checked.ok) return void res.send(400, { error: checked.error, message: refusal(checked.error) });
      if ((await deps.replies.count()) >= REPLIES_MAX) return void res.send(409, { error: 'TOO_MANY', message: refusal('TOO_MANY') });
      const at = deps.now().toISOString();
      const reply: SavedReply = {
        id: randomUUID(),
        ...checked.value,
        createdBy: agent.id,
        createdAt: at,
        updatedBy: agent.id,
        updatedAt: at,
      };
      await deps.replies.create(reply);
      logged(agent, 'created', reply, at);
      res.send(201, { reply, message: bilingual((l) => t(l, 'console.reply.saved', { title: reply.title })) });
    }),
  );

  server.put(
    '/console/api/replies/:id',
    guarded(async (req, res, agent) => {
      const checked = checkReply(req.body);
      if (!checked.ok) return void res.send(400, { error: checked.error, message: refusal(checked.error) });
      const at = deps.now().toISOString();
      const reply = await deps.replies.update(idOf(req), { ...checked.value, updatedBy: agent.id, updatedAt: at });
      if (!reply) return void res.send(404, { error: 'NOT_FOUND', message: refusal('NOT_FOUND') });
      logged(agent, 'edited', reply, at);
      res.send(200, { reply, message: bilingual((l) => t(l, 'console.reply.saved', { title: reply.title })) });
    }),
  );

  server.del(
    '/console/api/replies/:id',
    guarded(async (req, res, agent) => {
      const before = await deps.replies.get(idOf(req));
      if (!before || !(await deps.replies.delete(before.id)))
        return void res.send(404, { error: 'NOT_FOUND', message: refusal('NOT_FOUND') });
      logged(agent, 'deleted', before, deps.now().toISOString());
      res.send(200, { ok: true, message: bilingual((l) => t(l, 'console.reply.deleted')) });
    }),
  );
}

function idOf(req: Request): string {
  return String((req.params as Record<string, string>).id).slice(0, 100);
}
