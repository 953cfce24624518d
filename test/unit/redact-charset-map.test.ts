// Byte maps of decoded text (src/redact/charset-map.ts): a hit found in one reading of a body's
// bytes is redacted in the shown reading through them, so each map must cover: every character
// decoded from bytes [b0, b1) is inside charsOf(b0, b1), and bytesOf(s, e) holds the bytes of
// characters [s, e). Checked on random bytes (every error path of each decoder) and on text.
import { describe, expect, it } from 'vitest';
import { byteMap, utf8Starts } from '../../src/redact/charset-map.js';

/** Deterministic bytes (a linear congruential generator), weighted to the bytes decoders treat specially. */
function randomBytes(seed: number, n: number): Uint8Array {
  const special = [0x1b, 0x24, 0x28, 0x42, 0x40, 0x80, 0x81, 0x8e, 0x8f, 0x9f, 0xa0, 0xa1, 0xbf, 0xc2, 0xdf, 0xe0, 0xed, 0xef, 0xf0, 0xf4, 0xfe, 0xff, 0x30, 0x39, 0x0a, 0x23];
  let x = seed;
  const next = () => (x = (Math.imul(x, 1103515245) + 12345) >>> 0) >>> 8;
  return Uint8Array.from({ length: n }, () => (next() % 2 ? special[next() % special.length]! : next() % 256));
}

/** Units a streaming decode has emitted once bytes[0, b) were read (null: Node's streaming decode threw). */
function emitted(enc: string, bytes: Uint8Array, b: number): number | null {
  try {
    return new TextDecoder(enc).decode(bytes.subarray(0, b), { stream: true }).length;
  } catch {
    return null;
  }
}

const EXACT = new Set(['utf-8', 'utf-16le', 'utf-16be', 'windows-1252', 'iso-8859-5', 'koi8-r']);
const CHARSETS = ['utf-8', 'utf-16le', 'utf-16be', 'windows-1252', 'iso-8859-5', 'koi8-r', 'shift_jis', 'euc-jp', 'iso-2022-jp', 'gbk', 'gb18030', 'big5', 'euc-kr'];

describe('byte maps cover what was decoded from the bytes', () => {
  for (const enc of CHARSETS) {
    it(enc, () => {
      for (let seed = 1; seed <= 150; seed++) {
        const bytes = randomBytes(seed, (seed * 7) % 300);
        const text = new TextDecoder(enc).decode(bytes);
        const map = byteMap(enc, bytes, text);
        for (let k = 0; k < 6 && bytes.length > 1; k++) {
          const b0 = (seed * 31 + k * 17) % (bytes.length - 1);
          const b1 = Math.min(bytes.length, b0 + 1 + ((seed + k) % 24));
          const [c0, c1] = map.charsOf(b0, b1);
          expect(c0 <= c1 && c1 <= text.length).toBe(true);
          // Characters emitted before b0 was read hold no byte of [b0, b1): a map by chunks starts
          // at or before the first one emitted after (an exact map may start later: a U+FFFD
          // emitted when b0 is read is of the bytes before it); every map holds every character
          // complete once b1 was read.
          const before = emitted(enc, bytes, b0);
          const through = emitted(enc, bytes, b1);
          if (before !== null && !EXACT.has(enc)) expect(c0).toBeLessThanOrEqual(before);
          if (through !== null) expect(c1).toBeGreaterThanOrEqual(through);
          const [y0, y1] = map.bytesOf(c0, c1);
          expect(y0 <= b0 && b1 <= y1).toBe(true);
        }
      }
    });
  }

  it('UTF-8 unit starts follow the WHATWG decoder (maximal subparts, BOM, surrogate pairs)', () => {
    for (let seed = 1; seed <= 400; seed++) {
      const bytes = randomBytes(seed, seed % 64);
      if (seed % 9 === 0 && bytes.length > 3) bytes.set([0xef, 0xbb, 0xbf]);
      const text = new TextDecoder('utf-8').decode(bytes);
      const starts = utf8Starts(bytes, text.length);
      expect(starts).not.toBeNull();
      for (let i = 0; i < text.length; i++) {
        let j = i + 1;
        while (j < text.length && starts![j] === starts![i]) j++;
        expect(new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes.subarray(starts![i], starts![j]))).toBe(text.slice(i, j));
        i = j - 1;
      }
    }
  });

  it('exact maps for UTF-8, UTF-16 and single-byte text', () => {
    const text = 'Grüße 𝔘 €';
    const u8 = Buffer.from(text);
    const at = u8.indexOf('€');
    expect(byteMap('utf-8', u8, text).charsOf(at, at + 3)).toEqual([text.indexOf('€'), text.length]);
    const u16 = Buffer.from(text, 'utf16le');
    // A byte of the low half of a surrogate pair covers both halves.
    const pair = text.indexOf('𝔘');
    expect(byteMap('utf-16le', u16, text).charsOf(2 * pair + 2, 2 * pair + 3)).toEqual([pair, pair + 2]);
    const latin = Buffer.from('caf\xe9 \x80', 'latin1');
    expect(byteMap('windows-1252', latin, 'café €').charsOf(3, 4)).toEqual([3, 4]);
  });
});
