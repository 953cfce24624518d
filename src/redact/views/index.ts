/**
 * Every decoded view of a text, composed: the decoders of ./text and ./binary applied to the text
 * and to each other's output, breadth first, up to MAX_DEPTH layers, with the total size of all
 * views capped at a fixed multiple of the input so the cost stays linear in the input size.
 */
import { ascii85View } from './ascii85.js';
import { base32View, clearBase32 } from './base32.js';
import { base64View, clearDecoded, hexView } from './binary.js';
import { mayHoldByteList } from './byte-tokens.js';
import { byteListView } from './bytelist.js';
import { foldView } from './fold.js';
import { inflateView, textInflateView, limitInflation } from './inflate.js';
import { firstMixed, joinView, mayJoin } from './join.js';
import { listView } from './list.js';
import { markupView } from './markup.js';
import { paddedBase64View } from './padded-base64.js';
import { pemView } from './pem.js';
import { maySpell, phoneticView } from './phonetic.js';
import { streamView } from './stream.js';
import { taggedView } from './tagged.js';
import { quotedPrintableView } from './quoted-printable.js';
import { clearRawProbes } from './raw-deflate.js';
import { unwrapView } from './unwrap.js';
import { uuencodeView } from './uuencode.js';
import { tableColumnsView } from './table-columns.js';
import { htmlView, jsonView, latin1View, lineView, nulView, percentView } from './text.js';
import { DecodeLimitReached, newView, releaseSharedMaps, type View, type ViewOptions } from './view.js';

export { BREAK, type View, type ViewOptions } from './view.js';
export { asciiBase64RunStarts, base64RunStarts, BLOCK_WALK_MIN } from './runs.js';

/**
 * Layers of encoding undone on top of each other (e.g. base64 of percent-encoded JSON is 3); escapes
 * of different kinds side by side (an HTML page with `&amp;`, `%20` and `\u0026`) add no depth.
 */
export const MAX_DEPTH = 8;
/** All decoded views together hold at most this many units per input character (plus a constant). */
export const BUDGET_PER_CHAR = 12;
export const BUDGET_CONSTANT = 1 << 16;

/** How far decoding may go: a scan that reaches either limit with something left to decode is incomplete. */
export interface DecodeLimits {
  maxDepth: number;
  budgetPerChar: number;
  budgetConstant: number;
}

export const DEFAULT_LIMITS: DecodeLimits = { maxDepth: MAX_DEPTH, budgetPerChar: BUDGET_PER_CHAR, budgetConstant: BUDGET_CONSTANT };

/** The decoded views of a text, and whether they are all of them (false: a limit stopped decoding). */
export interface DecodedViews {
  views: View[];
  complete: boolean;
}

/**
 * Characters the textual decoders start from (html `&`, json `\\`, percent `%`, form `%` `+`, nul
 * U+0000, line breaks and tags `\r` `<`, quoted-printable `=`, the joins' anchors `_` `-` `/` `|`
 * tab, lists `,`, Ascii85's `<~` and `~>`, uuencode's `begin `, a character per call's `(`);
 * base64, base32, hex and inflate start from the caller's runs (padded base64 chunks from `=`), latin1 from rootHigh, the fold
 * from any character outside ASCII, byte lists from a sampled list, the joins from token text too
 * (a letter beside a digit).
 */
const TRIGGERS = ['&', '\\', '%', '+', '\r', '<', '\u0000', '=', '_', '-', '/', '|', '\t', ',', '\u001b', '~', 'begin ', '('];

/**
 * Whether any decoder can find something in the text: most short strings (a header, a JSON field)
 * hold nothing. One indexOf per trigger (V8 searches for one character at memory speed) rather
 * than a character-class regex, which took ten times as long over a body with none of them.
 */
function mayDecode(text: string, o: ViewOptions): boolean {
  return (
    o.rootHigh ||
    o.rootRuns === null ||
    o.rootRuns.length > 0 ||
    TRIGGERS.some((c) => text.includes(c)) ||
    // Outside ASCII (fold, box-drawing borders): Buffer.byteLength tells at memory speed.
    Buffer.byteLength(text, 'utf8') !== text.length ||
    mayHoldByteList(text) ||
    mayJoin(text) ||
    maySpell(text, o.minWindow)
  );
}

