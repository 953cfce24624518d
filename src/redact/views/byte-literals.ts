/**
 * Byte literals as source code, debuggers and assemblers write them (./bytelist's `literal`
 * reading): each element of a list is a number in any common radix notation, read for its value
 * whatever the notation:
 * - a cast before it: `(byte)0x73`, `(byte) -61`, `(uint8_t)115`, `(unsigned char)115`;
 * - a sign: `-61` (a signed byte, −128…−1, is the byte 256 + v);
 * - a radix prefix: `0x` `0X` `\x` (hex), `0o` `0O` (octal), `0b` `0B` (binary), VB's `&H` `&O` `&B`,
 *   Lisp's `#x` `#o` `#b`, a C string's octal escape `\163`;
 * - a radix suffix: assembler `73h` `0FFh` (hex), `163o` `163q` (octal), `01110011b` (binary: a `b`
 *   after binary digits only, since `b` is a hex digit too);
 * - an integer type suffix: Rust `115u8` `0x73_u8` `-61i8`, F# `115uy` `115y`, C `115U` `115UL`,
 *   Java `115L`, JavaScript `115n`;
 * - C's leading zero: `0163` is octal.
 * An element whose notation says nothing (`115`, `0x73`) is read as the decimal and hex readings
 * read it; a stretch of elements is kept only when one of them carries a marker (a cast, a prefix
 * or suffix those readings do not read, a C octal of four digits), so this reading adds nothing to
 * plain lists. Every element maps back to all of its characters, cast and suffix included.
 *
 * No imports: ./byte-tokens asks this module whether a sample sits in a list of literals.
 */

const isDigit = (c: number) => c >= 48 && c <= 57;
const isAlnum = (c: number) => isDigit(c) || ((c | 0x20) >= 97 && (c | 0x20) <= 122);
/** A digit's value in radix 16 (99 when it is none). */
const digitValue = (c: number) => (isDigit(c) ? c - 48 : (c | 0x20) >= 97 && (c | 0x20) <= 102 ? (c | 0x20) - 87 : 99);
const isBlank = (c: number) => c === 32 || c === 9 || c === 10 || c === 13;

/** Characters a literal starts with: a digit, a hex letter (`C3h`), a cast's `(`, a sign, `&H`, `#x`, `\163`. */
const START = new Uint8Array(128);
for (const c of '0123456789abcdefABCDEF(-&#\\') START[c.charCodeAt(0)] = 1;

/** The element literalAt read last: its byte, its [s, e), and whether its notation is marked. */
export const LIT = { v: 0, s: 0, e: 0, marked: false };

/** Longest cast, parentheses included (`(unsigned char)`, `(const uint8_t)`). */
const MAX_CAST = 32;
/** Most digits of one element, leading zeros included (`0b01110011`, `0x0073`). */
const MAX_DIGITS = 16;
/** Integer type suffixes (lowercased), after the digits or after a `_`. */
const TYPE_SUFFIXES = new Set(['u8', 'i8', 'u16', 'i16', 'u32', 'i32', 'u64', 'i64', 'usize', 'isize', 'uy', 'y', 'u', 'l', 'ul', 'lu', 'll', 'ull', 'llu', 's', 'us', 'n', 'un', 'z', 'uz']);
const MAX_SUFFIX = 5;

/** Where a cast `(name)` at `i` and the blanks after it end, or -1. */
function castEnd(t: string, i: number): number {
  let j = i + 1;
  if (t.charCodeAt(j) === 32) j++;
  const c = t.charCodeAt(j);
  if (!((c | 0x20) >= 97 && (c | 0x20) <= 122) && c !== 95) return -1;
  const to = Math.min(t.length, i + MAX_CAST);
  for (; j < to; j++) {
    const d = t.charCodeAt(j);
    if (d === 41) break;
    if (!isAlnum(d) && d !== 95 && d !== 32) return -1;
  }
  if (t.charCodeAt(j) !== 41) return -1;
  j++;
  for (let k = 0; k < 2 && (t.charCodeAt(j) === 32 || t.charCodeAt(j) === 9); k++) j++;
  return j;
}

/** Where a type suffix at `q` ends (`q` when there is none and the token ends there), or -1. */
function suffixEnd(t: string, q: number): number {
  if (!isAlnum(t.charCodeAt(q)) && !(t.charCodeAt(q) === 95 && isAlnum(t.charCodeAt(q + 1)))) return q;
  const j = t.charCodeAt(q) === 95 ? q + 1 : q;
  let r = j;
  while (r - j <= MAX_SUFFIX && isAlnum(t.charCodeAt(r))) r++;
  return r - j <= MAX_SUFFIX && TYPE_SUFFIXES.has(t.slice(j, r).toLowerCase()) ? r : -1;
}

/** Value of the digits [d, q) in `radix`, or -1 when one is not a digit of it or the value is over 255. */
function valueOf(t: string, d: number, q: number, radix: number): number {
  if (q <= d || q - d > MAX_DIGITS) return -1;
  let v = 0;
  for (let k = d; k < q; k++) {
    const x = digitValue(t.charCodeAt(k));
    if (x >= radix) return -1;
    v = v * radix + x;
    if (v > 255) return -1;
  }
  return v;
}

