import type { LoggedActivity } from '../../domain/ports/activity-log.js';
import { t } from '../../ui/i18n/index.js';
import { activityId, DIRECTLINE_CHANNEL } from './activities.js';
import type { RouteContext } from './context.js';
import type { TokenClaims } from './tokens.js';

/** How many of the person's other conversations, newest first, a new one looks back at. */
export const CATCH_UP_CONVERSATIONS = 5;
/** Conversations started longer ago than this are not looked at (retention removes them later anyway). */
export const CATCH_UP_DAYS = 7;
/** At most this many activities are read from one old conversation. */
const MAX_READ = 500;
const PAGE = 100;

/** What a copy does not take from the original: the server sets these for the new conversation. */
const NOT_COPIED = [
  'id',
  'replyToId',
  'conversation',
  'recipient',
  'from',
  'timestamp',
  'localTimestamp',
  'channelId',
  'serviceUrl',
] as const;

/**
 * A person who closed a Web Chat tab and opens a new one starts a new Direct Line conversation;
 * what the bot sent to the old one after they stopped reading it (a notice, a "confirm or reopen"
 * card) would never be seen. So when a conversation starts, the bot's messages that no client was
 * handed (watermark above the old conversation's `deliveredWatermark`) in the person's
 * {@link CATCH_UP_CONVERSATIONS} newest other conversations of the last {@link CATCH_UP_DAYS} days are
 * posted into the new one, oldest first, after one "while you were away" line in the person's
 * language, as new activities (their cards carry their own data, so acting on them works). Then
 * the old conversations are marked delivered up to their last watermark, so a later tab does not
 * get them again. A replacement (an updated card) takes the place of its original when both are
 * copied. A failure is logged and leaves the old conversations unmarked: the next tab tries again.
 * Returns how many activities were copied.
 */
export async function catchUp(rc: RouteContext, claims: TokenClaims): Promise<number> {
  try {
    const now = rc.now?.() ?? new Date();
    const since = now.getTime() - CATCH_UP_DAYS * 86_400_000;
    const others = (await rc.log.listOfUser(claims.user, CATCH_UP_CONVERSATIONS + 1))
      .filter((c) => c.conversationId !== claims.conv && Date.parse(c.createdAt) >= since)
      .slice(0, CATCH_UP_CONVERSATIONS)
      .reverse();
    const missed: { at: string; activity: Record<string, unknown> }[] = [];
    const marks: { conversationId: string; watermark: number }[] = [];
    for (const c of others) {
      const unseen = await readAfter(rc, c.conversationId, c.deliveredWatermark);
      if (unseen.length === 0) continue;
      marks.push({ conversationId: c.conversationId, watermark: unseen[unseen.length - 1].watermark });
      const slots = new Map<string, number>();
      const kept: { at: string; activity: Record<string, unknown> }[] = [];
      for (const e of unseen) {
        if (!isBotMessage(rc, e.activity)) continue;
        const id = typeof e.activity.id === 'string' ? e.activity.id : activityId(c.conversationId, e.watermark);
        const copy = { at: typeof e.activity.timestamp === 'string' ? e.activity.timestamp : '', activity: copyOf(e.activity) };
        const slot = slots.get(id);
        if (slot === undefined) {
          slots.set(id, kept.length);
          kept.push(copy);
        } else kept[slot] = { at: kept[slot].at, activity: copy.activity };
      }
      missed.push(...kept);
    }
    if (missed.length > 0) {
      // Oldest first across the old conversations (a stable sort keeps each one's own order).
      missed.sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0));
      const person = await rc.directory.findByIdentity({ channelId: DIRECTLINE_CHANNEL, userId: claims.user });
      const locale = person?.locale ?? claims.loc ?? rc.defaultLocale;
      const heading = locale ? t(locale, 'dl.whileAway') : `${t('ms', 'dl.whileAway')} / ${t('en', 'dl.whileAway')}`;
      const reference = {
        channelId: DIRECTLINE_CHANNEL,
        serviceUrl: rc.adapter.serviceUrl,
        conversation: { id: claims.conv, isGroup: false, conversationType: 'personal', name: '' },
        bot: rc.adapter.botAccount,
        user: { id: claims.user, name: claims.name ?? '' },
      };
      // Through a turn context, so the middleware sees the copies (a copied decision card is
      // recorded and later updated in place like the original).
      await rc.adapter.continueConversationAsync(rc.adapter.botAccount.id, reference, async (ctx) => {
        await ctx.sendActivities([{ type: 'message', text: heading }, ...missed.map((m) => m.activity)]);
      });
    }
    for (const m of marks) await rc.log.markDelivered(m.conversationId, m.watermark);
    return missed.length;
  } catch (err) {
    rc.logger.warn({ err, conversationId: claims.conv }, 'direct line: could not carry missed messages into the new conversation');
    return 0;
  }
}

async function readAfter(rc: RouteContext, conversationId: string, after: number): Promise<LoggedActivity[]> {
  const out: LoggedActivity[] = [];
  let from = after;
  while (out.length < MAX_READ) {
    const page = await rc.log.listAfter(conversationId, from, PAGE);
    if (page.length === 0) break;
    out.push(...page);
    from = page[page.length - 1].watermark;
  }
  return out;
}

function isBotMessage(rc: RouteContext, a: Record<string, unknown>): boolean {
  if (a.type !== 'message') return false;
  const from = (a.from ?? {}) as { id?: unknown; role?: unknown };
  return from.role === 'bot' || from.id === rc.adapter.botAccount.id;
}

function copyOf(a: Record<string, unknown>): Record<string, unknown> {
  const out = { ...a };
  for (const key of NOT_COPIED) delete out[key];
  return out;
}
