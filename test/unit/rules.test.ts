import { expect } from 'chai';
import { maskMyKad, maskMyKadInText, parseMyKad } from '../../domain/rules/mykad.js';
import { parseOfficialEmail, parsePhone, parsePlainText } from '../../domain/rules/contact.js';
import { checkImageUpload } from '../../domain/rules/files.js';
import { tinyPng } from '../support/bot.js';

const NOW = new Date('2026-11-27T00:00:00Z');

describe('MyKad rule', () => {
  const cases: [string, string | true][] = [
    ['900101-14-5678', true],
    ['900101 14 5678', true],
    ['900101145678', true],
    ['000229-10-1234', true], // 2000 was a leap year
    ['010229-10-1234', 'MYKAD_DATE'], // 2001 was not
    ['900230-14-5678', 'MYKAD_DATE'],
    ['901301-14-5678', 'MYKAD_DATE'],
    ['90010114567', 'MYKAD_FORMAT'],
    ['9001011456789', 'MYKAD_FORMAT'],
    ['90010A145678', 'MYKAD_FORMAT'],
    ['900101-00-5678', 'MYKAD_PLACE'],
    ['900101-17-5678', 'MYKAD_PLACE'],
    ['900101-20-5678', 'MYKAD_PLACE'],
    ['900101-70-5678', 'MYKAD_PLACE'],
    ['900101-66-5678', true], // born in Singapore
    ['900101-16-5678', true], // WP Putrajaya
    ['150101-14-5678', 'MYKAD_AGE'], // 11 years old
    ['400101-14-5678', 'MYKAD_AGE'], // 86 years old
  ];
  for (const [input, want] of cases) {
    it(`${input} → ${want === true ? 'accepted' : want}`, () => {
      const r = parseMyKad(input, NOW);
      if (want === true) expect(r).to.deep.include({ ok: true });
      else expect(r).to.deep.equal({ ok: false, error: want, params: undefined });
    });
  }

  it('reads the century from a working age: 05 is 2005, 95 is 1995', () => {
    const a = parseMyKad('050101-14-5678', NOW);
    const b = parseMyKad('950101-14-5678', NOW);
    expect(a.ok && a.value.birthDate.getUTCFullYear()).to.equal(2005);
    expect(b.ok && b.value.birthDate.getUTCFullYear()).to.equal(1995);
  });

  it('masks numbers, alone and inside text with or without dashes', () => {
    expect(maskMyKad('900101145678')).to.equal('9001******78');
    expect(maskMyKadInText('IC 900101-14-5678 dan 850505105432.')).to.equal('IC 9001******78 dan 8505******32.');
    expect(maskMyKadInText('phone 0123456789 stays')).to.equal('phone 0123456789 stays');
    expect(maskMyKadInText('serial 12345678901234567890 stays')).to.equal('serial 12345678901234567890 stays');
  });
});

describe('official e-mail rule', () => {
  const domains = ['gov.my'];
  it('accepts gov.my and its subdomains, lower-cased', () => {
    expect(parseOfficialEmail(' Aminah@MOH.gov.my ', domains)).to.deep.equal({ ok: true, value: 'aminah@moh.gov.my' });
    expect(parseOfficialEmail('x@gov.my', domains).ok).to.equal(true);
  });
  it('refuses webmail, other domains and look-alikes', () => {
    expect(parseOfficialEmail('a@gmail.com', domains)).to.deep.include({ ok: false, error: 'EMAIL_WEBMAIL' });
    expect(parseOfficialEmail('a@yahoo.com.my', domains)).to.deep.include({ ok: false, error: 'EMAIL_WEBMAIL' });
    expect(parseOfficialEmail('a@company.com.my', domains)).to.deep.include({ ok: false, error: 'EMAIL_DOMAIN' });
    expect(parseOfficialEmail('a@evilgov.my', domains)).to.deep.include({ ok: false, error: 'EMAIL_DOMAIN' });
    expect(parseOfficialEmail('not-an-email', domains)).to.deep.include({ ok: false, error: 'EMAIL_FORMAT' });
  });
  it('takes more allowed domains from configuration', () => {
    expect(parseOfficialEmail('a@um.edu.my', ['gov.my', 'edu.my']).ok).to.equal(true);
  });
});

describe('phone and plain text rules', () => {
  it('normalises Malaysian numbers', () => {
    expect(parsePhone('012-345 6789')).to.deep.equal({ ok: true, value: '0123456789' });
    expect(parsePhone('+60 3-8888 1234')).to.deep.equal({ ok: true, value: '0388881234' });
    expect(parsePhone('12345').ok).to.equal(false);
  });
  it('bounds names and refuses markup', () => {
    expect(parsePlainText("  Siti  Nur'aini  ", { min: 3, max: 120 })).to.deep.equal({ ok: true, value: "Siti Nur'aini" });
    expect(parsePlainText('<script>', { min: 3, max: 120 })).to.deep.include({ ok: false, error: 'TEXT_CHARS' });
    expect(parsePlainText('ab', { min: 3, max: 120 })).to.deep.include({ ok: false, error: 'TEXT_LENGTH' });
  });
});

describe('image upload rule', () => {
  it('knows images by content, not by name', () => {
    expect(checkImageUpload(tinyPng())).to.deep.equal({ ok: true, value: 'image/png' });
    // JPEG magic bytes with no frame header are not an image (test/unit/image-header.test.ts has real JPEGs).
    expect(checkImageUpload(Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 0]))).to.deep.include({ ok: false, error: 'FILE_IMAGE_CORRUPT' });
    expect(checkImageUpload(Buffer.from('%PDF-1.4'))).to.deep.include({ ok: false, error: 'FILE_TYPE' });
    expect(checkImageUpload(Buffer.alloc(0))).to.deep.include({ ok: false, error: 'FILE_EMPTY' });
    expect(checkImageUpload(Buffer.concat([tinyPng(), Buffer.alloc(2 * 1024 * 1024)]))).to.deep.include({
      ok: false,
      error: 'FILE_TOO_LARGE',
    });
  });
});
