import { randomUUID } from 'node:crypto';
import { CardFactory, type Activity, type ConversationReference, type TurnContext } from 'botbuilder';
import { dateText } from '../../ui/time-format.js';
import type { Case } from '../../domain/cases/case.js';
import { operationOf, type ApplicationData } from '../../domain/cases/operations.js';
import type { Locale } from '../../domain/people.js';
import type { CaseRepository } from '../../domain/ports/case-repository.js';
import type { CertificateRepository } from '../../domain/ports/certificate-repository.js';
import type { ConversationRepository } from '../../domain/ports/conversation-repository.js';
import type { Directory } from '../../domain/ports/directory.js';
import type { Notification, NotificationChannel } from '../../domain/ports/notifier.js';
import { isMessageKey, t, tDynamic } from '../../ui/i18n/index.js';
import { esc, type CardElement } from '../../ui/cards/adaptive.js';
import { decidersOf } from '../../domain/usecases/authority.js';
import { approvalCardJson, returnedCard } from '../certificates/approval-card.js';
import { cardActionsFor, teamsIdsOf } from './decision-cards.js';
import { approvalContent } from '../certificates/approval-content.js';
import { renderCertNotice } from '../certificates/notices.js';
import { satisfactionCard } from '../helpdesk/satisfaction.js';
import { renderHelpdeskNotice, type HelpdeskNoticeDeps } from '../helpdesk/notices.js';
import { isServerNotification, renderServerNotification } from '../server-certificates/cards.js';
import type { CertificateAuthority } from '../../domain/ports/certificate-authority.js';
import type { TrainingDownloadLinks } from '../certificates/download-links.js';
import type { FileLinks } from '../http/file-links.js';
import { ConversationRateLimiter, sendWithRetries } from './limits.js';

export interface RenderDeps {
  cases: CaseRepository;
  certificates: CertificateRepository;
  directory: Directory;
  fileLinks: FileLinks;
  /** Links to the one-time download page of training certificates. */
  downloadLinks: TrainingDownloadLinks;
  defaultLocale: Locale;
  /** Renders helpdesk notices (tickets, visits, advisory); absent, they are not rendered. */
  helpdesk?: HelpdeskNoticeDeps;
  /** The production CA, for the chain sent with server certificates. */
  ca?: CertificateAuthority;
  /** The MyGPKI portal (MYGPKI_PORTAL_URL), named in the next steps of an issued user certificate. */
  portalUrl: string;
}

export { cardActionsFor };

/** The AP card of a case as the channel needs it; on Teams it refreshes itself for every AP who may verify it. */
export async function approvalCardFor(deps: RenderDeps, c: Case<unknown>, locale: Locale, channelId: string): Promise<CardElement> {
  const applicant = await deps.directory.getPerson(c.applicantId);
  const actions = cardActionsFor(channelId);
  const refreshUserIds = actions === 'execute' ? await teamsIdsOf(deps.directory, await decidersOf(deps, c, 'verify')) : undefined;
  const content = await approvalContent(deps, c, locale);
  return approvalCardJson({
    c,
    locale,
    applicantName: applicant?.name ?? (c.data as { fullName?: string }).fullName ?? '',
    content,
    actions,
    refreshUserIds,
  });
}

