import { createHmac, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';

/** The longest an assertion may live: it is a bearer credential until `exp`, so it should be minted per page load. */
export const MAX_ASSERTION_LIFETIME_SECONDS = 3600;

const Payload = z.object({
  sub: z.string().min(1).max(128),
  name: z.string().max(120).optional(),
  exp: z.number().int(),
});

export type AssertionCheck =
  { ok: true; sub: string; name?: string } | { ok: false; reason: 'malformed' | 'signature' | 'expired' | 'too-long-lived' };

/**
 * Checks an intranet identity assertion `<payload>.<sig>`: payload = base64url(JSON `{ sub, name,
 * exp }`), sig = base64url(HMAC-SHA256(payload as sent, shared secret)). The signature is checked
 * before the payload is trusted; `exp` (epoch seconds) must be in the future and at most
 * {@link MAX_ASSERTION_LIFETIME_SECONDS} away.
 */
export function verifyAssertion(assertion: unknown, secret: string, nowSeconds: number): AssertionCheck {
  if (typeof assertion !== 'string' || assertion.length > 4096) return { ok: false, reason: 'malformed' };
  const parts = assertion.split('.');
  if (parts.length !== 2 || !parts[0] || !parts[1]) return { ok: false, reason: 'malformed' };
  const [payload, sig] = parts;
  const want = createHmac('sha256', secret).update(payload).digest();
  const got = Buffer.from(sig, 'base64url');
  // Comparing bytes (not strings) makes `=` padding or other base64 spellings of the same MAC irrelevant.
  if (got.length !== want.length || !timingSafeEqual(got, want)) return { ok: false, reason: 'signature' };
  let parsed: z.infer<typeof Payload>;
  try {
    const r = Payload.safeParse(JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')));
    if (!r.success) return { ok: false, reason: 'malformed' };
    parsed = r.data;
  } catch {
    return { ok: false, reason: 'malformed' };
  }
  if (parsed.exp <= nowSeconds) return { ok: false, reason: 'expired' };
  if (parsed.exp > nowSeconds + MAX_ASSERTION_LIFETIME_SECONDS) return { ok: false, reason: 'too-long-lived' };
  return { ok: true, sub: parsed.sub, ...(parsed.name ? { name: parsed.name } : {}) };
}
