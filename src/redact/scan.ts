/**
 * Finds every window of an indexed value in a text: in the text itself and in every decoded view
 * of it (./views), each lowercased as it is hashed. A window hit in any view marks the original
 * span it maps to; overlapping and adjacent marks merge. A decoded view exists only where the text
 * contains what it decodes, so plain text pays for the identity view only.
 *
 * The hot loop runs over typed arrays (ASCII text as bytes, anything else as UTF-16 units), tests a
 * bit set and only writes candidates to a buffer (no call inside but lowercasing a non-ASCII unit,
 * so V8 keeps it tight). Candidates are then checked against the table and the check hash.
 *
 * On ASCII text, W-windows are tested at every other position only: a window's bucket key depends
 * on its last W − 1 characters, and the bit set holds the key of every (W − 1)-gram of an indexed
 * window (window keys and heads, ./fingerprints), so of the two (W − 1)-grams of a window ending
 * at e, one ends at a tested position; a hit there checks the windows ending at it and just after.
 */
import { bucketHash, checkHash, foldedWord, type HashKeys, shiftFor, WINDOW } from './fingerprints.js';
import { clearUnits, lowerUnit, unitsOf } from './lowercase.js';
import { type Span, wholePairs } from './spans.js';
import { DECODE_PIECE, flat, markWhole, newWindowStretches, pieces, tailReach } from './occurrences.js';
import { RECHECK_MIX, type FingerprintTable } from './table.js';
import { pieceEnd } from './views/compressed-extent.js';
import { asciiBase64RunStarts, base64RunStarts, BLOCK_WALK_MIN, BREAK, clearDecoderScratch, decodedViews, DEFAULT_LIMITS, identityView, type DecodedViews, type DecodeLimits, type View } from './views/index.js';

/**
 * Undecoded characters kept beside each decoded region: a window may be half decoded, half plain,
 * and the plain half may itself be decoded by a later layer (a `%3D` inside the context of a `%25`),
 * so the context is 8 characters of spelling per window character, not W − 1.
 */
const CONTEXT = WINDOW * 8;
/** Candidate buffer: (end index, bucket key) pairs; a full buffer is checked and the scan resumes. */
const candidates = new Int32Array(2048);
/** The table's recheck bit set for the scan under way (see FingerprintTable.recheck). */
let recheck = new Int32Array(1);
let recheckShift = 31;
/** The bucket key's shift for W-windows, a constant in the ASCII loop. */
const WINDOW_SHIFT = shiftFor(WINDOW);
/** ASCII text as bytes, and the same memory as 32-bit words (Buffer.alloc is never pooled, so 4-byte aligned). */
let byteScratch = Buffer.alloc(1024);
let wordScratch = new Uint32Array(byteScratch.buffer, byteScratch.byteOffset, byteScratch.length >> 2);

/** What a scan found: hits as runs of one occurrence each, and what it could not vouch for. */
export interface ScanResult {
  /** One per run of consecutive window hits in one view, in original coordinates (not merged). */
  hits: Span[];
  /**
   * Original [start, end) ranges whose decoding stopped at a limit (budget or depth): nothing
   * there may be shown or passed as clean (fail closed). Empty when the scan is complete.
   */
  unscanned: Array<[number, number]>;
}

/** Text a piece's decoding also sees on each side (so a spelling across a cut is found whole). */
const PIECE_OVERLAP = WINDOW * 64;
/** Furthest a piece reaches back for a thinly spread window of the piece before; beyond, withheld. */
const MAX_REACH = 4 * DECODE_PIECE;

/** Scan state for one call (nothing scanned outlives the call in a module variable). */
interface RunState {
  view: View | null;
  /** Offset of the view's original coordinates in the scanned text (pieces). */
  offset: number;
  /** Next window start (view units) that continues the current run, and its span. */
  next: number;
  span: Span | null;
}

/** Every hit run of `text` in any view, and the ranges a limit left unscanned. Never throws. */
export function scanText(keys: HashKeys, table: FingerprintTable, text: string, limits: DecodeLimits = DEFAULT_LIMITS, asWritten = false): ScanResult {
  const steps = scanSteps(keys, table, text, limits, () => false, asWritten);
  let step = steps.next();
  while (!step.done) step = steps.next();
  return step.value;
}

