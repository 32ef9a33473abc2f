import type { Attachment } from 'botbuilder';
import type { Case } from '../../domain/cases/case.js';
import { CORRECTABLE_FIELDS, type UserCertApplication } from '../../domain/cases/user-certificate.js';
import type { Locale } from '../../domain/people.js';
import { t } from '../../dialogs/i18n/index.js';
import { adaptiveCard, esc, facts, heading, para, submit } from '../../dialogs/cards/adaptive.js';

export interface ApprovalCardInput {
  c: Case<UserCertApplication>;
  locale: Locale;
  applicantName: string;
  agencyName: string;
  /** Signed, expiring link to the MyKad copy for the AP to inspect. */
  copyUrl?: string;
}

/**
 * The AP's card. The AP must see the full MyKad number to verify documents; user text is escaped.
 * Every action carries the case id and the version the AP saw, so a stale card is refused.
 */
export function approvalCard({ c, locale, applicantName, agencyName, copyUrl }: ApprovalCardInput): Attachment {
  const d = c.data;
  const f = (k: Parameters<typeof t>[1]) => t(locale, k);
  const rows: [string, string][] = [
    [f('field.mykad'), d.mykad],
    [f('field.fullName'), esc(d.fullName)],
    [f('field.email'), esc(d.email)],
    [f('field.phone'), esc(d.phone)],
    [f('field.agency'), esc(agencyName)],
    [f('field.position'), esc(d.position)],
    [f('field.medium'), t(locale, `medium.${d.medium}`)],
    [f('field.applications'), esc(d.applications.join(', '))],
  ];
  const body = [
    heading(f('approval.title')),
    para(`**${c.id}** · ${f('approval.applicant')}: ${esc(applicantName)}`),
    facts(rows),
    ...(copyUrl ? [para(`[${f('field.mykadCopy')}](${copyUrl})`)] : []),
    {
      type: 'Input.ChoiceSet',
      id: 'fields',
      isMultiSelect: true,
      label: f('approval.fieldsLabel'),
      choices: CORRECTABLE_FIELDS.map((k) => ({ title: t(locale, `field.${k}`), value: k })),
    },
    { type: 'Input.Text', id: 'note', isMultiline: true, maxLength: 500, label: f('approval.noteLabel') },
  ];
  const data = { caseId: c.id, version: c.version };
  return adaptiveCard(body, [
    submit(f('approval.approve'), { verb: 'approve', ...data }, 'positive'),
    submit(f('approval.return'), { verb: 'return', ...data }),
    submit(f('approval.reject'), { verb: 'reject', ...data }, 'destructive'),
  ]);
}

/** The applicant's card after a return: what the AP asked, and a button to correct just that. */
export function returnedCard(c: Case<UserCertApplication>, locale: Locale): Attachment {
  const fields = (c.correction?.fields ?? []).map((k) => t(locale, `field.${k as (typeof CORRECTABLE_FIELDS)[number]}`)).join(', ');
  return adaptiveCard(
    [para(t(locale, 'notify.caseReturned', { caseId: c.id, note: esc(c.correction?.note ?? ''), fields }))],
    [submit(t(locale, 'notify.caseReturned.action'), { verb: 'correct', caseId: c.id, version: c.version }, 'positive')],
  );
}
