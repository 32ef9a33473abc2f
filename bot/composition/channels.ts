import { CloudAdapter } from 'botbuilder';
import { FailClosedAuthentication, publicCloudWith } from '../http/auth.js';
import { FileLinks } from '../http/file-links.js';
import { TrainingDownloadLinks } from '../certificates/download-links.js';
import { DIRECTLINE_CHANNEL, DirectLineAdapter } from '../directline/index.js';
import { recordDecisionCards, SentDecisionCards } from '../proactive/decision-card-updates.js';
import { ProactiveChannel, type RenderDeps } from '../proactive/notifications.js';
import type { Core } from './core.js';
import { fileLinkSecret } from './secrets.js';

/**
 * The ways the bot reaches people, which job-only workers need too (proactive notices): the Bot
 * Framework adapter (Teams), the bot's own Direct Line (Web Chat), signed links, and the renderer
 * of notices. The public address is known once the server listens (or from PUBLIC_URL).
 */
export interface Channels {
  adapter: CloudAdapter;
  directLine: DirectLineAdapter;
  adapterFor(channelId: string): CloudAdapter | DirectLineAdapter;
  channel: ProactiveChannel;
  render: RenderDeps;
  fileLinks: FileLinks;
  downloadLinks: TrainingDownloadLinks;
  sentCards: SentDecisionCards;
  /** The address links and Direct Line streams are built on. */
  publicUrl(): string;
  /** Sets the address once the server listens on a port chosen at start. */
  listeningAt(url: string): void;
}

export function openChannels({ config, infra, core, hd, logger }: Core): Channels {
  const { store } = infra;
  const auth = new FailClosedAuthentication({
    MicrosoftAppId: config.bot.appId,
    MicrosoftAppPassword: config.bot.appPassword,
    MicrosoftAppTenantId: config.bot.tenantId,
    MicrosoftAppType: config.bot.appType,
    ...(config.bot.openIdMetadataUrl ? publicCloudWith(config.bot.openIdMetadataUrl) : {}),
  });
  const adapter = new CloudAdapter(auth);
  let baseUrl = config.publicUrl ?? '';
  const publicUrl = () => baseUrl;
  const fileLinks = new FileLinks({ baseUrl: publicUrl, secret: fileLinkSecret(config), ttlSeconds: 7 * 24 * 3600 });
  const downloadLinks = new TrainingDownloadLinks({ baseUrl: publicUrl, secret: fileLinkSecret(config) });
  const render: RenderDeps = {
    cases: store.cases,
    certificates: store.certificates,
    directory: store.directory,
    fileLinks,
    downloadLinks,
    defaultLocale: config.defaultLocale,
    helpdesk: { directory: store.directory, calendars: hd.calendars },
    ca: core.ca,
    portalUrl: config.portalUrl,
  };
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
  return {
    adapter,
    directLine,
    adapterFor,
    channel,
    render,
    fileLinks,
    downloadLinks,
    sentCards,
    publicUrl,
    listeningAt(url) {
      if (!config.publicUrl) baseUrl = url;
    },
  };
}
