/** Views that decode binary-to-text runs: base64 (standard and URL alphabets, wrapped lines) and hex. */
import { unitsOf } from '../lowercase.js';
import { Builder, copiedFromInput, sequenceCodePoint, utf8SequenceAt, type View, type ViewOptions } from './view.js';

const B64 = new Int8Array(128).fill(-1);
const HEX = new Int8Array(128).fill(-1);
{
  const std = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
  for (let i = 0; i < 64; i++) B64[std.charCodeAt(i)] = i;
  B64['-'.charCodeAt(0)] = 62;
  B64['_'.charCodeAt(0)] = 63;
  const hex = '0123456789abcdef';
  for (let i = 0; i < 16; i++) {
    HEX[hex.charCodeAt(i)] = i;
    HEX[hex.toUpperCase().charCodeAt(i)] = i;
  }
}

/** Whether each UTF-16 unit is in a base64 alphabet (standard or URL), so the run walk needs no range test. */
const IN_BASE64 = new Uint8Array(65536);
for (let c = 0; c < 128; c++) IN_BASE64[c] = B64[c]! >= 0 ? 1 : 0;

/**
 * Where each run of at least `min` base64-alphabet characters starts, as (start, start + min) pairs
 * (runsOf extends a run forward itself, across line breaks). A run that long covers a multiple of
 * `min`, so only those positions are read first, and only a run found there is walked: no position
 * list is built for the many short words of ordinary text.
 */
export function base64RunStarts(u: Uint8Array | Uint16Array, n: number, min: number): number[] {
  const runs: number[] = [];
  let scanned = 0; // units before this are in a run already walked
  for (let p = min - 1; p < n; p += min) {
    if (p < scanned || IN_BASE64[u[p]!] === 0) continue;
    let s = p;
    while (s > scanned && IN_BASE64[u[s - 1]!] !== 0) s--;
    let e = p + 1;
    while (e < n && IN_BASE64[u[e]!] !== 0) e++;
    if (e - s >= min) runs.push(s, s + min);
    scanned = e;
  }
  return runs;
}

/** A run this long holds a whole aligned 8-byte block (the block walk of asciiBase64RunStarts). */
export const BLOCK_WALK_MIN = 15;

/**
 * base64RunStarts for ASCII bytes (`words` the same memory as 32-bit words, 4-byte aligned), when
 * `min` ≥ BLOCK_WALK_MIN: such a run holds a whole aligned 8-byte block, so only blocks whose eight
 * bytes are all in the alphabet are walked. Most blocks of text hold a byte below `+` (a space, a
 * quote), which two word operations find: (x − 0x2b…) & ~x has a byte's top bit set exactly when
 * some byte of x is below 0x2b (bytes below 0x80). Same answer as base64RunStarts, in a third less time.
 */
export function asciiBase64RunStarts(u: Uint8Array, words: Uint32Array, n: number, min: number): number[] {
  const runs: number[] = [];
  let scanned = 0;
  for (let k = 0; 8 * k + 8 <= n; k++) {
    const a = words[2 * k]!;
    const b = words[2 * k + 1]!;
    if ((((a - 0x2b2b2b2b) & ~a) | ((b - 0x2b2b2b2b) & ~b)) & 0x80808080) continue;
    const p = 8 * k;
    if (p < scanned) continue;
    let q = p;
    while (q < p + 8 && IN_BASE64[u[q]!] !== 0) q++;
    if (q < p + 8) continue;
    let s = p;
    while (s > scanned && IN_BASE64[u[s - 1]!] !== 0) s--;
    let e = p + 8;
    while (e < n && IN_BASE64[u[e]!] !== 0) e++;
    if (e - s >= min) runs.push(s, s + min);
    scanned = e;
  }
  return runs;
}

/**
 * Where a base64 run that starts at `s` really starts when the line before it belongs to it: a
 * wrapped run may begin with a line shorter than `min` (a value cut just before a line break),
 * which the sampling does not find. Only one such line: a longer line before it is a run of its
 * own, found by the sampling and extended forward over this one, so nothing is walked twice.
 */
export function wrappedRunStart(text: string, s: number, min: number): number {
  const blank = (c: number) => c === 32 || c === 9;
  let j = s;
  for (let k = 0; k < 4 && j > 0 && blank(text.charCodeAt(j - 1)); k++) j--;
  if (j === 0 || text.charCodeAt(j - 1) !== 10) return s;
  j--;
  if (j > 0 && text.charCodeAt(j - 1) === 13) j--;
  for (let k = 0; k < 2 && j > 0 && blank(text.charCodeAt(j - 1)); k++) j--;
  const lineEnd = j;
  while (j > 0 && lineEnd - j < min && IN_BASE64[text.charCodeAt(j - 1)] !== 0) j--;
  return j < lineEnd ? j : s;
}

