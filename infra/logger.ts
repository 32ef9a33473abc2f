import { pino, type Logger } from 'pino';
import { maskMyKadInText } from '../domain/rules/mykad.js';

export type { Logger };

/** Masks MyKad numbers in every string of a log object, however deep. */
export function maskDeep(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return maskMyKadInText(value);
  if (depth > 6 || value === null || typeof value !== 'object') return value;
  if (value instanceof Error) return { type: value.name, message: maskMyKadInText(value.message), code: (value as { code?: unknown }).code, stack: value.stack };
  if (Array.isArray(value)) return value.map((v) => maskDeep(v, depth + 1));
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, maskDeep(v, depth + 1)]));
}

/** Structured JSON logs with PII masked; secrets are redacted by key name. */
export function createLogger(opts: { level: string; destination?: NodeJS.WritableStream }): Logger {
  return pino(
    {
      level: opts.level,
      base: { svc: 'gpki-bot' },
      redact: { paths: ['*.password', '*.appPassword', '*.privateKey', '*.token', 'headers.authorization'], censor: '[redacted]' },
      formatters: { log: (obj) => maskDeep(obj) as Record<string, unknown> },
      hooks: {
        logMethod(args, method) {
          const masked = args.map((a) => (typeof a === 'string' ? maskMyKadInText(a) : a)) as Parameters<typeof method>;
          return method.apply(this, masked);
        },
      },
    },
    opts.destination as never,
  );
}
