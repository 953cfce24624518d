/**
 * A PEM block with its line breaks taken out (`-----BEGIN …-----MIIE…-----END …-----`): how a
 * multi-line value is indexed besides as written (../fingerprints formsOf), so a key an upstream
 * re-wrapped at other columns (76 instead of 64, or indented) is read whole again, not as pieces
 * broken at each new line end. Only inside armour: wrapped base64 elsewhere is decoded by the base64
 * view and is not copied here.
 *
 * Linear: the next BEGIN and the next END are each searched forward from where the last search
 * ended (many BEGINs without an END cost one pass, not one pass each).
 */
import { regionsView, type Piece, type View, type ViewOptions } from './view.js';

/** Longest block read (a 16,384-bit RSA key is about 12,700 characters of PEM). */
const MAX_BLOCK = 65_536;
const BEGIN = '-----BEGIN ';
const END = '-----END ';
const LABEL = /-----BEGIN [A-Z0-9 ]{1,40}-----/y;
const BREAK = /\r?\n[ \t]*/g;

export function pemView(v: View, o: ViewOptions): View | null {
  const t = v.text;
  let begin = t.indexOf(BEGIN);
  if (begin < 0) return null;
  const tokens: Array<[number, number, Piece]> = [];
  let end = -1;
  while (begin >= 0) {
    if (end < begin) end = t.indexOf(END, begin);
    if (end < 0) break;
    LABEL.lastIndex = begin;
    const next = t.indexOf(BEGIN, begin + 1);
    // A BEGIN followed by another before the END is not this block's start.
    if (LABEL.test(t) && end - begin <= MAX_BLOCK && (next < 0 || next > end)) {
      BREAK.lastIndex = begin;
      for (let m = BREAK.exec(t); m && m.index < end; m = BREAK.exec(t)) tokens.push([m.index, m.index + m[0].length, '']);
    }
    begin = next;
  }
  return tokens.length > 0 ? regionsView(v, tokens, Math.min(o.context, 2 * o.minWindow), 'pem') : null;
}