/** Run starts of a decoded view (the identity view's come from the caller's scan, on its own copy of the text). */
export function runStartsOf(v: View, o: ViewOptions): number[] {
  return v.depth === 0 && o.rootRuns ? o.rootRuns : base64RunStarts(unitsOf(v.text), v.text.length, o.minBase64);
}

/** Whitespace a base64 run may continue across: a line break, with a little indentation. */
export function lineGap(text: string, i: number): number {
  let j = i;
  while (j < text.length && j - i < 2 && (text[j] === ' ' || text[j] === '\t')) j++;
  if (text[j] === '\r') j++;
  if (text[j] !== '\n') return 0;
  j++;
  const k = j;
  while (j < text.length && j - k < 4 && (text[j] === ' ' || text[j] === '\t')) j++;
  return j - i;
}

/**
 * Runs of characters of `table` at least `min` long, as lists of the parent indexes of their
 * characters; a base64 run continues across line breaks (MIME wraps at 76, PEM at 64).
 */
export function runsOf(text: string, table: Int8Array, min: number, acrossLines: boolean, ranges: number[] | null = null): number[][] {
  const runs: number[][] = [];
  const n = text.length;
  let i = 0;
  let r = 0;
  let limit = ranges ? 0 : n;
  for (;;) {
    if (i >= limit) {
      if (!ranges || r >= ranges.length) break;
      i = Math.max(i, ranges[r]!);
      limit = ranges[r + 1]!;
      r += 2;
      continue;
    }
    const c = text.charCodeAt(i);
    if (c >= 128 || table[c]! < 0) {
      i++;
      continue;
    }
    const idx: number[] = [];
    for (;;) {
      while (i < n) {
        const d = text.charCodeAt(i);
        if (d >= 128 || table[d]! < 0) break;
        idx.push(i);
        i++;
      }
      if (!acrossLines || i >= n) break;
      const gap = lineGap(text, i);
      if (gap === 0) break;
      const next = text.charCodeAt(i + gap);
      if (!(next < 128 && table[next]! >= 0)) break;
      i += gap;
    }
    if (idx.length >= min) runs.push(idx);
  }
  return runs;
}

/** Units of the stretch emitText is decoding, reused (copied out by the Builder). */
let units = { text: new Uint16Array(1024), s: new Int32Array(1024), e: new Int32Array(1024) };

/** Decoded bytes as UTF-8, keeping only well-formed stretches at least `min` units long. */
export function emitText(b: Builder, bytes: ArrayLike<number>, bs: ArrayLike<number>, be: ArrayLike<number>, min: number, n = bytes.length): void {
  if (n === 0) return;
  // A stretch has at most one unit per byte (a 4-byte sequence is 2 units).
  if (units.text.length < n) units = { text: new Uint16Array(n * 2), s: new Int32Array(n * 2), e: new Int32Array(n * 2) };
  const { text, s, e } = units;
  let m = 0;
  const flush = () => {
    if (m >= min) {
      b.brk();
      b.emitUnits(text, s, e, m);
    }
    m = 0;
  };
  for (let i = 0; i < n; ) {
    const len = utf8SequenceAt(bytes, i, n);
    const cp = sequenceCodePoint;
    if (len === 1 && cp >= 0x80) {
      // Not text: random bytes (a wrong alignment, a binary blob) end the stretch here.
      flush();
      i += 1;
      continue;
    }
    const st = bs[i]!;
    const en = be[i + len - 1]!;
    if (cp > 0xffff) {
      const c = cp - 0x10000;
      text[m] = 0xd800 + (c >> 10);
      text[m + 1] = 0xdc00 + (c & 0x3ff);
      s[m] = s[m + 1] = st;
      e[m] = e[m + 1] = en;
      m += 2;
    } else {
      text[m] = cp;
      s[m] = st;
      e[m] = en;
      m++;
    }
    i += len;
  }
  flush();
}

/**
 * Whether the run, decoded at this alignment, has a well-formed UTF-8 stretch of at least `min`
 * bytes. A stretch decodes to at most as many UTF-16 units as it has bytes, so a run without one
 * cannot give emitText a stretch of `min` units: skipping it loses nothing. `table` and `width`
 * give each character's bits (base64 by default; base32 passes its own).
 */