/**
 * The scan in steps: it pauses after hashing the text as written and after each decoding piece, so
 * a caller can yield to the event loop between steps (a large hostile body does not block other
 * calls) and stop at a deadline: `stop()` true before a piece marks it and every later one unscanned.
 */
export function* scanSteps(keys: HashKeys, table: FingerprintTable, text: string, limits: DecodeLimits, stop: () => boolean, asWritten = false): Generator<void, ScanResult> {
  if (table.entries === 0 || text.length < table.minLength) return { hits: [], unscanned: [] };
  table.prepare();
  recheck = table.recheck;
  recheckShift = table.recheckShift;
  const hits: Span[] = [];
  const run: RunState = { view: null, offset: 0, next: -1, span: null };
  const minBase64 = Math.min(16, Math.ceil((table.minLength * 4) / 3));
  let runs: number[];
  let rootHigh = false;
  const root = identityView(text);
  const ascii = Buffer.byteLength(text, 'utf8') === text.length;
  if (ascii) {
    // Pure ASCII (the usual body): bytes, copied out by V8 in one go.
    if (byteScratch.length < text.length) {
      byteScratch = Buffer.alloc(Math.max(text.length, byteScratch.length * 2) + 8);
      wordScratch = new Uint32Array(byteScratch.buffer, byteScratch.byteOffset, byteScratch.length >> 2);
    }
    byteScratch.write(text, 0, 'latin1');
    for (const len of table.lengths) scanUnits(keys, table, root, byteScratch, 0, text.length, len, hits, run);
    runs = minBase64 >= BLOCK_WALK_MIN ? asciiBase64RunStarts(byteScratch, wordScratch, text.length, minBase64) : base64RunStarts(byteScratch, text.length, minBase64);
    // The scratch held the text: cleared, so no scanned text stays in memory between calls.
    byteScratch.fill(0, 0, text.length);
  } else {
    const u = unitsOf(text);
    for (const len of table.lengths) scanUnits(keys, table, root, u, 0, text.length, len, hits, run);
    runs = base64RunStarts(u, text.length, minBase64);
    rootHigh = /[\u00c2-\u00f4]/.test(text);
  }
  if (asWritten) return { hits, unscanned: [] }; // admin-written text: the value as pasted (./shown-text)
  const unscanned: Array<[number, number]> = [];
  const options = { context: CONTEXT, minBase64, minHex: Math.min(24, table.minLength * 2), minWindow: table.minLength };
  const cut = pieces(text);
  let reach = Infinity; // where the next piece must start: a thin window of this one runs into it
  for (const [a, b] of cut) {
    // Only a text of several pieces pauses (a header or a small body costs no turn of the loop).
    if (cut.length > 1) yield;
    // Another scan may have run meanwhile: the bit set is this table's again.
    recheck = table.recheck;
    recheckShift = table.recheckShift;
    let from = Math.max(0, a - PIECE_OVERLAP);
    if (reach < from) {
      // Units further back than a piece may reach cannot be joined with this piece's: withheld.
      if (reach < a - MAX_REACH) unscanned.push([reach, a - MAX_REACH]);
      from = Math.max(0, reach, a - MAX_REACH);
    }
    // A compressed run begun in this piece is inflated whole (./views/compressed-extent), or withheld past its bound.
    const extent = pieceEnd(text, from, Math.min(text.length, b + PIECE_OVERLAP));
    const to = extent.end;
    if (extent.overLimit) unscanned.push([to, text.length]);
    if (stop()) {
      unscanned.push([from, text.length]);
      break;
    }
    const whole = from === 0 && to === text.length;
    const piece = flat(whole ? text : text.slice(from, to), ascii);
    // A piece finds its own run starts: the whole text's mark each run once, where it begins, so a
    // run begun in an earlier piece had no start here and nothing of it past that piece was decoded.
    const pieceRuns = whole ? runs : null;
    let decoded: DecodedViews;
    try {
      // A piece taken to a compressed run's end stands in for the pieces it spans: their budgets' constants too.
      const spanned = Math.max(1, Math.ceil((to - from) / DECODE_PIECE));
      decoded = decodedViews(piece, { ...options, rootRuns: pieceRuns, rootHigh: rootHigh && /[\u00c2-\u00f4]/.test(piece) }, { ...limits, budgetConstant: limits.budgetConstant * spanned });
    } catch {
      decoded = { views: [], complete: false };
    }
    if (!decoded.complete) unscanned.push([from, to]);
    reach = to < text.length ? from + tailReach(decoded.views, b - PIECE_OVERLAP - from) : Infinity;
    run.offset = from;
    for (const v of decoded.views) {
      const u = unitsOf(v.text);
      const stretches = newWindowStretches(v, piece);
      for (let r = 0; r < stretches.length; r += 2) {
        for (const len of table.lengths) scanUnits(keys, table, v, u, stretches[r]!, stretches[r + 1]!, len, hits, run);
      }
    }
  }
  // Reused buffers held text and decoded bytes of this scan: zeroed, so none outlives it.
  clearUnits();
  clearDecoderScratch();
  for (const h of hits) wholePairs(text, [h]);
  markWhole(table, hits, text);
  return { hits, unscanned };
}

