import { DomainError } from '../../domain/errors.js';

/** The slice of a logger (pino's shape) the queue and event adapters use. */
export interface AdapterLogger {
  info(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

export const DEFAULT_ATTEMPTS = 5;
export const DEFAULT_BACKOFF_MS = 1000;

/** What is kept of a handler's failure: the domain code when there is one, never the stack. */
export function describeFailure(e: unknown): { code: string | null; message: string } {
  if (e instanceof DomainError) return { code: e.code, message: e.message };
  if (e instanceof Error) return { code: null, message: e.message };
  return { code: null, message: String(e) };
}

/** Rejects bad retry settings at enqueue time instead of letting them surface as odd schedules later. */
export function retryPolicy(spec: { attempts?: number; backoffMs?: number; delayMs?: number }): {
  attempts: number;
  backoffMs: number;
  delayMs: number;
} {
  const attempts = spec.attempts ?? DEFAULT_ATTEMPTS;
  const backoffMs = spec.backoffMs ?? DEFAULT_BACKOFF_MS;
  const delayMs = spec.delayMs ?? 0;
  if (!Number.isInteger(attempts) || attempts < 1) throw new RangeError(`attempts must be an integer >= 1, got ${attempts}`);
  if (!Number.isFinite(backoffMs) || backoffMs < 0) throw new RangeError(`backoffMs must be >= 0, got ${backoffMs}`);
  if (!Number.isFinite(delayMs) || delayMs < 0) throw new RangeError(`delayMs must be >= 0, got ${delayMs}`);
  return { attempts, backoffMs: Math.round(backoffMs), delayMs: Math.round(delayMs) };
}
