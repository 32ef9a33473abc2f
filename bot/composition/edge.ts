import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { TurnContext } from 'botbuilder';
import type { Logger } from '../../infra/logger.js';
import { appPath } from '../../infra/app-root.js';
import { PERSON_KEY, say } from '../../ui/turn.js';
import { mountAuditRoutes } from '../audit/routes.js';
import { mountTrainingRoutes } from '../certificates/training-routes.js';
import { DIRECTLINE_CHANNEL, DirectLineTokens, mountDirectLine } from '../directline/index.js';
import { UploadQuota } from '../directline/upload-quota.js';
import { ConsoleSessions } from '../handoff/console-auth.js';
import { mountConsole } from '../handoff/console-routes.js';
import type { HandoffService } from '../handoff/service.js';
import { SignInThrottle } from '../handoff/sign-in-throttle.js';
import { ClientAddresses } from '../http/client-address.js';
import { Readiness } from '../http/readiness.js';
import { createHttpServer } from '../http/server.js';
import { isInfraUnavailable, unavailableReply } from '../http/unavailable.js';
import { mountWebRoutes } from '../http/web-routes.js';
import { loadNlu } from '../nlu/index.js';
import { createApplication } from '../turn/app.js';
import { createTurnHandler, LOGGER_KEY } from '../turn/pipeline.js';
import type { Channels } from './channels.js';
import type { Core } from './core.js';
import type { Conversations } from './dialogs.js';
import { consoleSecret, directLineSecret } from './secrets.js';

/** How long after listening the intent model is loaded, when no typed message asked for it before. */
const NLU_WARM_AFTER_MS = 1000;

export interface Edge {
  url: string;
  /** Stops intake, closes the sockets and the HTTP server. */
  close(): Promise<void>;
}

