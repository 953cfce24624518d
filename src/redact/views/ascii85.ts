/**
 * Ascii85 (Adobe's ASCII85Decode in PDF streams and PostScript, `btoa`, Python's `a85encode`):
 * each four bytes written as five characters from `!` (0) to `u` (84), big-endian; `z` stands for
 * four zero bytes; blanks and line breaks inside are ignored; a final group of k characters holds
 * k − 1 bytes.
 *
 * Found by its delimiters: `<~` opens a body (PostScript, `a85encode(adobe=True)`) and `~>` closes
 * one (a PDF stream may omit the opening). Where the start is not marked, it is walked back to
 * from `~>` and may take in text before the data (`stream`, whose letters are in the alphabet),
 * so the characters are read at each of the five alignments, as base64 runs are at each of four,
 * and emitText keeps only what reads as text. Any other text costs two indexOf calls.
 */
import { emitText } from './binary.js';
import { Builder, type View, type ViewOptions } from './view.js';

/** Longest body read backwards from a `~>` with no `<~` (a PDF stream's data is one such body). */
const MAX_UNMARKED = 1 << 20;

const isDigit85 = (c: number): boolean => c >= 33 && c <= 117;
const isBlank = (c: number): boolean => c === 32 || c === 9 || c === 13 || c === 10 || c === 12 || c === 0;

export function ascii85View(v: View, o: ViewOptions): View | null {
  const t = v.text;
  const open = t.indexOf('<~');
  const close = t.indexOf('~>');
  if (open < 0 && close < 0) return null;
  let b: Builder | null = null;
  let readTo = 0; // text before this was read as some body already
  for (let i = Math.min(open < 0 ? Infinity : open, close < 0 ? Infinity : close); i >= 0 && i < t.length; ) {
    let from: number;
    let to: number;
    let marked: boolean;
    if (t.startsWith('<~', i)) {
      from = i + 2;
      to = from;
      while (to < t.length && (isDigit85(t.charCodeAt(to)) || t.charCodeAt(to) === 122 || isBlank(t.charCodeAt(to)))) to++;
      marked = true;
    } else {
      to = i;
      from = to;
      while (from > readTo && to - from < MAX_UNMARKED && (isDigit85(t.charCodeAt(from - 1)) || t.charCodeAt(from - 1) === 122 || isBlank(t.charCodeAt(from - 1)))) from--;
      marked = false;
    }
    const chars = digitsOf(t, from, to);
    if (chars.length * 0.8 >= o.minWindow) {
      // A marked body starts at a group; an unmarked one may start anywhere before its data.
      for (let align = 0; align < (marked ? 1 : 5); align++) decodeAt((b ??= new Builder(v)), t, chars, align, o.minWindow);
    }
    readTo = Math.max(readTo, to);
    i = nextMark(t, Math.max(i + 2, to));
  }
  return b ? b.build('ascii85') : null;
}

/** The next `<~` or `~>` at or after `from`, or -1. */
function nextMark(t: string, from: number): number {
  const a = t.indexOf('<~', from);
  const c = t.indexOf('~>', from);
  return a < 0 ? c : c < 0 ? a : Math.min(a, c);
}

/** Parent indexes of the body's characters in [from, to), blanks left out. */
function digitsOf(t: string, from: number, to: number): number[] {
  const out: number[] = [];
  for (let k = from; k < to; k++) if (!isBlank(t.charCodeAt(k))) out.push(k);
  return out;
}

/**
 * Decodes characters `chars[align…]` into bytes, each byte mapped to its group's characters, and
 * emits the text in them. `z` at a group's start is four zero bytes; anywhere else, and a group
 * past 2³² − 1, is not Ascii85 at this alignment.
 */
function decodeAt(b: Builder, t: string, chars: number[], align: number, minWindow: number): void {
  // Four bytes per five characters, and four more for each `z` (one character).
  let zs = 0;
  for (const k of chars) if (t.charCodeAt(k) === 122) zs++;
  const size = chars.length + 3 * zs;
  const bytes = new Uint8Array(size);
  const bs = new Int32Array(size);
  const be = new Int32Array(size);
  let n = 0;
  for (let g = align; g < chars.length; ) {
    const first = chars[g]!;
    if (t.charCodeAt(first) === 122) {
      for (let k = 0; k < 4 && n < size; k++, n++) (bytes[n] = 0), (bs[n] = first), (be[n] = first + 1);
      g++;
      continue;
    }
    const k = Math.min(5, chars.length - g);
    if (k < 2) break;
    let value = 0;
    let ok = true;
    for (let j = 0; j < 5; j++) {
      const c = j < k ? t.charCodeAt(chars[g + j]!) : 117;
      if (!isDigit85(c)) ok = false;
      value = value * 85 + (c - 33);
    }
    if (!ok || value > 0xffffffff) {
      // Not a group at this alignment (text before the data): skipped whole, so the alignment
      // holds for the data after it; a zero byte keeps the text on either side apart.
      if (n < size) (bytes[n] = 0), (bs[n] = first), (be[n] = first + 1), n++;
      g += k;
      continue;
    }
    const last = chars[g + k - 1]! + 1;
    for (let j = 0; j < k - 1 && n < size; j++, n++) {
      bytes[n] = Math.floor(value / 2 ** (24 - 8 * j)) & 0xff;
      bs[n] = first;
      be[n] = last;
    }
    g += k;
  }
  emitText(b, bytes, bs, be, minWindow, n);
  bytes.fill(0);
}
