import type { TurnContext } from 'botbuilder';
import type { Locale } from '../domain/people.js';
import type { MyKadError } from '../domain/rules/mykad.js';
import type { EmailError, PhoneError, TextError } from '../domain/rules/contact.js';
import type { PasswordError } from '../domain/rules/download-password.js';
import type { FileError } from '../domain/rules/files.js';
import type { checkPdfUpload } from '../domain/rules/pdf.js';
import type { CsrProblemCode } from '../domain/rules/server-csr.js';
import type { AdvisoryError } from '../domain/usecases/advisory.js';
import type { RenewError } from '../domain/usecases/certificate-renew.js';
import type { ReplaceError } from '../domain/usecases/certificate-replace.js';
import type { RevokeError } from '../domain/usecases/certificate-revoke.js';
import type { OnsiteError } from '../domain/usecases/onsite.js';
import type { RateError } from '../domain/usecases/satisfaction.js';
import type { CsrError, ServerDecisionError, ServerSubmitError } from '../domain/usecases/server-certificate.js';
import type { ServerCertError } from '../domain/usecases/server-certificate-ca.js';
import type { DownloadError } from '../domain/usecases/training.js';
import type { SubmitError } from '../domain/usecases/user-certificate-apply.js';
import type { DecisionError } from '../domain/usecases/user-certificate-decide.js';
import { t, type MessageKey, type Params } from './i18n/index.js';
import { localeOf } from './turn.js';

/**
 * The one place where a refusal's code becomes the user's message. Each context (a card decision,
 * a ticket action, a file check, ...) names a message for every code its use cases can return, so
 * the compiler catches both a code without a message and a message missing from the catalogs.
 * A code with no entry (a string from outside the typed path) gets the context's fallback and is
 * reported through `onUnknown`, so nobody is silently told something generic.
 */
interface ContextTable<C extends string> {
  /** What the user is told for a code this context does not know. */
  fallback: MessageKey;
  messages: Record<C, MessageKey>;
}

/** The form's own refusals; the other codes of a submission are refusals about the certificate. */
const SUBMIT = {
  INVALID_FIELD: 'submit.failed.INVALID_FIELD',
  AGENCY_UNKNOWN: 'submit.failed.AGENCY_UNKNOWN',
  FILE_MISSING: 'submit.failed.FILE_MISSING',
  NOT_RETURNED: 'submit.failed.NOT_RETURNED',
} as const satisfies Partial<Record<SubmitError, MessageKey>>;

type PdfError = Extract<ReturnType<typeof checkPdfUpload>, { ok: false }>['error'];
/** Refusals explained by `refusalText`: the certificate's own, and a submission's that are not the form's. */
export type RefusalCode = RenewError | ReplaceError | RevokeError | Exclude<SubmitError, keyof typeof SUBMIT>;
/** Ticket actions from cards and the console: tickets, on-site support, advisory decisions. */
export type TicketActionCode = OnsiteError | AdvisoryError | 'CHOICE_REQUIRED';

