import { pino, type Logger } from 'pino';
import { maskMyKadInText } from '../domain/rules/mykad.js';

export type { Logger };

/**
 * Structured JSON logs with PII masked; secrets are redacted by key name. Masking runs on each
 * finished line, so nothing (message, object, child bindings, error text) can slip past it.
 */
export function createLogger(opts: { level: string; destination?: NodeJS.WritableStream }): Logger {
  const out = opts.destination ?? process.stdout;
  const masked = { write: (line: string) => out.write(maskMyKadInText(line)) };
  return pino(
    {
      level: opts.level,
      base: { svc: 'gpki-bot' },
      redact: { paths: ['*.password', '*.appPassword', '*.privateKey', '*.token', 'headers.authorization'], censor: '[redacted]' },
    },
    masked,
  );
}
