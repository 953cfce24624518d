/**
 * Byte lists and hex dumps: a value's bytes written one number at a time. Decimal lists of 0–255
 * or signed −128…127 (`[115, 107, …]`, Node `Buffer.toJSON`, Java `Arrays.toString`), hex pairs or
 * groups separated by non-alphanumerics (`0x73, 0x6b`, `73 6b 5f`, `73:6b`, `"73","6b"`), and
 * dumps (`xxd`, `od -A x -t x1z`, `hexdump -C`, Go `hex.Dump`) whose offsets and ASCII column are
 * skipped and whose rows join across line breaks, so a value spread over rows is read whole. The
 * bytes become text (UTF-8, and latin1 when a byte is ≥ 0x80); compressed bytes are inflated.
 *
 * Finding lists costs nothing on most text: every SAMPLE-th character is looked at, and only where
 * it sits among three list tokens is its block of lines read. A list holding a window (W bytes)
 * spans more than two samples, so it cannot fall between them whatever its alignment.
 */
import { emitText } from './binary.js';
import { emitInflated, compressedMagic, inflateBytes } from './inflate.js';
import { Builder, type View, type ViewOptions } from './view.js';

/** Character classes (ASCII): hex digit, decimal digit, letter or digit. */
const HEXD = 1;
const DIGIT = 2;
const ALNUM = 4;
const CLASS = new Uint8Array(128);
for (let c = 48; c <= 57; c++) CLASS[c] = HEXD | DIGIT | ALNUM;
for (let c = 65; c <= 90; c++) CLASS[c] = ALNUM | (c <= 70 ? HEXD : 0);
for (let c = 97; c <= 122; c++) CLASS[c] = ALNUM | (c <= 102 ? HEXD : 0);
const cls = (c: number) => (c < 128 ? CLASS[c]! : 0);
const hexValue = (c: number) => (c <= 57 ? c - 48 : (c | 0x20) - 87);

/**
 * Sampling period. W bytes of text take at least 29 characters as a list (xxd's `736b 5f6c`, 2.5 a
 * byte; `73 6b` and `32,` take 3), and any sample in all but its last three tokens finds it.
 */
const SAMPLE = 16;
/** Longest separator between list tokens on one line (`", "`, `, 0x` is a separator and a prefix). */
const MAX_SEP = 4;
/** Longest hex group (xxd -g 8 writes 16 digits). */
const MAX_HEX_GROUP = 16;

/** End of the letter-or-digit run at `i`. */
function runEnd(t: string, i: number, to: number): number {
  while (i < to && cls(t.charCodeAt(i)) & ALNUM) i++;
  return i;
}

/** Start of a token's digits once a `0x` / `\x` prefix is skipped. */
function digitsStart(t: string, s: number, e: number): number {
  const c0 = t.charCodeAt(s);
  const c1 = t.charCodeAt(s + 1);
  if (e - s > 2 && c0 === 48 && (c1 | 0x20) === 120) return s + 2;
  if (e - s > 1 && (c0 | 0x20) === 120 && s > 0 && t.charCodeAt(s - 1) === 92) return s + 1;
  return s;
}

/** Whether [s, e) is a hex group of whole bytes. */
function hexToken(t: string, s: number, e: number): boolean {
  const d = digitsStart(t, s, e);
  const len = e - d;
  if (len < 2 || len > MAX_HEX_GROUP || len & 1) return false;
  for (let i = d; i < e; i++) if (!(cls(t.charCodeAt(i)) & HEXD)) return false;
  return true;
}

