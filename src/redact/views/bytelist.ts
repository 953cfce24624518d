/**
 * Byte lists and hex dumps: a value's bytes written one number at a time. Decimal lists of 0–255
 * or signed −128…127 (`[115, 107, …]`, Node `Buffer.toJSON`, Java `Arrays.toString`), hex pairs or
 * groups separated by non-alphanumerics (`0x73, 0x6b`, `73 6b 5f`, `73:6b`, `"73","6b"`), octal
 * bytes, eight-digit binary bytes, `U+` code points (read as hex), little-endian hex words, byte
 * literals in any radix notation with casts and type suffixes (`(byte)0x73`, `115u8`, `0o163`,
 * `&H73`, `73h`: ./byte-literals), and
 * dumps (`xxd`, `od` with -c, -b, -x or -t x1z, `hexdump` with or without -C, Go `hex.Dump`) whose
 * offsets and ASCII column are skipped and whose rows join across line breaks, so a value spread over rows is read whole. The
 * bytes become text (UTF-8, and latin1 when a byte is ≥ 0x80); compressed bytes are inflated.
 *
 * Finding lists costs little on most text: each stride of SAMPLE characters is read for its first
 * character that could be in a list (one table read each), and only where that one sits among
 * three list tokens is its block of lines read. A list holding a window (W bytes) spans more than
 * two strides, so it cannot fall between them whatever its alignment or its line length.
 */
import { ALNUM, bitsByte, cls, codePointPrefix, decimalByte, digitsStart, HEXD, hexToken, hexValue, LIST_DIGITS, listAt, octalByte, runEnd, SAMPLE, listSampleIn, MAX_SEP } from './byte-tokens.js';
import { beginDigitSearch, endDigitSearch, fewLiteralsLine, literalListNear } from './byte-literals.js';
import { Counting, READINGS, readingStart, readLiterals, Stretch, type Reading } from './list-readings.js';
import { Builder, type View, type ViewOptions } from './view.js';

const lineStartOf = (t: string, i: number) => t.lastIndexOf('\n', i - 1) + 1;
function lineEndOf(t: string, i: number): number {
  const e = t.indexOf('\n', i);
  return e < 0 ? t.length : e;
}

/**
 * A line of one to three list tokens and separators only: a list printed an item per line (an
 * indented JSON array, `print_r`'s `[35] => 103`) goes on, and ends, with lines that hold fewer tokens
 * than a sample needs.
 */
