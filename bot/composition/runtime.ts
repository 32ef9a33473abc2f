import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Storage } from 'botbuilder';
import type { ActivityLog } from '../../domain/ports/activity-log.js';
import type { Clock } from '../../domain/ports/clock.js';
import type { EventBus } from '../../domain/ports/event-bus.js';
import type { AgentCredentials, HandoffRepository } from '../../domain/ports/handoff-repository.js';
import { SqliteAgentCredentials, SqliteHandoffRepository } from '../../infra/store/embedded/handoff-repository.js';
import type { JobScheduler } from '../../domain/ports/job-scheduler.js';
import type { Config } from '../../infra/config.js';
import { loadCalendars } from '../../infra/calendar/load.js';
import { loadDirectorySeed } from '../../infra/directory-seed.js';
import { createEmbeddedStore, type EmbeddedStore } from '../../infra/store/embedded/index.js';
import { SqliteActivityLog } from '../../infra/store/embedded/activity-log.js';
import { SqliteTranscripts, type TranscriptEntry } from '../../infra/store/embedded/transcripts.js';
import type { MongoStore } from '../../infra/store/mongo/index.js';
import { InlineJobScheduler } from '../../infra/queue/inline.js';
import type { BullMqJobScheduler } from '../../infra/queue/bullmq.js';
import { LocalEventBus } from '../../infra/events/local.js';
import { MemorySeenActivities, type SeenActivities } from '../../infra/dedupe.js';
import type { ConversationLock } from '../../domain/ports/conversation-lock.js';
import { MemoryConversationLock } from '../../infra/lock/memory.js';
import { OptimisticStorage } from '../../infra/store/optimistic-storage.js';
import type { Logger } from '../../infra/logger.js';
import type { TranscriptRetention } from '../../domain/ports/transcript-log.js';
import type { CaLedger } from '../../domain/ports/ca-ledger.js';
import { SqliteCaLedger } from '../../infra/store/embedded/ca-ledger.js';
import type { RateLimits } from '../../domain/ports/rate-limits.js';
import type { AgentSessions } from '../../domain/ports/agent-sessions.js';
import { SqliteAgentSessions, SqliteRateLimits } from '../../infra/store/embedded/rate-limits.js';
import type { SavedReplies } from '../../domain/ports/saved-replies.js';
import { SqliteSavedReplies } from '../../infra/store/embedded/saved-replies.js';
import { tightenDataDir } from '../../infra/store/embedded/data-dir.js';
import { appPath } from '../../infra/app-root.js';

/** The adapters chosen by the configuration: the only place that knows which mode runs. */
export interface Infrastructure {
  store: EmbeddedStore | MongoStore;
  storage: Storage;
  transcripts: TranscriptRetention & {
    append(entries: TranscriptEntry[]): Promise<void>;
    list(conversationId: string, limit?: number): Promise<TranscriptEntry[]>;
  };
  /** The bot's own Direct Line conversations (bot/directline). */
  activities: ActivityLog;
  /** The agents' queue and conversation ownership (bot/handoff). */
  handoffs: HandoffRepository;
  /** Helpdesk agents' console password hashes. */
  agentCredentials: AgentCredentials;
  /** The console's server-side sessions, on the store: ended on every instance at once. */
  agentSessions: AgentSessions;
  /** Sign-in throttles and upload quotas, on the store: shared by every instance, kept across restarts. */
  rateLimits: RateLimits;
  /** The console's saved replies, on the store: every instance sees the same ones. */
  savedReplies: SavedReplies;
  jobs: JobScheduler;
  events: EventBus;
  seen: SeenActivities;
  /** One turn at a time per conversation: on Redis when REDIS_URL is set, else in this process. */
  lock: ConversationLock;
  /** True while the store answers. */
  storeReady(): boolean;
  /** The CA ledger (issued, revoked, CRL numbers, sealed CA keys) on the same store: one CA for every process. */
  caLedger: CaLedger;
  /** Readiness probes of the job queue and the event bus: resolve when up, reject at once when known down. */
  probes: { queue(): Promise<unknown>; events(): Promise<unknown> };
  /** The BullMQ scheduler in the scaled-out mode, whose queues the operators' dashboard shows; absent otherwise. */
  bullmq?: BullMqJobScheduler;
  close(): Promise<void>;
}