/** Value of a decimal byte token [s, e) (a `-` just before it makes it signed), or -1. */
function decimalByte(t: string, s: number, e: number): number {
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

/** Whether three tokens of one kind (hex or decimal) follow each other from the run at or after `p`. */
function listAt(t: string, p: number): boolean {
  const n = t.length;
  let i = p;
  // Back to the start of the run `p` is in, or on to the next run (a separator was sampled).
  while (i > 0 && cls(t.charCodeAt(i - 1)) & ALNUM && p - i <= MAX_HEX_GROUP) i--;
  while (i < n && !(cls(t.charCodeAt(i)) & ALNUM) && i - p <= MAX_SEP) i++;
  let hex = 0;
  let dec = 0;
  for (let k = 0; k < 3; k++) {
    if (i >= n || !(cls(t.charCodeAt(i)) & ALNUM)) return false;
    const e = runEnd(t, i, n);
    if (hexToken(t, i, e)) hex++;
    if (decimalByte(t, i, e) >= 0) dec++;
    if (hex <= k && dec <= k) return false;
    let j = e;
    while (j < n && !(cls(t.charCodeAt(j)) & ALNUM) && j - e <= 2 * MAX_SEP) j++;
    i = j;
  }
  return hex === 3 || dec === 3;
}

/**
 * Whether the sample at `p` can be in a list: a hex digit, or a separator beside one. Most samples
 * of text are other letters, rejected on one read (the sampling's whole cost on plain text).
 */
function sampleInList(t: string, p: number): boolean {
  const c = t.charCodeAt(p);
  if (c >= 128) return false;
  const k = CLASS[c]!;
  const before = cls(t.charCodeAt(p - 1));
  const after = cls(t.charCodeAt(p + 1));
  if (k & ALNUM) {
    // Inside a token both neighbours are hex digits or separators ("item" fails at its "t").
    if (!(k & HEXD) || (before & ALNUM && !(before & HEXD)) || (after & ALNUM && !(after & HEXD))) return false;
  } else if (!(after & HEXD) && !(before & HEXD)) return false;
  return listAt(t, p);
}

/**
 * Digits one of which a list of W text bytes holds: a dump's offsets and `0x` have a 0; an ASCII
 * byte written in hex or decimal avoids all five only if it is one of ` !"#$%*+,-./12345:;<=>?`
 * `ABCDEJKLMNOQRSTUZ[\]^_` (hex) or ` !"#)*+,-34567opqrsyz{|}` (decimal), and UTF-8 bytes above
 * 0x7F mostly start with 8 or 9 or hold a 6–9; a value with W characters of entropy is not made of
 * those alone (one that is, is not decoded from a bare list without offsets or `0x`). indexOf of an absent digit runs at
 * memory speed, so text without them (prose, many JSON bodies) is never sampled.
 */
const LIST_DIGITS = ['0', '6', '7', '8', '9'];

/** Whether some sample of `t` sits in a list (what mayDecode asks before any view is built). */
export function mayHoldByteList(t: string): boolean {
  if (!LIST_DIGITS.some((d) => t.includes(d))) return false;
  for (let p = SAMPLE - 1; p < t.length; p += SAMPLE) if (sampleInList(t, p)) return true;
  return false;
}

const lineStartOf = (t: string, i: number) => t.lastIndexOf('\n', i - 1) + 1;
function lineEndOf(t: string, i: number): number {
  const e = t.indexOf('\n', i);
  return e < 0 ? t.length : e;
}

/** Whether the line [s, e) holds list tokens (after an offset, when it is a dump row). */
function listLine(t: string, s: number, e: number): boolean {
  let i = s;
  while (i < e && (t.charCodeAt(i) === 32 || t.charCodeAt(i) === 9)) i++;
  const off = offsetEnd(t, i, e);
  if (off >= 0) i = off;
  for (let k = i; k < Math.min(e, i + 3 * SAMPLE); k++) if (listAt(t, k)) return true;
  return false;
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

/** Bytes of one stretch being read, each with its parent-relative [start, end). */
class Stretch {
  bytes = new Uint8Array(256);
  bs = new Int32Array(256);
  be = new Int32Array(256);
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
 * Reads the lines [a, b) as one list of hex (`hex`) or decimal bytes into `b`. A dump row's data
 * ends at a gap of two spaces or more (its ASCII column follows), except hexdump -C's and Go's gap
 * after 8 single-byte groups; rows join; anything else that is not a token ends the stretch.
 */
function readList(t: string, a: number, end: number, hex: boolean, b: Builder, min: number): void {
  const st = new Stretch();
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
      const off = offsetEnd(t, i, lineEndOf(t, i));
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
      let ok = false;
      if (hex && hexToken(t, i, e)) {
        const d = digitsStart(t, i, e);
        if (!dump || group === 0 || e - d <= group) {
          ok = true;
          for (let k = d; k < e; k += 2) st.push((hexValue(t.charCodeAt(k)) << 4) | hexValue(t.charCodeAt(k + 1)), k === d ? i : k, k + 2);
          if (dump) {
            if (group === 0) group = e - d;
            rowBytes += (e - d) >> 1;
          }
        }
      } else if (!hex) {
        const v = decimalByte(t, i, e);
        if (v >= 0) {
          ok = true;
          st.push(v, v > 127 && t.charCodeAt(i - 1) === 45 ? i - 1 : i, e);
          rowBytes++;
        }
      }
      if (!ok) {
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
    } else if (i - s > MAX_SEP && i < end && t.charCodeAt(i) !== 10) st.flush(b, min);
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
  let b: Builder | null = null;
  let done = 0; // lines before this were read already
  for (let p = SAMPLE - 1; p < n; p += SAMPLE) {
    if (p < done || !sampleInList(t, p)) continue;
    // The block of list lines around the sample: a dump's rows, a wrapped array.
    let a = lineStartOf(t, p);
    let e = lineEndOf(t, p);
    while (a > done && a > 0 && listLine(t, lineStartOf(t, a - 1), a - 1)) a = lineStartOf(t, a - 1);
    while (e < n && listLine(t, e + 1, lineEndOf(t, e + 1))) e = lineEndOf(t, e + 1);
    b ??= new Builder(v);
    readList(t, a, e, true, b, o.minWindow);
    readList(t, a, e, false, b, o.minWindow);
    done = e;
  }
  return b ? b.build('bytes') : null;
}
