/**
 * uuencode (`uuencode(1)`, old mail and Usenet attachments, Python's `binascii.b2a_uu`): after a
 * `begin <mode> <name>` line, each line is a length character (32 + bytes on the line) and then
 * the bytes, six bits per character from 32 (a zero is written as a backtick or a space). Lines
 * are read on until one does not fit the format (the closing backtick line, `end`, or text), and
 * their bytes are concatenated, so a value cut across lines is read whole.
 *
 * Keyed on the `begin` line: any other text costs one indexOf. A line holds at most 63 bytes (the
 * length character's range), so a hostile line costs no more than its own length.
 */
import { emitText } from './binary.js';
import { Builder, type View, type ViewOptions } from './view.js';

/** `begin 644 name` (any octal mode, any name) ending its line. */
const BEGIN = /begin(?:-base64)? [0-7]{3,4} [^\r\n]*\r?\n/y;

/** The six-bit value of a uuencoded character (space and backtick are 0), or -1 outside the range. */
function sixBits(c: number): number {
  return c >= 32 && c <= 96 ? (c - 32) & 63 : -1;
}

export function uuencodeView(v: View, o: ViewOptions): View | null {
  const t = v.text;
  let at = t.indexOf('begin ');
  if (at < 0) return null;
  let b: Builder | null = null;
  for (; at >= 0; at = t.indexOf('begin ', at + 1)) {
    BEGIN.lastIndex = at;
    const header = BEGIN.exec(t);
    // base64 after `begin-base64` is the base64 view's.
    if (!header || header[0].startsWith('begin-')) continue;
    const body = decodeLines(t, at + header[0].length);
    if (body.n >= o.minWindow) emitText((b ??= new Builder(v)), body.bytes, body.bs, body.be, o.minWindow, body.n);
    body.bytes.fill(0);
    at = Math.max(at, body.end - 1);
  }
  return b ? b.build('uuencode') : null;
}

/** The bytes of the uuencoded lines from `from` on, each mapped to the characters it is made of, and where reading stopped. */
function decodeLines(t: string, from: number): { bytes: Uint8Array; bs: Int32Array; be: Int32Array; n: number; end: number } {
  const bytes: number[] = [];
  const bs: number[] = [];
  const be: number[] = [];
  let line = from;
  while (line < t.length) {
    let eol = t.indexOf('\n', line);
    if (eol < 0) eol = t.length;
    const end = eol > line && t.charCodeAt(eol - 1) === 13 ? eol - 1 : eol;
    const count = sixBits(t.charCodeAt(line));
    // A line of zero bytes (the closing backtick) or one that is not this format ends the body.
    if (count <= 0 || !readLine(t, line + 1, end, count, bytes, bs, be)) break;
    line = eol + 1;
  }
  return { bytes: Uint8Array.from(bytes), bs: Int32Array.from(bs), be: Int32Array.from(be), n: bytes.length, end: line };
}

/**
 * Appends the `count` bytes of characters [from, end) of one line; false (nothing appended) when
 * the line is too short for them or holds a character outside the format. Encoders that strip
 * trailing blanks leave a line short by the zeros they stood for: those are read as zeros.
 */
function readLine(t: string, from: number, end: number, count: number, bytes: number[], bs: number[], be: number[]): boolean {
  const need = Math.ceil(count / 3) * 4;
  if (end - from < need - 3 || end - from > need + 2) return false;
  for (let k = from; k < end; k++) if (sixBits(t.charCodeAt(k)) < 0) return false;
  const six = (k: number) => (k < end ? sixBits(t.charCodeAt(k)) : 0);
  for (let j = 0; j < count; j++) {
    const g = from + Math.floor(j / 3) * 4;
    const r = j % 3;
    const hi = six(g + r);
    const lo = six(g + r + 1);
    bytes.push(((hi << (2 + 2 * r)) | (lo >> (4 - 2 * r))) & 0xff);
    bs.push(Math.min(g + r, end - 1));
    be.push(Math.min(g + r + 2, end));
  }
  return true;
}