/** How long a completed turn's activity id is remembered: Teams re-sends within seconds to minutes. */
const SEEN_TTL_MS = 600_000;

export async function openInfrastructure(config: Config, logger: Logger, clock: Clock): Promise<Infrastructure> {
  // Owner-only, whatever an older version or a restore left: folders 0700, files 0600 (DOMAIN.md 7.15).
  const tightened = tightenDataDir(config.dataDir);
  if (tightened.failed) logger.warn({ dir: config.dataDir, ...tightened }, 'data folder: some permissions could not be made owner-only');
  else if (tightened.changed) logger.info({ dir: config.dataDir, ...tightened }, 'data folder: permissions tightened to owner-only');
  const dbFile = path.join(config.dataDir, 'gpki.db');
  let store: EmbeddedStore | MongoStore;
  let transcripts: Infrastructure['transcripts'];
  let activities: ActivityLog;
  let handoffs: HandoffRepository;
  let agentCredentials: AgentCredentials;
  let agentSessions: AgentSessions;
  let rateLimits: RateLimits;
  let savedReplies: SavedReplies;
  let storeReady: () => boolean;
  let caLedger: CaLedger;
  if (config.store === 'mongo' && config.mongo) {
    // mongoose, BullMQ and ioredis load only in the modes that use them: they cost a good part of
    // the embedded mode's start time otherwise.
    const { createMongoStore, ensureIndexes } = await import('../../infra/store/mongo/index.js');
    const { MongoTranscripts } = await import('../../infra/store/mongo/transcripts.js');
    const { MongoActivityLog } = await import('../../infra/store/mongo/activity-log.js');
    const mongo = await createMongoStore({ ...config.mongo, clock });
    store = mongo;
    transcripts = new MongoTranscripts({ connection: mongo.connection });
    activities = new MongoActivityLog({ connection: mongo.connection, clock });
    const { MongoAgentCredentials, MongoHandoffRepository } = await import('../../infra/store/mongo/handoff-repository.js');
    handoffs = new MongoHandoffRepository({ connection: mongo.connection });
    agentCredentials = new MongoAgentCredentials({ connection: mongo.connection });
    const { MongoAgentSessions, MongoRateLimits } = await import('../../infra/store/mongo/rate-limits.js');
    const sessions = new MongoAgentSessions({ connection: mongo.connection });
    const limits = new MongoRateLimits({ connection: mongo.connection });
    await sessions.init();
    await limits.init();
    [agentSessions, rateLimits] = [sessions, limits];
    const { MongoSavedReplies } = await import('../../infra/store/mongo/saved-replies.js');
    const replies = new MongoSavedReplies({ connection: mongo.connection });
    await replies.init();
    savedReplies = replies;
    const { MongoCaLedger } = await import('../../infra/store/mongo/ca-ledger.js');
    caLedger = new MongoCaLedger({ connection: mongo.connection });
    // The store builds indexes for its own models; the transcripts and activity models came after.
    await ensureIndexes(mongo.connection);
    // Rides out a replica-set election (no primary for a few seconds) instead of failing /readyz at once.
    storeReady = () => mongo.ready();
  } else {
    const embedded = createEmbeddedStore({ file: dbFile, filesDir: path.join(config.dataDir, 'files'), clock });
    store = embedded;
    transcripts = new SqliteTranscripts({ db: embedded.db });
    activities = new SqliteActivityLog({ db: embedded.db, clock });
    handoffs = new SqliteHandoffRepository({ db: embedded.db });
    agentCredentials = new SqliteAgentCredentials({ db: embedded.db });
    agentSessions = new SqliteAgentSessions({ db: embedded.db });
    rateLimits = new SqliteRateLimits({ db: embedded.db });
    savedReplies = new SqliteSavedReplies({ db: embedded.db });
    caLedger = new SqliteCaLedger({ db: embedded.db });
    storeReady = () => embedded.db.open;
  }
  const jobLogger = {
    info: (o: object, m?: string) => logger.info(o, m),
    error: (o: object, m?: string) => logger.error(o, m),
    warn: (o: object, m?: string) => logger.warn(o, m),
  };
  let jobs: JobScheduler;
  let events: EventBus;
  let seen: SeenActivities;
  let lock: ConversationLock;
  let probes: Infrastructure['probes'];
  let bullmq: BullMqJobScheduler | undefined;
  if (config.queue === 'bullmq' && config.redis) {
    const { BullMqJobScheduler } = await import('../../infra/queue/bullmq.js');
    const { RedisEventBus } = await import('../../infra/events/redis.js');
    const { RedisSeenActivities } = await import('../../infra/dedupe-redis.js');
    const bus = new RedisEventBus({ url: config.redis.url, prefix: `${config.redis.prefix}:events`, logger: jobLogger });
    const scheduler = new BullMqJobScheduler({
      connection: config.redis.url,
      prefix: config.redis.prefix,
      concurrency: 4,
      lockMs: config.jobLockMs,
      logger: jobLogger,
    });
    jobs = bullmq = scheduler;
    events = bus;
    // Longer than /readyz's own bound, which tells a slow answer from a lost connection.
    probes = { queue: () => scheduler.ping(5000), events: () => bus.ping(5000) };
    const { RedisConversationLock } = await import('../../infra/lock/redis.js');
    const redisTrouble = (what: string) => (err: Error) => logger.warn({ err }, `${what}: Redis connection error`);
    seen = new RedisSeenActivities({
      url: config.redis.url,
      prefix: config.redis.prefix,
      ttlMs: SEEN_TTL_MS,
      onError: redisTrouble('duplicate marks'),
    });
    lock = new RedisConversationLock({
      url: config.redis.url,
      prefix: config.redis.prefix,
      ...config.turnLock,
      onError: redisTrouble('conversation lock'),
    });
  } else {
    jobs = new InlineJobScheduler({ file: dbFile, concurrency: 2, logger: jobLogger, clock: followClock(clock) });
    events = new LocalEventBus();
    seen = new MemorySeenActivities({ ttlMs: SEEN_TTL_MS, max: 50_000 });
    lock = new MemoryConversationLock(config.turnLock);
    const inline = jobs;
    probes = { queue: () => inline.counts('ca'), events: async () => true };
  }
  return {
    store,
    // Every write of the bot's turn state carries the eTag it read, for a key not stored yet too.
    storage: new OptimisticStorage(store.storage),
    transcripts,
    activities,
    handoffs,
    agentCredentials,
    agentSessions,
    rateLimits,
    savedReplies,
    jobs,
    events,
    seen,
    lock,
    storeReady,
    caLedger,
    probes,
    bullmq,
    close: async () => {
      await jobs.close();
      await events.close();
      await seen.close();
      await lock.close();
      await store.close();
    },
  };
}

