/**
 * Tokens of byte lists (./bytelist): character classes, hex groups and decimal bytes, and the
 * sampling that finds a list without reading every character of a text.
 */
import { literalListNear } from './byte-literals.js';

/** Character classes (ASCII): hex digit, decimal digit, letter or digit. */
export const HEXD = 1;
export const DIGIT = 2;
export const ALNUM = 4;
export const CLASS = new Uint8Array(128);
for (let c = 48; c <= 57; c++) CLASS[c] = HEXD | DIGIT | ALNUM;
for (let c = 65; c <= 90; c++) CLASS[c] = ALNUM | (c <= 70 ? HEXD : 0);
for (let c = 97; c <= 122; c++) CLASS[c] = ALNUM | (c <= 102 ? HEXD : 0);
export const cls = (c: number) => (c < 128 ? CLASS[c]! : 0);
export const hexValue = (c: number) => (c <= 57 ? c - 48 : (c | 0x20) - 87);

/**
 * Sampling period. W bytes of text take at least 29 characters as a list (xxd's `736b 5f6c`, 2.5 a
 * byte; `73 6b` and `32,` take 3), and any sample in all but its last three tokens finds it.
 */
export const SAMPLE = 16;
/** Longest separator between list tokens on one line (`", "`, `, 0x` is a separator and a prefix). */
export const MAX_SEP = 4;
/** Longest hex group (xxd -g 8 writes 16 digits). */
export const MAX_HEX_GROUP = 16;

/** End of the letter-or-digit run at `i`. */
export function runEnd(t: string, i: number, to: number): number {
  while (i < to && cls(t.charCodeAt(i)) & ALNUM) i++;
  return i;
}

/** Start of a token's digits once a `0x` / `\x` prefix is skipped. */
export function digitsStart(t: string, s: number, e: number): number {
  const c0 = t.charCodeAt(s);
  const c1 = t.charCodeAt(s + 1);
  if (e - s > 2 && c0 === 48 && (c1 | 0x20) === 120) return s + 2;
  if (e - s > 1 && (c0 | 0x20) === 120 && s > 0 && t.charCodeAt(s - 1) === 92) return s + 1;
  return s;
}

/** Whether [s, e) is a hex group of whole bytes. */
export function hexToken(t: string, s: number, e: number): boolean {
  const d = digitsStart(t, s, e);
  const len = e - d;
  if (len < 2 || len > MAX_HEX_GROUP || len & 1) return false;
  for (let i = d; i < e; i++) if (!(cls(t.charCodeAt(i)) & HEXD)) return false;
  return true;
}

/** Value of a decimal byte token [s, e) (a `-` just before it makes it signed), or -1. */
export function decimalByte(t: string, s: number, e: number): number {
  if (e - s > 3) return -1;
  let v = 0;
  for (let i = s; i < e; i++) {
    const c = t.charCodeAt(i);
    if (!(cls(c) & DIGIT)) return -1;
    v = v * 10 + c - 48;
  }
  const negative = s > 0 && t.charCodeAt(s - 1) === 45 && !(s > 1 && cls(t.charCodeAt(s - 2)) & ALNUM);
  if (negative) return v >= 1 && v <= 128 ? 256 - v : -1;
  return v <= 255 ? v : -1;
}

/** Whether a `U+` (or `u+`) code point prefix starts at `i` (`U+0073 U+006B`): skipped like `0x`. */
export const codePointPrefix = (t: string, i: number) => (t.charCodeAt(i) | 0x20) === 117 && t.charCodeAt(i + 1) === 43;

/** Value of an eight-digit binary byte token [s, e) (`01110011`), or -1. */
export function bitsByte(t: string, s: number, e: number): number {
  if (e - s !== 8) return -1;
  let v = 0;
  for (let i = s; i < e; i++) {
    const d = t.charCodeAt(i) - 48;
    if (d !== 0 && d !== 1) return -1;
    v = v * 2 + d;
  }
  return v;
}

/** Value of a three-digit octal byte token [s, e) (`od -b`), or -1. */
export function octalByte(t: string, s: number, e: number): number {
  if (e - s !== 3) return -1;
  let v = 0;
  for (let i = s; i < e; i++) {
    const d = t.charCodeAt(i) - 48;
    if (d < 0 || d > 7) return -1;
    v = v * 8 + d;
  }
  return v <= 255 ? v : -1;
}

/** Blanks a separator may hold besides its other characters: one item per line, indented (`JSON.stringify(buf, null, 4)`). */
const MAX_BLANKS = 48;

/**
 * Where the run after the separator at `i` starts: past at most `max` characters that are not blanks
 * and MAX_BLANKS blanks (spaces, tabs, line breaks); where it stopped, when it is longer.
 */
