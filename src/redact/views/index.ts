/**
 * Every decoded view of a text, composed: the decoders of ./text and ./binary applied to the text
 * and to each other's output, breadth first, up to MAX_DEPTH layers, with the total size of all
 * views capped at a fixed multiple of the input so the cost stays linear in the input size.
 */
import { base32View } from './base32.js';
import { base64View, hexView } from './binary.js';
import { mayHoldByteList } from './byte-tokens.js';
import { byteListView } from './bytelist.js';
import { foldView } from './fold.js';
import { inflateView } from './inflate.js';
import { joinView } from './join.js';
import { quotedPrintableView } from './quoted-printable.js';
import { htmlView, jsonView, latin1View, lineView, nulView, percentView } from './text.js';
import { releaseSharedMaps, type View, type ViewOptions } from './view.js';

export { BREAK, type View, type ViewOptions } from './view.js';
export { asciiBase64RunStarts, base64RunStarts, BLOCK_WALK_MIN } from './runs.js';

/** Layers of encoding undone on top of each other (e.g. base64 of percent-encoded JSON is 3). */
export const MAX_DEPTH = 3;
/** All decoded views together hold at most this many units per input character (plus a constant). */
const BUDGET_PER_CHAR = 12;
const BUDGET_CONSTANT = 1 << 16;

/**
 * Characters the textual decoders start from (html `&`, json `\\`, percent `%`, form `%` `+`, nul
 * U+0000, line breaks `\r` `<`, quoted-printable `=`, the joins' anchors `_` `-` `/` `|` tab);
 * base64, base32, hex and inflate start from the caller's runs, latin1 from rootHigh, the fold
 * from any character outside ASCII, byte lists from a sampled list.
 */
const TRIGGERS = ['&', '\\', '%', '+', '\r', '<', '\u0000', '=', '_', '-', '/', '|', '\t'];

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
    mayHoldByteList(text)
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

const DECODERS: ReadonlyArray<(v: View, o: ViewOptions) => View | null> = [
  unjoined(htmlView),
  unjoined(jsonView),
  unjoined((v, o) => percentView(v, o, false)),
  unjoined((v, o) => percentView(v, o, true)),
  base64View,
  hexView,
  unjoined(latin1View),
  unjoined(nulView),
  unjoined(lineView),
  unjoined(quotedPrintableView),
  base32View,
  byteListView,
  inflateView,
  unjoined(foldView),
  (v, o) => joinView(v, o, false),
  (v, o) => joinView(v, o, true),
];

export function identityView(text: string): View {
  return { text, start: null, end: null, depth: 0, kind: '' };
}

/**
 * Every decoded view of `text` (not the identity view itself), breadth first, up to MAX_DEPTH
 * layers and within the size budget. Never throws: a decoder that fails is skipped.
 */
export function decodedViews(text: string, o: ViewOptions): View[] {
  if (!mayDecode(text, o)) return [];
  o = { ...o, root: text };
  const out: View[] = [];
  let budget = text.length * BUDGET_PER_CHAR + BUDGET_CONSTANT;
  let layer: View[] = [identityView(text)];
  for (let depth = 1; depth <= MAX_DEPTH && layer.length > 0; depth++) {
    const next: View[] = [];
    for (const v of layer) {
      for (const decode of DECODERS) {
        let child: View | null = null;
        try {
          child = decode(v, o);
        } catch {
          releaseSharedMaps();
          child = null;
        }
        if (!child || child.text.length === 0) continue;
        if (child.text.length > budget) return out;
        budget -= child.text.length;
        out.push(child);
        next.push(child);
      }
    }
    layer = next;
  }
  return out;
}
