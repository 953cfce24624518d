/**
 * Bookkeeping of a scan that is not hashing: how a long text is cut into decoding pieces, and which
 * hit runs together make a whole occurrence of a value (./scan).
 */
import { WINDOW } from './fingerprints.js';
import type { Span } from './spans.js';
import type { View } from './views/index.js';
import type { FingerprintTable } from './table.js';

/**
 * Text longer than this is decoded in pieces of about this size (cut at line breaks), each with
 * its own decoding budget, so that escape-dense padding in one piece cannot starve another. The
 * identity view (and so every window of the text as written) is still hashed whole.
 */
export const DECODE_PIECE = 16 * 1024;
/**
 * [start, end) pieces of at most about DECODE_PIECE characters, cut just after the last line break
 * in the second half of the piece where there is one. Line breaks are found by a forward search
 * remembered across pieces (each character is searched once): a backward search from each cut
 * crossed the whole text before it when it had no line break (one JSON string of a MiB), which made
 * cutting quadratic.
 */
export function pieces(text: string): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  let nl = text.indexOf('\n'); // the first line break at or after the search point (-1: none left)
  for (let a = 0; a < text.length; ) {
    let b = Math.min(text.length, a + DECODE_PIECE);
    if (b < text.length) {
      // The last line break in (a + DECODE_PIECE / 2, b], as lastIndexOf('\n', b) would find it.
      const half = a + DECODE_PIECE / 2;
      if (nl >= 0 && nl <= half) nl = text.indexOf('\n', half + 1);
      let last = -1;
      while (nl >= 0 && nl <= b) {
        last = nl;
        nl = text.indexOf('\n', nl + 1);
      }
      if (last >= 0) b = last + 1;
    }
    out.push([a, b]);
    a = b;
  }
  if (out.length === 0) out.push([0, 0]);
  return out;
}

/**
 * The same characters in a string of their own: a slice of a larger string (or a rope) is read
 * through an indirection on every charCodeAt, and the decoders read each character of a piece
 * several times (a third of their time on a sliced piece). One copy, at memory speed.
 */
export function flat(s: string, ascii: boolean): string {
  return ascii ? Buffer.from(s, 'latin1').toString('latin1') : Buffer.from(s, 'utf16le').toString('utf16le');
}

/**
 * Marks whole occurrences: runs of one name that overlap in the original text, or that only a line
 * break (with its indentation) parts, form a chain, and a chain holding a run that starts at a
 * stretch's head and a run that ends at that stretch's last window holds the whole stretch (a
 * JSON-escaped value is seen in pieces by the plain view and around its escapes by the decoded one;
 * a long token in wrapped text, broken at the line's end, is seen on both lines: together they cover
 * it).
 */
export function markWhole(table: FingerprintTable, hits: Span[], text: string): void {
  const order = hits.map((_, i) => i).sort((a, b) => (hits[a]!.name < hits[b]!.name ? -1 : hits[a]!.name > hits[b]!.name ? 1 : hits[a]!.start - hits[b]!.start));
  for (let i = 0; i < order.length; ) {
    const first = hits[order[i]!]!;
    let end = first.end;
    let j = i + 1;
    const joins = (h: Span) => h.name === first.name && (h.start <= end || lineBreakOnly(text, end, h.start));
    while (j < order.length && joins(hits[order[j]!]!)) end = Math.max(end, hits[order[j++]!]!.end);
    const chain = order.slice(i, j).map((k) => hits[k]!);
    // Only runs inside the span from a stretch's head run to its last window's run are the whole
    // value: a run that merely touches it (a guess glued after the key, sharing one base64
    // character) stays a piece.
    const spans: Array<[number, number]> = [];
    for (const h of chain) {
      if (h.head === undefined) continue;
      for (const t of chain) if (t.tail !== undefined && t.end >= h.start && table.isStretch(h.head, t.tail)) spans.push([h.start, t.end]);
    }
    for (const h of chain) if (!h.whole && spans.some(([a, b]) => a <= h.start && h.end <= b)) h.whole = true;
    i = j;
  }
}

