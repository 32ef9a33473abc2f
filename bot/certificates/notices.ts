import type { Activity } from 'botbuilder';
import { dateText, timeText } from '../../ui/time-format.js';
import type { Case } from '../../domain/cases/case.js';
import { operationOf, type ApplicationData, type RevocationData } from '../../domain/cases/operations.js';
import type { Locale } from '../../domain/people.js';
import type { Notification } from '../../domain/ports/notifier.js';
import { t, tDynamic } from '../../ui/i18n/index.js';
import { adaptiveCard, esc, facts, heading, para, submit } from '../../ui/cards/adaptive.js';
import type { CertificateRepository } from '../../domain/ports/certificate-repository.js';
import type { Directory } from '../../domain/ports/directory.js';
import type { TrainingDownloadLinks } from './download-links.js';

/** The part of the rendering dependencies these notices use. */
export interface NoticeDeps {
  certificates: CertificateRepository;
  directory: Directory;
  downloadLinks: TrainingDownloadLinks;
}

const day = dateText;

type CertNotice = Extract<
  Notification,
  {
    type:
      | 'certificateRevoked'
      | 'revocationInformed'
      | 'startedOnBehalf'
      | 'replacementDelayed'
      | 'caLate'
      | 'trainingReady'
      | 'downloadExpired'
      | 'expiryReminder';
  }
>;

/**
 * The messages of renewals, revocations, replacements, training certificates and reminders, in
 * the person's language. Training ones always say they are not for production use.
 */
export async function renderCertNotice(deps: NoticeDeps, locale: Locale, c: Case<unknown>, n: CertNotice): Promise<Partial<Activity>> {
  const text = (key: string, params: Record<string, string | number> = {}) => {
    const training = c.kind === 'TC' ? ` ${t(locale, 'training.tag')}` : '';
    return { type: 'message', text: tDynamic(locale, key, 'system', { caseId: c.id, ...params }) + training } as Partial<Activity>;
  };
  switch (n.type) {
    case 'certificateRevoked': {
      const cert = await deps.certificates.get(n.serial);
      const reason = tDynamic(locale, `reason.${cert?.revocation?.reason ?? 'unspecified'}`, 'reason.unspecified');
      const key = operationOf(c) === 'replace' ? 'notify.certificateRevoked.replace' : 'notify.certificateRevoked';
      return text(key, { serial: n.serial.toUpperCase(), at: timeText(locale, cert?.revocation?.at), reason });
    }
    case 'revocationInformed': {
      const serial = operationOf(c) === 'revoke' ? (c.data as RevocationData).serial : ((c.data as ApplicationData).replaces ?? '');
      const holder = await deps.directory.getPerson(c.applicantId);
      return text('notify.revocationInformed', { serial: serial.toUpperCase(), holder: esc(holder?.name ?? c.applicantId) });
    }
    case 'startedOnBehalf': {
      const ap = await deps.directory.getPerson((c.data as { requestedBy?: string }).requestedBy ?? '');
      return text('notify.startedOnBehalf', { ap: esc(ap?.name ?? ''), operation: tDynamic(locale, `op.${operationOf(c)}`, 'system') });
    }
    case 'replacementDelayed':
      return text('notify.replacementDelayed');
    case 'caLate':
      return text('notify.caLate');
    case 'downloadExpired':
      return text('notify.downloadExpired');
    case 'trainingReady': {
      const cert = await deps.certificates.get(n.serial);
      const expiresAt = (c.data as ApplicationData).delivery?.expiresAt ?? '';
      const body = [
        heading(t(locale, 'trainingReady.title')),
        para(t(locale, 'training.label')),
        para(
          t(locale, 'trainingReady.body', {
            serial: n.serial.toUpperCase(),
            to: day(cert?.notAfter),
            caseId: c.id,
            expires: timeText(locale, expiresAt),
          }),
        ),
      ];
      const link = { type: 'Action.OpenUrl', title: t(locale, 'trainingReady.action'), url: deps.downloadLinks.link(c.id, expiresAt) };
      return { type: 'message', attachments: [adaptiveCard(body, [link])] };
    }
    case 'expiryReminder': {
      const cert = await deps.certificates.get(n.serial);
      const goal = cert?.profile === 'training' ? 'renewTrainingCert' : 'renewUserCert';
      const body = [
        heading(t(locale, 'reminder.title', { days: n.days })),
        ...(cert?.profile === 'training' ? [para(t(locale, 'training.label'))] : []),
        facts([
          [t(locale, 'cert.serial'), n.serial.toUpperCase()],
          [t(locale, 'cert.medium'), cert?.medium ? t(locale, `medium.${cert.medium}`) : '-'],
          [t(locale, 'cert.expires'), day(cert?.notAfter)],
        ]),
        para(t(locale, 'reminder.body')),
      ];
      const card = adaptiveCard(body, [submit(t(locale, 'reminder.action'), { verb: 'start', goal, serial: n.serial }, 'positive')]);
      return { type: 'message', text: t(locale, 'reminder.title', { days: n.days }), attachments: [card] };
    }
  }
}
