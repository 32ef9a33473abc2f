import { expect } from 'chai';
import { jsonDepthExceeds, MAX_JSON_DEPTH, parseJsonLimited } from '../../bot/http/json-limits.js';

const nested = (depth: number, open = '[', close = ']') => `${open.repeat(depth)}${close.repeat(depth)}`;

/** bot/json-limits.ts: the depth of JSON text measured before parsing, brackets in strings ignored. */
describe('JSON limits', () => {
  it('accepts nesting up to the limit and refuses one level more, for arrays and objects alike', () => {
    expect(jsonDepthExceeds(nested(MAX_JSON_DEPTH))).to.equal(false);
    expect(jsonDepthExceeds(nested(MAX_JSON_DEPTH + 1))).to.equal(true);
    const objects = (depth: number) => `${'{"a":'.repeat(depth - 1)}{}${'}'.repeat(depth - 1)}`;
    expect(jsonDepthExceeds(objects(MAX_JSON_DEPTH))).to.equal(false);
    expect(jsonDepthExceeds(objects(MAX_JSON_DEPTH + 1))).to.equal(true);
    expect(jsonDepthExceeds('{"a":[1,{"b":[]}]}', 4)).to.equal(false);
    expect(jsonDepthExceeds('{"a":[1,{"b":[]}]}', 3)).to.equal(true);
  });

  it('measures depth, not the number of brackets: siblings do not add up', () => {
    const wide = `[${Array.from({ length: 10_000 }, () => '[[]]').join(',')}]`;
    expect(jsonDepthExceeds(wide, 3)).to.equal(false);
    expect(jsonDepthExceeds(wide, 2)).to.equal(true);
  });

  it('ignores brackets inside strings, escaped quotes included', () => {
    const text = JSON.stringify({ text: '['.repeat(1000), quoted: `say "${'{'.repeat(500)}"`, slash: '\\', after: '[[[' });
    expect(jsonDepthExceeds(text, 1)).to.equal(false);
    expect(jsonDepthExceeds(`["\\\\", ${nested(3)}]`, 3)).to.equal(true);
    expect(jsonDepthExceeds(`["\\"[[[[", 1]`, 1)).to.equal(false);
  });

  it('reads a Buffer as UTF-8 bytes, with multi-byte characters around the brackets', () => {
    const text = JSON.stringify({ nama: 'Zainab binti Yusof 👩‍💼', catatan: 'ujian «[[[»', v: [[['é']]] });
    expect(jsonDepthExceeds(Buffer.from(text, 'utf8'), 4)).to.equal(false);
    expect(jsonDepthExceeds(Buffer.from(text, 'utf8'), 3)).to.equal(true);
  });

  it('measures 100,000 levels in one pass without overflowing the stack', () => {
    const started = performance.now();
    expect(jsonDepthExceeds(nested(100_000))).to.equal(true);
    expect(jsonDepthExceeds(Buffer.from(nested(100_000)))).to.equal(true);
    expect(performance.now() - started).to.be.below(500);
  });

  it('parses what is within the limit and says why it refused the rest, never throwing', () => {
    expect(parseJsonLimited('{"type":"message","value":{"a":[1,2]}}')).to.deep.equal({
      ok: true,
      value: { type: 'message', value: { a: [1, 2] } },
    });
    expect(parseJsonLimited(Buffer.from('{"nama":"Siti"}'))).to.deep.equal({ ok: true, value: { nama: 'Siti' } });
    expect(parseJsonLimited(nested(5_000))).to.deep.equal({ ok: false, code: 'JSON_TOO_DEEP' });
    expect(parseJsonLimited('{not json')).to.deep.equal({ ok: false, code: 'JSON_INVALID' });
    expect(parseJsonLimited('')).to.deep.equal({ ok: false, code: 'JSON_INVALID' });
    expect(parseJsonLimited('[[1]]', 1)).to.deep.equal({ ok: false, code: 'JSON_TOO_DEEP' });
  });
});
