import type { DialogContext, DialogTurnResult } from 'botbuilder-dialogs';
import type { Realm } from '../domain/cases/operations.js';
import { RENEW_CERT_DIALOG } from './certificates/renew-dialog.js';
import { REPLACE_CERT_DIALOG } from './certificates/replace-dialog.js';
import { REVOKE_CERT_DIALOG } from './certificates/revoke-dialog.js';
import type { OperationOptions } from './certificates/operation-dialog.js';
import { APPLY_USER_CERT_DIALOG, ApplyUserCertificateDialog } from './user-certificate/apply-dialog.js';

import type { Goal } from '../ui/goal-names.js';
import { ADVISORY_DIALOG } from './helpdesk/advisory-dialog.js';
import { LODGE_COMPLAINT_DIALOG } from './helpdesk/complaint-dialog.js';
import { FAQ_DIALOG, type FaqOptions } from './helpdesk/faq-dialog.js';
import { REQUEST_ONSITE_DIALOG } from './helpdesk/onsite-request-dialog.js';
import { APPLY_SERVER_CERT_DIALOG } from './server-certificate/apply-dialog.js';
import { SERVER_OPERATION_DIALOG, type ServerOperationOptions } from './server-certificate/operation-dialog.js';

export { GOALS, isGoal, type Goal } from '../ui/goal-names.js';

// Helpdesk goals begin their own dialogs.
const HELPDESK_DIALOG = {
  faq: FAQ_DIALOG,
  complaint: LODGE_COMPLAINT_DIALOG,
  advisory: ADVISORY_DIALOG,
  onsite: REQUEST_ONSITE_DIALOG,
} as const;
type ServerGoal = 'newServerCert' | 'renewServerCert' | 'revokeServerCert';
type CertGoal = Exclude<Goal, keyof typeof HELPDESK_DIALOG | ServerGoal>;

const PLAN: Record<CertGoal, { op: 'new' | 'renew' | 'revoke' | 'replace'; realm: Realm }> = {
  newUserCert: { op: 'new', realm: 'user' },
  renewUserCert: { op: 'renew', realm: 'user' },
  revokeUserCert: { op: 'revoke', realm: 'user' },
  replaceUserCert: { op: 'replace', realm: 'user' },
  newTrainingCert: { op: 'new', realm: 'training' },
  renewTrainingCert: { op: 'renew', realm: 'training' },
  revokeTrainingCert: { op: 'revoke', realm: 'training' },
  replaceTrainingCert: { op: 'replace', realm: 'training' },
};

const DIALOG_OF = { renew: RENEW_CERT_DIALOG, revoke: REVOKE_CERT_DIALOG, replace: REPLACE_CERT_DIALOG } as const;

/**
 * Begins the dialog of a goal. `serial` pre-chooses the certificate (the one-tap renewal of an
 * expiry reminder), `question` the FAQ's first question; whether the person may act on it is checked by the dialog's use case.
 */
export function beginGoal(dc: DialogContext, goal: Goal, opts: { serial?: string; question?: string } = {}): Promise<DialogTurnResult> {
  if (goal === 'faq') return dc.beginDialog(FAQ_DIALOG, { question: opts.question } satisfies FaqOptions);
  if (goal === 'complaint' || goal === 'advisory' || goal === 'onsite') return dc.beginDialog(HELPDESK_DIALOG[goal]);
  if (goal === 'newServerCert') return dc.beginDialog(APPLY_SERVER_CERT_DIALOG);
  if (goal === 'renewServerCert' || goal === 'revokeServerCert') {
    return dc.beginDialog(SERVER_OPERATION_DIALOG, {
      op: goal === 'renewServerCert' ? 'renew' : 'revoke',
      ...(opts.serial ? { serial: opts.serial } : {}),
    } satisfies ServerOperationOptions);
  }
  const { op, realm } = PLAN[goal];
  if (op === 'new') return dc.beginDialog(APPLY_USER_CERT_DIALOG, ApplyUserCertificateDialog.fresh(realm));
  return dc.beginDialog(DIALOG_OF[op], { realm, ...(opts.serial ? { serial: opts.serial } : {}) } satisfies OperationOptions);
}
