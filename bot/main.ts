import type { AddressInfo } from 'node:net';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { CloudAdapter, type TurnContext } from 'botbuilder';
import { FailClosedAuthentication, publicCloudWith } from './http/auth.js';
import { openCertificateAuthorities } from './composition/certificate-authorities.js';
import type { Clock } from '../domain/ports/clock.js';
import type { CoreDeps } from '../domain/usecases/deps.js';
import { DomainError, isDomainError } from '../domain/errors.js';
import { ApplyUserCertificateDialog } from '../dialogs/user-certificate/apply-dialog.js';
import { RenewCertificateDialog } from '../dialogs/certificates/renew-dialog.js';
import { RevokeCertificateDialog } from '../dialogs/certificates/revoke-dialog.js';
import { ReplaceCertificateDialog } from '../dialogs/certificates/replace-dialog.js';
import type { CertificateAuthority } from '../domain/ports/certificate-authority.js';
import { recoverLostWork } from '../domain/usecases/recovery.js';
import { recoverHelpdeskTimers } from '../domain/usecases/helpdesk-recovery.js';
import { startRecoveryLoop } from './composition/recovery-loop.js';
import { sweepExpired } from '../domain/usecases/expired-sweep.js';
import { UploadQuota } from './directline/upload-quota.js';
import { FileStoreKeyEscrow } from '../infra/keys/escrow.js';
import { TrainingDownloadLinks } from './certificates/download-links.js';
import { mountTrainingRoutes } from './certificates/training-routes.js';
import { caKeySecret, keyEscrowSecret } from './composition/runtime.js';
import { openAuditKey } from '../infra/keys/audit-key.js';
import { scheduleAuditCheckpoint } from '../domain/usecases/audit-trail.js';
import { mountAuditRoutes } from './audit/routes.js';
import { PERSON_KEY, say, type LocalePreferences } from '../ui/turn.js';
import { ConfigError, loadConfig, type Config } from '../infra/config.js';
import { createLogger, type Logger } from '../infra/logger.js';
import { createMetrics } from '../infra/metrics.js';
import { csrReader } from '../infra/ca/csr-facts.js';
import type { ServerDeps, ServerPorts } from '../domain/usecases/server-deps.js';
import { ApplyServerCertificateDialog } from '../dialogs/server-certificate/apply-dialog.js';
import { ProvideCsrDialog } from '../dialogs/server-certificate/csr-dialog.js';
import { ServerCertOperationDialog } from '../dialogs/server-certificate/operation-dialog.js';
import { QueuedNotifier } from '../infra/notify/queued-notifier.js';
import { processors, registerProcessors } from '../jobs/processors.js';
import { createApplication } from './turn/app.js';
import { HttpAttachmentReader } from './turn/attachments.js';
import { DialogRunner } from './turn/dialog-runner.js';
import { FileLinks } from './http/file-links.js';
import { createHttpServer } from './http/server.js';
import { Readiness } from './http/readiness.js';
import { isInfraUnavailable, unavailableReply } from './http/unavailable.js';
import { mountWebRoutes } from './http/web-routes.js';
import { loadNlu } from './nlu/index.js';
import { ProactiveChannel } from './proactive/notifications.js';
import { DIRECTLINE_CHANNEL, DirectLineAdapter, DirectLineTokens, mountDirectLine } from './directline/index.js';
import { recordDecisionCards, SentDecisionCards } from './proactive/decision-card-updates.js';
import { directLineSecret, fileLinkSecret, openInfrastructure, seedDirectory } from './composition/runtime.js';
import { createTurnHandler, LOGGER_KEY } from './turn/pipeline.js';
import { PersonLookup } from './turn/person-lookup.js';
import path from 'node:path';
import type { HelpdeskDeps } from '../domain/usecases/helpdesk-deps.js';
import { loadCalendars } from '../infra/calendar/load.js';
import { TfIdfFaq } from '../infra/faq/tfidf-faq.js';
import { FaqDialog } from '../dialogs/helpdesk/faq-dialog.js';
import { LodgeComplaintDialog } from '../dialogs/helpdesk/complaint-dialog.js';
import { BookVisitDialog } from '../dialogs/helpdesk/book-visit-dialog.js';
import { RequestAdvisoryDialog } from '../dialogs/helpdesk/advisory-dialog.js';
import { RequestOnsiteDialog } from '../dialogs/helpdesk/onsite-request-dialog.js';
import { HandoffService } from './handoff/service.js';
import { ConsoleSessions, endSessionsOfFormerAgents } from './handoff/console-auth.js';
import { SignInThrottle } from './handoff/sign-in-throttle.js';
import { ClientAddresses } from './http/client-address.js';
import { mountConsole } from './handoff/console-routes.js';
import { consoleSecret } from './composition/runtime.js';
import { TicketEventsNotifier } from './handoff/tickets.js';
import { appPath, staleBuild } from '../infra/app-root.js';