/** End of the digits of `radix` from `d` (at most MAX_DIGITS + 1 read). */
function digitsEnd(t: string, d: number, radix: number, max = MAX_DIGITS + 1): number {
  let q = d;
  while (q - d < max && digitValue(t.charCodeAt(q)) < radix) q++;
  return q;
}

/**
 * Whether a byte literal starts at `i` (a cast, a sign, a prefix or a digit, not inside a word;
 * an escape `\` may follow anything); if so LIT holds it. Reads at most MAX_CAST + MAX_DIGITS +
 * MAX_SUFFIX + a few characters.
 */
export function literalAt(t: string, i: number): boolean {
  const first = t.charCodeAt(i);
  // Every literal starts with a START character (below): the rest of the text is turned down on one read.
  if (first >= 128 || !START[first]) return false;
  if (first !== 92 && i > 0 && isAlnum(t.charCodeAt(i - 1))) return false;
  let k = i;
  if (first === 40) {
    k = castEnd(t, i);
    if (k < 0) return false;
  }
  const negative = t.charCodeAt(k) === 45;
  if (negative) k++;
  // `0B6h` is hex with a suffix, not a binary prefix without binary digits.
  if (!numberAt(t, k, negative, false) && !(t.charCodeAt(k) === 48 && (t.charCodeAt(k + 1) | 0x20) === 98 && numberAt(t, k, negative, true))) return false;
  if (negative) {
    if (LIT.v < 1 || LIT.v > 128) return false;
    LIT.v = 256 - LIT.v;
  }
  LIT.s = i;
  LIT.marked ||= first === 40;
  return true;
}

/** Whether a number (prefix, digits, suffixes) starts at `k`, read as bare digits when `bare`; sets LIT's v, e and marked. */
function numberAt(t: string, k: number, negative: boolean, bare: boolean): boolean {
  const c0 = t.charCodeAt(k);
  const c1 = t.charCodeAt(k + 1) | 0x20;
  const escape = c0 === 92 && !negative;
  let radix = 0;
  let d = k + 2;
  let q: number;
  let radixSuffix = false;
  let marked = false;
  if (bare) radix = 0;
  else if (c0 === 48 && c1 === 120) radix = 16;
  else if (c0 === 48 && (c1 === 111 || c1 === 98)) radix = c1 === 111 ? 8 : 2;
  else if ((c0 === 38 && (c1 === 104 || c1 === 111 || c1 === 98)) || (c0 === 35 && (c1 === 120 || c1 === 111 || c1 === 98))) radix = c1 === 111 ? 8 : c1 === 98 ? 2 : 16;
  else if (escape && c1 === 120) radix = 16;
  if (radix) {
    q = digitsEnd(t, d, radix);
    marked = !(c1 === 120 && (c0 === 48 || escape)); // `0x` and `\x` are the hex reading's
  } else if (escape) {
    // A C string's octal escape: one to three octal digits.
    radix = 8;
    d = k + 1;
    q = digitsEnd(t, d, 8, 3);
    marked = true;
  } else {
    d = k;
    const h = digitsEnd(t, k, 16);
    const after = t.charCodeAt(h) | 0x20;
    if (after === 104 && !isAlnum(t.charCodeAt(h + 1)) && (isDigit(c0) || h - k >= 2)) {
      // Assembler hex: 73h, 0FFh (and C3h, which assemblers spell 0C3h).
      radix = 16;
      q = h;
      radixSuffix = marked = true;
    } else if (!isDigit(c0)) return false;
    else if ((after === 111 || after === 113) && !isAlnum(t.charCodeAt(h + 1))) {
      // Assembler octal: 163o, 163q.
      radix = 8;
      q = h;
      radixSuffix = marked = true;
    } else if ((t.charCodeAt(h - 1) | 0x20) === 98 && h - 1 > k && !isAlnum(t.charCodeAt(h)) && digitsEnd(t, k, 2) === h - 1) {
      // Assembler binary: 01110011b (a `b` after binary digits only).
      radix = 2;
      q = h - 1;
      radixSuffix = true;
      marked = h - 1 - k >= 6;
    } else {
      q = digitsEnd(t, k, 10);
      // C: a leading zero makes it octal.
      radix = c0 === 48 && q - k >= 2 && digitsEnd(t, k, 8) === q ? 8 : 10;
      marked = radix === 8 && q - k >= 4;
    }
  }
  const v = valueOf(t, d, q, radix);
  if (v < 0) return false;
  let e = q;
  if (radixSuffix) e = q + 1;
  else if (escape) {
    if (isAlnum(t.charCodeAt(q))) return false;
  } else {
    e = suffixEnd(t, q);
    if (e < 0) return false;
    marked ||= e > q;
  }
  LIT.v = v;
  LIT.e = e;
  LIT.marked = marked;
  return true;
}

/** Longest word that starts a line of literals (an assembler's `db`, `.byte`, `DCB`), skipped. */
const MAX_LINE_WORD = 8;

