import { randomUUID } from 'node:crypto';
import { CardFactory, type Activity, type ConversationReference, type TurnContext } from 'botbuilder';
import { format } from 'date-fns';
import type { Case } from '../domain/cases/case.js';
import type { UserCertApplication } from '../domain/cases/user-certificate.js';
import type { Locale } from '../domain/people.js';
import type { CaseRepository } from '../domain/ports/case-repository.js';
import type { CertificateRepository } from '../domain/ports/certificate-repository.js';
import type { ConversationRepository } from '../domain/ports/conversation-repository.js';
import type { Directory } from '../domain/ports/directory.js';
import type { Notification, NotificationChannel } from '../domain/ports/notifier.js';
import { t } from '../dialogs/i18n/index.js';
import { esc, type CardElement } from '../dialogs/cards/adaptive.js';
import { approversFor } from '../domain/usecases/user-certificate-apply.js';
import { approvalCardJson, returnedCard, type CardActions } from './cards/approval.js';
import type { FileLinks } from './file-links.js';
import { ConversationRateLimiter, sendWithRetries } from './proactive-limits.js';

export interface RenderDeps {
  cases: CaseRepository;
  certificates: CertificateRepository;
  directory: Directory;
  fileLinks: FileLinks;
  defaultLocale: Locale;
}

/** Universal Actions where the client supports them (Teams), Action.Submit elsewhere. */
export const cardActionsFor = (channelId: string): CardActions => (channelId === 'msteams' ? 'execute' : 'submit');

/** The AP card of a case as the channel needs it; on Teams it refreshes itself for every approver. */
export async function approvalCardFor(deps: RenderDeps, c: Case<UserCertApplication>, locale: Locale, channelId: string): Promise<CardElement> {
  const applicant = await deps.directory.getPerson(c.applicantId);
  const agency = c.agencyId ? await deps.directory.getAgency(c.agencyId) : undefined;
  const actions = cardActionsFor(channelId);
  const refreshUserIds = actions === 'execute' ? await teamsIdsOf(deps, await approversFor(deps, c)) : undefined;
  return approvalCardJson({ c, locale, applicantName: applicant?.name ?? c.data.fullName, agencyName: agency?.name ?? '', copyUrl: deps.fileLinks.link(c.data.mykadCopyFileId), actions, refreshUserIds });
}

async function teamsIdsOf(deps: RenderDeps, personIds: string[]): Promise<string[]> {
  const people = await Promise.all(personIds.map((id) => deps.directory.getPerson(id)));
  return people.flatMap((p) => p?.identities.filter((i) => i.channelId === 'msteams' || i.channelId === '*').map((i) => i.userId) ?? []);
}

/** Turns a domain notification into the message a person sees, in their language and channel. */
export async function renderNotification(deps: RenderDeps, personId: string, n: Notification, channelId: string): Promise<Partial<Activity> | undefined> {
  const person = await deps.directory.getPerson(personId);
  const locale = person?.locale ?? deps.defaultLocale;
  const c = await deps.cases.get<UserCertApplication>(n.caseId);
  if (!c) return undefined;
  const text = (key: Parameters<typeof t>[1], params: Record<string, string | number> = {}) =>
    ({ type: 'message', text: t(locale, key, { caseId: c.id, ...params }) }) as Partial<Activity>;
  switch (n.type) {
    case 'approvalRequest': {
      const card = CardFactory.adaptiveCard(await approvalCardFor(deps, c, locale, channelId));
      return { type: 'message', text: t(locale, 'notify.approvalRequest', { caseId: c.id, applicant: esc(c.data.fullName) }), attachments: [card] };
    }
    case 'caseReturned':
      return { type: 'message', attachments: [returnedCard(c, locale)] };
    case 'caseRejected':
      return text('notify.caseRejected', { note: c.reason ?? '' });
    case 'caseApproved':
      return text('notify.caseApproved');
    case 'certificateIssued': {
      const cert = await deps.certificates.get(n.serial);
      const day = (iso?: string) => (iso ? format(new Date(iso), 'dd/MM/yyyy') : '-');
      return text('notify.certificateIssued', { serial: n.serial.toUpperCase(), from: day(cert?.notBefore), to: day(cert?.notAfter) });
    }
    case 'caseFailed':
      return text('notify.caseFailed', { reason: c.reason ?? '' });
  }
}

/** What proactive delivery needs of an adapter (CloudAdapter for Teams and the Emulator, ours for Direct Line). */
export interface ProactiveAdapter {
  continueConversationAsync(botAppId: string, reference: Partial<ConversationReference>, logic: (ctx: TurnContext) => Promise<void>): Promise<void>;
}

/**
 * Delivers notifications proactively on the conversation the person used last; when they have
 * none yet, the message waits and is handed over on their next turn. Send failures throw, so the
 * notify job retries with backoff.
 */
export class ProactiveChannel implements NotificationChannel {
  private readonly limiter: ConversationRateLimiter;
  constructor(private readonly opts: { adapterFor: (channelId: string) => ProactiveAdapter; appId: string; conversations: ConversationRepository; render: RenderDeps; limiter?: ConversationRateLimiter }) {
    this.limiter = opts.limiter ?? new ConversationRateLimiter();
  }

  async deliver(personId: string, n: Notification): Promise<'delivered' | 'pending'> {
    const conv = await this.opts.conversations.latestForPerson(personId);
    if (!conv) {
      await this.opts.conversations.addPending({ id: randomUUID(), personId, payload: n as unknown as Record<string, unknown>, createdAt: new Date().toISOString() });
      return 'pending';
    }
    const activity = await renderNotification(this.opts.render, personId, n, conv.channelId);
    if (!activity) return 'delivered';
    await this.limiter.acquire(conv.conversationId);
    await sendWithRetries(() =>
      this.opts.adapterFor(conv.channelId).continueConversationAsync(this.opts.appId, conv.reference as Partial<ConversationReference>, async (ctx) => {
        await ctx.sendActivity(activity);
      }),
    );
    return 'delivered';
  }
}
