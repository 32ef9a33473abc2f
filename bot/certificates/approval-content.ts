import { dateText } from '../../ui/time-format.js';
import type { Case } from '../../domain/cases/case.js';
import { correctableOf } from '../../domain/cases/forms.js';
import {
  operationOf,
  realmOfKind,
  type ApplicationData,
  type RevocationData,
  type TrainingCaseData,
  type UserCertCaseData,
} from '../../domain/cases/operations.js';
import type { Locale } from '../../domain/people.js';
import type { CertificateRepository } from '../../domain/ports/certificate-repository.js';
import type { Directory } from '../../domain/ports/directory.js';
import { t, tDynamic } from '../../ui/i18n/index.js';
import { esc } from '../../ui/cards/adaptive.js';
import type { FileLinks } from '../http/file-links.js';
import type { ApprovalContent } from './approval-card.js';

export interface ContentDeps {
  directory: Directory;
  certificates: CertificateRepository;
  fileLinks: FileLinks;
}

const day = dateText;

/**
 * What the AP sees of a certificate case: the application (new, renewal, replacement; user or
 * training) or the revocation request, with the certificate acted on and the fields that can be
 * returned. Training cases carry the not-for-production label.
 */
export async function approvalContent(deps: ContentDeps, c: Case<unknown>, locale: Locale): Promise<ApprovalContent> {
  const op = operationOf(c);
  const realm = realmOfKind(c.kind) ?? 'user';
  const f = (k: string, p?: Record<string, string>) => tDynamic(locale, k, 'system', p);
  const title = tDynamic(locale, `approval.title.${c.kind}.${op}`, 'approval.title');
  const notes = realm === 'training' ? [t(locale, 'training.label')] : [];
  if (op === 'revoke') {
    const d = c.data as RevocationData;
    const cert = await deps.certificates.get(d.serial);
    const requester = await deps.directory.getPerson(d.requestedBy);
    const rows: [string, string][] = [
      [f('field.holder'), esc(d.holderName)],
      [f('cert.serial'), d.serial.toUpperCase()],
      [f('cert.medium'), cert?.medium ? f(`medium.${cert.medium}`) : '-'],
      [f('cert.expires'), day(cert?.notAfter)],
      [f('field.reason'), f(`reason.${d.reason}`)],
      [f('field.requestedBy'), esc(requester?.name ?? d.requestedBy)],
    ];
    return { title, rows, fieldChoices: [], notes };
  }
  const d = c.data as ApplicationData;
  const agency = await deps.directory.getAgency(d.agencyId);
  const rows: [string, string][] =
    realm === 'training' ? trainingRows(f, d as TrainingCaseData, agency?.name) : userRows(f, d as UserCertCaseData, agency?.name);
  if (d.renews) rows.push([f('field.renews'), d.renews.toUpperCase()]);
  if (d.replaces) {
    rows.push([f('field.replaces'), d.replaces.toUpperCase()], [f('field.trigger'), f(`replaceAnswer.${d.trigger}`)]);
    rows.push([f('field.oldRevoked'), d.oldRevokedAt ? f('oldRevoked.yes', { at: day(d.oldRevokedAt) }) : f('oldRevoked.no')]);
  }
  const fieldChoices = correctableOf(realm, d as { address?: string }).map((k) => ({ title: f(`field.${k}`), value: k }));
  const copyUrl = 'mykadCopyFileId' in d && d.mykadCopyFileId ? deps.fileLinks.link(d.mykadCopyFileId) : undefined;
  return { title, rows, fieldChoices, notes, copyUrl };
}

function userRows(f: (k: string) => string, d: UserCertCaseData, agencyName: string | undefined): [string, string][] {
  return [
    [f('field.mykad'), d.mykad],
    [f('field.fullName'), esc(d.fullName)],
    [f('field.email'), esc(d.email)],
    [f('field.phone'), esc(d.phone)],
    [f('field.agency'), esc(agencyName ?? '')],
    ...(d.address ? [[f('field.address'), esc(d.address)] as [string, string]] : []),
    [f('field.position'), esc(d.position)],
    [f('field.medium'), f(`medium.${d.medium}`)],
    [f('field.applications'), esc(d.applications.join(', '))],
  ];
}

function trainingRows(f: (k: string) => string, d: TrainingCaseData, agencyName: string | undefined): [string, string][] {
  return [
    [f('field.fullName'), esc(d.fullName)],
    [f('field.email'), esc(d.email)],
    [f('field.phone'), esc(d.phone)],
    [f('field.agency'), esc(agencyName ?? '')],
    [f('field.position'), esc(d.position)],
    [f('field.purpose'), esc(d.purpose)],
  ];
}
