import { expect } from 'chai';
import { userCertTransition, type UserCertEvent, type UserCertStatus } from '../../domain/cases/user-certificate.js';

const STATUSES: UserCertStatus[] = [
  'DIHANTAR',
  'MENUNGGU_PENGESAHAN_AP',
  'PERLU_PEMBETULAN',
  'DISAHKAN',
  'DIHANTAR_KE_CA',
  'DIKELUARKAN',
  'DITOLAK',
  'DIBATALKAN_PEMOHON',
  'GAGAL',
];
const EVENTS: UserCertEvent[] = ['route', 'return', 'resubmit', 'approve', 'reject', 'withdraw', 'sendToCa', 'issued', 'caRefused'];

/** Every allowed (status, event) pair with its target and actor; everything else is refused. */
const ALLOWED: Record<string, [UserCertStatus, string]> = {
  'DIHANTAR/route': ['MENUNGGU_PENGESAHAN_AP', 'SYSTEM'],
  'MENUNGGU_PENGESAHAN_AP/return': ['PERLU_PEMBETULAN', 'AP'],
  'MENUNGGU_PENGESAHAN_AP/approve': ['DISAHKAN', 'AP'],
  'MENUNGGU_PENGESAHAN_AP/reject': ['DITOLAK', 'AP'],
  'PERLU_PEMBETULAN/resubmit': ['MENUNGGU_PENGESAHAN_AP', 'APPLICANT'],
  'DIHANTAR/withdraw': ['DIBATALKAN_PEMOHON', 'APPLICANT'],
  'MENUNGGU_PENGESAHAN_AP/withdraw': ['DIBATALKAN_PEMOHON', 'APPLICANT'],
  'PERLU_PEMBETULAN/withdraw': ['DIBATALKAN_PEMOHON', 'APPLICANT'],
  'DISAHKAN/sendToCa': ['DIHANTAR_KE_CA', 'SYSTEM'],
  'DIHANTAR_KE_CA/issued': ['DIKELUARKAN', 'SYSTEM'],
  'DIHANTAR_KE_CA/caRefused': ['GAGAL', 'SYSTEM'],
};

describe('user-certificate lifecycle', () => {
  for (const s of STATUSES) {
    for (const e of EVENTS) {
      const want = ALLOWED[`${s}/${e}`];
      it(`${s} --${e}--> ${want ? want[0] : 'refused'}`, () => {
        const r = userCertTransition(s, e);
        if (want) expect(r).to.deep.equal({ to: want[0], by: want[1] });
        else expect(r).to.equal(undefined);
      });
    }
  }
});
