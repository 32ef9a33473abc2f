import { isIP } from 'node:net';
import path from 'node:path';
import { z } from 'zod';
import { parseAgentHours, type AgentHours } from '../domain/rules/agent-hours.js';
import { appPath } from './app-root.js';

/**
 * The only module that reads process.env. Every key is typed, defaulted and validated once at
 * start; a bad value stops the process naming the key and the reason. The README's table lists
 * the same keys.
 */
const csv = (def: string) =>
  z
    .string()
    .default(def)
    .transform((s) =>
      s
        .split(',')
        .map((x) => x.trim().toLowerCase())
        .filter(Boolean),
    );
const int = (def: number, min: number, max: number) => z.coerce.number().int().min(min).max(max).default(def);
const optionalUrl = (protocols: string[]) =>
  z
    .string()
    .optional()
    .transform((s) => (s && s.trim() ? s.trim() : undefined))
    .refine((s) => !s || protocols.some((p) => s.startsWith(p)), { message: `must start with ${protocols.join(' or ')}` });

/** `10.1.2.3`, `::1`, `10.0.0.0/8`, `fd00::/8`. */
function isAddressOrCidr(entry: string): boolean {
  const [ip, bits, extra] = entry.split('/');
  const family = isIP(ip ?? '');
  if (!family || extra !== undefined) return false;
  return bits === undefined || (/^\d{1,3}$/.test(bits) && Number(bits) <= (family === 4 ? 32 : 128));
}