/** Hashes every window of `len` units of `v` in `u[lo, n)` and records the original span of each one in the index. */
function scanUnits(keys: HashKeys, table: FingerprintTable, v: View, u: Uint8Array | Uint16Array, lo: number, n: number, len: number, hits: Span[], run: RunState): void {
  const shift = shiftFor(len);
  const pairs = len === WINDOW && !(u instanceof Uint16Array);
  for (let from = lo; from + len <= n; ) {
    const count =
      u instanceof Uint16Array
        ? candidatesOfUnits(u, from, n, keys, table.bitset, table.bitsetShift, shift, len, v.start)
        : pairs
          ? windowCandidatesOfBytes(u, from, n, keys.t, table.bitset, table.bitsetShift)
          : candidatesOfBytes(u, from, n, keys.t, table.bitset, table.bitsetShift, shift, len);
    for (let c = 0; c < count; c += 2) {
      const end = candidates[c]!;
      const h = candidates[c + 1]!;
      verify(keys, table, v, u, n, end - len + 1, len, h, hits, run);
      // The window ending just after: its first W − 1 characters are what hit.
      if (pairs && end + 1 < n) verify(keys, table, v, u, n, end - len + 2, len, ((h << shift) + keys.t[u[end + 1]!]!) | 0, hits, run);
    }
    if (count < candidates.length) break;
    // Full: windows ending after the last candidate are hashed again from their start.
    from = candidates[count - 2]! + 2 - len;
  }
}

/**
 * ASCII bytes: the bucket key rolls over the keyed words, and a window whose key's top bits are in
 * the bit set is a candidate. Returns how many candidate entries it wrote (stops when full).
 */
function candidatesOfBytes(b: Uint8Array, from: number, n: number, t: Int32Array, bitset: Int32Array, bshift: number, shift: number, len: number): number {
  const cap = candidates.length;
  let count = 0;
  let h = 0;
  const primed = from + len - 1;
  for (let i = from; i < primed; i++) h = ((h << shift) + t[b[i]!]!) | 0;
  for (let i = primed; i < n; i++) {
    h = ((h << shift) + t[b[i]!]!) | 0;
    if (inBitset(bitset, h >>> bshift) && rechecked(h) && (count = record(count, i, h)) === cap) break;
  }
  return count;
}

/**
 * W-windows of ASCII bytes, tested at every other position (see the top of this file): the bucket
 * key rolls two characters per step. Returns how many candidate entries it wrote (stops when full).
 */
