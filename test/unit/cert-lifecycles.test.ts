import { expect } from 'chai';
import { transitionOf } from '../../domain/cases/lifecycle.js';
import { REPLACEMENT_EVENTS, REPLACEMENT_STATUSES, replacementTransition, type ReplacementStatus } from '../../domain/cases/replacement.js';
import { REVOCATION_EVENTS, REVOCATION_STATUSES, revocationTransition, type RevocationStatus } from '../../domain/cases/revocation.js';
import { userCertTransition, type UserCertEvent, type UserCertStatus } from '../../domain/cases/user-certificate.js';

/** Every allowed (status, event) pair of the revocation lifecycle; everything else is refused. */
const REVOCATION_ALLOWED: Record<string, [RevocationStatus, string]> = {
  'DIHANTAR/route': ['MENUNGGU_PENGESAHAN_AP', 'SYSTEM'],
  'DIHANTAR/fastTrack': ['DIHANTAR_KE_CA', 'APPLICANT'],
  'DIHANTAR/withdraw': ['DIBATALKAN_PEMOHON', 'APPLICANT'],
  'MENUNGGU_PENGESAHAN_AP/approve': ['DISAHKAN', 'AP'],
  'MENUNGGU_PENGESAHAN_AP/reject': ['DITOLAK', 'AP'],
  'MENUNGGU_PENGESAHAN_AP/withdraw': ['DIBATALKAN_PEMOHON', 'APPLICANT'],
  'DISAHKAN/sendToCa': ['DIHANTAR_KE_CA', 'SYSTEM'],
  'DIHANTAR_KE_CA/revoked': ['SIJIL_DIBATALKAN', 'SYSTEM'],
  'DIHANTAR_KE_CA/caRefused': ['GAGAL', 'SYSTEM'],
};

/** Every allowed (status, event) pair of the replacement lifecycle; everything else is refused. */
const REPLACEMENT_ALLOWED: Record<string, [ReplacementStatus, string]> = {
  'DIHANTAR/route': ['MENUNGGU_PENGESAHAN_AP', 'SYSTEM'],
  'DIHANTAR/revokeUrgently': ['MEMBATALKAN_SEGERA', 'APPLICANT'],
  'DIHANTAR/withdraw': ['DIBATALKAN_PEMOHON', 'APPLICANT'],
  'MEMBATALKAN_SEGERA/oldRevoked': ['MENUNGGU_PENGESAHAN_AP', 'SYSTEM'],
  'MEMBATALKAN_SEGERA/caRefused': ['GAGAL', 'SYSTEM'],
  'MENUNGGU_PENGESAHAN_AP/return': ['PERLU_PEMBETULAN', 'AP'],
  'MENUNGGU_PENGESAHAN_AP/approve': ['DISAHKAN', 'AP'],
  'MENUNGGU_PENGESAHAN_AP/reject': ['DITOLAK', 'AP'],
  'MENUNGGU_PENGESAHAN_AP/withdraw': ['DIBATALKAN_PEMOHON', 'APPLICANT'],
  'PERLU_PEMBETULAN/resubmit': ['MENUNGGU_PENGESAHAN_AP', 'APPLICANT'],
  'PERLU_PEMBETULAN/withdraw': ['DIBATALKAN_PEMOHON', 'APPLICANT'],
  'DISAHKAN/revokeOld': ['MEMBATALKAN_LAMA', 'SYSTEM'],
  'MEMBATALKAN_LAMA/oldRevoked': ['DIHANTAR_KE_CA', 'SYSTEM'],
  'MEMBATALKAN_LAMA/caRefused': ['GAGAL', 'SYSTEM'],
  'DIHANTAR_KE_CA/issued': ['DIKELUARKAN', 'SYSTEM'],
  'DIHANTAR_KE_CA/caRefused': ['GAGAL', 'SYSTEM'],
};

describe('revocation lifecycle: every (status, event) pair', () => {
  for (const s of REVOCATION_STATUSES) {
    it(`from ${s}`, () => {
      for (const e of REVOCATION_EVENTS) {
        const want = REVOCATION_ALLOWED[`${s}/${e}`];
        expect(revocationTransition(s, e), `${s} --${e}-->`).to.deep.equal(want ? { to: want[0], by: want[1] } : undefined);
      }
    });
  }
});

describe('replacement lifecycle: every (status, event) pair', () => {
  for (const s of REPLACEMENT_STATUSES) {
    it(`from ${s}`, () => {
      for (const e of REPLACEMENT_EVENTS) {
        const want = REPLACEMENT_ALLOWED[`${s}/${e}`];
        expect(replacementTransition(s, e), `${s} --${e}-->`).to.deep.equal(want ? { to: want[0], by: want[1] } : undefined);
      }
    });
  }

  it('is complete only when both halves are done: every path to DIKELUARKAN passes a revocation', () => {
    // Walk every event sequence from DIHANTAR; any state reaching DIKELUARKAN must have seen oldRevoked.
    const seen = new Set<string>();
    const walk = (s: ReplacementStatus, revoked: boolean): void => {
      const key = `${s}/${revoked}`;
      if (seen.has(key)) return;
      seen.add(key);
      if (s === 'DIKELUARKAN') expect(revoked, 'issued without revoking the old certificate').to.equal(true);
      for (const e of REPLACEMENT_EVENTS) {
        const r = replacementTransition(s, e);
        if (r) walk(r.to, revoked || e === 'oldRevoked');
      }
    };
    walk('DIHANTAR', false);
    expect([...seen].some((k) => k.startsWith('DIKELUARKAN/'))).to.equal(true);
  });
});

describe('lifecycle by operation', () => {
  it('renewals use the application lifecycle, unchanged', () => {
    const pairs: [UserCertStatus, UserCertEvent][] = [
      ['DIHANTAR', 'route'],
      ['MENUNGGU_PENGESAHAN_AP', 'return'],
      ['DISAHKAN', 'sendToCa'],
      ['DIHANTAR_KE_CA', 'issued'],
    ];
    for (const [s, e] of pairs) expect(transitionOf('renew', s, e)).to.deep.equal(userCertTransition(s, e));
  });

  it('refuses events of another lifecycle', () => {
    expect(transitionOf('new', 'DIHANTAR', 'fastTrack')).to.equal(undefined);
    expect(transitionOf('renew', 'DIHANTAR', 'revokeUrgently')).to.equal(undefined);
    expect(transitionOf('revoke', 'MENUNGGU_PENGESAHAN_AP', 'return')).to.equal(undefined);
    expect(transitionOf('revoke', 'DIHANTAR_KE_CA', 'issued')).to.equal(undefined);
    expect(transitionOf('replace', 'DIHANTAR_KE_CA', 'revoked')).to.equal(undefined);
  });
});