/**
 * A textual decoder skips joined views: taking separators out creates no escape (a value escaped
 * and then grouped is read by the join of the escape's decoded view), and each joined view run
 * through every decoder again cost B3's encoded body half its throughput. Binary decoders do read
 * joined views: base64 or hex printed in groups is decoded once joined.
 */
const unjoined =
  (decode: (v: View, o: ViewOptions) => View | null) =>
  (v: View, o: ViewOptions): View | null =>
    v.kind.startsWith('join') ? null : decode(v, o);

/**
 * The unwrap comes first: it makes no escape, it rejoins escapes a hard wrap cut, so every decoder
 * after it reads its view (a decoder of an earlier place would read it only where it decoded what
 * the unwrap produced, see `stacked`).
 */
const DECODERS: ReadonlyArray<(v: View, o: ViewOptions) => View | null> = [
  unjoined(unwrapView),
  unjoined(htmlView),
  unjoined(jsonView),
  unjoined((v, o) => percentView(v, o, false)),
  unjoined((v, o) => percentView(v, o, true)),
  base64View,
  paddedBase64View,
  hexView,
  unjoined(latin1View),
  unjoined(nulView),
  unjoined(lineView),
  unjoined(quotedPrintableView),
  unjoined(markupView),
  unjoined(listView),
  unjoined(pemView),
  unjoined(uuencodeView),
  unjoined(ascii85View),
  unjoined(streamView),
  base32View,
  byteListView,
  unjoined(taggedView),
  unjoined(phoneticView),
  inflateView,
  unjoined(textInflateView),
  unjoined(tableColumnsView),
  unjoined(foldView),
  (v, o) => joinView(v, o, false),
  (v, o) => joinView(v, o, true),
];

/**
 * Decoders that normalise rather than decode (the unwrap, the fold, the joins): they undo no
 * encoding, so they add no depth; the size budget and MAX_LAYERS bound them.
 */
const NORMALISERS = new Set([0, DECODERS.length - 3, DECODERS.length - 2, DECODERS.length - 1]);
/** Layers of views of any kind, normalisers included: one more with something in it is incomplete. */
const MAX_LAYERS = 12;

export function identityView(text: string): View {
  return newView(text, null, null, null, undefined, 0, '');
}

/**
 * Every decoded view of `text` (not the identity view itself), breadth first, within `limits`.
 * Never throws: a decoder that fails is skipped. `complete` is false when the size budget ran out
 * or when the deepest layer allowed could still be decoded further: the caller must then treat the
 * text as not scanned (fail closed), never as clean.
 *
 * Decoding the same escapes in another order gives nothing new: a decoder applied to a view made by
 * a decoder of a later-or-equal place in DECODERS keeps its answer only when it decoded something
 * that view's own decoder produced (stacked encodings such as `%2541`); escapes that view merely
 * copied from its parent are decoded in the other order already (see `stacked`). Without this rule
 * text holding k kinds of escape made k! views of itself and spent the budget on permutations.
 */
export function decodedViews(text: string, o: ViewOptions, limits: DecodeLimits = DEFAULT_LIMITS): DecodedViews {
  if (!mayDecode(text, o)) return { views: [], complete: true };
  o = { ...o, root: text, rootMixed: firstMixed(text) };
  const out: View[] = [];
  let budget = text.length * limits.budgetPerChar + limits.budgetConstant;
  let layer: View[] = [identityView(text)];
  // Inflated bytes count against the same budget before they are made: a piece of many small
  // compressed blobs (each allowed 64 KiB) inflated megabytes only to be refused afterwards.
  limitInflation(budget);
  try {
    return decodeLayers(layer, out, budget, o, limits);
  } catch (err) {
    if (err instanceof DecodeLimitReached) return { views: out, complete: false };
    throw err;
  } finally {
    limitInflation(Infinity);
  }
}

