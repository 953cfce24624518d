/**
 * A PEM block with its line breaks taken out (`-----BEGIN …-----MIIE…-----END …-----`): how a
 * multi-line value is indexed besides as written (../fingerprints formsOf), so a key an upstream
 * re-wrapped at other columns (76 instead of 64, or indented) is read whole again, not as pieces
 * broken at each new line end. Only inside armour: wrapped base64 elsewhere is decoded by the base64
 * view and is not copied here.
 */
import { regionsView, tokensOf, type Piece, type View, type ViewOptions } from './view.js';

/** An armoured block, bounded (a chain of certificates is several blocks). */
const BLOCK = /-----BEGIN [A-Z0-9 ]{1,40}-----[^]{0,65536}?-----END [A-Z0-9 ]{1,40}-----/y;
const BREAK = /\r?\n[ \t]*/g;

export function pemView(v: View, o: ViewOptions): View | null {
  const t = v.text;
  if (t.indexOf('-----BEGIN ') < 0) return null;
  const tokens: Array<[number, number, Piece]> = [];
  for (const [a, b] of tokensOf(t, '-', BLOCK, () => '')) {
    BREAK.lastIndex = a;
    for (let m = BREAK.exec(t); m && m.index < b; m = BREAK.exec(t)) tokens.push([m.index, m.index + m[0].length, '']);
  }
  return regionsView(v, tokens, Math.min(o.context, 2 * o.minWindow), 'pem');
}