export const ERROR_MESSAGES = {
  /** An AP's decision on a user or training certificate card. */
  decision: {
    fallback: 'card.invalid',
    messages: {
      CASE_NOT_FOUND: 'decision.failed.CASE_NOT_FOUND',
      ALREADY_DECIDED: 'decision.failed.ALREADY_DECIDED',
      ROLE_REQUIRED: 'decision.failed.ROLE_REQUIRED',
      WRONG_AGENCY: 'decision.failed.WRONG_AGENCY',
      SELF_APPROVAL: 'decision.failed.SELF_APPROVAL',
      NOTE_REQUIRED: 'decision.failed.NOTE_REQUIRED',
      FIELDS_REQUIRED: 'decision.failed.FIELDS_REQUIRED',
      CHANGED_SINCE: 'decision.failed.CHANGED_SINCE',
      NOT_RETURNABLE: 'decision.failed.NOT_RETURNABLE',
    },
  } satisfies ContextTable<DecisionError>,
  /** A helpdesk ticket or advisory action (agent, user, lead agency, visiting officer). */
  ticket: {
    fallback: 'card.invalid',
    messages: {
      CASE_NOT_FOUND: 'hd.failed.CASE_NOT_FOUND',
      ROLE_REQUIRED: 'hd.failed.ROLE_REQUIRED',
      SELF_APPROVAL: 'hd.failed.SELF_APPROVAL',
      NOT_ALLOWED_NOW: 'hd.failed.NOT_ALLOWED_NOW',
      NOTE_REQUIRED: 'hd.failed.NOTE_REQUIRED',
      NOT_YOURS: 'hd.failed.NOT_YOURS',
      INVALID_INPUT: 'hd.failed.INVALID_INPUT',
      NOT_ASSIGNED: 'hd.failed.NOT_ASSIGNED',
      REASON_REQUIRED: 'hd.failed.REASON_REQUIRED',
      VISIT_NOT_STARTED: 'hd.failed.VISIT_NOT_STARTED',
      DATE_NOT_OFFERED: 'hd.failed.DATE_NOT_OFFERED',
      CHOICE_REQUIRED: 'hd.failed.CHOICE_REQUIRED',
      // Booking and request codes: only the booking and request dialogs meet them (contexts visit, advisory).
      DATE_PAST: 'card.invalid',
      SLOT_INVALID: 'card.invalid',
      OUTSIDE_WINDOW: 'card.invalid',
      SLOT_TAKEN: 'card.invalid',
      PHONE_REQUIRED: 'card.invalid',
      DATES_COUNT: 'card.invalid',
      DATE_TOO_SOON: 'card.invalid',
      DATE_NOT_WORKING: 'card.invalid',
    },
  } satisfies ContextTable<TicketActionCode>,
  /** The satisfaction card. */
  rating: {
    fallback: 'card.invalid',
    messages: {
      CASE_NOT_FOUND: 'rate.failed.CASE_NOT_FOUND',
      NOT_YOURS: 'rate.failed.NOT_YOURS',
      NOT_ALLOWED_NOW: 'rate.failed.NOT_ALLOWED_NOW',
      SCORE_INVALID: 'rate.failed.SCORE_INVALID',
    },
  } satisfies ContextTable<RateError>,
  /** A verifying officer's or lead agency's decision on a server certificate card. */
  serverDecision: {
    fallback: 'card.invalid',
    messages: {
      CASE_NOT_FOUND: 'server.decision.failed.CASE_NOT_FOUND',
      NOT_YOURS: 'server.decision.failed.NOT_YOURS',
      SELF_APPROVAL: 'server.decision.failed.SELF_APPROVAL',
      ROLE_REQUIRED: 'server.decision.failed.ROLE_REQUIRED',
      ALREADY_DECIDED: 'server.decision.failed.ALREADY_DECIDED',
      NOTE_REQUIRED: 'server.decision.failed.NOTE_REQUIRED',
      CHANGED_SINCE: 'server.decision.failed.CHANGED_SINCE',
    },
  } satisfies ContextTable<ServerDecisionError>,
  /** Renewal, replacement or revocation of a user or training certificate refused. */
  refusal: {
    fallback: 'refusal.other',
    messages: {
      CERT_NOT_FOUND: 'refusal.CERT_NOT_FOUND',
      NOT_OWNER: 'refusal.NOT_OWNER',
      WRONG_REALM: 'refusal.WRONG_REALM',
      REVOKED: 'refusal.REVOKED',
      ALREADY_RENEWED: 'refusal.ALREADY_RENEWED',
      EXPIRED: 'refusal.EXPIRED',
      TOO_EARLY: 'refusal.TOO_EARLY',
      ALREADY_REQUESTED: 'refusal.ALREADY_REQUESTED',
      ALREADY_REVOKED: 'refusal.ALREADY_REVOKED',
      NO_PREVIOUS: 'refusal.NO_PREVIOUS',
      NOT_A_REPLACEMENT: 'refusal.NOT_A_REPLACEMENT',
      REASON_NOT_ALLOWED: 'refusal.REASON_NOT_ALLOWED',
      // A correction of a case that is gone or not the person's: nothing they can fix, start again.
      CASE_NOT_FOUND: 'refusal.other',
      NOT_APPLICANT: 'refusal.other',
      FIELD_NOT_REQUESTED: 'refusal.other',
    },
  } satisfies ContextTable<RefusalCode>,
  /** The application form's own refusals (the rest go to `refusal`). */
  submit: { fallback: 'submit.failed.other', messages: SUBMIT } satisfies ContextTable<keyof typeof SUBMIT>,
  /** Booking an on-site visit, and checking its slot as it is typed. */
  visit: {
    fallback: 'visit.failed.generic',
    messages: {
      DATE_PAST: 'visit.failed.DATE_PAST',
      SLOT_INVALID: 'visit.failed.SLOT_INVALID',
      OUTSIDE_WINDOW: 'visit.failed.OUTSIDE_WINDOW',
      SLOT_TAKEN: 'visit.failed.SLOT_TAKEN',
      PHONE_REQUIRED: 'visit.failed.PHONE_REQUIRED',
      NOT_ALLOWED_NOW: 'visit.failed.NOT_ALLOWED_NOW',
      // Not the booker's to fix (the ticket moved on or is not theirs): the booking simply failed.
      CASE_NOT_FOUND: 'visit.failed.generic',
      ROLE_REQUIRED: 'visit.failed.generic',
      SELF_APPROVAL: 'visit.failed.generic',
      NOTE_REQUIRED: 'visit.failed.generic',
      NOT_YOURS: 'visit.failed.generic',
      INVALID_INPUT: 'visit.failed.generic',
      NOT_ASSIGNED: 'visit.failed.generic',
      REASON_REQUIRED: 'visit.failed.generic',
      VISIT_NOT_STARTED: 'visit.failed.generic',
    },
  } satisfies ContextTable<OnsiteError>,
  /** Asking for an advisory session, and checking its preferred dates as they are typed. */
  advisory: {
    fallback: 'advisory.failed.generic',
    messages: {
      DATES_COUNT: 'advisory.failed.DATES_COUNT',
      DATE_TOO_SOON: 'advisory.failed.DATE_TOO_SOON',
      DATE_NOT_WORKING: 'advisory.failed.DATE_NOT_WORKING',
      // The dialog validates the rest as it asks; a refusal here is a generic "check and try again".
      CASE_NOT_FOUND: 'advisory.failed.generic',
      ROLE_REQUIRED: 'advisory.failed.generic',
      SELF_APPROVAL: 'advisory.failed.generic',
      NOT_ALLOWED_NOW: 'advisory.failed.generic',
      REASON_REQUIRED: 'advisory.failed.generic',
      INVALID_INPUT: 'advisory.failed.generic',
      DATE_NOT_OFFERED: 'advisory.failed.generic',
    },
  } satisfies ContextTable<AdvisoryError>,
  /** An uploaded image (MyKad copy, screenshot). */
  image: {
    fallback: 'invalid.FILE_TYPE',
    messages: {
      FILE_EMPTY: 'invalid.FILE_EMPTY',
      FILE_TOO_LARGE: 'invalid.FILE_TOO_LARGE',
      FILE_TYPE: 'invalid.FILE_TYPE',
      FILE_IMAGE_CORRUPT: 'invalid.FILE_IMAGE_CORRUPT',
      FILE_IMAGE_DIMENSIONS: 'invalid.FILE_IMAGE_DIMENSIONS',
    },
  } satisfies ContextTable<FileError>,
  /** An uploaded PDF (the official letter of an advisory request). */
  pdf: {
    fallback: 'invalid.FILE_NOT_PDF',
    messages: {
      FILE_EMPTY: 'invalid.FILE_EMPTY',
      FILE_TOO_LARGE: 'invalid.FILE_TOO_LARGE',
      FILE_NOT_PDF: 'invalid.FILE_NOT_PDF',
    },
  } satisfies ContextTable<PdfError>,
  /** A typed answer checked by a domain rule (MyKad number, e-mail, phone, plain text). */
  input: {
    fallback: 'invalid.choice',
    messages: {
      MYKAD_FORMAT: 'invalid.MYKAD_FORMAT',
      MYKAD_DATE: 'invalid.MYKAD_DATE',
      MYKAD_PLACE: 'invalid.MYKAD_PLACE',
      MYKAD_AGE: 'invalid.MYKAD_AGE',
      EMAIL_FORMAT: 'invalid.EMAIL_FORMAT',
      EMAIL_WEBMAIL: 'invalid.EMAIL_WEBMAIL',
      EMAIL_DOMAIN: 'invalid.EMAIL_DOMAIN',
      PHONE_FORMAT: 'invalid.PHONE_FORMAT',
      TEXT_LENGTH: 'invalid.TEXT_LENGTH',
      TEXT_CHARS: 'invalid.TEXT_CHARS',
    },
  } satisfies ContextTable<MyKadError | EmailError | PhoneError | TextError>,
  /** A new server certificate application. */
  serverSubmit: {
    fallback: 'submit.failed.other',
    messages: {
      INVALID_FIELD: 'server.submit.failed.INVALID_FIELD',
      NAMES_INVALID: 'server.submit.failed.NAMES_INVALID',
      PERSON_UNKNOWN: 'server.submit.failed.PERSON_UNKNOWN',
      SAME_PERSON: 'server.submit.failed.SAME_PERSON',
      NO_AGENCY: 'server.submit.failed.NO_AGENCY',
    },
  } satisfies ContextTable<ServerSubmitError>,
  /** Renewal or revocation of a server certificate refused. */
  serverOperation: {
    fallback: 'submit.failed.other',
    messages: {
      CERT_NOT_FOUND: 'server.op.refused.CERT_NOT_FOUND',
      NOT_SERVER: 'server.op.refused.NOT_SERVER',
      NOT_YOURS: 'server.op.refused.NOT_YOURS',
      ALREADY_REQUESTED: 'server.op.refused.ALREADY_REQUESTED',
      ALREADY_REVOKED: 'server.op.refused.ALREADY_REVOKED',
      REVOKED: 'server.op.refused.REVOKED',
      ALREADY_RENEWED: 'server.op.refused.ALREADY_RENEWED',
      EXPIRED: 'server.op.refused.EXPIRED',
      TOO_EARLY: 'server.op.refused.TOO_EARLY',
    },
  } satisfies ContextTable<ServerCertError>,
  /** A technical officer's CSR stopped before it was checked (a refused CSR lists `csrProblem`s). */
  serverCsr: {
    fallback: 'card.invalid',
    messages: {
      CASE_NOT_FOUND: 'server.csr.CASE_NOT_FOUND',
      NOT_TECH: 'server.csr.NOT_TECH',
      NOT_WAITING: 'server.csr.NOT_WAITING',
    },
  } satisfies ContextTable<Exclude<CsrError, 'CSR_REFUSED'>>,
  /** One problem of a CSR or of an application's domain names. */
  csrProblem: {
    fallback: 'system',
    messages: {
      CSR_TOO_LARGE: 'csr.CSR_TOO_LARGE',
      CSR_UNPARSABLE: 'csr.CSR_UNPARSABLE',
      CSR_BAD_SIGNATURE: 'csr.CSR_BAD_SIGNATURE',
      CSR_KEY_TYPE: 'csr.CSR_KEY_TYPE',
      CSR_KEY_TOO_SMALL: 'csr.CSR_KEY_TOO_SMALL',
      CSR_KEY_TOO_LARGE: 'csr.CSR_KEY_TOO_LARGE',
      CSR_KEY_SIZE_ODD: 'csr.CSR_KEY_SIZE_ODD',
      CSR_KEY_EXPONENT: 'csr.CSR_KEY_EXPONENT',
      CSR_EC_CURVE: 'csr.CSR_EC_CURVE',
      CSR_WEAK_HASH: 'csr.CSR_WEAK_HASH',
      CSR_NO_SAN: 'csr.CSR_NO_SAN',
      CSR_OTHER_SAN: 'csr.CSR_OTHER_SAN',
      CSR_NAMES_MISMATCH: 'csr.CSR_NAMES_MISMATCH',
      CSR_KEY_REUSED: 'csr.CSR_KEY_REUSED',
      NAME_INVALID: 'csr.NAME_INVALID',
      NAME_IP_ADDRESS: 'csr.NAME_IP_ADDRESS',
      NAME_INTERNAL: 'csr.NAME_INTERNAL',
      NAME_WILDCARD_POSITION: 'csr.NAME_WILDCARD_POSITION',
      NAME_SUFFIX: 'csr.NAME_SUFFIX',
      TYPE_COUNT: 'csr.TYPE_COUNT',
      TYPE_WILDCARD_MISSING: 'csr.TYPE_WILDCARD_MISSING',
      TYPE_WILDCARD_UNEXPECTED: 'csr.TYPE_WILDCARD_UNEXPECTED',
      NAME_DUPLICATE: 'csr.NAME_DUPLICATE',
    },
  } satisfies ContextTable<CsrProblemCode>,
  /** The training certificate's one-time download page. */
  download: {
    fallback: 'download.NOT_FOUND',
    messages: {
      NOT_FOUND: 'download.NOT_FOUND',
      EXPIRED: 'download.EXPIRED',
      USED: 'download.USED',
      PASSWORD_SHORT: 'download.PASSWORD_SHORT',
      PASSWORD_LONG: 'download.PASSWORD_LONG',
      PASSWORD_MISMATCH: 'download.PASSWORD_MISMATCH',
    },
  } satisfies ContextTable<DownloadError | PasswordError>,
} as const;