function decodeLayers(layer: View[], out: View[], budget: number, o: ViewOptions, limits: DecodeLimits): DecodedViews {
  for (let layers = 0; layer.length > 0; layers++) {
    if (layers >= MAX_LAYERS) return { views: out, complete: false };
    const next: View[] = [];
    for (const v of layer) {
      for (let d = 0; d < DECODERS.length; d++) {
        const child = childOf(v, d, o);
        if (!child) continue;
        // One stacked layer past the deepest allowed: anything found there means the scan is not complete.
        if ((child.stack ?? 0) > limits.maxDepth || child.text.length > budget) return { views: out, complete: false };
        budget -= child.text.length;
        out.push(child);
        next.push(child);
      }
    }
    layer = next;
  }
  return { views: out, complete: true };
}

/** Decoder `d` applied to `v`, or null when it finds nothing new there. */
function childOf(v: View, d: number, o: ViewOptions): View | null {
  let child: View | null = null;
  try {
    child = DECODERS[d]!(v, o);
  } catch (err) {
    releaseSharedMaps();
    if (err instanceof DecodeLimitReached) throw err;
    return null;
  }
  if (!child || child.text.length === 0) return null;
  child.decoder = d;
  // Stacked: it decoded what v's own decoder produced (an encoding inside an encoding). Otherwise
  // it decoded escapes v only copied, which adds breadth (a view holding both decodings), not
  // depth, and is kept only in one order (decoders in list order) so no permutation is built twice.
  const onTop = v.decoder === undefined || stacked(child, v);
  if (!onTop && v.decoder! >= d) return null;
  child.stack = (v.stack ?? 0) + (onTop && !NORMALISERS.has(d) ? 1 : 0);
  return child;
}

/**
 * Whether some unit `child` decoded came from a unit its parent `v` decoded (or from beside one of
 * v's removals): compared in original coordinates, where v's decoded units and v's copies never
 * overlap.
 */
function stacked(child: View, v: View): boolean {
  if (!v.fresh || !v.start || !v.end) return true;
  // The same for every decoder applied to v: found once per view.
  const spans = (v.freshSpans ??= freshSpans(v.fresh, v.start, v.end));
  // Views keep the original order; if one ever did not, keep the child (never drop on doubt).
  if (spans === 'unordered') return true;
  const { lo, hi } = spans;
  if (lo.length === 0) return false;
  const src = child.sources;
  if (!src) return true;
  for (let k = 0; k < src.length; k += 2) if (overlapsAny(lo, hi, src[k]!, src[k + 1]!)) return true;
  return false;
}

/** A view's fresh units as merged original intervals, in order ('unordered' if the view's units are not in original order). */
function freshSpans(fresh: Uint8Array, vs: Int32Array, ve: Int32Array): { lo: number[]; hi: number[] } | 'unordered' {
  const lo: number[] = [];
  const hi: number[] = [];
  for (let i = 0; i < fresh.length; i++) {
    if (fresh[i] === 0 || vs[i]! < 0) continue;
    const a = vs[i]!;
    const b = ve[i]!;
    const k = lo.length - 1;
    if (k >= 0 && a < lo[k]!) return 'unordered';
    if (k >= 0 && a <= hi[k]!) hi[k] = Math.max(hi[k]!, b);
    else {
      lo.push(a);
      hi.push(b);
    }
  }
  return { lo, hi };
}

/** Whether [a, b) overlaps one of the disjoint intervals [lo[k], hi[k]), sorted. */
function overlapsAny(lo: number[], hi: number[], a: number, b: number): boolean {
  // Last interval starting before b.
  let l = 0;
  let h = lo.length;
  while (l < h) {
    const m = (l + h) >> 1;
    if (lo[m]! < b) l = m + 1;
    else h = m;
  }
  return l > 0 && hi[l - 1]! > a;
}

/** Zeroes every decoder's reused buffer: a scan calls this when it ends, so no decoded text outlives it. */
export function clearDecoderScratch(): void {
  clearBase32();
  clearDecoded();
  clearRawProbes();
}