export interface StartOptions {
  /** `all` takes HTTP turns and runs jobs; `worker` only runs jobs. */
  role?: 'all' | 'worker';
  clock?: Clock;
  logDestination?: NodeJS.WritableStream;
  /** Test seam: wraps a CA (e.g. to make it fail for a while); production passes nothing. */
  decorateCa?: (ca: CertificateAuthority, realm: 'user' | 'training') => CertificateAuthority;
  /** Called when a CA cannot start because of its configuration (a different CA in the store, a wrong CA_KEY_SECRET). */
  onConfigError?: (e: Error) => void;
}

export interface RunningBot {
  url: string;
  config: Config;
  core: CoreDeps;
  /** The core plus the working-day calendars (one per state) and helpdesk settings. */
  hd: HelpdeskDeps;
  /** Stops intake, drains running jobs and closes every connection. */
  close(): Promise<void>;
}

/** The composition root: the one place that wires adapters to ports. */
export async function startBot(config: Config, opts: StartOptions = {}): Promise<RunningBot> {
  const role = opts.role ?? 'all';
  const clock: Clock = opts.clock ?? { now: () => new Date() };
  const logger = createLogger({ level: config.logLevel, destination: opts.logDestination });
  const metrics = createMetrics();
  // The calendar first: a bad file or default state stops the start before anything is opened.
  const calendars = loadCalendars(config.helpdesk.calendarFile, config.helpdesk.calendarState);
  const infra = await openInfrastructure(config, logger, clock);
  try {
    // Agencies' states are checked against the calendar's states: an unknown one stops the start.
    await seedDirectory(config, infra, logger, calendars.states);
    // A directory loaded again may have withdrawn the agent role: those console sessions end now.
    const ended = await endSessionsOfFormerAgents({ directory: infra.store.directory, sessions: infra.agentSessions, now: new Date() });
    if (ended.length > 0) logger.info({ agents: ended }, 'console sessions of people no longer agents ended');
  } catch (e) {
    await infra.close();
    throw e;
  }

  // CA_MODE=cfssl: user and server certificates come from a remote cfssl; training stays embedded.
  const cas = await openCertificateAuthorities(config, { clock, logger, ledger: infra.caLedger, onConfigError: opts.onConfigError }).catch(
    async (e: unknown) => {
      await infra.close();
      throw e;
    },
  );
  const { ca, trainingCa } = cas;
  const decorate = opts.decorateCa ?? ((c: CertificateAuthority) => c);

  const { store } = infra;
  // The audit signing key, kept like the CA keys; its public half is served at /audit/public-key.pem.
  const auditKey = await openAuditKey({
    dir: path.join(config.dataDir, 'audit'),
    store: store.auditCheckpoints,
    secret: caKeySecret(config),
  }).catch(async (e: unknown) => {
    await cas.close();
    await infra.close();
    throw e;
  });
  const core: CoreDeps = {
    cases: store.cases,
    certificates: store.certificates,
    directory: store.directory,
    audit: store.audit,
    files: store.files,
    jobs: infra.jobs,
    notifier: new TicketEventsNotifier(new QueuedNotifier({ jobs: infra.jobs }), infra.events, logger),
    ca: decorate(ca, 'user'),
    clock,
    trainingCa: decorate(trainingCa, 'training'),
    keys: new FileStoreKeyEscrow({ files: store.files, secret: keyEscrowSecret(config) }),
    policy: {
      emailDomains: config.emailDomains,
      maxUploadBytes: config.uploadMaxBytes,
      userCertValidityDays: config.userCertValidityDays,
      renewalWindowDays: config.renewalWindowDays,
      trainingCertValidityDays: config.trainingCertValidityDays,
      trainingDownloadTtlHours: config.trainingDownloadTtlHours,
      reminderDays: config.reminderDays,
      expiryScanUtcHour: config.expiryScanUtcHour,
    },
  };

  // Helpdesk: the working-day calendars and settings, on top of the core. Each case
  // follows its agency's state (DOMAIN.md 7.7); CALENDAR_STATE is the default state.
  const hd: HelpdeskDeps = {
    ...core,
    calendars,
    helpdesk: {
      onsiteWindowHours: config.helpdesk.onsiteWindowHours,
      visitSlotMinutes: config.helpdesk.visitSlotMinutes,
      visitReminderHours: config.helpdesk.visitReminderHours,
      ticketAutoCloseWorkingDays: config.helpdesk.ticketAutoCloseWorkingDays,
      advisoryLeadWorkingDays: config.helpdesk.advisoryLeadWorkingDays,
    },
  };

  const auth = new FailClosedAuthentication({
    MicrosoftAppId: config.bot.appId,
    MicrosoftAppPassword: config.bot.appPassword,
    MicrosoftAppTenantId: config.bot.tenantId,
    MicrosoftAppType: config.bot.appType,
    ...(config.bot.openIdMetadataUrl ? publicCloudWith(config.bot.openIdMetadataUrl) : {}),
  });
  const adapter = new CloudAdapter(auth);
  const webDir = appPath('web');
  let baseUrl = config.publicUrl ?? '';
  const fileLinks = new FileLinks({ baseUrl: () => baseUrl, secret: fileLinkSecret(config), ttlSeconds: 7 * 24 * 3600 });
  const downloadLinks = new TrainingDownloadLinks({ baseUrl: () => baseUrl, secret: fileLinkSecret(config) });
  const render = {
    cases: store.cases,
    certificates: store.certificates,
    directory: store.directory,
    fileLinks,
    downloadLinks,
    defaultLocale: config.defaultLocale,
    helpdesk: { directory: store.directory, calendars },
    ca: core.ca,
    portalUrl: config.portalUrl,
  };
  const serverPorts: ServerPorts = {
    csrReader,
    keyFingerprints: store.keyFingerprints,
    policy: {
      domainSuffixes: config.serverCert.domainSuffixes,
      validityDays: config.serverCert.validityDays,
      renewalWindowDays: config.serverCert.renewalWindowDays,
    },
  };
  const serverCore: ServerDeps = { ...core, server: serverPorts };
  // The bot's own Direct Line; workers need it too, to deliver proactive messages to Web Chat users.
  const directLine = new DirectLineAdapter({
    log: infra.activities,
    events: infra.events,
    bot: { id: config.bot.appId || 'gpki-bot', name: 'MyGPKI' },
    serviceUrl: () => `${baseUrl}/v3/directline`,
    logger,
    lock: infra.lock,
  });
  // Decision cards sent on Direct Line are recorded (in the store), so a decision can replace them.
  const sentCards = new SentDecisionCards(infra.storage);
  directLine.use(recordDecisionCards(sentCards, logger));
  const adapterFor = (channelId: string) => (channelId === DIRECTLINE_CHANNEL ? directLine : adapter);
  const channel = new ProactiveChannel({ adapterFor, appId: config.bot.appId, conversations: store.conversations, render });

  // Helpdesk agents: built before the processors, whose queue timeout job it serves.
  let runnerRef: DialogRunner | undefined;
  let readerRef: HttpAttachmentReader | undefined;
  const handoff = new HandoffService({
    core,
    handoffs: infra.handoffs,
    conversations: store.conversations,
    events: infra.events,
    storage: infra.storage,
    transcripts: infra.transcripts,
    adapterFor,
    appId: config.bot.appId,
    reader: { read: (ctx, a, max) => (readerRef ? readerRef.read(ctx, a, max) : Promise.resolve(undefined)) },
    hours: config.agents.hours,
    waitSeconds: config.agents.waitSeconds,
    minutesPerConversation: config.agents.minutesPerConversation,
    defaultLocale: config.defaultLocale,
    runner: () => runnerRef,
  });

  const retention = {
    deps: {
      activities: infra.activities,
      transcripts: infra.transcripts,
      retention: config.retention,
      botState: store.storage,
      conversations: store.conversations,
      handoffs: infra.handoffs,
    },
    report: (day: string, r: object) => logger.info({ day, ...r }, 'retention: old data pruned'),
  };
  const audit = {
    checkpoints: store.auditCheckpoints,
    signer: auditKey,
    everyHours: config.audit.checkpointHours,
    report: (cp: { time: string; treeSize: number; root: string }) =>
      logger.info({ time: cp.time, treeSize: cp.treeSize, root: cp.root }, 'audit checkpoint signed'),
  };
  registerProcessors(infra.jobs, processors({ core, channel, helpdesk: hd, handoff, server: serverPorts, retention, audit }), {
    finished(job, outcome, ms, error) {
      metrics.jobs.inc({ queue: job.queue, name: job.name, outcome });
      metrics.jobDuration.observe({ queue: job.queue, name: job.name }, ms / 1000);
      const log = logger.child({ job: job.id, queue: job.queue, name: job.name, attempt: job.attempt });
      if (outcome === 'failed') log.warn({ err: error, code: isDomainError(error) ? error.code : undefined, ms }, 'job failed');
      else log.info({ ms }, 'job completed');
    },
  });
  await infra.jobs.start();
  // Every instance sweeps at start and every few minutes: CA jobs lost to a crash or an empty Redis
  // are enqueued again, late CA work is announced, and the daily expiry scan is kept scheduled.
  const recovery = await startRecoveryLoop(
    async () => ({
      ...(await recoverLostWork(core, { caLateMinutes: config.recovery.caLateMinutes })),
      helpdeskTimers: await recoverHelpdeskTimers(hd),
      auditCheckpointPeriod: await scheduleAuditCheckpoint({ jobs: infra.jobs, clock }, { everyHours: config.audit.checkpointHours }),
      // Unclaimed uploads expire by the hour (UPLOAD_UNCLAIMED_HOURS): this sweep, not the daily one, removes them.
      ...(await sweepExpired({ files: store.files, rateLimits: infra.rateLimits, clock })),
      // Console sessions run on the wall clock (a test clock moved ahead must not end them).
      expiredSessions: await infra.agentSessions.pruneExpired(new Date()),
    }),
    { intervalMs: config.recovery.intervalMs, logger },
  );

  if (role === 'worker') {
    logger.info({ mode: config.store, queue: config.queue }, 'worker started');
    return {
      url: '',
      config,
      core,
      hd,
      close: async () => {
        await recovery.stop();
        await cas.close();
        await infra.close();
      },
    };
  }

  const people = new PersonLookup({ directory: store.directory, ttlMs: 30_000, max: 20_000 });
  const prefs: LocalePreferences = {
    async remember(personId, locale) {
      const p = await store.directory.getPerson(personId);
      if (p) await store.directory.upsertPerson({ ...p, locale });
      people.forget(personId);
    },
  };
  const faq = new TfIdfFaq(config.helpdesk.faqDir);
  const reader = new HttpAttachmentReader({
    trustedOrigins: config.publicUrl ? [new URL(config.publicUrl).origin] : [],
    timeoutMs: 10_000,
    teamsFileHosts: config.teamsFileHosts,
    async ownFiles(link, senderId) {
      const id = fileLinks.idOf(link);
      if (!id) return undefined;
      const file = await store.files.get(id);
      // Only the sender's own upload: a link seen on someone else's card is not their file to submit.
      return file && file.meta.ownerId === senderId ? file.bytes : 'refused';
    },
  });
  readerRef = reader;
  const runner = new DialogRunner([
    new ApplyUserCertificateDialog({ core, reader }, prefs),
    new RenewCertificateDialog(core, prefs),
    new RevokeCertificateDialog(core, prefs),
    new ReplaceCertificateDialog(core, prefs),
    new LodgeComplaintDialog({ hd, faq, reader }, prefs),
    new FaqDialog({ hd, faq }, prefs),
    new BookVisitDialog(hd, prefs),
    new RequestAdvisoryDialog({ hd, reader }, prefs),
    new RequestOnsiteDialog(hd, prefs),
    new ApplyServerCertificateDialog(serverCore, prefs),
    new ProvideCsrDialog({ ...serverCore, reader }, prefs),
    new ServerCertOperationDialog(serverCore, prefs),
  ]);
  runnerRef = runner;
  // The intent model is trained once per data folder and cached there, never on a turn.
  const app = createApplication({
    core,
    server: serverCore,
    runner,
    render,
    storage: infra.storage,
    prefs,
    nlu: loadNlu({ cacheDir: path.join(config.dataDir, 'nlu') }),
    hd,
    cardUpdates: { cards: sentCards, adapter: directLine, channelId: DIRECTLINE_CHANNEL, directory: store.directory, logger },
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
    ca,
    files: store.files,
    fileLinks,
    metrics,
    logger,
    openMode: config.openMode,
    readiness: () => readiness.check(),
    publicUrl: () => baseUrl,
  });
  mountWebRoutes(server, { webDir, frameAncestors: config.webFrameAncestors, publicUrl: () => baseUrl });
  mountTrainingRoutes(server, { core, trainingCa, downloadLinks });
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
    (await import('./http/admin-queues.js')).mountAdminQueues(server, {
      queues: infra.bullmq.dashboardQueues(),
      sessions,
      directory: store.directory,
      logger,
      publicUrl: () => baseUrl,
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
    publicUrl: () => baseUrl,
    intranetSecret: config.directLine.intranetSecret,
    demoLogin: config.directLine.demoLogin,
    defaultLocale: config.defaultLocale,
    unavailable: () => readiness.down(['store', 'queue', 'events']),
  });
  await new Promise<void>((resolve) => server.listen(config.port, config.host, resolve));
  const port = (server.address() as AddressInfo).port;
  if (!config.publicUrl) baseUrl = `http://localhost:${port}`;
  const url = `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}`;
  logger.info({ url, mode: config.store, queue: config.queue, openMode: config.openMode }, 'bot listening');
  if (config.openMode)
    logger.warn('OPEN MODE: no MicrosoftAppId is set, so /api/messages accepts unauthenticated activities (local use only)');

  let closing: Promise<void> | undefined;
  return {
    url,
    config,
    core,
    hd,
    close: () =>
      (closing ??= (async () => {
        stopIntake();
        // WebSockets first: an open socket would keep server.close() waiting.
        await directLineRoutes.close();
        await consoleRoutes.close();
        await new Promise<void>((resolve) => server.close(() => resolve()));
        await recovery.stop();
        await cas.close();
        await infra.close();
        logger.info('bot stopped');
      })()),
  };
}

