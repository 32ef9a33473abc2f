import { type Activity, type Attachment } from 'botbuilder';
import { dateText } from '../../ui/time-format.js';
import type { Case } from '../../domain/cases/case.js';
import type { ServerCertData } from '../../domain/cases/server-certificate.js';
import type { Locale } from '../../domain/people.js';
import type { CertificateAuthority } from '../../domain/ports/certificate-authority.js';
import type { Notification } from '../../domain/ports/notifier.js';
import { adaptiveCard, cardJson, esc, facts, heading, para, submit, type CardElement } from '../../ui/cards/adaptive.js';
import { CardFactory } from 'botbuilder';
import type { ServerTask } from '../../domain/cases/authority.js';
import { decidersOf } from '../../domain/usecases/authority.js';
import { cardAction, refreshOf } from '../certificates/approval-card.js';
import { cardActionsFor, teamsIdsOf } from '../proactive/decision-cards.js';
import { t, tDynamic } from '../../ui/i18n/index.js';
import type { CaseRepository } from '../../domain/ports/case-repository.js';
import type { CertificateRepository } from '../../domain/ports/certificate-repository.js';
import type { Directory } from '../../domain/ports/directory.js';

/** What rendering server notifications reads (a subset of the notifications' RenderDeps). */
export interface RenderDeps {
  cases: CaseRepository;
  certificates: CertificateRepository;
  directory: Directory;
  ca?: CertificateAuthority;
}

type ServerNotification = Extract<Notification, { type: 'serverTask' | 'serverNotice' | 'serverIssued' }>;

export function isServerNotification(n: Notification): n is ServerNotification {
  return n.type === 'serverTask' || n.type === 'serverNotice' || n.type === 'serverIssued';
}

const day = dateText;

/** What every officer sees of a server case: type, system, names, officers, CSR. */
export async function serverFacts(
  deps: Pick<RenderDeps, 'directory' | 'certificates'>,
  c: Case<ServerCertData>,
  locale: Locale,
): Promise<[string, string][]> {
  const f = (k: string, p?: Record<string, string>) => tDynamic(locale, k, 'system', p);
  const name = async (id?: string) => (id ? esc((await deps.directory.getPerson(id))?.name ?? id) : '-');
  const d = c.data;
  const rows: [string, string][] = [
    [f('server.field.operation'), f(`server.op.${d.operation}`)],
    [f('server.field.certType'), f(`server.type.${d.certType}`)],
    [f('server.field.systemName'), esc(d.systemName)],
    [f('server.field.domains'), esc(d.domains.join(', '))],
    [f('server.field.justification'), esc(d.justification)],
    [f('server.field.applicant'), await name(c.applicantId)],
    [f('server.field.tech'), await name(d.techId)],
    [f('server.field.verifier'), await name(d.verifierId)],
  ];
  if (d.csr)
    rows.push([
      f('server.field.csr'),
      f('server.csrSummary', { keyType: d.csr.keyType, fingerprint: `${d.csr.keyFingerprint.slice(0, 16)}…` }),
    ]);
  if (d.renews) rows.push([f('server.field.renews'), d.renews.toUpperCase()]);
  if (d.serial && d.operation === 'revoke') {
    const cert = await deps.certificates.get(d.serial);
    rows.push(
      [f('server.field.serial'), d.serial.toUpperCase()],
      [f('server.field.expires'), day(cert?.notAfter)],
      [f('server.field.reason'), f(`reason.${d.reason}`)],
    );
    rows.push([f('server.field.requestedBy'), await name(d.requestedBy)]);
  }
  return rows;
}

/** The task card: the CSR request, the endorsement, or the lead agency's approval. */
export async function serverTaskCard(
  deps: Pick<RenderDeps, 'directory' | 'certificates'>,
  c: Case<ServerCertData>,
  task: ServerTask,
  locale: Locale,
  channelId = '',
): Promise<Attachment> {
  if (task === 'csr') {
    const rows = await serverFacts(deps, c, locale);
    return adaptiveCard(
      [heading(t(locale, 'server.card.csr.title', { caseId: c.id })), facts(rows), para(t(locale, 'server.card.csr.hint'))],
      [submit(t(locale, 'server.card.csr.action'), { verb: 'serverCsr', caseId: c.id }, 'positive')],
    );
  }
  return CardFactory.adaptiveCard(await serverDecisionCardJson(deps, c, task, locale, channelId));
}