/** Turns a domain notification into the message a person sees, in their language and channel. */
export async function renderNotification(
  deps: RenderDeps,
  personId: string,
  n: Notification,
  channelId: string,
): Promise<Partial<Activity> | undefined> {
  const person = await deps.directory.getPerson(personId);
  const locale = person?.locale ?? deps.defaultLocale;
  if (isServerNotification(n)) return renderServerNotification(deps, n, locale, channelId);
  const c = await deps.cases.get<ApplicationData>(n.caseId);
  if (!c) return undefined;
  const op = operationOf(c);
  // A message per operation where one exists (`notify.caseApproved.revoke`), else the general one.
  const byOp = (key: string) => (isMessageKey(`${key}.${op}`) ? `${key}.${op}` : key);
  const text = (key: string, params: Record<string, string | number> = {}) =>
    ({
      type: 'message',
      text: tDynamic(locale, key, 'system', { caseId: c.id, ...params }) + (c.kind === 'TC' ? ` ${t(locale, 'training.tag')}` : ''),
    }) as Partial<Activity>;
  switch (n.type) {
    case 'approvalRequest': {
      const card = CardFactory.adaptiveCard(await approvalCardFor(deps, c, locale, channelId));
      const applicant = (await deps.directory.getPerson(c.applicantId))?.name ?? (c.data as { fullName?: string }).fullName ?? '';
      return { ...text(byOp('notify.approvalRequest'), { applicant: esc(applicant) }), attachments: [card] };
    }
    case 'caseReturned':
      return { type: 'message', attachments: [returnedCard(c, locale)] };
    case 'caseRejected':
      return text('notify.caseRejected', { note: c.reason ?? '' });
    case 'caseApproved':
      return text(byOp('notify.caseApproved'));
    case 'certificateIssued': {
      const cert = await deps.certificates.get(n.serial);
      const issued = text(byOp('notify.certificateIssued'), {
        serial: n.serial.toUpperCase(),
        from: dateText(cert?.notBefore),
        to: dateText(cert?.notAfter),
      });
      // What to do now depends on the medium (DOMAIN.md 2.0, 2.1 step 8): collect the token, or set the PIN on the portal.
      const medium = cert?.medium ?? (c.data as { medium?: string }).medium;
      // One optional question about the service, never in the way of the notice itself.
      const rated = { ...issued, attachments: [satisfactionCard(locale, c.id)] };
      if (c.kind !== 'UC' || !medium) return rated;
      const next = tDynamic(locale, `issued.next.${medium}`, 'issued.next.softcert', { portal: deps.portalUrl });
      return { ...rated, text: `${issued.text}\n\n${next}` };
    }
    case 'caseFailed':
      return text('notify.caseFailed', { reason: c.reason ?? '' });
    case 'helpdesk':
      return deps.helpdesk ? renderHelpdeskNotice(deps.helpdesk, locale, c, n.event, channelId) : undefined;
    default:
      return renderCertNotice(deps, locale, c, n);
  }
}

/** What proactive delivery needs of an adapter (CloudAdapter for Teams and the Emulator, ours for Direct Line). */
export interface ProactiveAdapter {
  continueConversationAsync(
    botAppId: string,
    reference: Partial<ConversationReference>,
    logic: (ctx: TurnContext) => Promise<void>,
  ): Promise<void>;
}

/**
 * Delivers notifications proactively on the conversation the person used last; when they have
 * none yet, the message waits and is handed over on their next turn. Send failures throw, so the
 * notify job retries with backoff.
 */
export class ProactiveChannel implements NotificationChannel {
  private readonly limiter: ConversationRateLimiter;
  constructor(
    private readonly opts: {
      adapterFor: (channelId: string) => ProactiveAdapter;
      appId: string;
      conversations: ConversationRepository;
      render: RenderDeps;
      limiter?: ConversationRateLimiter;
    },
  ) {
    this.limiter = opts.limiter ?? new ConversationRateLimiter();
  }

  async deliver(personId: string, n: Notification): Promise<'delivered' | 'pending'> {
    const conv = await this.opts.conversations.latestForPerson(personId);
    if (!conv) {
      await this.opts.conversations.addPending({
        id: randomUUID(),
        personId,
        payload: n as unknown as Record<string, unknown>,
        createdAt: new Date().toISOString(),
      });
      return 'pending';
    }
    const activity = await renderNotification(this.opts.render, personId, n, conv.channelId);
    if (!activity) return 'delivered';
    await this.limiter.acquire(conv.conversationId);
    await sendWithRetries(() => this.sendOnce(conv.channelId, conv.reference as Partial<ConversationReference>, activity));
    return 'delivered';
  }

  /**
   * One proactive send whose failure reaches the caller: CloudAdapter would otherwise hand it to
   * onTurnError (which answers the user with an apology) and report success, so nothing would retry.
   */
  private async sendOnce(channelId: string, reference: Partial<ConversationReference>, activity: Partial<Activity>): Promise<void> {
    let failure: unknown;
    await this.opts.adapterFor(channelId).continueConversationAsync(this.opts.appId, reference, async (ctx) => {
      try {
        await ctx.sendActivity(activity);
      } catch (e) {
        failure = e;
      }
    });
    if (failure) throw failure;
  }
}
