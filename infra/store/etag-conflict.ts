/**
 * Thrown by the bot-state `Storage` adapters when a write carries an eTag that no longer matches
 * the stored item (another turn saved first). Callers check `code`, never the message.
 */
export class EtagConflictError extends Error {
  readonly code = 'ETAG_CONFLICT' as const;
  readonly key: string;
  constructor(key: string) {
    super(`Storage: error writing "${key}" due to eTag conflict.`);
    this.name = 'EtagConflictError';
    this.key = key;
  }
}
