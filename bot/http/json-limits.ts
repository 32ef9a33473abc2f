/**
 * Limits on the JSON the bot reads from the network. V8 parses deep nesting, but what comes after
 * (JSON.stringify, masking, botbuilder's cloning) recurses and overflows the stack around 5,000
 * levels; a real activity nests about ten. The depth is measured on the text before it is parsed,
 * in one pass that allocates nothing, so a 512 KB body of `[` costs microseconds.
 */

/** The deepest nesting of arrays and objects accepted: several times what any channel sends. */
export const MAX_JSON_DEPTH = 64;

const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/**
 * True when `text` opens more than `max` arrays or objects inside one another. Brackets inside
 * strings do not count. A Buffer is scanned as UTF-8 bytes: no byte of a multi-byte character is
 * ASCII, so the bytes that matter are the same as in the decoded text. Invalid JSON is measured
 * all the same; the parser refuses it afterwards.
 */
export function jsonDepthExceeds(text: string | Uint8Array, max: number = MAX_JSON_DEPTH): boolean {
  const at: (i: number) => number = typeof text === 'string' ? (i) => text.charCodeAt(i) : (i) => text[i];
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = at(i);
    if (inString) {
      if (c === BACKSLASH) i++;
      else if (c === QUOTE) inString = false;
    } else if (c === QUOTE) {
      inString = true;
    } else if (c === OPEN_ARRAY || c === OPEN_OBJECT) {
      if (++depth > max) return true;
    } else if (c === CLOSE_ARRAY || c === CLOSE_OBJECT) {
      depth--;
    }
  }
  return false;
}

export type JsonLimitedResult = { ok: true; value: unknown } | { ok: false; code: 'JSON_TOO_DEEP' | 'JSON_INVALID' };

/**
 * JSON.parse for text from the network (e.g. the `activity` part of a Direct Line upload): a
 * result, never a throw, and nothing nested deeper than `max` gets through.
 */
export function parseJsonLimited(text: string | Uint8Array, max: number = MAX_JSON_DEPTH): JsonLimitedResult {
  if (jsonDepthExceeds(text, max)) return { ok: false, code: 'JSON_TOO_DEEP' };
  try {
    return { ok: true, value: JSON.parse(typeof text === 'string' ? text : new TextDecoder().decode(text)) as unknown };
  } catch {
    return { ok: false, code: 'JSON_INVALID' };
  }
}
