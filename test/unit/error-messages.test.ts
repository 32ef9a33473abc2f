import type { TurnContext } from 'botbuilder';
import { expect } from 'chai';
import type { EmailError, PhoneError, TextError } from '../../domain/rules/contact.js';
import type { PasswordError } from '../../domain/rules/download-password.js';
import type { FileError } from '../../domain/rules/files.js';
import type { MyKadError } from '../../domain/rules/mykad.js';
import type { CsrProblemCode } from '../../domain/rules/server-csr.js';
import type { AdvisoryError } from '../../domain/usecases/advisory.js';
import type { RenewError } from '../../domain/usecases/certificate-renew.js';
import type { ReplaceError } from '../../domain/usecases/certificate-replace.js';
import type { RevokeError } from '../../domain/usecases/certificate-revoke.js';
import type { OnsiteError } from '../../domain/usecases/onsite.js';
import type { RateError } from '../../domain/usecases/satisfaction.js';
import type { CsrError, ServerDecisionError, ServerSubmitError } from '../../domain/usecases/server-certificate.js';
import type { ServerCertError } from '../../domain/usecases/server-certificate-ca.js';
import type { DownloadError } from '../../domain/usecases/training.js';
import type { SubmitError } from '../../domain/usecases/user-certificate-apply.js';
import type { DecisionError } from '../../domain/usecases/user-certificate-decide.js';
import { en } from '../../ui/i18n/en.js';
import { t, type MessageKey } from '../../ui/i18n/index.js';
import { ms } from '../../ui/i18n/ms.js';
import {
  ERROR_MESSAGES,
  errorKey,
  errorText,
  hasErrorText,
  sayError,
  UNKNOWN_ERROR_KEY,
  type ErrorContext,
  type UnknownErrorCode,
} from '../../ui/errors.js';
import { LOCALE_KEY } from '../../ui/turn.js';

/**
 * Every code of a domain error union, as a runtime list. The unions are TypeScript types only, so
 * the list is written here; `Record<T, true>` makes the compiler refuse a list that misses a code
 * of the domain's union or names one it does not have, so the list follows the domain.
 */
const codes = <T extends string>(all: Record<T, true>): T[] => Object.keys(all) as T[];

