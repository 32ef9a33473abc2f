import type { Realm } from './operations.js';
import { CORRECTABLE_FIELDS, USER_CERT_FIELDS } from './user-certificate.js';

/** Every field any certificate form asks, in the order a dialog asks them. */
export const FORM_FIELDS = [
  'mykad',
  'fullName',
  'email',
  'phone',
  'agency',
  'address',
  'position',
  'medium',
  'applications',
  'purpose',
  'mykadCopy',
  'declaration',
] as const;
export type FormField = (typeof FORM_FIELDS)[number];

/** A training/test applicant gives no MyKad: the AP's endorsement vouches for them (DOMAIN.md 2.6). */
export const TRAINING_FIELDS: readonly FormField[] = ['fullName', 'email', 'phone', 'agency', 'position', 'purpose', 'declaration'];

/** The form of each realm: a new application asks exactly these. */
export function fieldsOf(realm: Realm): readonly FormField[] {
  return realm === 'training' ? TRAINING_FIELDS : USER_CERT_FIELDS;
}

/** Fields an AP may return for correction (the declaration is re-confirmed on every resubmit). */
export function correctableOf(realm: Realm, data?: { address?: unknown }): FormField[] {
  if (realm === 'training') return TRAINING_FIELDS.filter((f) => f !== 'declaration');
  return data?.address ? [...CORRECTABLE_FIELDS.slice(0, 5), 'address', ...CORRECTABLE_FIELDS.slice(5)] : [...CORRECTABLE_FIELDS];
}

/**
 * What a renewal (or a replacement for a lost or broken medium) lets the holder change: the rest
 * comes from the previous application unchanged (DOMAIN.md 2.2).
 */
export function changeableOf(realm: Realm): FormField[] {
  return realm === 'training' ? ['phone', 'position', 'purpose'] : ['address', 'phone', 'mykadCopy'];
}

export function isFormField(f: unknown): f is FormField {
  return typeof f === 'string' && (FORM_FIELDS as readonly string[]).includes(f);
}

/** The property of the case data a field fills. */
export function dataKeyOfField(field: FormField): string {
  if (field === 'agency') return 'agencyId';
  if (field === 'mykadCopy') return 'mykadCopyFileId';
  return field;
}
