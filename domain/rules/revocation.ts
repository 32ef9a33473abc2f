import type { RevocationReason } from '../certificates.js';

/**
 * The revocation interview (DOMAIN.md 4.5): what happened, in the user's words, and the RFC 5280
 * reason it maps to. Codes 2, 6, 8 and 10 are the CA's own business and never offered.
 */
export const REVOCATION_CHOICES = ['lostOrDisclosed', 'changedDetails', 'replaced', 'noLongerNeeded', 'accessWithdrawn'] as const;
export type RevocationChoice = (typeof REVOCATION_CHOICES)[number];

export const REASON_OF_CHOICE: Record<RevocationChoice, RevocationReason> = {
  lostOrDisclosed: 'keyCompromise',
  changedDetails: 'affiliationChanged',
  replaced: 'superseded',
  noLongerNeeded: 'cessationOfOperation',
  accessWithdrawn: 'privilegeWithdrawn',
};

/** Who asks for a revocation: the certificate's owner, or an AP of the owner's agency. */
export type Requester = 'OWNER' | 'AP';

/** Withdrawing access is the agency's decision, so only its AP may give that reason. */
export function choicesFor(requester: Requester): RevocationChoice[] {
  return REVOCATION_CHOICES.filter((c) => c !== 'accessWithdrawn' || requester === 'AP');
}

/**
 * A key compromise reported by the owner is carried out at once (the AP is informed, not asked):
 * every hour a stolen key stays trusted is an hour it can sign. An AP's own request is the AP's
 * approval. Everything else waits for an AP.
 */
export function revocationPath(reason: RevocationReason, requester: Requester): 'immediate' | 'apApproves' | 'awaitingAp' {
  if (requester === 'AP') return 'apApproves';
  return reason === 'keyCompromise' ? 'immediate' : 'awaitingAp';
}