export type ErrorContext = keyof typeof ERROR_MESSAGES;
/** The codes `context` has a message for. */
export type ErrorCodeOf<C extends ErrorContext> = keyof (typeof ERROR_MESSAGES)[C]['messages'] & string;

/** A code that reached `context` without a message of its own: the user got the fallback. */
export interface UnknownErrorCode {
  context: ErrorContext;
  code: string;
}
export type UnknownErrorHook = (unknown: UnknownErrorCode) => void;

/** Where the edge leaves, per turn, the hook that reports an unknown code (to the turn's logger). */
export const UNKNOWN_ERROR_KEY = Symbol('gpki.unknownError');

export function hasErrorText<C extends ErrorContext>(context: C, code: string): code is ErrorCodeOf<C> {
  return Object.prototype.hasOwnProperty.call(ERROR_MESSAGES[context].messages, code);
}

/** The catalog key for `code` in `context`; an unknown code gets the fallback and is reported. */
export function errorKey(context: ErrorContext, code: string, onUnknown?: UnknownErrorHook): MessageKey {
  const table: ContextTable<string> = ERROR_MESSAGES[context];
  if (hasErrorText(context, code)) return table.messages[code]!;
  onUnknown?.({ context, code });
  return table.fallback;
}

/** The message for `code` in `context`, in `locale`. */
export function errorText(
  locale: Locale,
  context: ErrorContext,
  code: string,
  opts: { params?: Params; onUnknown?: UnknownErrorHook } = {},
): string {
  return t(locale, errorKey(context, code, opts.onUnknown), opts.params);
}

/** The hook the edge left for this turn (none outside a turn the pipeline runs). */
export function unknownErrorHookOf(ctx: TurnContext): UnknownErrorHook | undefined {
  return ctx.turnState.get(UNKNOWN_ERROR_KEY) as UnknownErrorHook | undefined;
}

/** `errorText` in this turn's language, an unknown code reported through the turn's hook. */
export function sayError(ctx: TurnContext, context: ErrorContext, code: string, params?: Params): string {
  return errorText(localeOf(ctx), context, code, { params, onUnknown: unknownErrorHookOf(ctx) });
}