/** The turn pipeline and every HTTP route, listening on the configured port. */
export async function startEdge(base: Core, channels: Channels, conversations: Conversations, handoff: HandoffService): Promise<Edge> {
  const { config, infra, core, hd, serverCore, cas, auditKey, clock, logger, metrics } = base;
  const { store } = infra;
  const { adapter, directLine, render, fileLinks, downloadLinks, sentCards, publicUrl } = channels;
  const { people, prefs, runner } = conversations;
  const webDir = appPath('web');
  // The intent model is trained once per data folder and cached there, never on a turn. It loads a
  // moment after the server listens (~0.1 s of CPU), or at the first typed message if that comes first.
  const nlu = loadNlu({ cacheDir: path.join(config.dataDir, 'nlu'), lazy: true });
  const app = createApplication({
    core,
    server: serverCore,
    runner,
    render,
    storage: infra.storage,
    prefs,
    nlu,
    hd,
    cardUpdates: { cards: sentCards, adapter: directLine, channelId: DIRECTLINE_CHANNEL, directory: store.directory, logger },
    ownCaseEvents: base.ownCaseEvents,
  });
  const onTurn = createTurnHandler({
    app,
    people,
    conversations: store.conversations,
    seen: infra.seen,
    lock: infra.lock,
    transcripts: infra.transcripts,
    clock,
    render,
    logger,
    metrics,
    defaultLocale: config.defaultLocale,
    maxTextLength: 4000,
    handoff,
  });

  // One error reply for every channel's turns.
  const onTurnError = async (ctx: TurnContext, error: Error) => {
    metrics.turnErrors.inc();
    const log = (ctx.turnState.get(LOGGER_KEY) as Logger | undefined) ?? logger;
    // Redis or the store away: nothing was saved, so the user goes on at the same step later; an outage is no reason to call an agent.
    if (isInfraUnavailable(error)) {
      log.warn({ err: error }, 'turn refused: a service is unavailable');
      const text = await unavailableReply(ctx, { directory: store.directory, defaultLocale: config.defaultLocale });
      await ctx.sendActivity(text).catch(() => undefined);
      return;
    }
    const ref = Math.random().toString(36).slice(2, 10).toUpperCase();
    log.error({ err: error, ref }, 'turn failed');
    await ctx.sendActivity(say(ctx, 'error.generic', { ref })).catch(() => undefined);
    // A dialog that failed puts the conversation in the agents' queue; its state stays at the last good step.
    if (ctx.activity.type === 'message' && ctx.turnState.get(PERSON_KEY)) {
      await handoff
        .request(ctx, 'error')
        .catch((e: unknown) => log.error({ err: e, ref }, 'could not queue the conversation for an agent'));
    }
  };
  adapter.onTurnError = onTurnError;
  directLine.onTurnError = onTurnError;

  const readiness = new Readiness({
    store: () => infra.storeReady(),
    queue: infra.probes.queue,
    events: infra.probes.events,
    ca: () => cas.ready(),
  });
  const { server, stopIntake } = createHttpServer({
    adapter,
    onTurn,
    ca: cas.ca,
    files: store.files,
    fileLinks,
    metrics,
    logger,
    openMode: config.openMode,
    readiness: () => readiness.check(),
    publicUrl,
  });
  mountWebRoutes(server, { webDir, frameAncestors: config.webFrameAncestors, publicUrl });
  mountTrainingRoutes(server, { core, trainingCa: cas.trainingCa, downloadLinks });
  mountAuditRoutes(server, { checkpoints: store.auditCheckpoints, publicKeyPem: auditKey.publicKeyPem });
  const sessions = new ConsoleSessions({
    store: infra.agentSessions,
    secret: consoleSecret(config),
    ttlSeconds: config.agents.sessionTtlSeconds,
    now: () => new Date(),
  });
  const consoleRoutes = await mountConsole(server, {
    service: handoff,
    helpdesk: hd,
    directory: store.directory,
    credentials: infra.agentCredentials,
    events: infra.events,
    logger,
    sessions,
    sessionTtlSeconds: config.agents.sessionTtlSeconds,
    webDir,
    ssoHeader: config.agents.ssoHeader,
    addresses: new ClientAddresses(config.trustedProxies),
    throttle: new SignInThrottle({ limits: infra.rateLimits, ...config.signIn, now: () => clock.now() }),
    savedReplies: infra.savedReplies,
    now: () => clock.now(),
  });
  // Bull Board loads only in the scaled-out mode; elsewhere /admin/queues is a 404.
  if (infra.bullmq)
    (await import('../http/admin-queues.js')).mountAdminQueues(server, {
      queues: infra.bullmq.dashboardQueues(),
      sessions,
      directory: store.directory,
      logger,
      publicUrl,
    });
  const directLineRoutes = mountDirectLine(server, {
    adapter: directLine,
    onTurn,
    log: infra.activities,
    events: infra.events,
    files: store.files,
    fileLinks,
    directory: store.directory,
    logger,
    tokens: new DirectLineTokens({ secret: directLineSecret(config), ttlSeconds: config.directLine.tokenTtlSeconds }),
    uploadMaxBytes: config.uploadMaxBytes,
    uploadExpiresAt: () => new Date(clock.now().getTime() + config.uploads.unclaimedHours * 3_600_000).toISOString(),
    uploadQuota: new UploadQuota({
      limits: infra.rateLimits,
      maxFilesPerHour: config.uploads.maxFilesPerHour,
      maxBytesPerHour: config.uploads.maxBytesPerHour,
      now: () => clock.now(),
    }),
    publicUrl,
    intranetSecret: config.directLine.intranetSecret,
    demoLogin: config.directLine.demoLogin,
    defaultLocale: config.defaultLocale,
    unavailable: () => readiness.down(['store', 'queue', 'events']),
  });
  await new Promise<void>((resolve) => server.listen(config.port, config.host, resolve));
  const port = (server.address() as AddressInfo).port;
  channels.listeningAt(`http://localhost:${port}`);
  setTimeout(() => {
    try {
      void nlu.model;
    } catch (err) {
      logger.error({ err }, 'the intent model could not be loaded: typed messages will try again');
    }
  }, NLU_WARM_AFTER_MS).unref();
  const url = `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}`;
  logger.info({ url, mode: config.store, queue: config.queue, openMode: config.openMode }, 'bot listening');
  if (config.openMode)
    logger.warn('OPEN MODE: no MicrosoftAppId is set, so /api/messages accepts unauthenticated activities (local use only)');
  return {
    url,
    close: async () => {
      stopIntake();
      // WebSockets first: an open socket would keep server.close() waiting.
      await directLineRoutes.close();
      await consoleRoutes.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