export function mayHoldText(t: string, idx: number[], align: number, min: number, table: Int8Array = B64, width = 6): boolean {
  let stretch = 0;
  let need = 0;
  let acc = 0;
  let bits = 0;
  for (let g = align; g < idx.length; g++) {
    acc = (acc << width) | table[t.charCodeAt(idx[g]!)]!;
    bits += width;
    if (bits < 8) continue;
    bits -= 8;
    const byte = (acc >> bits) & 0xff;
    acc &= (1 << bits) - 1;
    if (need > 0) {
      if ((byte & 0xc0) === 0x80) {
        need--;
        if (++stretch >= min) return true;
        continue;
      }
      // A sequence cut short: this byte starts afresh.
      need = 0;
      stretch = 0;
    }
    if (byte < 0x80) stretch++;
    else if (byte >= 0xc2 && byte <= 0xdf) (need = 1), stretch++;
    else if (byte >= 0xe0 && byte <= 0xef) (need = 2), stretch++;
    else if (byte >= 0xf0 && byte <= 0xf4) (need = 3), stretch++;
    else stretch = 0;
    if (stretch >= min) return true;
  }
  return false;
}

/** Reused per decode (a run's bytes are copied out by emitText): arrays grown by push cost a third of a body's scan. */
let scratch = { bytes: new Uint8Array(1024), bs: new Int32Array(1024), be: new Int32Array(1024) };
function decodeScratch(chars: number): typeof scratch {
  if (scratch.bytes.length < chars) scratch = { bytes: new Uint8Array(chars * 2), bs: new Int32Array(chars * 2), be: new Int32Array(chars * 2) };
  return scratch;
}

export function base64View(v: View, o: ViewOptions): View | null {
  const starts = runStartsOf(v, o).slice();
  for (let r = 0; r < starts.length; r += 2) starts[r] = Math.max(wrappedRunStart(v.text, starts[r]!, o.minBase64), r > 0 ? starts[r - 1]! : 0);
  const runs = runsOf(v.text, B64, o.minBase64, true, starts);
  if (runs.length === 0) return null;
  const b = new Builder(v);
  for (const idx of runs) {
    if (copiedFromInput(v, idx[0]!, idx[idx.length - 1]!, o.root)) continue;
    // The run may start mid-stream (glued to other text): decode at each of the 4 alignments.
    for (let align = 0; align < 4; align++) {
      // Most runs (binary data, ids, text that only looks like base64) decode to no UTF-8 stretch
      // a window long: find that out on bytes alone before building position maps.
      if (!mayHoldText(v.text, idx, align, o.minWindow)) continue;
      const t = v.text;
      const m = idx.length;
      const { bytes, bs, be } = decodeScratch(m);
      let n = 0;
      // Byte j of a group of four characters is made of characters j and j + 1 (6 bits each).
      for (let g = align; g + 1 < m; g += 4) {
        for (let j = 0; j < 3 && g + j + 1 < m; j++) {
          const pa = idx[g + j]!;
          const pb = idx[g + j + 1]!;
          bytes[n] = ((B64[t.charCodeAt(pa)]! << (2 + 2 * j)) | (B64[t.charCodeAt(pb)]! >> (4 - 2 * j))) & 0xff;
          bs[n] = pa;
          be[n] = pb + 1;
          n++;
        }
      }
      emitText(b, bytes, bs, be, o.minWindow, n);
    }
  }
  return b.build('base64');
}

/**
 * The caller notes where each base64-alphabet run starts (and where it reached the minimum length);
 * a hex run can start anywhere inside one, so the ranges are taken to the runs' ends.
 */
export function wholeRuns(text: string, ranges: number[]): number[] {
  const out: number[] = [];
  for (let r = 0; r < ranges.length; r += 2) {
    let j = ranges[r + 1]!;
    while (j < text.length) {
      const c = text.charCodeAt(j);
      if (c >= 128 || B64[c]! < 0) break;
      j++;
    }
    out.push(ranges[r]!, j);
  }
  return out;
}

export function hexView(v: View, o: ViewOptions): View | null {
  // A hex run lies inside a base64-alphabet run at least as long (minHex ≥ minBase64).
  const whole = wholeRuns(v.text, runStartsOf(v, o));
  // A range wholly copied from the input was decoded there already (hex runs do not cross lines).
  const ranges: number[] = [];
  for (let r = 0; r < whole.length; r += 2) if (!copiedFromInput(v, whole[r]!, whole[r + 1]! - 1, o.root)) ranges.push(whole[r]!, whole[r + 1]!);
  const runs = runsOf(v.text, HEX, o.minHex, false, ranges);
  if (runs.length === 0) return null;
  const b = new Builder(v);
  for (const idx of runs) {
    for (let align = 0; align < 2; align++) {
      const bytes: number[] = [];
      const bs: number[] = [];
      const be: number[] = [];
      for (let g = align; g + 1 < idx.length; g += 2) {
        bytes.push((HEX[v.text.charCodeAt(idx[g]!)]! << 4) | HEX[v.text.charCodeAt(idx[g + 1]!)]!);
        bs.push(idx[g]!);
        be.push(idx[g + 1]! + 1);
      }
      emitText(b, bytes, bs, be, o.minWindow);
    }
  }
  return b.build('hex');
}
