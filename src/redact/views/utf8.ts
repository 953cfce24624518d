/** UTF-8 decoding of bytes with position maps, shared by the binary decoders. */
import { BREAK } from './view.js';

/**
 * Bytes (each with a parent-relative [start, end)) decoded as UTF-8; a byte that does not start a
 * valid sequence becomes the latin1 character of the same number, so nothing is dropped.
 */
export function utf8(bytes: ArrayLike<number>, bs: ArrayLike<number>, be: ArrayLike<number>, strict = false, n = bytes.length): { text: string; s: number[]; e: number[] } {
  const out: number[] = [];
  const s: number[] = [];
  const e: number[] = [];
  for (let i = 0; i < n; ) {
    const len = utf8SequenceAt(bytes, i, n);
    const cp = sequenceCodePoint;
    const st = bs[i]!;
    const en = be[i + len - 1]!;
    if (strict && len === 1 && cp >= 0x80) {
      // Not text: random bytes (a wrong alignment, a binary blob) end the stretch here.
      out.push(BREAK);
      s.push(-1);
      e.push(-1);
      i += 1;
      continue;
    }
    if (cp > 0xffff) {
      const c = cp - 0x10000;
      out.push(0xd800 + (c >> 10), 0xdc00 + (c & 0x3ff));
      s.push(st, st);
      e.push(en, en);
    } else {
      out.push(cp);
      s.push(st);
      e.push(en);
    }
    i += len;
  }
  let text = '';
  for (let k = 0; k < out.length; k += 4096) text += String.fromCharCode(...out.slice(k, k + 4096));
  return { text, s, e };
}

/** The code point of the sequence utf8SequenceAt last read (a module variable: no object per byte). */
export let sequenceCodePoint = 0;

/**
 * Length of the well-formed UTF-8 sequence at `i` (its code point in sequenceCodePoint), or 1 with
 * the byte itself as the code point when none starts there (a byte ≥ 0x80 is then not text).
 */
export function utf8SequenceAt(bytes: ArrayLike<number>, i: number, n: number): number {
  const b0 = bytes[i]!;
  sequenceCodePoint = b0;
  if (b0 < 0xc2 || b0 > 0xf4) return 1;
  const need = b0 < 0xe0 ? 2 : b0 < 0xf0 ? 3 : 4;
  if (i + need > n) return 1;
  let v = b0 & (need === 2 ? 0x1f : need === 3 ? 0x0f : 0x07);
  for (let k = 1; k < need; k++) {
    const b = bytes[i + k]!;
    if ((b & 0xc0) !== 0x80) return 1;
    v = (v << 6) | (b & 0x3f);
  }
  if ((need === 3 && v < 0x800) || (need === 4 && (v < 0x10000 || v > 0x10ffff))) return 1;
  sequenceCodePoint = v;
  return need;
}