function windowCandidatesOfBytes(b: Uint8Array, from: number, n: number, t: Int32Array, bitset: Int32Array, bshift: number): number {
  const cap = candidates.length;
  const last = from + WINDOW - 1;
  let count = 0;
  let h = 0;
  for (let i = from; i <= last; i++) h = ((h << WINDOW_SHIFT) + t[b[i]!]!) | 0;
  if (inBitset(bitset, h >>> bshift) && rechecked(h) && (count = record(count, last, h)) === cap) return count;
  for (let i = last + 2; i < n; i += 2) {
    h = ((((h << WINDOW_SHIFT) + t[b[i - 1]!]!) << WINDOW_SHIFT) + t[b[i]!]!) | 0;
    if (inBitset(bitset, h >>> bshift) && rechecked(h) && (count = record(count, i, h)) === cap) break;
  }
  // An odd count of positions leaves the last one untested: the window ending there is checked as
  // the one after the last tested position (end + 1 < n above).
  return count;
}

/** The same over UTF-16 units; in a decoded view a U+FFFF that maps to no original character is a break. */
function candidatesOfUnits(u: Uint16Array, from: number, n: number, k: HashKeys, bitset: Int32Array, bshift: number, shift: number, len: number, starts: Int32Array | null): number {
  const cap = candidates.length;
  const t = k.t;
  let count = 0;
  let h = 0;
  let lastBreak = from - 1;
  for (let i = from; i < n; i++) {
    const c = u[i]!;
    if (c < 128) h = ((h << shift) + t[c]!) | 0;
    else if (c === BREAK && starts !== null && starts[i] === -1) {
      h = 0;
      lastBreak = i;
      continue;
    } else h = ((h << shift) + foldedWord(k, lowerUnit(u, n, i))) | 0;
    if (i - lastBreak >= len && inBitset(bitset, h >>> bshift) && rechecked(h) && (count = record(count, i, h)) === cap) break;
  }
  return count;
}

/** Small enough for V8 to inline into the loops above (a real call there would cost a third). */
function inBitset(bitset: Int32Array, slot: number): boolean {
  return (bitset[slot >>> 5]! & (1 << (slot & 31))) !== 0;
}

/** Whether a bucket key the first bit set let through is in the recheck bit set too. */
function rechecked(h: number): boolean {
  return inBitset(recheck, Math.imul(h, RECHECK_MIX) >>> recheckShift);
}

/** Notes a candidate window ending at `i` with bucket key `h`; returns the new entry count. */
function record(count: number, i: number, h: number): number {
  candidates[count] = i;
  candidates[count + 1] = h;
  return count + 2;
}

function verify(keys: HashKeys, table: FingerprintTable, v: View, u: Uint8Array | Uint16Array, n: number, from: number, len: number, h1: number, hits: Span[], run: RunState): void {
  const to = from + len;
  // Most candidates are bit-set collisions: the check hash is computed only for a real bucket.
  if (!table.hasBucket(h1, len)) return;
  // ASCII bytes never reach lowerUnit (it is called for units ≥ 128 only).
  const e = table.find(h1, len, checkHash(keys, u as Uint16Array, n, from, to));
  if (e < 0) return;
  const start = (v.start ? v.start[from]! : from) + (v.start ? run.offset : 0);
  const end = (v.end ? v.end[to - 1]! : to) + (v.end ? run.offset : 0);
  const name = table.names[table.nameOf[e]!]!;
  // Consecutive windows of one occurrence (in one view) extend its run instead of adding a hit each.
  if (run.span && run.view === v && len === WINDOW && from === run.next && run.span.name === name && (run.span.backwards === true) === (table.backwards[e] === 1)) {
    run.next++;
    run.span.end = Math.max(run.span.end, end);
    run.span.start = Math.min(run.span.start, start);
    run.span.tail = h1;
    return;
  }
  const span: Span = { start, end, name, tail: h1 };
  if (table.backwards[e] === 1) span.backwards = true;
  // A value shorter than a window is one window: any hit of it is the whole value.
  if (len < WINDOW) {
    span.whole = true;
    span.short = true;
  }
  else {
    const head = bucketHash(keys, u as Uint16Array, n, from, from + WINDOW - 1, WINDOW);
    if (table.isHead(head)) span.head = head;
  }
  hits.push(span);
  run.view = v;
  run.next = from + 1;
  run.span = span;
}

