/**
 * Domain errors carry a stable `code`. The edge (bot/) maps codes to user text in the
 * user's language; nothing ever branches on an error's message.
 */
export type ErrorCode =
  | 'CASE_NOT_FOUND'
  | 'CASE_STALE'
  | 'TRANSITION_NOT_ALLOWED'
  | 'ROLE_REQUIRED'
  | 'SELF_APPROVAL'
  | 'WRONG_AGENCY'
  | 'PERSON_NOT_FOUND'
  | 'FILE_NOT_FOUND'
  | 'FILE_REJECTED'
  | 'CA_REFUSED'
  | 'CA_UNAVAILABLE'
  | 'CERT_NOT_FOUND'
  | 'INVALID_INPUT'
  | 'CONFIG_INVALID'
  | 'DUPLICATE_KEY'
  | 'KEY_GONE'
  /** A service the bot needs (Redis, the store) does not answer, or a conversation stays busy: try again later. */
  | 'INFRA_UNAVAILABLE';

export class DomainError extends Error {
  readonly code: ErrorCode;
  readonly details?: Record<string, unknown>;
  constructor(code: ErrorCode, message: string, details?: Record<string, unknown>) {
    super(message);
    this.name = 'DomainError';
    this.code = code;
    this.details = details;
  }
}

/** A failure that retrying cannot fix (the job layer maps it to an unrecoverable job). */
export class PermanentError extends DomainError {
  constructor(code: ErrorCode, message: string, details?: Record<string, unknown>) {
    super(code, message, details);
    this.name = 'PermanentError';
  }
}

export function isDomainError(e: unknown): e is DomainError {
  return e instanceof DomainError;
}

export function assertNever(x: never): never {
  throw new Error(`Unexpected value: ${JSON.stringify(x)}`);
}