const FEW_TOKENS = /^[\s,;:[\]{}()"'=>-]*(?:(?:0x|\\x)?[0-9a-fA-F]{1,8}[\s,;:[\]{}()"'=>-]*){1,3}$/;
function fewTokensLine(t: string, s: number, e: number): boolean {
  return e > s && e - s <= 96 && FEW_TOKENS.test(t.slice(s, e));
}

/** Whether the line [s, e) holds list tokens (after an offset, when it is a dump row). */
function listLine(t: string, s: number, e: number): boolean {
  let i = s;
  while (i < e && (t.charCodeAt(i) === 32 || t.charCodeAt(i) === 9)) i++;
  const off = offsetEnd(t, i, e);
  if (off >= 0) i = off;
  for (let k = i; k < Math.min(e, i + 3 * SAMPLE); k++) if (listAt(t, k)) return true;
  return literalListNear(t, i, Math.min(e - i, 3 * SAMPLE));
}

/**
 * After a dump row's offset at `i` (hex digits then `:`, as xxd writes; or six or more digits, a
 * space and a shorter token, as od, hexdump -C and Go write), the index where the data starts; else -1.
 */
function offsetEnd(t: string, i: number, e: number): number {
  const r = runEnd(t, i, e);
  const len = r - i;
  if (len < 4 || len > 16) return -1;
  for (let k = i; k < r; k++) if (!(cls(t.charCodeAt(k)) & HEXD)) return -1;
  if (t.charCodeAt(r) === 58) {
    let j = r + 1;
    while (j < e && t.charCodeAt(j) === 32) j++;
    return j;
  }
  if (len < 6 || t.charCodeAt(r) !== 32) return -1;
  let j = r;
  while (j < e && t.charCodeAt(j) === 32) j++;
  const next = runEnd(t, j, e);
  return next > j && next - j < len ? j : -1;
}

/** Where the data of a dump row starts when its offset follows other text on the line [i, e), else -1. */
function laterOffsetEnd(t: string, i: number, e: number): number {
  for (let k = i + 1; k < e; k++) {
    if (cls(t.charCodeAt(k - 1)) & ALNUM || !(cls(t.charCodeAt(k)) & ALNUM)) continue;
    const off = offsetEnd(t, k, e);
    if (off >= 0) return off;
  }
  return -1;
}

/**
 * Reads the lines [a, b) as one list of bytes, tokens read as `reading` says, into `b`. A dump row's data
 * ends at a gap of two spaces or more (its ASCII column follows), except hexdump -C's and Go's gap
 * after 8 single-byte groups; rows join; anything else that is not a token ends the stretch.
 */
function readList(t: string, a: number, end: number, reading: Reading, b: Builder, min: number): void {
  const hex = reading === 'hex' || reading === 'words';
  const st = new Stretch();
  const counting = new Counting();
  // A dump's ASCII column, rows joined: a value's printable bytes are there as well as in hex.
  const ascii = new Stretch();
  let i = a;
  let lineStart = true;
  let dump = false;
  let group = 0;
  let rowBytes = 0;
  while (i < end) {
    if (lineStart) {
      lineStart = false;
      while (i < end && (t.charCodeAt(i) === 32 || t.charCodeAt(i) === 9)) i++;
      const le = lineEndOf(t, i);
      let off = offsetEnd(t, i, le);
      // A dump's first row may follow other text on its line (`the 000000 73 6b …`, a quote bar);
      // it is a row when the next line is one.
      if (off < 0 && !dump && le < end && offsetEnd(t, le + 1, lineEndOf(t, le + 1)) >= 0) off = laterOffsetEnd(t, i, le);
      if (off >= 0) {
        if (!dump) st.flush(b, min);
        dump = true;
        group = 0;
        rowBytes = 0;
        i = off;
      } else if (dump) {
        st.flush(b, min);
        ascii.flush(b, min);
        dump = false;
      }
      continue;
    }
    const c = t.charCodeAt(i);
    if (c === 10) {
      i++;
      lineStart = true;
      continue;
    }
    if (cls(c) & ALNUM) {
      const e = runEnd(t, i, end);
      if (e === i + 1 && codePointPrefix(t, i)) {
        i = e + 1; // `U+0073`: the prefix, like `0x`
        continue;
      }
      let ok = false;
      if (hex && hexToken(t, i, e)) {
        const d = digitsStart(t, i, e);
        if (!dump || group === 0 || e - d <= group) {
          ok = true;
          const byteAt = (k: number) => (hexValue(t.charCodeAt(k)) << 4) | hexValue(t.charCodeAt(k + 1));
          if (reading === 'words' && e - d === 4) {
            st.push(byteAt(d + 2), i, e);
            st.push(byteAt(d), i, e);
          } else for (let k = d; k < e; k += 2) st.push(byteAt(k), k === d ? i : k, k + 2);
          if (dump) {
            if (group === 0) group = e - d;
            rowBytes += (e - d) >> 1;
          }
        }
      } else if (reading === 'indexed') {
        ok = counting.take(t, i, e, st, b, min);
      } else if (!hex && t.charCodeAt(e) === 34 && t.charCodeAt(e + 1) === 58) {
        // A JSON key (`"12":`): a typed array serialised as an object keyed by index; the byte is the value.
        i = e;
        continue;
      } else if (!hex) {
        const v = reading === 'octal' ? octalByte(t, i, e) : reading === 'bits' ? bitsByte(t, i, e) : decimalByte(t, i, e);
        if (v >= 0) {
          ok = true;
          st.push(v, reading === 'decimal' && v > 127 && t.charCodeAt(i - 1) === 45 ? i - 1 : i, e);
          rowBytes++;
        }
      }
      if (!ok) {
        counting.reset();
        if (dump) {
          const le = lineEndOf(t, i);
          if (hex) asciiColumn(t, i, le, ascii);
          i = le;
        } else {
          st.flush(b, min);
          i = e;
        }
        continue;
      }
      i = e;
      continue;
    }
    // A separator run (up to the line end).
    const s = i;
    let spaces = 0;
    let gap = false;
    while (i < end && !(cls(t.charCodeAt(i)) & ALNUM) && t.charCodeAt(i) !== 10) {
      const d = t.charCodeAt(i);
      spaces = d === 32 ? spaces + 1 : 0;
      if (spaces >= 2 || d === 124 || d === 62) gap = true;
      i++;
    }
    if (dump) {
      const midGap = hex && rowBytes === 8 && group === 2 && i - s === 2 && spaces === 2;
      // Decimal dumps (od -t u1) pad numbers with spaces: only a column delimiter ends them.
      const columnEnd = hex ? gap && !midGap : t.slice(s, i).includes('>') || t.slice(s, i).includes('|');
      if (columnEnd) {
        const le = lineEndOf(t, i);
        if (hex) asciiColumn(t, s, le, ascii);
        i = le;
      }
    } else if (i - s > (reading === 'indexed' ? 2 * MAX_SEP : MAX_SEP) && i < end && t.charCodeAt(i) !== 10) {
      st.flush(b, min);
      counting.reset();
    }
  }
  st.flush(b, min);
  ascii.flush(b, min);
}

/** Appends a dump row's ASCII column (the line from `i` to `e`, without its `|…|` or `>…<` delimiters) to `ascii`. */
function asciiColumn(t: string, i: number, e: number, ascii: Stretch): void {
  while (i < e && t.charCodeAt(i) === 32) i++;
  const open = t.charCodeAt(i);
  if (open === 124 || open === 62) {
    i++;
    const close = t.lastIndexOf(open === 124 ? '|' : '<', e - 1);
    if (close >= i) e = close;
  }
  for (let k = i; k < e; k++) {
    const c = t.charCodeAt(k);
    if (c >= 32 && c < 127) ascii.push(c, k, k + 1);
  }
}

export function byteListView(v: View, o: ViewOptions): View | null {
  const t = v.text;
  const n = t.length;
  if (!LIST_DIGITS.some((d) => t.includes(d))) return null;
  beginDigitSearch();
  try {
    return readLists(v, o);
  } finally {
    endDigitSearch();
  }
}

function readLists(v: View, o: ViewOptions): View | null {
  const t = v.text;
  const n = t.length;
  let b: Builder | null = null;
  let done = 0; // lines before this were read already
  for (let stride = 0; stride < n; stride += SAMPLE) {
    const p = stride < done ? -1 : listSampleIn(t, stride);
    if (p < 0) continue;
    // The block of list lines around the sample: a dump's rows, a wrapped array.
    let a = lineStartOf(t, p);
    let e = lineEndOf(t, p);
    const inBlock = (s: number, end: number) => listLine(t, s, end) || fewTokensLine(t, s, end) || fewLiteralsLine(t, s, end);
    while (a > done && a > 0 && inBlock(lineStartOf(t, a - 1), a - 1)) a = lineStartOf(t, a - 1);
    while (e < n && inBlock(e + 1, lineEndOf(t, e + 1))) e = lineEndOf(t, e + 1);
    b ??= new Builder(v);
    for (const reading of READINGS) {
      const from = readingStart(t, a, e, reading);
      if (from < 0) continue;
      if (reading === 'literal') readLiterals(t, from, e, b, o.minWindow);
      else readList(t, from, e, reading, b, o.minWindow);
    }
    done = e;
  }
  return b ? b.build('bytes') : null;
}