/**
 * Where the literals after a word at `k` start, when the word begins its line (after blanks and a
 * `.`), is at most MAX_LINE_WORD letters and is followed by blanks and a literal (`        db 73h`
 * on every line); else -1.
 */
export function lineWordEnd(t: string, k: number): number {
  let b = k - 1;
  if (t.charCodeAt(b) === 46) b--;
  while (b >= 0 && (t.charCodeAt(b) === 32 || t.charCodeAt(b) === 9)) b--;
  if (b >= 0 && t.charCodeAt(b) !== 10) return -1;
  let j = k;
  while (j - k <= MAX_LINE_WORD && ((t.charCodeAt(j) | 0x20) >= 97 && (t.charCodeAt(j) | 0x20) <= 122)) j++;
  if (j === k || j - k > MAX_LINE_WORD || (t.charCodeAt(j) !== 32 && t.charCodeAt(j) !== 9)) return -1;
  for (const to = j + MAX_LINE_WORD; j < to && (t.charCodeAt(j) === 32 || t.charCodeAt(j) === 9); ) j++;
  if (!literalAt(t, j)) return -1;
  // Joined across a word the other readings stop at: new text, as a marked literal is.
  LIT.marked = true;
  return j;
}

/** Longest separator between two literals: other characters, and blanks (one item per line, indented). */
export const MAX_LITERAL_SEP = 4;
export const MAX_LITERAL_BLANKS = 48;

/**
 * Whether a literal follows the one ending at `e` past a separator of at most `max` characters
 * that are not blanks (and MAX_LITERAL_BLANKS blanks) and a word that starts a line; if so LIT holds it.
 */
function literalAfter(t: string, e: number, max: number): boolean {
  let other = 0;
  let blanks = 0;
  for (let k = e; k < t.length; k++) {
    if (literalAt(t, k)) return true;
    const c = t.charCodeAt(k);
    if (isAlnum(c)) return lineWordEnd(t, k) >= 0;
    if (isBlank(c) ? ++blanks > MAX_LITERAL_BLANKS : ++other > max) return false;
  }
  return false;
}

/**
 * Whether three literals, two of them marked (as ./list-readings readLiterals keeps), follow each
 * other from a literal that starts in [p, p + reach): what a sample of a list of literals finds. Reads at most reach characters and
 * three literals with their separators.
 */
export function literalListNear(t: string, p: number, reach: number): boolean {
  const to = Math.min(t.length, p + reach);
  // Three literals nearly always hold a digit (`&HFF, &HAB, &HCD` do not, but a list of a value's
  // bytes holds digits in its other triples): prose without one near p costs one read a character.
  if (!digitIn(t, p, Math.min(t.length, to + MAX_CAST))) return false;
  for (let k = p; k < to; k++) {
    const c = t.charCodeAt(k);
    if (c >= 128 || !START[c] || !literalAt(t, k)) continue;
    let marked = LIT.marked ? 1 : 0;
    const firstEnd = LIT.e;
    let count = 1;
    for (; count < 3 && literalAfter(t, LIT.e, 2 * MAX_LITERAL_SEP); count++) if (LIT.marked) marked++;
    if (count === 3 && marked >= 2) return true;
    k = firstEnd - 1;
  }
  return false;
}

/**
 * While ./bytelist samples one text (begin/endDigitSearch): no digit in [from, end), and at === end
 * is a digit (-1: not known). Its samples move a stride at a time and each looked MAX_CAST past its
 * reach, so prose without digits was read three times over; now once. Indexes only, no text.
 */
const seen = { on: false, from: 0, end: 0, at: -1 };
export const beginDigitSearch = () => void Object.assign(seen, { on: true, from: 0, end: 0, at: -1 });
export const endDigitSearch = () => void (seen.on = false);

/** Whether a digit is in t[p, to). */
function digitIn(t: string, p: number, to: number): boolean {
  if (seen.on && seen.from <= p) {
    if (seen.at >= 0) {
      if (seen.at >= p) return seen.at < to;
    } else if (p <= seen.end) {
      let d = seen.end;
      while (d < to && !isDigit(t.charCodeAt(d))) d++;
      if (d > seen.end) seen.end = d;
      if (d < to) seen.at = d;
      return d < to;
    }
  }
  let d = p;
  while (d < to && !isDigit(t.charCodeAt(d))) d++;
  if (seen.on) {
    seen.from = p;
    seen.end = d;
    seen.at = d < to ? d : -1;
  }
  return d < to;
}

/** Whether the line [s, e) holds one to three literals and separators only (the last items of a list printed one per line). */
export function fewLiteralsLine(t: string, s: number, e: number): boolean {
  if (e <= s || e - s > 96) return false;
  let count = 0;
  for (let k = s; k < e; ) {
    if ((literalAt(t, k) || (isAlnum(t.charCodeAt(k)) && lineWordEnd(t, k) >= 0)) && LIT.e <= e) {
      if (++count > 3) return false;
      k = LIT.e;
    } else if (isAlnum(t.charCodeAt(k))) return false;
    else k++;
  }
  return count > 0;
}
