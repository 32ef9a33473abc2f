import { randomBytes } from 'node:crypto';
import type { Activity, TurnContext } from 'botbuilder';
import type { Request, Response } from 'restify';
import type { ActivityLog } from '../../domain/ports/activity-log.js';
import type { Directory } from '../../domain/ports/directory.js';
import type { EventBus } from '../../domain/ports/event-bus.js';
import type { FileStore } from '../../domain/ports/file-store.js';
import type { Logger } from '../../infra/logger.js';
import type { FileLinks } from '../http/file-links.js';
import { dlError, DIRECTLINE_CHANNEL } from './activities.js';
import type { DirectLineAdapter } from './adapter.js';
import { bearerOf, type DirectLineTokens, type TokenClaims } from './tokens.js';

/** What the Direct Line routes need (wired in bot/main.ts). */
export interface DirectLineDeps {
  adapter: DirectLineAdapter;
  /** The per-turn function of bot/turn-pipeline.ts, the same one `/api/messages` runs. */
  onTurn: (ctx: TurnContext) => Promise<void>;
  log: ActivityLog;
  /** The bus the adapter announces appends on; each stream subscribes to its conversation. */
  events: EventBus;
  tokens: DirectLineTokens;
  files: FileStore;
  fileLinks: FileLinks;
  directory: Directory;
  logger: Logger;
  /** UPLOAD_MAX_BYTES: the largest file /upload takes. */
  uploadMaxBytes: number;
  /**
   * When a file uploaded now expires (UPLOAD_UNCLAIMED_HOURS after upload); the recovery loop
   * removes it then. The bot keeps its own copy of what a dialog accepted. Unset: kept.
   */
  uploadExpiresAt?: () => string;
  /** UPLOAD_MAX_FILES_PER_HOUR / UPLOAD_MAX_BYTES_PER_HOUR, per person and conversation; unset: no quota. */
  uploadQuota?: import('./upload-quota.js').UploadQuota;
  /**
   * Where browsers reach the bot (PUBLIC_URL, or http://localhost:<port> once listening): stream
   * URLs are built on it, never on a request's Host header, which a client may forge.
   */
  publicUrl: () => string;
  /** INTRANET_SHARED_SECRET; unset = assertions refused. */
  intranetSecret?: string;
  demoLogin: boolean;
  /** DEFAULT_LOCALE: the language of what the routes themselves say to someone who never chose one (as a turn does). */
  defaultLocale?: 'ms' | 'en';
  /** How often streams send an empty keep-alive message (default 30 s). */
  keepAliveMs?: number;
  /**
   * What a conversation needs that is down right now (e.g. `["events"]` while Redis is away),
   * answered within a bound; starting a conversation or a stream is then refused at once with 503.
   */
  unavailable?: () => Promise<string[]>;
  now?: () => Date;
}

/** The routes' shared state: the deps and whether intake is open. */
export interface RouteContext extends DirectLineDeps {
  intakeOpen(): boolean;
}

/** A new conversation id: random, URL-safe, and never containing `|` (the activity id separator). */
export const newConversationId = (): string => randomBytes(16).toString('base64url');

/**
 * The token of a request, checked: 401 when missing or not ours, 403 when expired (as Azure, so
 * DirectLineJS reports an expired token) or when it belongs to another conversation.
 * Answers the request itself and returns undefined when the caller must stop.
 */
export function authorize(rc: RouteContext, req: Request, res: Response, conversationId?: string): TokenClaims | undefined {
  const check = rc.tokens.verify(bearerOf(req.headers.authorization));
  if (!check.ok) {
    if (check.reason === 'expired') res.send(403, dlError('TokenExpired', 'The token has expired'));
    else res.send(401, dlError('Unauthorized', 'A valid Direct Line token is required'));
    return undefined;
  }
  if (conversationId !== undefined && check.claims.conv !== conversationId) {
    res.send(403, dlError('Forbidden', 'The token is for another conversation'));
    return undefined;
  }
  return check.claims;
}

/** 503 while shutting down; true when the request may go on. */
export function intake(rc: RouteContext, res: Response): boolean {
  if (rc.intakeOpen()) return true;
  res.send(503, dlError('ServiceUnavailable', 'The bot is shutting down'));
  return false;
}

/**
 * 503 (with Retry-After) when something a conversation needs is down, instead of a start that hangs
 * until it returns; true when the request may go on.
 */
export async function available(rc: Pick<DirectLineDeps, 'unavailable'>, res: Response): Promise<boolean> {
  const down = (await rc.unavailable?.()) ?? [];
  if (down.length === 0) return true;
  res.setHeader('retry-after', '60');
  res.send(503, dlError('ServiceUnavailable', `Temporarily unavailable (${down.join(', ')}); please try again in a few minutes`));
  return false;
}

/**
 * The bot's configured public address, for the stream URLs handed back to browsers. Activities
 * never carry it: their serviceUrl is the adapter's own.
 */
export function baseOf(rc: RouteContext): string {
  return rc.publicUrl();
}

/** Stamps a client's activity with everything the server decides: identity, conversation, time. */
export function stamp(rc: RouteContext, claims: TokenClaims, activity: Record<string, unknown>): Partial<Activity> {
  return {
    ...activity,
    // Web Chat sets `locale` on what it sends; a client that does not gets the page's language from the token.
    ...(activity.locale === undefined && claims.loc && { locale: claims.loc }),
    channelId: DIRECTLINE_CHANNEL,
    serviceUrl: rc.adapter.serviceUrl,
    conversation: { id: claims.conv } as Activity['conversation'],
    from: { id: claims.user, ...(claims.name && { name: claims.name }), role: 'user' } as Activity['from'],
    recipient: rc.adapter.botAccount,
    timestamp: (rc.now?.() ?? new Date()).toISOString() as unknown as Date,
  };
}

/** The conversation the token is for, when it exists and belongs to the token's user. */
export async function ownConversation(rc: RouteContext, res: Response, claims: TokenClaims): Promise<boolean> {
  const conv = await rc.log.getConversation(claims.conv);
  if (!conv) {
    res.send(404, dlError('NotFound', 'The conversation has not been started'));
    return false;
  }
  if (conv.userId !== claims.user) {
    res.send(403, dlError('Forbidden', 'The conversation belongs to another user'));
    return false;
  }
  return true;
}