/** `npm start` / `npm run worker`: start from the environment, stop cleanly on SIGTERM/SIGINT. */
async function runFromCommandLine(): Promise<void> {
  process.umask(0o077); // Belt and braces: whatever else it writes stays owner-only too (the modes are also set explicitly).
  let config: Config;
  try {
    config = loadConfig();
  } catch (e) {
    process.stderr.write(`${(e as Error).message}\n`);
    process.exit(78);
  }
  const refuse = (e: Error): never => {
    process.stderr.write(`${e.message}\n`);
    process.exit(78);
  };
  const bot = await startBot(config, { role: process.argv.includes('--worker') ? 'worker' : 'all', onConfigError: refuse }).catch(
    (e: unknown) => {
      if (e instanceof ConfigError || (e instanceof DomainError && e.code === 'CONFIG_INVALID')) refuse(e);
      throw e;
    },
  );
  const stale = staleBuild(fileURLToPath(import.meta.url));
  if (stale) process.stderr.write(`warning: ${stale}\n`);
  const stop = (signal: string) => {
    const timer = setTimeout(() => process.exit(1), config.shutdownGraceMs);
    timer.unref();
    process.stderr.write(`${signal}: stopping intake and draining jobs\n`);
    bot.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGTERM', () => stop('SIGTERM'));
  process.once('SIGINT', () => stop('SIGINT'));
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) void runFromCommandLine();
