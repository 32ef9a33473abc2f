import { fileURLToPath, pathToFileURL } from 'node:url';
import type { CoreDeps } from '../domain/usecases/deps.js';
import type { HelpdeskDeps } from '../domain/usecases/helpdesk-deps.js';
import { DomainError } from '../domain/errors.js';
import { ConfigError, loadConfig, type Config } from '../infra/config.js';
import { staleBuild } from '../infra/app-root.js';
import { openChannels } from './composition/channels.js';
import { openCore, type StartOptions } from './composition/core.js';
import { createConversations } from './composition/dialogs.js';
import { startEdge } from './composition/edge.js';
import { createHandoff, startWorkers } from './composition/workers.js';

export type { StartOptions } from './composition/core.js';

export interface RunningBot {
  url: string;
  config: Config;
  core: CoreDeps;
  /** The core plus the working-day calendars (one per state) and helpdesk settings. */
  hd: HelpdeskDeps;
  /** Stops intake, drains running jobs and closes every connection. */
  close(): Promise<void>;
}

/**
 * The composition root: the one place that wires adapters to ports, in the order each part needs
 * the one before it: the core (store, queue, events, CAs, use-case dependencies), the channels
 * (Teams, Direct Line, proactive notices), the conversations (dialogs; not on job-only workers),
 * the agents' handoff, the workers (job processors, recovery loop), and the edge (turns, HTTP).
 */
export async function startBot(config: Config, opts: StartOptions = {}): Promise<RunningBot> {
  const role = opts.role ?? 'all';
  const base = await openCore(config, opts);
  const channels = openChannels(base);
  const conversations = role === 'all' ? createConversations(base, channels) : undefined;
  const handoff = createHandoff(base, channels, conversations);
  const workers = await startWorkers(base, channels, handoff).catch(async (e: unknown) => {
    await base.close();
    throw e;
  });
  // A port already taken (or any other failure to listen) leaves nothing open behind it.
  const edge = conversations
    ? await startEdge(base, channels, conversations, handoff).catch(async (e: unknown) => {
        await workers.stop();
        await base.close();
        throw e;
      })
    : undefined;
  if (!edge) base.logger.info({ mode: config.store, queue: config.queue }, 'worker started');
  let closing: Promise<void> | undefined;
  return {
    url: edge?.url ?? '',
    config,
    core: base.core,
    hd: base.hd,
    close: () =>
      (closing ??= (async () => {
        await edge?.close();
        await workers.stop();
        await base.close();
        if (edge) base.logger.info('bot stopped');
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
