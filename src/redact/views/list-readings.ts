/**
 * The ways one block of list lines is read (./bytelist), which of them a block is written in
 * (reading every list every way made junk text that each decoder then read again: a dump of random
 * bytes spent its whole budget), and the stretch of bytes a reading collects.
 */
import { emitText } from './binary.js';
import { lineWordEnd, LIT, literalAt, MAX_LITERAL_BLANKS, MAX_LITERAL_SEP } from './byte-literals.js';
import { ALNUM, cls, decimalByte, DIGIT, runEnd } from './byte-tokens.js';
import { emitInflated, compressedMagic, inflateBytes } from './inflate.js';
import type { Builder } from './view.js';

/**
 * How a list's tokens are read: hex groups byte by byte (`73 6b`, xxd's `736b`), hex words of two
 * bytes little-endian (`od -x` and `hexdump` without -C print `6b73`), decimal bytes, three-digit
 * octal bytes (`od -b`, `od -t o1`), eight-digit binary bytes, or decimal bytes each after its index
 * (`indexed`: PHP `print_r`, a Python or Ruby dict, a Java map, a Lua table, `enumerate` lines, a
 * CSV of index and byte: the index counts up by one and is skipped like a dump's offset), or byte
 * literals in any radix notation, with casts and suffixes (`literal`: ./byte-literals, readLiterals).
 */
export type Reading = 'hex' | 'words' | 'decimal' | 'octal' | 'bits' | 'indexed' | 'literal';
export const READINGS: readonly Reading[] = ['hex', 'words', 'decimal', 'octal', 'bits', 'indexed', 'literal'];

/**
 * Where the block [a, e) is read from the way `reading` reads, or -1 when it is not written so:
 * little-endian words come from od and hexdump (a 7-digit offset, no colon, then 4-digit groups;
 * xxd's groups after `offset:` are in byte order), octal bytes are three octal digits each, and an
 * indexed list is read from its first index (a date or a count before it would put every later
 * index where a byte is read). Reading every list every way made junk text that each decoder then
 * read again (a dump of random bytes spent its whole budget).
 */
export function readingStart(t: string, a: number, e: number, reading: Reading): number {
  if (reading === 'hex' || reading === 'decimal' || reading === 'literal') return a;
  if (reading === 'indexed') {
    const at = countsFrom(t.slice(a, e));
    return at < 0 ? -1 : a + at;
  }
  const head = t.slice(a, Math.min(e, a + 240));
  return (reading === 'words' ? WORDS_ROW : reading === 'octal' ? OCTAL_ROW : BITS_ROW).test(head) ? a : -1;
}

/**
 * Where, among the first MAX_COUNTED numbers of `block` (dates or counts may come first), an index
 * counting up by one starts to alternate with a byte (`0: 115, 1: 107, 2: …`), or -1.
 */
function countsFrom(block: string): number {
  // The matches of /\d{1,9}/g, read by hand: a match object each was most of the time of a block of numbers.
  const at: number[] = [];
  const value: number[] = [];
  for (let i = 0; i < block.length && at.length < MAX_COUNTED; ) {
    let c = block.charCodeAt(i);
    if (c < 48 || c > 57) {
      i++;
      continue;
    }
    const s = i;
    let v = 0;
    do {
      v = v * 10 + c - 48;
      c = block.charCodeAt(++i);
    } while (i - s < 9 && c >= 48 && c <= 57);
    at.push(s);
    value.push(v);
  }
  for (let k = 0; k + 4 < at.length; k++) {
    if (value[k + 2] === value[k]! + 1 && value[k + 4] === value[k]! + 2 && value[k + 1]! <= 255 && value[k + 3]! <= 255) return at[k]!;
  }
  return -1;
}
const MAX_COUNTED = 4096;
const BITS_ROW = /(?:^|[^0-9A-Za-z])[01]{8}[ \t,]+[01]{8}[ \t,]+[01]{8}(?![0-9A-Za-z])/;
const WORDS_ROW = /(?:^|\n)[^\n]*?\b[0-9a-f]{7} +[0-9a-f]{4} [0-9a-f]{4}\b/i;
/** Three-digit octal bytes parted by blanks (`od -b`) or by a comma or semicolon (`['163', '153']`). */
const OCTAL_SEP = `(?:[ \\t]*[,;][ \\t'"]*|[ \\t]+)`;
const OCTAL_ROW = new RegExp(`(?:^|[^0-9A-Za-z])[0-3][0-7]{2}['"]?${OCTAL_SEP}[0-3][0-7]{2}['"]?${OCTAL_SEP}[0-3][0-7]{2}(?![0-9A-Za-z])`);