/**
 * The verifying officer's or the lead agency's decision card. On Teams its buttons are
 * `Action.Execute` and it refreshes for every officer who may decide (domain/cases/authority.ts).
 */
export async function serverDecisionCardJson(
  deps: Pick<RenderDeps, 'directory' | 'certificates'>,
  c: Case<ServerCertData>,
  task: Exclude<ServerTask, 'csr'>,
  locale: Locale,
  channelId: string,
): Promise<CardElement> {
  const rows = await serverFacts(deps, c, locale);
  const mode = cardActionsFor(channelId);
  const base = { caseId: c.id, version: c.version };
  const act = (key: Parameters<typeof t>[1], decision: string, style?: 'positive' | 'destructive') =>
    cardAction(mode, t(locale, key), { verb: 'serverDecide', decision, ...base }, style);
  const note = { type: 'Input.Text', id: 'note', isMultiline: true, maxLength: 500, label: t(locale, 'server.card.noteLabel') };
  const refresh = refreshOf(mode, c.id, mode === 'execute' ? await teamsIdsOf(deps.directory, await decidersOf(deps, c, task)) : undefined);
  if (task === 'endorse') {
    const returnable = c.data.operation !== 'revoke';
    return cardJson(
      [heading(t(locale, 'server.card.endorse.title', { caseId: c.id })), facts(rows), note],
      [
        act('server.card.endorse', 'endorse', 'positive'),
        ...(returnable ? [act('server.card.return', 'return')] : []),
        act('server.card.reject', 'reject', 'destructive'),
      ],
      refresh,
    );
  }
  return cardJson(
    [heading(t(locale, 'server.card.approve.title', { caseId: c.id })), facts(rows), note],
    [act('server.card.approve', 'approve', 'positive'), act('server.card.reject', 'reject', 'destructive')],
    refresh,
  );
}

/** A PEM file as an attachment every channel shows as a download. */
function pemFile(name: string, pem: string): Attachment {
  return {
    contentType: 'application/x-pem-file',
    name,
    contentUrl: `data:application/x-pem-file;base64,${Buffer.from(pem).toString('base64')}`,
  };
}

/** The issued certificate and the chain for the technical officer (again on `status <no>`). */
export async function certificateFiles(
  deps: Pick<RenderDeps, 'certificates'> & { ca: CertificateAuthority },
  c: Case<ServerCertData>,
  locale: Locale,
): Promise<Partial<Activity> | undefined> {
  if (!c.certificateSerial) return undefined;
  const cert = await deps.certificates.get(c.certificateSerial);
  if (!cert) return undefined;
  const chain = await deps.ca.caCertificatesPem();
  const base = c.data.domains[0]!.replace(/^\*\./, 'wildcard.').replace(/[^a-z0-9.-]/gi, '_');
  return {
    type: 'message',
    text: t(locale, 'server.issued.files', {
      caseId: c.id,
      serial: cert.serial.toUpperCase(),
      from: day(cert.notBefore),
      to: day(cert.notAfter),
      domains: esc(c.data.domains.join(', ')),
    }),
    attachments: [pemFile(`${base}.crt.pem`, cert.certPem), pemFile(`${base}.chain.pem`, chain)],
  };
}

/** Renders a server-certificate notification for `locale`. */
export async function renderServerNotification(
  deps: RenderDeps,
  n: ServerNotification,
  locale: Locale,
  channelId = '',
): Promise<Partial<Activity> | undefined> {
  const c = await deps.cases.get<ServerCertData>(n.caseId);
  if (!c) return undefined;
  if (n.type === 'serverTask') {
    return {
      type: 'message',
      text: tDynamic(locale, `server.task.${n.task}`, 'system', { caseId: c.id }),
      attachments: [await serverTaskCard(deps, c, n.task, locale, channelId)],
    };
  }
  if (n.type === 'serverIssued') return deps.ca ? certificateFiles({ certificates: deps.certificates, ca: deps.ca }, c, locale) : undefined;
  return { type: 'message', text: tDynamic(locale, `server.notify.${n.event}`, 'system', { caseId: c.id, note: esc(n.note ?? '') }) };
}
