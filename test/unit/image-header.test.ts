import { deflateSync } from 'node:zlib';
import { expect } from 'chai';
import { readImageHeader } from '../../domain/rules/image-header.js';
import { acceptableImageType, checkImageUpload } from '../../domain/rules/files.js';
import { encodePng } from '../../manifest/png.js';

// --- PNG, chunk by chunk (the CRC as the spec defines it, computed here independently) ---

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc(buf: Buffer): number {
  let c = 0xffffffff;
  for (const b of buf) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
function chunk(type: string, data: Buffer): Buffer {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const td = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const c = Buffer.alloc(4);
  c.writeUInt32BE(crc(td));
  return Buffer.concat([len, td, c]);
}
const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
function ihdr(width: number, height: number, depth = 8, colour = 0): Buffer {
  const d = Buffer.alloc(13);
  d.writeUInt32BE(width, 0);
  d.writeUInt32BE(height, 4);
  d.set([depth, colour, 0, 0, 0], 8);
  return chunk('IHDR', d);
}
/** A PNG whose IHDR claims `width`×`height` over a small IDAT (what a decompression bomb looks like up front). */
function claimedPng(width: number, height: number): Buffer {
  return Buffer.concat([
    SIGNATURE,
    ihdr(width, height),
    chunk('IDAT', deflateSync(Buffer.alloc(64 * 1024))),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}
/** A complete, decodable grey PNG. */
const realPng = (width: number, height: number) => encodePng({ width, height, rgba: new Uint8Array(width * height * 4).fill(128) });

// --- JPEG, segment by segment (ITU T.81 B.1) ---

function segment(marker: number, payload: Buffer | number[]): Buffer {
  const body = Buffer.from(payload);
  const head = Buffer.from([0xff, marker, 0, 0]);
  head.writeUInt16BE(body.length + 2, 2);
  return Buffer.concat([head, body]);
}
const SOI = Buffer.from([0xff, 0xd8]);
const EOI = Buffer.from([0xff, 0xd9]);
const app0 = segment(0xe0, [...Buffer.from('JFIF\0'), 1, 1, 0, 0, 1, 0, 1, 0, 0]);
const app1 = segment(0xe1, [...Buffer.from('Exif\0\0'), ...new Array<number>(40).fill(0)]);
const com = segment(0xfe, Buffer.from('made in the test'));
const dqt = segment(0xdb, [0, ...new Array<number>(64).fill(1)]);
/** One DC table (class 0) and one AC table (class 1), each with one 1-bit code: symbol 0 (DC difference 0; EOB). */
const dht = segment(0xc4, [0x00, 1, ...new Array<number>(15).fill(0), 0x00, 0x10, 1, ...new Array<number>(15).fill(0), 0x00]);
/** A frame header: precision 8, height, width, one component (id 1, sampling 1×1, quantisation table 0). */
function sof(marker: number, width: number, height: number): Buffer {
  const p = Buffer.alloc(9);
  p[0] = 8;
  p.writeUInt16BE(height, 1);
  p.writeUInt16BE(width, 3);
  p.set([1, 1, 0x11, 0], 5);
  return segment(marker, p);
}
const sos = segment(0xda, [1, 1, 0x00, 0, 63, 0]);
/**
 * A baseline grey JPEG of `width`×`height`: every 8×8 block is "DC difference 0, end of block",
 * two 1-bit codes each, so the scan is (blocks × 2) zero bits.
 */
function jpeg(width: number, height: number, opts: { frame?: number; before?: Buffer[] } = {}): Buffer {
  const blocks = Math.ceil(width / 8) * Math.ceil(height / 8);
  const scan = Buffer.alloc(Math.ceil((blocks * 2) / 8));
  return Buffer.concat([SOI, ...(opts.before ?? [app0]), dqt, sof(opts.frame ?? 0xc0, width, height), dht, sos, scan, EOI]);
}

/** A JPEG whose frame claims `width`×`height` over a short scan. */
const claimedJpeg = (width: number, height: number) =>
  Buffer.concat([SOI, app0, dqt, sof(0xc0, width, height), dht, sos, Buffer.alloc(1024), EOI]);

describe('image header rule (PNG IHDR, JPEG SOFn)', () => {
  describe('PNG', () => {
    it('reads the size of a real PNG from its IHDR', () => {
      expect(readImageHeader(realPng(32, 20))).to.deep.equal({ type: 'image/png', width: 32, height: 20 });
      expect(checkImageUpload(realPng(32, 32))).to.deep.equal({ ok: true, value: 'image/png' });
    });

    it('refuses the 65 KB PNG that claims 60000×60000, and sizes outside the bounds, with FILE_IMAGE_DIMENSIONS', () => {
      const bomb = claimedPng(60_000, 60_000);
      expect(bomb.length).to.be.below(70 * 1024);
      expect(readImageHeader(bomb)).to.deep.equal({ type: 'image/png', width: 60_000, height: 60_000 });
      expect(checkImageUpload(bomb)).to.deep.equal({
        ok: false,
        error: 'FILE_IMAGE_DIMENSIONS',
        params: { width: 60_000, height: 60_000 },
      });
      expect(acceptableImageType(bomb), 'not served as an image').to.equal(undefined);
      const verdict = (w: number, h: number) => {
        const r = checkImageUpload(claimedPng(w, h));
        return r.ok ? 'ok' : r.error;
      };
      expect(verdict(10_000, 4_000), '10000 on a side and exactly 40 MP').to.equal('ok');
      expect(verdict(10_001, 100), 'a side over 10000').to.equal('FILE_IMAGE_DIMENSIONS');
      expect(verdict(100, 10_001), 'a side over 10000').to.equal('FILE_IMAGE_DIMENSIONS');
      expect(verdict(10_000, 4_001), 'over 40 megapixels').to.equal('FILE_IMAGE_DIMENSIONS');
      expect(verdict(16, 16), 'the smallest accepted').to.equal('ok');
      expect(verdict(15, 500), 'under 16 on a side').to.equal('FILE_IMAGE_DIMENSIONS');
      expect(checkImageUpload(realPng(1, 1)), 'a real 1×1 PNG').to.deep.include({ ok: false, error: 'FILE_IMAGE_DIMENSIONS' });
    });

    it('refuses a truncated header, an IHDR that is not first, a wrong CRC or invalid fields as FILE_IMAGE_CORRUPT', () => {
      const good = realPng(32, 32);
      for (const cut of [8, 16, 20, 24, 32]) {
        expect(readImageHeader(good.subarray(0, cut)), `cut at ${cut}`).to.equal(undefined);
        expect(checkImageUpload(good.subarray(0, cut)), `cut at ${cut}`).to.deep.include({ ok: false, error: 'FILE_IMAGE_CORRUPT' });
      }
      expect(readImageHeader(good.subarray(0, 33)), 'the IHDR chunk whole is enough').to.deep.include({ width: 32, height: 32 });

      const textFirst = Buffer.concat([
        SIGNATURE,
        chunk('tEXt', Buffer.from('Comment\0hello')),
        ihdr(32, 32),
        chunk('IEND', Buffer.alloc(0)),
      ]);
      expect(readImageHeader(textFirst), 'IHDR not first').to.equal(undefined);

      const badCrc = Buffer.from(good);
      badCrc[32] ^= 0xff;
      expect(readImageHeader(badCrc), 'IHDR CRC').to.equal(undefined);
      const lyingSize = Buffer.from(good);
      lyingSize.writeUInt32BE(60_000, 16); // the size changed after the CRC was computed
      expect(readImageHeader(lyingSize), 'size edited without the CRC').to.equal(undefined);

      const withIhdr = (h: Buffer) => Buffer.concat([SIGNATURE, h, chunk('IEND', Buffer.alloc(0))]);
      expect(readImageHeader(withIhdr(ihdr(32, 32, 8, 0))), 'grey 8-bit').to.deep.include({ width: 32 });
      expect(readImageHeader(withIhdr(ihdr(32, 32, 3, 0))), 'bit depth 3').to.equal(undefined);
      expect(readImageHeader(withIhdr(ihdr(32, 32, 1, 2))), 'RGB at 1 bit').to.equal(undefined);
      expect(readImageHeader(withIhdr(ihdr(32, 32, 8, 5))), 'colour type 5').to.equal(undefined);
      expect(readImageHeader(withIhdr(ihdr(0, 32))), 'zero width').to.equal(undefined);
    });
  });

  describe('JPEG', () => {
    it('reads height then width from a baseline SOF0 that follows APP, COM and DQT segments', () => {
      const j = jpeg(40, 24, { before: [app0, app1, com] });
      expect(readImageHeader(j)).to.deep.equal({ type: 'image/jpeg', width: 40, height: 24 });
      expect(checkImageUpload(j)).to.deep.equal({ ok: true, value: 'image/jpeg' });
    });

    it('reads a progressive frame (SOF2) and the other SOF kinds, and skips DHT, which shares their range', () => {
      expect(readImageHeader(jpeg(64, 48, { frame: 0xc2, before: [app0, app1] }))).to.deep.equal({
        type: 'image/jpeg',
        width: 64,
        height: 48,
      });
      expect(readImageHeader(jpeg(33, 17, { frame: 0xc1 }))).to.deep.include({ width: 33, height: 17 });
      // DHT (C4) before the frame: its payload is not a size.
      const dhtFirst = Buffer.concat([SOI, dht, dqt, sof(0xc0, 20, 30), sos, Buffer.alloc(4), EOI]);
      expect(readImageHeader(dhtFirst)).to.deep.include({ width: 20, height: 30 });
      // 0xFF fill bytes may precede a marker.
      const filled = Buffer.concat([SOI, app0, Buffer.from([0xff, 0xff]), sof(0xc0, 32, 32), sos, EOI]);
      expect(readImageHeader(filled)).to.deep.include({ width: 32, height: 32 });
    });

    it('refuses sizes outside the bounds with FILE_IMAGE_DIMENSIONS', () => {
      expect(checkImageUpload(claimedJpeg(60_000, 60_000))).to.deep.equal({
        ok: false,
        error: 'FILE_IMAGE_DIMENSIONS',
        params: { width: 60_000, height: 60_000 },
      });
      expect(checkImageUpload(jpeg(8, 8))).to.deep.include({ ok: false, error: 'FILE_IMAGE_DIMENSIONS' });
    });

    it('refuses magic bytes alone, a truncated segment, a scan before any frame and a height left to DNL', () => {
      expect(checkImageUpload(Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 0]))).to.deep.include({ ok: false, error: 'FILE_IMAGE_CORRUPT' });
      const whole = jpeg(40, 24, { before: [app0, app1] });
      const sofAt = whole.indexOf(Buffer.from([0xff, 0xc0]));
      for (const cut of [4, 10, SOI.length + app0.length + 5, sofAt + 3, sofAt + 7, sofAt + 10]) {
        expect(readImageHeader(whole.subarray(0, cut)), `cut at ${cut}`).to.equal(undefined);
      }
      expect(readImageHeader(whole.subarray(0, sofAt + 2 + 2 + 9)), 'the frame header whole is enough').to.deep.include({
        width: 40,
        height: 24,
      });
      expect(readImageHeader(Buffer.concat([SOI, app0, dqt, dht, sos, Buffer.alloc(4), EOI])), 'no frame before the scan').to.equal(
        undefined,
      );
      expect(readImageHeader(Buffer.concat([SOI, app0, EOI])), 'ends before a frame').to.equal(undefined);
      expect(readImageHeader(jpeg(40, 0)), 'height 0 (DNL)').to.equal(undefined);
      const junk = Buffer.concat([SOI, app0, Buffer.from([0x12, 0x34]), sof(0xc0, 32, 32)]);
      expect(readImageHeader(junk), 'bytes between segments that are no marker').to.equal(undefined);
    });
  });
});
