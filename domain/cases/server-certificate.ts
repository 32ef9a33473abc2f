import type { RevocationReason } from '../certificates.js';
import { assertNever } from '../errors.js';
import { isOneOf } from '../lists.js';
import type { ServerCertType } from '../rules/server-csr.js';

/**
 * Server certificates (DOMAIN.md 2.5): three people (applicant, technical officer, verifying
 * officer), then the lead agency and the CA. New applications and renewals share one lifecycle;
 * revocations have their own.
 */
export const SERVER_STATUSES = [
  'DIHANTAR',
  'MENUNGGU_CSR',
  'MENUNGGU_PENGESAHAN',
  'MENUNGGU_KELULUSAN_PENERAJU',
  'DIHANTAR_KE_CA',
  'DIKELUARKAN',
  'SIJIL_DIBATALKAN',
  'DITOLAK',
  'GAGAL',
] as const;
export type ServerStatus = (typeof SERVER_STATUSES)[number];
export const isServerStatus = (s: string): s is ServerStatus => isOneOf(SERVER_STATUSES, s);
export const SERVER_TERMINAL: readonly ServerStatus[] = ['DIKELUARKAN', 'SIJIL_DIBATALKAN', 'DITOLAK', 'GAGAL'];

export const SERVER_EVENTS = [
  'route',
  'csrAccepted',
  'endorse',
  'return',
  'reject',
  'approve',
  'fastTrack',
  'issued',
  'revoked',
  'caRefused',
] as const;
export type ServerEvent = (typeof SERVER_EVENTS)[number];

/** Who may cause an event: a role on the case (not a directory role alone), the lead agency, or a job. */
export type ServerActor = 'REQUESTER' | 'TECH' | 'VERIFIER' | 'LEAD' | 'SYSTEM';

export type ServerOperation = 'new' | 'renew' | 'revoke';

/** What the applicant says happened, for a revocation, and its RFC 5280 reason. */
export const SERVER_REVOCATION_CHOICES = ['decommissioned', 'keyCompromise', 'replaced'] as const;
export type ServerRevocationChoice = (typeof SERVER_REVOCATION_CHOICES)[number];
export const SERVER_REASON_OF_CHOICE: Record<ServerRevocationChoice, RevocationReason> = {
  decommissioned: 'cessationOfOperation',
  keyCompromise: 'keyCompromise',
  replaced: 'superseded',
};

/** The CSR as accepted: the PEM sent to the CA and the key's fingerprint. */
export interface AcceptedCsr {
  pem: string;
  keyFingerprint: string;
  keyType: string;
  at: string;
}

export interface ServerCertData {
  operation: ServerOperation;
  certType: ServerCertType;
  systemName: string;
  domains: string[];
  justification: string;
  techId: string;
  verifierId: string;
  csr?: AcceptedCsr;
  /** Renewal: the serial renewed. Revocation: the serial revoked. */
  renews?: string;
  serial?: string;
  choice?: ServerRevocationChoice;
  reason?: RevocationReason;
  /** Who asked for a revocation: the applicant or the technical officer. */
  requestedBy?: string;
}

interface Rule {
  to: ServerStatus;
  by: ServerActor;
}

/**
 * The one transition function of server-certificate cases. A verifying officer's return sends the
 * request back to the technical officer for a new CSR (the only thing a verifier can ask to
 * change: type and names are fixed once submitted). Key compromise skips the endorsement queue.
 */
export function serverTransition(op: ServerOperation, from: ServerStatus, event: ServerEvent): Rule | undefined {
  const revoke = op === 'revoke';
  switch (event) {
    case 'route':
      return from === 'DIHANTAR' ? { to: revoke ? 'MENUNGGU_PENGESAHAN' : 'MENUNGGU_CSR', by: 'SYSTEM' } : undefined;
    case 'csrAccepted':
      return !revoke && from === 'MENUNGGU_CSR' ? { to: 'MENUNGGU_PENGESAHAN', by: 'TECH' } : undefined;
    case 'endorse':
      return from === 'MENUNGGU_PENGESAHAN' ? { to: revoke ? 'DIHANTAR_KE_CA' : 'MENUNGGU_KELULUSAN_PENERAJU', by: 'VERIFIER' } : undefined;
    case 'return':
      return !revoke && from === 'MENUNGGU_PENGESAHAN' ? { to: 'MENUNGGU_CSR', by: 'VERIFIER' } : undefined;
    case 'reject':
      if (from === 'MENUNGGU_PENGESAHAN') return { to: 'DITOLAK', by: 'VERIFIER' };
      return !revoke && from === 'MENUNGGU_KELULUSAN_PENERAJU' ? { to: 'DITOLAK', by: 'LEAD' } : undefined;
    case 'approve':
      // Revocations need no lead-agency approval (DOMAIN.md 2.5): the verifying officer's endorsement sends them.
      return !revoke && from === 'MENUNGGU_KELULUSAN_PENERAJU' ? { to: 'DIHANTAR_KE_CA', by: 'LEAD' } : undefined;
    case 'fastTrack':
      return revoke && from === 'DIHANTAR' ? { to: 'DIHANTAR_KE_CA', by: 'REQUESTER' } : undefined;
    case 'issued':
      return !revoke && from === 'DIHANTAR_KE_CA' ? { to: 'DIKELUARKAN', by: 'SYSTEM' } : undefined;
    case 'revoked':
      return revoke && from === 'DIHANTAR_KE_CA' ? { to: 'SIJIL_DIBATALKAN', by: 'SYSTEM' } : undefined;
    case 'caRefused':
      return from === 'DIHANTAR_KE_CA' ? { to: 'GAGAL', by: 'SYSTEM' } : undefined;
    default:
      return assertNever(event);
  }
}

export function serverNext(c: { id: string; status: string; data: ServerCertData }, event: ServerEvent): ServerStatus {
  const rule = isServerStatus(c.status) ? serverTransition(c.data.operation, c.status, event) : undefined;
  if (!rule) throw new Error(`${c.id}: ${event} not allowed from ${c.status} (${c.data.operation})`);
  return rule.to;
}

export function isServerClosed(c: { status: string }): boolean {
  return isOneOf(SERVER_TERMINAL, c.status);
}
