/** Outcomes a caller must branch on are returned, not thrown. */
export type Result<T, E extends string = string> =
  { ok: true; value: T } | { ok: false; error: E; params?: Record<string, string | number> };

export const ok = <T>(value: T): { ok: true; value: T } => ({ ok: true, value });
export const fail = <E extends string>(
  error: E,
  params?: Record<string, string | number>,
): { ok: false; error: E; params?: Record<string, string | number> } => ({ ok: false, error, params });
