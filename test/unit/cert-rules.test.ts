import { expect } from 'chai';
import { effectiveStatus, type CertificateRecord } from '../../domain/certificates.js';
import { checkDownloadPassword } from '../../domain/rules/download-password.js';
import { checkRenewalWindow } from '../../domain/rules/renewal.js';
import { isNotAReplacement, replacementAnswersFor, replacementReason } from '../../domain/rules/replacement.js';
import { choicesFor, REASON_OF_CHOICE, revocationPath } from '../../domain/rules/revocation.js';
import { reminderDue } from '../../domain/usecases/expiry.js';

const DAY = 86_400_000;
const now = new Date('2027-06-01T00:00:00.000Z');
const cert = (patch: Partial<CertificateRecord> = {}): CertificateRecord => ({
  serial: '0a',
  ownerId: 'p',
  caseId: 'UC-2026-000001',
  profile: 'user',
  subjectCommonName: 'A',
  certPem: '',
  notBefore: '2025-06-01T00:00:00.000Z',
  notAfter: new Date(now.getTime() + 20 * DAY).toISOString(),
  status: 'AKTIF',
  ...patch,
});

describe('renewal window (DOMAIN.md 2.2)', () => {
  it('opens 30 days before expiry and says when', () => {
    expect(checkRenewalWindow(cert(), now, 30)).to.deep.equal({ ok: true, value: { daysLeft: 20 } });
    const early = checkRenewalWindow(cert({ notAfter: new Date(now.getTime() + 45 * DAY).toISOString() }), now, 30);
    expect(early).to.deep.include({ ok: false, error: 'TOO_EARLY' });
    expect(!early.ok && early.params?.opensOn).to.equal(new Date(now.getTime() + 15 * DAY).toISOString());
    expect(checkRenewalWindow(cert({ notAfter: new Date(now.getTime() + 45 * DAY).toISOString() }), now, 60).ok).to.equal(true);
  });

  it('refuses expired, revoked and already renewed certificates', () => {
    expect(checkRenewalWindow(cert({ notAfter: new Date(now.getTime() - DAY).toISOString() }), now, 30)).to.deep.include({
      ok: false,
      error: 'EXPIRED',
    });
    expect(
      checkRenewalWindow(cert({ status: 'DIBATALKAN', revocation: { reason: 'keyCompromise', at: now.toISOString() } }), now, 30),
    ).to.deep.include({ ok: false, error: 'REVOKED' });
    expect(checkRenewalWindow(cert({ successor: { serial: '0b', caseId: 'UC-2027-000001' } }), now, 30)).to.deep.include({
      ok: false,
      error: 'ALREADY_RENEWED',
    });
  });

  it('derives expiring and expired from the dates', () => {
    expect(effectiveStatus(cert(), now, 30)).to.equal('HAMPIR_LUPUT');
    expect(effectiveStatus(cert({ notAfter: new Date(now.getTime() + 90 * DAY).toISOString() }), now, 30)).to.equal('AKTIF');
    expect(effectiveStatus(cert({ notAfter: now.toISOString() }), now, 30)).to.equal('LUPUT');
    expect(effectiveStatus(cert({ status: 'DIBATALKAN' }), now, 30)).to.equal('DIBATALKAN');
  });
});

describe('revocation interview (DOMAIN.md 4.5)', () => {
  it('maps every answer to its RFC 5280 reason', () => {
    expect(REASON_OF_CHOICE).to.deep.equal({
      lostOrDisclosed: 'keyCompromise',
      changedDetails: 'affiliationChanged',
      replaced: 'superseded',
      noLongerNeeded: 'cessationOfOperation',
      accessWithdrawn: 'privilegeWithdrawn',
    });
  });

  it('offers "access withdrawn" to the AP only', () => {
    expect(choicesFor('OWNER')).to.not.include('accessWithdrawn');
    expect(choicesFor('AP')).to.include('accessWithdrawn');
  });

  it("fast-tracks only the owner's key compromise; an AP's request is its approval", () => {
    expect(revocationPath('keyCompromise', 'OWNER')).to.equal('immediate');
    expect(revocationPath('cessationOfOperation', 'OWNER')).to.equal('awaitingAp');
    expect(revocationPath('privilegeWithdrawn', 'AP')).to.equal('apApproves');
    expect(revocationPath('keyCompromise', 'AP')).to.equal('apApproves');
  });
});

describe('replacement triggers (DOMAIN.md 2.4)', () => {
  it('revokes lost, stolen or disclosed keys as keyCompromise and the rest as superseded', () => {
    expect(['lost', 'stolen', 'disclosed'].map((t) => replacementReason(t as 'lost'))).to.deep.equal([
      'keyCompromise',
      'keyCompromise',
      'keyCompromise',
    ]);
    expect(['damaged', 'faulty', 'forgotPassword', 'wrongDetails'].map((t) => replacementReason(t as 'lost'))).to.deep.equal([
      'superseded',
      'superseded',
      'superseded',
      'superseded',
    ]);
  });

  it('knows a blocked token and a forgotten PIN are not replacements, and training certificates are files', () => {
    expect(isNotAReplacement('blockedToken')).to.equal(true);
    expect(isNotAReplacement('forgotPin')).to.equal(true);
    expect(replacementAnswersFor('user')).to.include.members(['blockedToken', 'forgotPin', 'damaged']);
    expect(replacementAnswersFor('training')).to.deep.equal(['lost', 'disclosed', 'forgotPassword', 'wrongDetails']);
  });
});

describe('expiry reminders', () => {
  it('sends the nearest threshold at or above the days left, nothing once expired', () => {
    const t = [30, 14, 7];
    expect([31, 30, 29, 15, 14, 8, 7, 1, 0].map((d) => reminderDue(d, t))).to.deep.equal([undefined, 30, 30, 30, 14, 14, 7, 7, undefined]);
  });
});

describe('download password', () => {
  it('is chosen twice, at least 8 characters', () => {
    expect(checkDownloadPassword('pendek', 'pendek')).to.deep.include({ ok: false, error: 'PASSWORD_SHORT' });
    expect(checkDownloadPassword('panjang-sekali', 'panjang-sekalI')).to.deep.include({ ok: false, error: 'PASSWORD_MISMATCH' });
    expect(checkDownloadPassword('x'.repeat(129), 'x'.repeat(129))).to.deep.include({ ok: false, error: 'PASSWORD_LONG' });
    expect(checkDownloadPassword('panjang-sekali', 'panjang-sekali')).to.deep.equal({ ok: true, value: 'panjang-sekali' });
  });
});