const DEMO_SEED = appPath('infra', 'seed', 'demo-directory.json');

/**
 * Loads the directory: an operator's file (DIRECTORY_SEED) at every start, or the demo directory
 * on the first start of the embedded mode (so later language choices of demo people are kept).
 * An agency's state must be one the working-day calendar knows (`states`, by default those of
 * CALENDAR_FILE); an unknown one throws, naming it.
 */
export async function seedDirectory(config: Config, infra: Infrastructure, logger: Logger, states?: string[]): Promise<void> {
  const directory = infra.store.directory;
  const knownStates = states ?? loadCalendars(config.helpdesk.calendarFile, config.helpdesk.calendarState).states;
  if (config.directorySeed) {
    const r = await loadDirectorySeed(directory, JSON.parse(readFileSync(config.directorySeed, 'utf8')), { knownStates });
    logger.info(r, 'directory loaded');
  } else if (config.store === 'embedded' && (await directory.listAgencies()).length === 0) {
    const r = await loadDirectorySeed(directory, JSON.parse(readFileSync(DEMO_SEED, 'utf8')), { knownStates });
    logger.info(r, 'demo directory loaded');
  }
}

/**
 * The in-process runner's time: real time that also jumps forward with the injected clock, so a
 * test that moves the clock past a visit deadline makes that job due, while retries and
 * backoffs still run in real time when the injected clock stands still. Never goes backwards.
 */
export function followClock(clock: Clock): () => number {
  let last = { real: Date.now(), t: clock.now().getTime() };
  return () => {
    const real = Date.now();
    const t = Math.max(last.t + (real - last.real), clock.now().getTime());
    last = { real, t };
    return t;
  };
}
