/**
 * Runs of base64-alphabet characters in a view: where they start (sampled, or by 8-byte blocks on
 * ASCII bytes), how far they reach (across wrapped lines), and the position lists the binary views
 * (./binary, ./base32) decode. Hex and base32 runs lie inside such runs, so one search serves all.
 */
import { unitsOf } from '../lowercase.js';
import type { View, ViewOptions } from './view.js';

/** Base64 value of each ASCII character (standard and URL alphabets), -1 outside them. */
export const B64 = new Int8Array(128).fill(-1);
{
  const std = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
  for (let i = 0; i < 64; i++) B64[std.charCodeAt(i)] = i;
  B64['-'.charCodeAt(0)] = 62;
  B64['_'.charCodeAt(0)] = 63;
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

/**
 * Run starts of a decoded view (the identity view's come from the caller's scan, on its own copy of
 * the text). Four decoders (base64, hex, base32, inflate) ask for them: found once per view and
 * minimum, kept on the view (positions only, no text).
 */
export function runStartsOf(v: View, o: ViewOptions): number[] {
  if (v.depth === 0 && o.rootRuns) return o.rootRuns;
  if (v.runStarts && v.runStarts.min === o.minBase64) return v.runStarts.runs;
  const runs = base64RunStarts(unitsOf(v.text), v.text.length, o.minBase64);
  v.runStarts = { min: o.minBase64, runs };
  return runs;
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
 * characters; a base64 run continues across line breaks (MIME wraps at 76, PEM at 64). Only runs
 * that start inside `ranges` (start, end pairs, in order) count, when given; a run may go on past
 * its range's end.
 *
 * The answer is the one of a walk over every character of every range (`i` below is where that
 * walk stands), found by reading one character in `min`: a run of `min` characters spans at least
 * `min` positions, all of them run characters or line-break blanks (`spanChar`), so one of the
 * probes lands in it. From a probe that does, the walk steps back over such characters to where
 * no run can come from before (a character that is neither, or `i`) and walks exactly from there.
 * A short run between probes is skipped unseen. If one goes on past the range's end, the walk
 * stands inside it when the next range starts there and walks the rest of it as a run: shorter
 * still, so nothing is added, and it ends where the whole run ends. Hex and base32 runs inside
 * base64 text are short: this reads about a tenth of the characters the walk did.
 */
export function runsOf(text: string, table: Int8Array, min: number, acrossLines: boolean, ranges: number[] | null = null): number[][] {
  const runs: number[][] = [];
  const n = text.length;
  const all = ranges ?? [0, n];
  const spanChar = (c: number): boolean => (c < 128 && table[c]! >= 0) || (acrossLines && (c === 32 || c === 9 || c === 13 || c === 10));
  let i = 0;
  for (let r = 0; r < all.length; r += 2) {
    const limit = all[r + 1]!;
    i = Math.max(i, all[r]!);
    if (i >= limit) continue;
    const end = Math.min(n, limit + Math.max(1, min) - 1);
    const step = Math.max(1, min);
    for (let p = i + step - 1; p < end; ) {
      if (!spanChar(text.charCodeAt(p))) {
        p += step;
        continue;
      }
      let s = p;
      while (s > i && spanChar(text.charCodeAt(s - 1))) s--;
      // Probes only go further: a run reached from here starts past the range, and so do later ones.
      if (s >= limit) break;
      i = walkFrom(text, table, min, acrossLines, s, p + 1, limit, runs);
      if (i >= limit) break;
      p = i + step - 1;
    }
  }
  return runs;
}

/**
 * The exact walk from `j` (where no run comes from before) until it passes `until`, starting runs
 * only before `limit`; runs of `min` or more are added to `runs`. Returns where it stands.
 */
function walkFrom(text: string, table: Int8Array, min: number, acrossLines: boolean, j: number, until: number, limit: number, runs: number[][]): number {
  while (j < until && j < limit) {
    const c = text.charCodeAt(j);
    if (c >= 128 || table[c]! < 0) {
      j++;
      continue;
    }
    const start = j;
    j = walkRun(text, table, start, acrossLines, null);
    if (walked >= min) {
      // A plain array, sized once: a typed array per run was an off-heap allocation each, most of
      // the walk, and pushing grew it a dozen times over a long run.
      const idx = new Array<number>(walked);
      walkRun(text, table, start, acrossLines, idx);
      runs.push(idx);
    }
  }
  return j;
}

/** Characters of the run walkRun last walked. */
let walked = 0;

/**
 * Walks the run of `table` characters starting at `i` (across line breaks when `acrossLines`),
 * writing their indexes into `idx` when given; returns where the run ends (count in `walked`).
 */
function walkRun(text: string, table: Int8Array, i: number, acrossLines: boolean, idx: number[] | null): number {
  const n = text.length;
  let k = 0;
  for (;;) {
    while (i < n) {
      const d = text.charCodeAt(i);
      if (d >= 128 || table[d]! < 0) break;
      if (idx) idx[k] = i;
      k++;
      i++;
    }
    if (!acrossLines || i >= n) break;
    // lineGap finds a gap only at a blank or a line break: other characters skip the call.
    const g0 = text.charCodeAt(i);
    const gap = g0 === 32 || g0 === 9 || g0 === 13 || g0 === 10 ? lineGap(text, i) : 0;
    if (gap === 0) break;
    const next = text.charCodeAt(i + gap);
    if (!(next < 128 && table[next]! >= 0)) break;
    i += gap;
  }
  walked = k;
  return i;
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