/**
 * Reads the lines [a, end) as byte literals (./byte-literals) into `b`. A word (but one that starts
 * a line of literals, `db`), or a separator of more than MAX_LITERAL_SEP characters besides blanks,
 * ends a stretch. A stretch with fewer than two marked literals is left to the other readings (it
 * is their text again, or a dump's ASCII column's `4Y` read as F#): a list of literals marks every
 * item, or (Java's casts) every byte of a character outside ASCII, two or more.
 */
export function readLiterals(t: string, a: number, end: number, b: Builder, min: number): void {
  const st = new Stretch();
  let marked = 0;
  let sep = 0;
  let blanks = 0;
  const flush = () => {
    if (marked >= 2) st.flush(b, min);
    else st.n = 0;
    marked = 0;
  };
  for (let i = a; i < end; ) {
    const c = t.charCodeAt(i);
    if ((literalAt(t, i) || (cls(c) & ALNUM && lineWordEnd(t, i) >= 0)) && LIT.e <= end) {
      if (sep > MAX_LITERAL_SEP || blanks > MAX_LITERAL_BLANKS) flush();
      st.push(LIT.v, LIT.s, LIT.e);
      if (LIT.marked) marked++;
      i = LIT.e;
      sep = blanks = 0;
      continue;
    }
    if (cls(c) & ALNUM || c === 0xffff) {
      // A word, or the break between two regions of a view (unrelated text).
      flush();
      i = c === 0xffff ? i + 1 : runEnd(t, i, end);
      sep = blanks = 0;
      continue;
    }
    if (c !== 32 && c !== 9 && c !== 10 && c !== 13) sep++;
    else blanks++;
    i++;
  }
  flush();
}

/**
 * Bytes of one stretch being read, each with its parent-relative [start, end). Small at first (a
 * typed array this small lives on V8's heap; 256 entries were three off-heap allocations for every
 * list read, and most lists are short), doubled as bytes come.
 */
export class Stretch {
  bytes = new Uint8Array(16);
  bs = new Int32Array(16);
  be = new Int32Array(16);
  n = 0;
  push(byte: number, s: number, e: number): void {
    if (this.n === this.bytes.length) {
      const grow = <T extends Uint8Array | Int32Array>(a: T): T => {
        const b = new (a.constructor as new (n: number) => T)(a.length * 2);
        b.set(a);
        return b;
      };
      this.bytes = grow(this.bytes);
      this.bs = grow(this.bs);
      this.be = grow(this.be);
    }
    this.bytes[this.n] = byte;
    this.bs[this.n] = s;
    this.be[this.n++] = e;
  }
  /** Emits the stretch's text (UTF-8; latin1 too when a byte is ≥ 0x80; inflated when compressed) and empties it. */
  flush(b: Builder, min: number): void {
    const { bytes, bs, be, n } = this;
    this.n = 0;
    if (n < min && !(n >= 4 && compressedMagic(bytes[0]!, bytes[1]!))) return;
    emitText(b, bytes, bs, be, min, n);
    let high = false;
    for (let k = 0; k < n && !high; k++) high = bytes[k]! >= 0x80;
    if (high && n >= min) {
      b.brk();
      b.emitUnits(Uint16Array.from(bytes.subarray(0, n)), bs, be, n);
    }
    if (compressedMagic(bytes[0]!, bytes[1]!)) {
      const out = inflateBytes(bytes.subarray(0, n));
      if (out) emitInflated(b, out, bs[0]!, be[n - 1]!, min);
    }
  }
}

/**
 * The indexed reading's tokens: an index (the first one any number, each next one more by one;
 * skipped), then a decimal byte, in turn. An index out of step starts a new stretch.
 */
export class Counting {
  next = -1;
  wantIndex = true;
  reset(): void {
    this.next = -1;
    this.wantIndex = true;
  }
  /** Reads the token [i, e); whether it was one of the list's. */
  take(t: string, i: number, e: number, st: Stretch, b: Builder, min: number): boolean {
    if (!this.wantIndex) {
      const v = decimalByte(t, i, e);
      if (v < 0) return false;
      st.push(v, v > 127 && t.charCodeAt(i - 1) === 45 ? i - 1 : i, e);
      this.wantIndex = true;
      return true;
    }
    if (e - i > 9) return false;
    for (let k = i; k < e; k++) if (!(cls(t.charCodeAt(k)) & DIGIT)) return false;
    const index = Number(t.slice(i, e));
    if (index !== this.next) st.flush(b, min);
    this.next = index + 1;
    this.wantIndex = false;
    return true;
  }
}