const DECISION = codes<DecisionError>({
  CASE_NOT_FOUND: true,
  ALREADY_DECIDED: true,
  ROLE_REQUIRED: true,
  WRONG_AGENCY: true,
  SELF_APPROVAL: true,
  NOTE_REQUIRED: true,
  FIELDS_REQUIRED: true,
  CHANGED_SINCE: true,
  NOT_RETURNABLE: true,
});
const ONSITE = codes<OnsiteError>({
  CASE_NOT_FOUND: true,
  ROLE_REQUIRED: true,
  SELF_APPROVAL: true,
  NOT_ALLOWED_NOW: true,
  NOTE_REQUIRED: true,
  NOT_YOURS: true,
  INVALID_INPUT: true,
  DATE_PAST: true,
  SLOT_INVALID: true,
  OUTSIDE_WINDOW: true,
  SLOT_TAKEN: true,
  PHONE_REQUIRED: true,
  NOT_ASSIGNED: true,
  REASON_REQUIRED: true,
  VISIT_NOT_STARTED: true,
});
const ADVISORY = codes<AdvisoryError>({
  CASE_NOT_FOUND: true,
  ROLE_REQUIRED: true,
  SELF_APPROVAL: true,
  NOT_ALLOWED_NOW: true,
  REASON_REQUIRED: true,
  INVALID_INPUT: true,
  DATES_COUNT: true,
  DATE_TOO_SOON: true,
  DATE_NOT_WORKING: true,
  DATE_NOT_OFFERED: true,
});
const RATE = codes<RateError>({ CASE_NOT_FOUND: true, NOT_YOURS: true, NOT_ALLOWED_NOW: true, SCORE_INVALID: true });
const SERVER_DECISION = codes<ServerDecisionError>({
  CASE_NOT_FOUND: true,
  NOT_YOURS: true,
  SELF_APPROVAL: true,
  ROLE_REQUIRED: true,
  ALREADY_DECIDED: true,
  NOTE_REQUIRED: true,
  CHANGED_SINCE: true,
});
/** What an application form's submission can be refused with: the form's own codes and the certificate's. */
const FORM_SUBMISSION = codes<SubmitError | RenewError | ReplaceError | RevokeError>({
  INVALID_FIELD: true,
  AGENCY_UNKNOWN: true,
  FILE_MISSING: true,
  CASE_NOT_FOUND: true,
  NOT_APPLICANT: true,
  NOT_RETURNED: true,
  FIELD_NOT_REQUESTED: true,
  CERT_NOT_FOUND: true,
  NOT_OWNER: true,
  WRONG_REALM: true,
  REVOKED: true,
  ALREADY_RENEWED: true,
  EXPIRED: true,
  TOO_EARLY: true,
  ALREADY_REQUESTED: true,
  NO_PREVIOUS: true,
  ALREADY_REVOKED: true,
  NOT_A_REPLACEMENT: true,
  REASON_NOT_ALLOWED: true,
});
const CERTIFICATE_REFUSALS = codes<RenewError | ReplaceError | RevokeError>({
  CERT_NOT_FOUND: true,
  NOT_OWNER: true,
  WRONG_REALM: true,
  REVOKED: true,
  ALREADY_RENEWED: true,
  EXPIRED: true,
  TOO_EARLY: true,
  ALREADY_REQUESTED: true,
  NO_PREVIOUS: true,
  ALREADY_REVOKED: true,
  NOT_A_REPLACEMENT: true,
  REASON_NOT_ALLOWED: true,
});
const IMAGE = codes<FileError>({
  FILE_EMPTY: true,
  FILE_TOO_LARGE: true,
  FILE_TYPE: true,
  FILE_IMAGE_CORRUPT: true,
  FILE_IMAGE_DIMENSIONS: true,
});
const INPUT = codes<MyKadError | EmailError | PhoneError | TextError>({
  MYKAD_FORMAT: true,
  MYKAD_DATE: true,
  MYKAD_PLACE: true,
  MYKAD_AGE: true,
  EMAIL_FORMAT: true,
  EMAIL_WEBMAIL: true,
  EMAIL_DOMAIN: true,
  PHONE_FORMAT: true,
  TEXT_LENGTH: true,
  TEXT_CHARS: true,
});
const SERVER_SUBMIT = codes<ServerSubmitError>({
  INVALID_FIELD: true,
  NAMES_INVALID: true,
  PERSON_UNKNOWN: true,
  SAME_PERSON: true,
  NO_AGENCY: true,
});
const SERVER_OPERATION = codes<ServerCertError>({
  CERT_NOT_FOUND: true,
  NOT_SERVER: true,
  NOT_YOURS: true,
  ALREADY_REQUESTED: true,
  ALREADY_REVOKED: true,
  REVOKED: true,
  ALREADY_RENEWED: true,
  EXPIRED: true,
  TOO_EARLY: true,
});
// A refused CSR (CSR_REFUSED) is told as its list of problems (context csrProblem), not by this code.
const SERVER_CSR = codes<Exclude<CsrError, 'CSR_REFUSED'>>({ CASE_NOT_FOUND: true, NOT_TECH: true, NOT_WAITING: true });
const CSR_PROBLEM = codes<CsrProblemCode>({
  CSR_TOO_LARGE: true,
  CSR_UNPARSABLE: true,
  CSR_BAD_SIGNATURE: true,
  CSR_KEY_TYPE: true,
  CSR_KEY_TOO_SMALL: true,
  CSR_KEY_TOO_LARGE: true,
  CSR_KEY_SIZE_ODD: true,
  CSR_KEY_EXPONENT: true,
  CSR_EC_CURVE: true,
  CSR_WEAK_HASH: true,
  CSR_NO_SAN: true,
  CSR_OTHER_SAN: true,
  CSR_NAMES_MISMATCH: true,
  CSR_KEY_REUSED: true,
  NAME_INVALID: true,
  NAME_IP_ADDRESS: true,
  NAME_INTERNAL: true,
  NAME_WILDCARD_POSITION: true,
  NAME_SUFFIX: true,
  TYPE_COUNT: true,
  TYPE_WILDCARD_MISSING: true,
  TYPE_WILDCARD_UNEXPECTED: true,
  NAME_DUPLICATE: true,
});
const DOWNLOAD = codes<DownloadError | PasswordError>({
  NOT_FOUND: true,
  EXPIRED: true,
  USED: true,
  PASSWORD_SHORT: true,
  PASSWORD_LONG: true,
  PASSWORD_MISMATCH: true,
});