/**
 * Where a decoded view can hold a window the scan of the input has not seen, as [start, end) pairs:
 * around each unit that is not an unchanged copy of the input character next to the one before it,
 * W + 1 units either side. Most of a view is the undecoded context kept around what was decoded
 * (for the next layer's sake), and a window made only of such copies is a window of the input.
 */
export function newWindowStretches(v: View, input: string): number[] {
  const { text, start, end } = v;
  const out: number[] = [];
  if (start === null || end === null) return out;
  const n = text.length;
  const reach = WINDOW + 1;
  for (let i = 0; i < n; i++) {
    const s = start[i]!;
    if (s === -1) continue; // a break: no window spans it
    const copy = end[i] === s + 1 && text.charCodeAt(i) === input.charCodeAt(s) && (i === 0 || start[i - 1] === -1 || start[i - 1] === s - 1);
    if (copy) continue;
    const a = Math.max(0, i - reach);
    const b = Math.min(n, i + reach + 1);
    if (out.length > 0 && out[out.length - 1]! >= a) out[out.length - 1] = b;
    else out.push(a, b);
  }
  return out;
}

/** Views whose own decoder takes padding out: tags and comments (markup), zero-width and format characters (fold), NULs. */
const PADDING_REMOVED = /^(?:markup|fold|nul)(?:<|$)/;
/**
 * Units of such a view the next piece must hold: a window of a later layer can need more of them
 * than W (16 base64 characters, 24 hex digits, 36 percent-escaped bytes make 12).
 */
const TAIL_UNITS = 3 * WINDOW;
/** How far apart W units of a view can lie without padding taken out (64 characters a unit: the usual overlap). */
const DENSE_SPAN = 64 * WINDOW;

/**
 * Where the next piece must start (in this piece's coordinates, Infinity: where it would anyway,
 * at `boundary`): early enough to hold the last TAIL_UNITS units before the boundary of every view
 * that took padding out (zero-width characters, tags, NULs) between them and the boundary. A
 * window that crosses the boundary has fewer than W of its units before it, and such a view can put
 * them further back than the fixed overlap; anywhere else the overlap holds them already.
 */
export function tailReach(views: readonly View[], boundary: number): number {
  let reach = Infinity;
  for (const { text, start, sources, kind } of views) {
    // Only a view that took padding out can spread a window thin (views decoded from it are read
    // again by the next piece from the units it holds); elsewhere the usual overlap holds every
    // window that crosses the boundary.
    if (start === null || !PADDING_REMOVED.test(kind)) continue;
    if (!sources || sources.length === 0) continue;
    let last = text.length - 1;
    while (last >= 0 && (start[last]! < 0 || start[last]! >= boundary)) last--;
    if (last < 0) continue;
    let first = last;
    while (last - first < TAIL_UNITS - 1 && first > 0 && start[first - 1]! >= 0) first--;
    // Thin because this view's own removals fill the stretch up to the boundary (not because the
    // view it was decoded from is thin there: a decoding's text stretches among binary bytes).
    const from = start[first]!;
    if (boundary - from > DENSE_SPAN && removedWithin(sources, from, boundary) >= boundary - from - DENSE_SPAN) reach = Math.min(reach, from);
  }
  return reach;
}

/** Characters of [from, to) inside the view's own removals (its sources, in order). */
function removedWithin(sources: Int32Array, from: number, to: number): number {
  let n = 0;
  for (let k = sources.length - 2; k >= 0; k -= 2) {
    const a = Math.max(sources[k]!, from);
    const b = Math.min(sources[k + 1]!, to);
    if (b > a) n += b - a;
    if (sources[k + 1]! <= from) break;
  }
  return n;
}

/** Whether text[a, b) is one line break with blanks around it (a wrap): at most a few characters. */
function lineBreakOnly(text: string, a: number, b: number): boolean {
  if (b - a > 8) return false;
  return /^[ \t]*\r?\n[ \t]*$/.test(text.slice(a, b));
}