function pastSeparator(t: string, i: number, max: number): number {
  const n = t.length;
  let other = 0;
  let blanks = 0;
  for (; i < n && !(cls(t.charCodeAt(i)) & ALNUM); i++) {
    const c = t.charCodeAt(i);
    if (c === 32 || c === 9 || c === 10 || c === 13) {
      if (++blanks > MAX_BLANKS) break;
    } else if (++other > max + 1) break;
  }
  return i;
}

/** Whether three tokens of one kind (hex, decimal or octal) follow each other from the run at or after `p`. */
export function listAt(t: string, p: number): boolean {
  const n = t.length;
  let i = p;
  // Back to the start of the run `p` is in, or on to the next run (a separator was sampled).
  while (i > 0 && cls(t.charCodeAt(i - 1)) & ALNUM && p - i <= MAX_HEX_GROUP) i--;
  i = pastSeparator(t, i, MAX_SEP);
  // The three runs first, each short and starting with a digit (or x for `\x`): JSON's
  // `"id":12,"name"` fails at "n" without a token being parsed.
  const runs = [0, 0, 0, 0, 0, 0];
  for (let k = 0; k < 3; k++) {
    if (codePointPrefix(t, i)) i += 2;
    const c = i < n ? t.charCodeAt(i) : 0;
    if (!(cls(c) & HEXD) && (c | 0x20) !== 120) return false;
    // Letters past the `x` of a prefix are hex digits in a list: a word or an id fails here.
    let e = i + 1;
    // Read no further than a token can be long: a run of a million digits is read once per sample otherwise.
    for (; e < n && cls(t.charCodeAt(e)) & ALNUM; e++) {
      if (!(cls(t.charCodeAt(e)) & HEXD) && !(e === i + 1 && (t.charCodeAt(e) | 0x20) === 120)) return false;
      if (e - i > MAX_HEX_GROUP + 2) return false;
    }
    runs[2 * k] = i;
    runs[2 * k + 1] = e;
    i = pastSeparator(t, e, 2 * MAX_SEP);
  }
  let hex = 0;
  let dec = 0;
  let oct = 0;
  for (let k = 0; k < 3; k++) {
    if (hexToken(t, runs[2 * k]!, runs[2 * k + 1]!)) hex++;
    if (decimalByte(t, runs[2 * k]!, runs[2 * k + 1]!) >= 0) dec++;
    if (octalByte(t, runs[2 * k]!, runs[2 * k + 1]!) >= 0) oct++;
  }
  return hex === 3 || dec === 3 || oct === 3;
}

/**
 * Whether a list can sit at `p`: a hex digit, or a separator beside one. Most characters of text
 * are other letters, rejected on one read.
 */
function mayBeListAt(t: string, p: number): boolean {
  const c = t.charCodeAt(p);
  if (c >= 128) return false;
  const k = CLASS[c]!;
  const before = cls(t.charCodeAt(p - 1));
  const after = cls(t.charCodeAt(p + 1));
  // Inside a token both neighbours are hex digits or separators ("item" fails at its "t").
  if (k & ALNUM) return !(!(k & HEXD) || (before & ALNUM && !(before & HEXD)) || (after & ALNUM && !(after & HEXD)));
  return !!(after & HEXD || before & HEXD);
}

/**
 * Where, in the stride of SAMPLE characters from `p`, a list starts to show (-1: nowhere). The
 * whole stride is looked at, not its first character: a list printed one item per line whose line
 * length divides the stride ("    97,\n" is 8) would otherwise be sampled on its indentation
 * every time and never found. listAt runs once per stride at most, at its first candidate.
 */
export function listSampleIn(t: string, p: number): number {
  const to = Math.min(t.length, p + SAMPLE);
  // Byte literals with a cast, a suffix or another radix (./byte-literals) from the first one after it.
  for (let q = p; q < to; q++) if (mayBeListAt(t, q)) return listAt(t, q) || literalListNear(t, q, SAMPLE) ? q : -1;
  return -1;
}
/**
 * Digits one of which a list of W text bytes holds: a dump's offsets and `0x` have a 0; an ASCII
 * byte written in hex or decimal avoids all five only if it is one of ` !"#$%*+,-./12345:;<=>?`
 * `ABCDEJKLMNOQRSTUZ[\]^_` (hex) or ` !"#)*+,-34567opqrsyz{|}` (decimal), and UTF-8 bytes above
 * 0x7F mostly start with 8 or 9 or hold a 6–9; a value with W characters of entropy is not made of
 * those alone (one that is, is not decoded from a bare list without offsets or `0x`). indexOf of an absent digit runs at
 * memory speed, so text without them (prose, many JSON bodies) is never sampled.
 */
export const LIST_DIGITS = ['0', '6', '7', '8', '9'];

/** Whether some sample of `t` sits in a list (what mayDecode asks before any view is built). */
export function mayHoldByteList(t: string): boolean {
  if (!LIST_DIGITS.some((d) => t.includes(d))) return false;
  for (let p = 0; p < t.length; p += SAMPLE) if (listSampleIn(t, p) >= 0) return true;
  return false;
}

