import path from 'node:path';
import type { Clock } from '../../domain/ports/clock.js';
import type { CertificateAuthority } from '../../domain/ports/certificate-authority.js';
import type { CoreDeps } from '../../domain/usecases/deps.js';
import { publishingCases } from '../../domain/usecases/case-events.js';
import type { HelpdeskDeps } from '../../domain/usecases/helpdesk-deps.js';
import type { ServerDeps, ServerPorts } from '../../domain/usecases/server-deps.js';
import type { Config } from '../../infra/config.js';
import { createLogger, type Logger } from '../../infra/logger.js';
import { createMetrics, type Metrics } from '../../infra/metrics.js';
import { loadCalendars } from '../../infra/calendar/load.js';
import { csrReader } from '../../infra/ca/csr-facts.js';
import { FileStoreKeyEscrow } from '../../infra/keys/escrow.js';
import { openAuditKey } from '../../infra/keys/audit-key.js';
import type { CheckpointSigner } from '../../domain/ports/audit-checkpoints.js';
import { QueuedNotifier } from '../../infra/notify/queued-notifier.js';
import { LocalEventBus } from '../../infra/events/local.js';
import type { EventBus } from '../../domain/ports/event-bus.js';
import { endSessionsOfFormerAgents } from '../handoff/console-auth.js';
import { openCertificateAuthorities, type CertificateAuthorities } from './certificate-authorities.js';
import { openInfrastructure, seedDirectory, type Infrastructure } from './runtime.js';
import { caKeySecret, keyEscrowSecret } from './secrets.js';

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

/** Everything the use cases need, opened from the configuration; no channel, no HTTP. */
export interface Core {
  config: Config;
  clock: Clock;
  logger: Logger;
  metrics: Metrics;
  infra: Infrastructure;
  cas: CertificateAuthorities;
  auditKey: CheckpointSigner;
  core: CoreDeps;
  /** The core plus the working-day calendars (one per state) and helpdesk settings. */
  hd: HelpdeskDeps;
  server: ServerPorts;
  serverCore: ServerDeps;
  /** The case changes made by this process (the shared bus carries every instance's). */
  ownCaseEvents: EventBus;
  /** Closes the CAs and the infrastructure. */
  close(): Promise<void>;
}

/** Opens the store, the queue, the event bus and the CAs, and builds the use cases' dependencies. */
export async function openCore(config: Config, opts: StartOptions): Promise<Core> {
  const clock: Clock = opts.clock ?? { now: () => new Date() };
  const logger = createLogger({ level: config.logLevel, destination: opts.logDestination });
  const metrics = createMetrics();
  // The calendar first: a bad file or default state stops the start before anything is opened.
  const calendars = loadCalendars(config.helpdesk.calendarFile, config.helpdesk.calendarState);
  const infra = await openInfrastructure(config, logger, clock);
  const opened: { close(): Promise<void> }[] = [infra];
  const undo = async (e: unknown): Promise<never> => {
    for (const o of opened.reverse()) await o.close();
    throw e;
  };
  try {
    // Agencies' states are checked against the calendar's states: an unknown one stops the start.
    await seedDirectory(config, infra, logger, calendars.states);
    // A directory loaded again may have withdrawn the agent role: those console sessions end now.
    const ended = await endSessionsOfFormerAgents({ directory: infra.store.directory, sessions: infra.agentSessions, now: new Date() });
    if (ended.length > 0) logger.info({ agents: ended }, 'console sessions of people no longer agents ended');
  } catch (e) {
    return undo(e);
  }
  // CA_MODE=cfssl: user and server certificates come from a remote cfssl; training stays embedded.
  const cas = await openCertificateAuthorities(config, { clock, logger, ledger: infra.caLedger, onConfigError: opts.onConfigError }).catch(
    undo,
  );
  opened.push(cas);
  const { store } = infra;
  // The audit signing key, kept like the CA keys; its public half is served at /audit/public-key.pem.
  const auditKey = await openAuditKey({
    dir: path.join(config.dataDir, 'audit'),
    store: store.auditCheckpoints,
    secret: caKeySecret(config),
  }).catch(undo);
  const decorate = opts.decorateCa ?? ((c: CertificateAuthority) => c);
  const ownCaseEvents = new LocalEventBus();
  const eventLost = (err: unknown, e: { caseId: string; version: number }) =>
    logger.warn({ err, caseId: e.caseId, version: e.version }, 'could not publish the case event');
  const core: CoreDeps = {
    // Every stored change of a case is published as a case event: to every instance (the consoles'
    // live updates) and to this process's own listeners (the Direct Line copies of decision cards).
    cases: publishingCases(publishingCases(store.cases, infra.events, eventLost), ownCaseEvents, eventLost),
    certificates: store.certificates,
    directory: store.directory,
    audit: store.audit,
    files: store.files,
    jobs: infra.jobs,
    notifier: new QueuedNotifier({ jobs: infra.jobs }),
    ca: decorate(cas.ca, 'user'),
    clock,
    trainingCa: decorate(cas.trainingCa, 'training'),
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
  const server: ServerPorts = {
    csrReader,
    keyFingerprints: store.keyFingerprints,
    policy: {
      domainSuffixes: config.serverCert.domainSuffixes,
      validityDays: config.serverCert.validityDays,
      renewalWindowDays: config.serverCert.renewalWindowDays,
    },
  };
  return {
    config,
    clock,
    logger,
    metrics,
    infra,
    cas,
    auditKey,
    core,
    hd,
    server,
    serverCore: { ...core, server },
    ownCaseEvents,
    close: async () => {
      await ownCaseEvents.close();
      await cas.close();
      await infra.close();
    },
  };
}
