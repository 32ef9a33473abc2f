import { expect } from 'chai';
import { SERVER_EVENTS, SERVER_STATUSES, serverTransition, type ServerOperation } from '../../domain/cases/server-certificate.js';

/** Every (operation, status, event) pair of server cases: the allowed ones, and that nothing else is. */
describe('server-certificate lifecycle', () => {
  const allowed: Record<ServerOperation, string[]> = {
    new: [
      'DIHANTAR route MENUNGGU_CSR SYSTEM',
      'MENUNGGU_CSR csrAccepted MENUNGGU_PENGESAHAN TECH',
      'MENUNGGU_PENGESAHAN endorse MENUNGGU_KELULUSAN_PENERAJU VERIFIER',
      'MENUNGGU_PENGESAHAN return MENUNGGU_CSR VERIFIER',
      'MENUNGGU_PENGESAHAN reject DITOLAK VERIFIER',
      'MENUNGGU_KELULUSAN_PENERAJU approve DIHANTAR_KE_CA LEAD',
      'MENUNGGU_KELULUSAN_PENERAJU reject DITOLAK LEAD',
      'DIHANTAR_KE_CA issued DIKELUARKAN SYSTEM',
      'DIHANTAR_KE_CA caRefused GAGAL SYSTEM',
    ],
    renew: [],
    revoke: [
      'DIHANTAR route MENUNGGU_PENGESAHAN SYSTEM',
      'DIHANTAR fastTrack DIHANTAR_KE_CA REQUESTER',
      'MENUNGGU_PENGESAHAN endorse DIHANTAR_KE_CA VERIFIER',
      'MENUNGGU_PENGESAHAN reject DITOLAK VERIFIER',
      'DIHANTAR_KE_CA revoked SIJIL_DIBATALKAN SYSTEM',
      'DIHANTAR_KE_CA caRefused GAGAL SYSTEM',
    ],
  };
  allowed.renew = allowed.new;

  for (const op of ['new', 'renew', 'revoke'] as const) {
    it(`${op}: exactly the listed transitions are allowed, each by its officer`, () => {
      const actual: string[] = [];
      for (const from of SERVER_STATUSES) {
        for (const event of SERVER_EVENTS) {
          const rule = serverTransition(op, from, event);
          if (rule) actual.push(`${from} ${event} ${rule.to} ${rule.by}`);
        }
      }
      expect(actual.sort()).to.deep.equal([...allowed[op]].sort());
    });
  }

  it('never lets a verifying officer return a revocation or the lead agency endorse', () => {
    expect(serverTransition('revoke', 'MENUNGGU_PENGESAHAN', 'return')).to.equal(undefined);
    expect(serverTransition('new', 'MENUNGGU_KELULUSAN_PENERAJU', 'endorse')).to.equal(undefined);
    expect(serverTransition('new', 'DIHANTAR', 'fastTrack')).to.equal(undefined);
  });
});