const Schema = z
  .object({
    // HTTP port the bot listens on.
    PORT: int(3978, 0, 65535),
    // Interface to bind; the embedded open mode stays on localhost unless told otherwise.
    HOST: z.string().default('127.0.0.1'),
    // Folder of the embedded store, uploaded files and the embedded CA's keys.
    DATA_DIR: z.string().default('./data'),
    // pino level: fatal, error, warn, info, debug, trace, silent.
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    // Which store runs: embedded (SQLite in DATA_DIR) or mongo (needs MONGODB_URI); default: mongo when MONGODB_URI is set.
    STORE: z.enum(['embedded', 'mongo']).optional(),
    // Which job queue runs: inline (in this process, on DATA_DIR) or bullmq (needs REDIS_URL); default: bullmq when REDIS_URL is set.
    QUEUE: z.enum(['inline', 'bullmq']).optional(),
    // MongoDB connection string; set = scaled-out store (mongoose).
    MONGODB_URI: optionalUrl(['mongodb://', 'mongodb+srv://']),
    // Database name for MongoDB (default: the one in the URI, else gpki).
    MONGODB_DB: z
      .string()
      .regex(/^[^/\\. "$]{1,63}$/, { message: 'must be a MongoDB database name (no / \\ . space " $, at most 63 characters)' })
      .optional(),
    // Milliseconds an operation waits for a usable primary (an election, a restart) before it fails.
    MONGODB_SERVER_SELECTION_TIMEOUT_MS: int(5_000, 500, 120_000),
    // Milliseconds the driver waits on a socket for a server's reply before it drops the connection.
    MONGODB_SOCKET_TIMEOUT_MS: int(30_000, 1_000, 600_000),
    // Milliseconds a query may run on the server (maxTimeMS of every find, count and findOneAndUpdate).
    MONGODB_OPERATION_TIMEOUT_MS: int(10_000, 100, 600_000),
    // Redis URL; set = BullMQ jobs and Redis pub/sub.
    REDIS_URL: optionalUrl(['redis://', 'rediss://']),
    // Key prefix for BullMQ queues and pub/sub channels.
    QUEUE_PREFIX: z
      .string()
      .regex(/^[a-z0-9-]+$/i)
      .default('gpki'),
    // Seconds a conversation's turn lock lasts unless renewed: how long an instance that died mid-turn holds up that conversation.
    TURN_LOCK_LEASE_SECONDS: int(10, 1, 300),
    // Seconds a turn waits for the same conversation's running turn before the user is told to try again.
    TURN_LOCK_WAIT_SECONDS: int(12, 1, 300),
    // Bot Framework app registration; empty = open local mode (no JWT validation).
    MicrosoftAppId: z.string().default(''),
    MicrosoftAppPassword: z.string().default(''),
    MicrosoftAppTenantId: z.string().default(''),
    MicrosoftAppType: z.enum(['MultiTenant', 'SingleTenant', 'UserAssignedMSI']).default('MultiTenant'),
    // OpenID metadata for channel tokens; default: the Bot Framework's public one (override for sovereign clouds or tests).
    BOT_OPENID_METADATA_URL: optionalUrl(['http://', 'https://']),
    // Directory seed (JSON: agencies and people) loaded at start; default: the demo directory in embedded mode.
    DIRECTORY_SEED: z.string().optional(),
    // Language for people who have not chosen one: ms or en.
    DEFAULT_LOCALE: z.enum(['ms', 'en']).default('ms'),
    // Allowed official e-mail domains, comma-separated; each allows its subdomains.
    EMAIL_DOMAINS: csv('gov.my'),
    // Largest accepted upload (MyKad copy, screenshot) in bytes.
    UPLOAD_MAX_BYTES: int(2 * 1024 * 1024, 1024, 50 * 1024 * 1024),
    // Files one person, and one conversation, may upload through Direct Line per hour; the next is refused (429).
    UPLOAD_MAX_FILES_PER_HOUR: int(100, 1, 100_000),
    // Bytes one person, and one conversation, may upload through Direct Line per hour.
    UPLOAD_MAX_BYTES_PER_HOUR: int(50 * 1024 * 1024, 1024, 10 * 1024 * 1024 * 1024),
    // Hours a Direct Line upload is kept; a step that accepts a file keeps its own copy.
    UPLOAD_UNCLAIMED_HOURS: int(6, 1, 720),
    // Validity of issued user certificates in days (DSA 1997 caps certificates at 3 years).
    USER_CERT_VALIDITY_DAYS: int(730, 1, 1095),
    // Organisation name in the embedded CA's certificates.
    CA_ORGANIZATION: z.string().min(1).default('MyGPKI Embedded CA'),
    // Renewal opens this many days before a certificate expires (DOMAIN.md 2.2).
    RENEWAL_WINDOW_DAYS: int(30, 1, 365),
    // Days before expiry that a reminder is sent, comma-separated (each once per certificate).
    EXPIRY_REMINDER_DAYS: z
      .string()
      .default('30,14,7')
      .transform((s) =>
        s
          .split(',')
          .map((x) => x.trim())
          .filter(Boolean)
          .map(Number),
      )
      .refine((a) => a.every((n) => Number.isInteger(n) && n >= 1 && n <= 365), {
        message: 'must be whole days between 1 and 365, comma-separated',
      }),
    // UTC hour of the daily expiry scan (0 = 08:00 in Malaysia).
    EXPIRY_SCAN_UTC_HOUR: int(0, 0, 23),
    // Hours between signed checkpoints of the audit trail (GET /audit/checkpoints); at least one a day.
    AUDIT_CHECKPOINT_HOURS: int(24, 1, 24),
    RETENTION_ACTIVITY_DAYS: int(90, 1, 3650),
    RETENTION_TRANSCRIPT_DAYS: int(365, 1, 3650),
    RETENTION_JOB_DAYS: int(30, 1, 3650),
    RETENTION_ATTACHMENT_DAYS: int(365, 1, 3650),
    // Validity of training/test certificates in days.
    TRAINING_CERT_VALIDITY_DAYS: int(90, 1, 365),
    // Organisation name of the training CA's own certificates (its own root, under DATA_DIR/ca-training).
    TRAINING_CA_ORGANIZATION: z.string().min(1).max(50).default('MyGPKI Latihan (BUKAN PRODUKSI)'),
    // Hours a training certificate's one-time download link (and its kept private key) lives.
    TRAINING_DOWNLOAD_TTL_HOURS: int(24, 1, 168),
    // Secret the kept training private keys are encrypted under; default: one generated and kept in DATA_DIR.
    KEY_ESCROW_SECRET: z.string().min(16).optional(),
    // Secret the CA private keys are sealed under in the store; optional with the embedded store (one is generated and kept in DATA_DIR), REQUIRED with MONGODB_URI (every host must open the same CA keys).
    CA_KEY_SECRET: z.string().min(16).optional(),
    // The MyGPKI portal named in the next steps of an issued user certificate (DOMAIN.md sources S1, S3).
    MYGPKI_PORTAL_URL: z
      .string()
      .trim()
      .default('https://mygpki.gov.my/gpki_portal')
      .refine((s) => /^https?:\/\/[^\s/]+/.test(s), { message: 'must be an http:// or https:// address' }),
    // Address users' browsers reach the bot at (links in cards); default http://localhost:PORT.
    PUBLIC_URL: optionalUrl(['http://', 'https://']),
    // Secret that signs links to uploaded files; default: one generated and kept in DATA_DIR.
    FILE_LINK_SECRET: z.string().min(16).optional(),
    // Hosts (and their subdomains) the bot may fetch Teams file uploads from, comma-separated.
    TEAMS_FILE_HOSTS: csv('sharepoint.com,sharepoint.us,sharepoint-df.com'),
    // Intranet origins allowed to frame the Web Chat page (/chat), comma-separated; empty: the bot's own origin only.
    WEB_FRAME_ANCESTORS: z
      .string()
      .default('')
      .transform((s) =>
        s
          .split(',')
          .map((x) => x.trim())
          .filter(Boolean),
      )
      .refine((list) => list.every((o) => /^https?:\/\/[^/\s;]+$/.test(o)), {
        message: 'each entry must be an origin like https://intranet.agency.gov.my',
      }),
    // Seconds SIGTERM waits for running jobs and turns before exiting.
    SHUTDOWN_GRACE_SECONDS: int(20, 1, 600),
    // Direct Line: signs tokens and is the Bearer secret of tokens/generate; default: one generated and kept in DATA_DIR.
    DIRECTLINE_SECRET: z.string().min(16).optional(),
    // Direct Line token lifetime in seconds (Web Chat refreshes every 15 minutes, so keep it above 900 for Web Chat).
    DIRECTLINE_TOKEN_TTL_SECONDS: int(1800, 1, 86_400),
    // Shared secret of signed identity assertions from the intranet (POST /api/directline/token); unset = assertions refused.
    INTRANET_SHARED_SECRET: z.string().min(16).optional(),
    // Demo login (pick a seeded demo-* person) on the token endpoint; default: on in the embedded open mode only.
    DEMO_LOGIN: z.enum(['true', 'false']).optional(),
    // Helpdesk. Working-day calendar: JSON file of office hours, weekends per state and public holidays.
    CALENDAR_FILE: z.string().default(appPath('infra', 'calendar', 'malaysia-2026.json')),
    // State whose weekend and holidays apply (e.g. PUTRAJAYA, KEDAH: Friday and Saturday off).
    CALENDAR_STATE: z.string().min(2).default('PUTRAJAYA'),
    // On-site support must happen within this many working hours of the lead agency's approval (DOMAIN.md 7.7).
    ONSITE_WINDOW_HOURS: int(48, 1, 500),
    // Length of an on-site visit slot in minutes.
    VISIT_SLOT_MINUTES: int(120, 30, 480),
    // Hours before a visit that the officer and the user are reminded.
    VISIT_REMINDER_HOURS: int(24, 1, 168),
    // A resolved ticket with no answer from the user closes itself after this many working days.
    TICKET_AUTOCLOSE_WORKING_DAYS: int(5, 1, 60),
    // Advisory sessions: preferred dates must be at least this many working days ahead.
    ADVISORY_LEAD_WORKING_DAYS: int(5, 0, 60),
    // Folder of the FAQ knowledge base (*.json files of bilingual entries) used for self-help.
    FAQ_DIR: z.string().default(appPath('infra', 'seed', 'faq')),
    // Helpdesk agents' working hours, e.g. "Mon-Fri 08:00-17:00 +08:00", or "always"; outside them the bot offers a ticket.
    AGENT_HOURS: z
      .string()
      .default('Mon-Fri 08:00-17:00 +08:00')
      .refine((s) => !('error' in parseAgentHours(s)), { message: 'expected e.g. "Mon-Fri 08:00-17:00 +08:00" or "always"' }),
    // Seconds a conversation waits in the agents' queue before the bot offers a complaint ticket instead.
    AGENT_WAIT_SECONDS: int(600, 1, 86_400),
    // Minutes an agent takes per conversation on average: the expected wait told to a queued user.
    AGENT_MINUTES_PER_CONVERSATION: int(5, 1, 120),
    // Trusted intranet SSO header naming the signed-in agent's e-mail (e.g. x-remote-user); unset = passwords only. Needs TRUSTED_PROXIES.
    AGENT_SSO_HEADER: z
      .string()
      .regex(/^[a-z0-9-]+$/i)
      .optional(),
    // Addresses (IPs or CIDRs, comma-separated) of the reverse proxies in front of the bot: only their AGENT_SSO_HEADER and X-Forwarded-For are believed.
    TRUSTED_PROXIES: z
      .string()
      .default('')
      .transform((s) =>
        s
          .split(',')
          .map((x) => x.trim())
          .filter(Boolean),
      )
      .refine((list) => list.every(isAddressOrCidr), { message: 'each entry must be an IP address or a CIDR such as 10.0.0.0/8' }),
    // Failed console sign-ins for one e-mail before it is locked out until its window (SIGNIN_LOCK_MINUTES) ends.
    SIGNIN_MAX_FAILURES: int(5, 1, 100),
    // Minutes a window of failed sign-ins lasts: the longest an account or an address stays locked out.
    SIGNIN_LOCK_MINUTES: int(15, 1, 1440),
    // Failed console sign-ins from one client address (any e-mail) in a window before that address is refused.
    SIGNIN_MAX_FAILURES_PER_ADDRESS: int(30, 1, 10_000),
    // Hours a console session lasts; logout, a password reset or a withdrawn role end it sooner.
    CONSOLE_SESSION_HOURS: int(8, 1, 24),
    // Signs helpdesk console session cookies; default: one generated and kept in DATA_DIR.
    CONSOLE_SECRET: z.string().min(16).optional(),
    // Domain suffixes server-certificate names must sit under, comma-separated (DOMAIN.md 4.4).
    SERVER_CERT_DOMAINS: csv('gov.my'),
    // Validity of issued server certificates in days (public TLS: at most 200 days from 15 Mar 2026).
    SERVER_CERT_VALIDITY_DAYS: int(200, 1, 398),
    // Server-certificate renewal opens this many days before expiry (DOMAIN.md 2.5).
    SERVER_RENEWAL_WINDOW_DAYS: int(30, 1, 365),
    // Seconds a BullMQ worker's lock on a running job lasts; a job of a worker that died is taken up again after about this long.
    JOB_LOCK_SECONDS: int(30, 2, 600),
    // Seconds between recovery sweeps (lost CA jobs enqueued again, late CA work announced, the daily scan kept scheduled); one also runs at every start.
    RECOVERY_INTERVAL_SECONDS: int(120, 5, 3600),
    // Minutes a case may wait for the CA before its person and deciders are told, once, that it is late.
    CA_LATE_MINUTES: int(30, 1, 10_080),
    // Which CA issues user and server certificates: embedded (in-process) or cfssl (a remote `cfssl serve`).
    CA_MODE: z.enum(['embedded', 'cfssl']).default('embedded'),
    // Base URL of `cfssl serve` (required with CA_MODE=cfssl), e.g. http://ca.internal:8888.
    CFSSL_URL: optionalUrl(['http://', 'https://']),
    // Hex HMAC key of cfssl's authsign endpoint; unset = the plain sign endpoint.
    CFSSL_AUTH_KEY: z
      .string()
      .regex(/^[0-9a-f]+$/i, { message: 'must be hex' })
      .optional(),
    // cfssl signing profile for server certificates.
    CFSSL_PROFILE: z.string().default('server'),
    // PEM file with the root the cfssl issuing CA chains to (published after the issuing CA).
    CFSSL_ROOT_PEM: z.string().optional(),
    // Where the cfssl CA publishes its current DER CRL; default CFSSL_URL + /api/v1/cfssl/crl.
    CFSSL_CRL_URL: optionalUrl(['http://', 'https://']),
  })
  .refine((e) => e.CA_MODE !== 'cfssl' || Boolean(e.CFSSL_URL), {
    message: 'CFSSL_URL is required when CA_MODE=cfssl',
    path: ['CFSSL_URL'],
  })
  // Anyone who can reach the bot could send the header themselves: it is believed only from the proxies that set it.
  .refine((e) => !e.AGENT_SSO_HEADER || e.TRUSTED_PROXIES.length > 0, {
    message: 'AGENT_SSO_HEADER needs TRUSTED_PROXIES (the proxy addresses that set it)',
    path: ['TRUSTED_PROXIES'],
  })
  // A socket given up before the server's own limit would turn every slow query into a dropped connection.
  .refine((e) => e.MONGODB_SOCKET_TIMEOUT_MS > e.MONGODB_OPERATION_TIMEOUT_MS, {
    message: 'must be greater than MONGODB_OPERATION_TIMEOUT_MS',
    path: ['MONGODB_SOCKET_TIMEOUT_MS'],
  });

export type Mode = 'embedded' | 'scaled';

export interface Config {
  port: number;
  host: string;
  dataDir: string;
  logLevel: z.infer<typeof Schema>['LOG_LEVEL'];
  /** Set when MONGODB_URI is: the store's connection (names as infra/store/mongo/settings.ts takes them). */
  mongo?: { uri: string; dbName?: string; serverSelectionTimeoutMS: number; socketTimeoutMS: number; operationTimeoutMS: number };
  redis?: { url: string; prefix: string };
  queuePrefix: string;
  /** One turn at a time per conversation (infra/lock): lease and longest wait. */
  turnLock: { leaseMs: number; waitMs: number };
  bot: { appId: string; appPassword: string; tenantId: string; appType: string; openIdMetadataUrl?: string };
  /** True when no app id is set: activities are not authenticated (like the Emulator). */
  openMode: boolean;
  directorySeed?: string;
  defaultLocale: 'ms' | 'en';
  emailDomains: string[];
  uploadMaxBytes: number;
  /** Direct Line upload quotas (per person and per conversation, per hour) and how long an upload is kept. */
  uploads: { maxFilesPerHour: number; maxBytesPerHour: number; unclaimedHours: number };
  userCertValidityDays: number;
  caOrganization: string;
  renewalWindowDays: number;
  reminderDays: number[];
  expiryScanUtcHour: number;
  /** Signed audit checkpoints (AUDIT_CHECKPOINT_HOURS): one per period of this many hours, from midnight UTC. */
  audit: { checkpointHours: number };
  /** Days each kind of kept data lives (RETENTION_*_DAYS); the daily expiry scan prunes it. */
  retention: { activityDays: number; transcriptDays: number; jobDays: number; attachmentDays: number };
  trainingCertValidityDays: number;
  trainingCaOrganization: string;
  trainingDownloadTtlHours: number;
  /** Set when KEY_ESCROW_SECRET is configured; otherwise one is generated in DATA_DIR (bot/runtime.ts). */
  keyEscrowSecret?: string;
  /** CA_KEY_SECRET; when unset bot/runtime.ts keeps one in DATA_DIR, or refuses to start with MongoDB. */
  caKeySecret?: string;
  shutdownGraceMs: number;
  /** Set when PUBLIC_URL is configured; otherwise links use http://localhost:<listening port>. */
  publicUrl?: string;
  /** MYGPKI_PORTAL_URL: where people set their PIN, download a softcert or confirm a token's receipt. */
  portalUrl: string;
  teamsFileHosts: string[];
  webFrameAncestors: string[];
  fileLinkSecret?: string;
  directLine: {
    /** Set when DIRECTLINE_SECRET is configured; otherwise one is generated in DATA_DIR (bot/runtime.ts). */
    secret?: string;
    tokenTtlSeconds: number;
    intranetSecret?: string;
    /** DEMO_LOGIN, or by default: embedded store and no app id. */
    demoLogin: boolean;
  };
  /** Helpdesk agents: working hours, queue timeout, console sign-in. */
  agents: {
    hours: AgentHours;
    waitSeconds: number;
    minutesPerConversation: number;
    ssoHeader?: string;
    consoleSecret?: string;
    sessionTtlSeconds: number;
  };
  /** TRUSTED_PROXIES: the only peers whose forwarding headers (and SSO header) are believed. */
  trustedProxies: string[];
  /** Console sign-in throttling (bot/handoff/sign-in-throttle.ts). */
  signIn: { maxFailures: number; maxFailuresPerAddress: number; windowMs: number };
  /** Which store and queue run: STORE and QUEUE, by default derived from MONGODB_URI and REDIS_URL. */
  store: 'embedded' | 'mongo';
  queue: 'inline' | 'bullmq';
  helpdesk: {
    calendarFile: string;
    calendarState: string;
    onsiteWindowHours: number;
    visitSlotMinutes: number;
    visitReminderHours: number;
    ticketAutoCloseWorkingDays: number;
    advisoryLeadWorkingDays: number;
    faqDir: string;
  };
  serverCert: { domainSuffixes: string[]; validityDays: number; renewalWindowDays: number };
  /** The recovery sweep (domain/usecases/recovery.ts): how often it runs and when CA work counts as late. */
  recovery: { intervalMs: number; caLateMinutes: number };
  /** BullMQ: how long a worker's lock on a running job lasts (and how often stalled jobs are looked for). */
  jobLockMs: number;
  ca: { mode: 'embedded' | 'cfssl'; cfssl?: { url: string; authKey?: string; profile: string; rootPemFile?: string; crlUrl?: string } };
}

export class ConfigError extends Error {
  readonly code = 'CONFIG_INVALID';
  constructor(readonly issues: { key: string; reason: string }[]) {
    super(`Invalid configuration: ${issues.map((i) => `${i.key}: ${i.reason}`).join('; ')}`);
    this.name = 'ConfigError';
  }
}

/**
 * The run mode, explicit or derived from the URLs. A mode named without its URL, or a URL set
 * beside the other mode, is refused: half a scaled-out set-up must not start as the embedded one.
 */
function runMode(e: { STORE?: 'embedded' | 'mongo'; QUEUE?: 'inline' | 'bullmq'; MONGODB_URI?: string; REDIS_URL?: string }): {
  store: 'embedded' | 'mongo';
  queue: 'inline' | 'bullmq';
} {
  const store = e.STORE ?? (e.MONGODB_URI ? 'mongo' : 'embedded');
  const queue = e.QUEUE ?? (e.REDIS_URL ? 'bullmq' : 'inline');
  const problems: { key: string; reason: string }[] = [];
  if (store === 'mongo' && !e.MONGODB_URI) problems.push({ key: 'MONGODB_URI', reason: 'required when STORE=mongo' });
  if (store === 'embedded' && e.MONGODB_URI)
    problems.push({ key: 'STORE', reason: 'is embedded but MONGODB_URI is set: unset one of them' });
  if (queue === 'bullmq' && !e.REDIS_URL) problems.push({ key: 'REDIS_URL', reason: 'required when QUEUE=bullmq' });
  if (queue === 'inline' && e.REDIS_URL) problems.push({ key: 'QUEUE', reason: 'is inline but REDIS_URL is set: unset one of them' });
  if (problems.length > 0) throw new ConfigError(problems);
  return { store, queue };
}

/** Parses a configuration from an environment (process.env by default). Throws ConfigError. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = Schema.safeParse(cleaned);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((i) => ({ key: String(i.path[0]), reason: i.message })));
  }
  const e = parsed.data;
  const { store, queue } = runMode(e);
  return {
    port: e.PORT,
    host: e.HOST,
    dataDir: path.resolve(e.DATA_DIR),
    logLevel: e.LOG_LEVEL,
    mongo: e.MONGODB_URI
      ? {
          uri: e.MONGODB_URI,
          dbName: e.MONGODB_DB,
          serverSelectionTimeoutMS: e.MONGODB_SERVER_SELECTION_TIMEOUT_MS,
          socketTimeoutMS: e.MONGODB_SOCKET_TIMEOUT_MS,
          operationTimeoutMS: e.MONGODB_OPERATION_TIMEOUT_MS,
        }
      : undefined,
    redis: e.REDIS_URL ? { url: e.REDIS_URL, prefix: e.QUEUE_PREFIX } : undefined,
    queuePrefix: e.QUEUE_PREFIX,
    turnLock: { leaseMs: e.TURN_LOCK_LEASE_SECONDS * 1000, waitMs: e.TURN_LOCK_WAIT_SECONDS * 1000 },
    bot: {
      appId: e.MicrosoftAppId,
      appPassword: e.MicrosoftAppPassword,
      tenantId: e.MicrosoftAppTenantId,
      appType: e.MicrosoftAppType,
      openIdMetadataUrl: e.BOT_OPENID_METADATA_URL,
    },
    openMode: e.MicrosoftAppId === '',
    directorySeed: e.DIRECTORY_SEED,
    defaultLocale: e.DEFAULT_LOCALE,
    emailDomains: e.EMAIL_DOMAINS,
    uploadMaxBytes: e.UPLOAD_MAX_BYTES,
    uploads: {
      maxFilesPerHour: e.UPLOAD_MAX_FILES_PER_HOUR,
      maxBytesPerHour: e.UPLOAD_MAX_BYTES_PER_HOUR,
      unclaimedHours: e.UPLOAD_UNCLAIMED_HOURS,
    },
    userCertValidityDays: e.USER_CERT_VALIDITY_DAYS,
    caOrganization: e.CA_ORGANIZATION,
    renewalWindowDays: e.RENEWAL_WINDOW_DAYS,
    reminderDays: [...new Set(e.EXPIRY_REMINDER_DAYS)].sort((x, y) => y - x),
    expiryScanUtcHour: e.EXPIRY_SCAN_UTC_HOUR,
    audit: { checkpointHours: e.AUDIT_CHECKPOINT_HOURS },
    retention: {
      activityDays: e.RETENTION_ACTIVITY_DAYS,
      transcriptDays: e.RETENTION_TRANSCRIPT_DAYS,
      jobDays: e.RETENTION_JOB_DAYS,
      attachmentDays: e.RETENTION_ATTACHMENT_DAYS,
    },
    trainingCertValidityDays: e.TRAINING_CERT_VALIDITY_DAYS,
    trainingCaOrganization: e.TRAINING_CA_ORGANIZATION,
    trainingDownloadTtlHours: e.TRAINING_DOWNLOAD_TTL_HOURS,
    keyEscrowSecret: e.KEY_ESCROW_SECRET,
    caKeySecret: e.CA_KEY_SECRET,
    shutdownGraceMs: e.SHUTDOWN_GRACE_SECONDS * 1000,
    publicUrl: e.PUBLIC_URL?.replace(/\/$/, ''),
    portalUrl: e.MYGPKI_PORTAL_URL.replace(/\/$/, ''),
    fileLinkSecret: e.FILE_LINK_SECRET,
    directLine: {
      secret: e.DIRECTLINE_SECRET,
      tokenTtlSeconds: e.DIRECTLINE_TOKEN_TTL_SECONDS,
      intranetSecret: e.INTRANET_SHARED_SECRET,
      // Never on by default once an app id makes this a production bot: only an explicit DEMO_LOGIN=true.
      demoLogin: e.DEMO_LOGIN ? e.DEMO_LOGIN === 'true' : !e.MONGODB_URI && e.MicrosoftAppId === '',
    },
    teamsFileHosts: e.TEAMS_FILE_HOSTS,
    webFrameAncestors: e.WEB_FRAME_ANCESTORS,
    agents: {
      hours: parseAgentHours(e.AGENT_HOURS) as AgentHours,
      waitSeconds: e.AGENT_WAIT_SECONDS,
      minutesPerConversation: e.AGENT_MINUTES_PER_CONVERSATION,
      ssoHeader: e.AGENT_SSO_HEADER?.toLowerCase(),
      consoleSecret: e.CONSOLE_SECRET,
      sessionTtlSeconds: e.CONSOLE_SESSION_HOURS * 3600,
    },
    trustedProxies: e.TRUSTED_PROXIES,
    signIn: {
      maxFailures: e.SIGNIN_MAX_FAILURES,
      maxFailuresPerAddress: e.SIGNIN_MAX_FAILURES_PER_ADDRESS,
      windowMs: e.SIGNIN_LOCK_MINUTES * 60_000,
    },
    store,
    queue,
    helpdesk: {
      calendarFile: path.resolve(e.CALENDAR_FILE),
      calendarState: e.CALENDAR_STATE.toUpperCase(),
      onsiteWindowHours: e.ONSITE_WINDOW_HOURS,
      visitSlotMinutes: e.VISIT_SLOT_MINUTES,
      visitReminderHours: e.VISIT_REMINDER_HOURS,
      ticketAutoCloseWorkingDays: e.TICKET_AUTOCLOSE_WORKING_DAYS,
      advisoryLeadWorkingDays: e.ADVISORY_LEAD_WORKING_DAYS,
      faqDir: path.resolve(e.FAQ_DIR),
    },
    serverCert: {
      domainSuffixes: e.SERVER_CERT_DOMAINS,
      validityDays: e.SERVER_CERT_VALIDITY_DAYS,
      renewalWindowDays: e.SERVER_RENEWAL_WINDOW_DAYS,
    },
    recovery: { intervalMs: e.RECOVERY_INTERVAL_SECONDS * 1000, caLateMinutes: e.CA_LATE_MINUTES },
    jobLockMs: e.JOB_LOCK_SECONDS * 1000,
    ca: {
      mode: e.CA_MODE,
      cfssl: e.CFSSL_URL
        ? {
            url: e.CFSSL_URL.replace(/\/$/, ''),
            authKey: e.CFSSL_AUTH_KEY,
            profile: e.CFSSL_PROFILE,
            rootPemFile: e.CFSSL_ROOT_PEM,
            crlUrl: e.CFSSL_CRL_URL,
          }
        : undefined,
    },
  };
}
