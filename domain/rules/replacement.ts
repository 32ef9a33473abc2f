import type { CertificateRealm, RevocationReason } from '../certificates.js';

/**
 * Why a certificate is replaced (DOMAIN.md 2.4). A blocked token and a forgotten PIN are not
 * replacements: they have their own procedures, which the bot explains instead.
 */
export const REPLACEMENT_TRIGGERS = ['lost', 'stolen', 'disclosed', 'damaged', 'faulty', 'forgotPassword', 'wrongDetails'] as const;
export type ReplacementTrigger = (typeof REPLACEMENT_TRIGGERS)[number];
export const NOT_REPLACEMENTS = ['blockedToken', 'forgotPin'] as const;
export type NotAReplacement = (typeof NOT_REPLACEMENTS)[number];
export type ReplacementAnswer = ReplacementTrigger | NotAReplacement;

/** What a user can say happened, per realm: training certificates are files, not tokens. */
export function replacementAnswersFor(realm: CertificateRealm): ReplacementAnswer[] {
  return realm === 'user'
    ? ['lost', 'stolen', 'damaged', 'faulty', 'wrongDetails', 'blockedToken', 'forgotPin']
    : ['lost', 'disclosed', 'forgotPassword', 'wrongDetails'];
}

export function isReplacementTrigger(v: unknown): v is ReplacementTrigger {
  return typeof v === 'string' && (REPLACEMENT_TRIGGERS as readonly string[]).includes(v);
}

export function isNotAReplacement(v: unknown): v is NotAReplacement {
  return typeof v === 'string' && (NOT_REPLACEMENTS as readonly string[]).includes(v);
}

/** A lost, stolen or disclosed key may be in someone else's hands: keyCompromise; otherwise superseded. */
export function replacementReason(trigger: ReplacementTrigger): RevocationReason {
  return trigger === 'lost' || trigger === 'stolen' || trigger === 'disclosed' ? 'keyCompromise' : 'superseded';
}
