/**
 * Public keys already seen in certificate requests (DOMAIN.md 4.4: a key is never certified
 * twice), by SHA-256 of the SubjectPublicKeyInfo.
 *
 * Promises: `claim` is atomic: of two claims of the same fingerprint exactly one gets `claimed`,
 * the other learns the case that holds it; claiming again for the same case is `claimed` (a
 * retried upload). `lookup` of an unknown fingerprint returns undefined.
 */
export interface KeyFingerprints {
  claim(fingerprint: string, caseId: string): Promise<{ claimed: true } | { claimed: false; caseId: string }>;
  lookup(fingerprint: string): Promise<{ caseId: string; at: string } | undefined>;
}