/** What each context's use cases (and edge checks) can hand it. */
const PRODUCED: Record<Exclude<ErrorContext, 'submit' | 'refusal'>, readonly string[]> = {
  decision: DECISION,
  // Cards and the console: ticket, on-site and advisory use cases, and the visit report's own check.
  ticket: [...ONSITE, ...ADVISORY, 'CHOICE_REQUIRED'],
  rating: RATE,
  serverDecision: SERVER_DECISION,
  visit: ONSITE,
  advisory: ADVISORY,
  image: IMAGE,
  pdf: ['FILE_EMPTY', 'FILE_TOO_LARGE', 'FILE_NOT_PDF'],
  input: INPUT,
  serverSubmit: SERVER_SUBMIT,
  serverOperation: SERVER_OPERATION,
  serverCsr: SERVER_CSR,
  csrProblem: CSR_PROBLEM,
  download: DOWNLOAD,
};

const CONTEXTS = Object.keys(ERROR_MESSAGES) as ErrorContext[];
const placeholders = (text: string) => [...new Set(text.match(/\{\w+\}/g) ?? [])].sort();

describe('error code → message table (ui/errors.ts)', () => {
  describe('every code a context can be handed has a message of its own', () => {
    for (const [context, list] of Object.entries(PRODUCED) as [ErrorContext, readonly string[]][]) {
      it(context, () => {
        const missing = list.filter((code) => !hasErrorText(context, code));
        expect(missing, `${context} codes without an entry`).to.deep.equal([]);
      });
    }

    it('submit and refusal: each code of a form submission is the form’s or the certificate’s, never neither', () => {
      const neither = FORM_SUBMISSION.filter((code) => !hasErrorText('submit', code) && !hasErrorText('refusal', code));
      expect(neither).to.deep.equal([]);
      expect(CERTIFICATE_REFUSALS.filter((code) => !hasErrorText('refusal', code))).to.deep.equal([]);
    });
  });

  describe('every entry and fallback is in both catalogs, with the same placeholders', () => {
    for (const context of CONTEXTS) {
      it(context, () => {
        const table: { fallback: MessageKey; messages: Record<string, MessageKey> } = ERROR_MESSAGES[context];
        for (const key of [table.fallback, ...Object.values(table.messages)]) {
          expect(ms, `ms lacks ${key}`).to.have.property(key);
          expect(en, `en lacks ${key}`).to.have.property(key);
          expect(placeholders(en[key]), `placeholders of ${key}`).to.deep.equal(placeholders(ms[key]));
        }
      });
    }
  });

  describe('an unknown code', () => {
    it('gets the context’s fallback and is reported with its context', () => {
      const reported: UnknownErrorCode[] = [];
      const text = errorText('en', 'visit', 'NO_SUCH_CODE', { params: { caseId: 'AD-2026-000001' }, onUnknown: (u) => reported.push(u) });
      expect(text).to.equal(t('en', 'visit.failed.generic'));
      expect(reported).to.deep.equal([{ context: 'visit', code: 'NO_SUCH_CODE' }]);
    });

    it('is reported through the hook the turn carries', () => {
      const reported: UnknownErrorCode[] = [];
      const turnState = new Map<unknown, unknown>([
        [LOCALE_KEY, 'ms'],
        [UNKNOWN_ERROR_KEY, (u: UnknownErrorCode) => reported.push(u)],
      ]);
      const ctx = { turnState } as unknown as TurnContext;
      expect(sayError(ctx, 'decision', 'NO_SUCH_CODE', { caseId: 'UC-2026-000001' })).to.equal(t('ms', 'card.invalid'));
      expect(reported).to.deep.equal([{ context: 'decision', code: 'NO_SUCH_CODE' }]);
    });

    it('a known code is not reported, and is told with its own message and params', () => {
      const reported: UnknownErrorCode[] = [];
      const onUnknown = (u: UnknownErrorCode) => reported.push(u);
      expect(errorKey('rating', 'NOT_YOURS', onUnknown)).to.equal('rate.failed.NOT_YOURS');
      expect(errorText('en', 'decision', 'ALREADY_DECIDED', { params: { caseId: 'UC-2026-000001', status: 'x' }, onUnknown })).to.equal(
        t('en', 'decision.failed.ALREADY_DECIDED', { caseId: 'UC-2026-000001', status: 'x' }),
      );
      expect(reported).to.deep.equal([]);
    });

    it('a name inherited from Object is not a code', () => {
      expect(hasErrorText('decision', 'toString')).to.equal(false);
      expect(hasErrorText('decision', 'constructor')).to.equal(false);
    });
  });
});
