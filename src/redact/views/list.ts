/**
 * A value returned in quoted pieces, read with what is between the pieces taken out, so windows run
 * across them:
 * - a list of short strings (`["sk_live_ab","cdEf12…"]`, Python's `['sk_l', 'ive_…']`, a SQL array
 *   `{"ab","cd"}`): only lists of at least two quoted items of at most MAX_ITEM characters each (a
 *   longer item holds whole windows of its own) are joined, so the separators of JSON objects and of
 *   lists of long strings are left alone and a JSON body is not copied whole into this view;
 * - string concatenation (`'sk_l' || 'ive_…'` in SQL, `"sk_l" + "ive_…"`, PHP's `.`, VB's `&`,
 *   Python's and C's adjacent literals `"sk_l" "ive_…"`): an operator between two quoted pieces of at
 *   most MAX_PIECE characters on one line, which JSON never writes;
 * - a string spread into an object, one character per index key (`{"0":"s","1":"k",…}`);
 * - RFC 2231 parameter continuations (`filename*0="sk_l"; filename*1="ive_…"`, or `*1*=` with
 *   percent escapes, which the percent view then reads), as a mail or download library splits a
 *   long parameter, folded across lines or not.
 */
import { tokensOf } from './tokens.js';
import { regionsView, type Piece, type View, type ViewOptions } from './view.js';

const MAX_ITEM = 16;
const MAX_PIECE = 64;
const item = (q: string) => `${q}[^${q}\\\\\\n]{1,${MAX_ITEM}}${q}`;
/** An opening bracket, then quoted short items separated by commas; the closing bracket is optional (a cut body). */
const LIST_RE = new RegExp(`[[{(]\\s*(?:(?:${item('"')}\\s*,\\s*)+${item('"')}|(?:${item("'")}\\s*,\\s*)+${item("'")})`, 'y');
const SEPARATOR = /["']\s*,\s*["']/g;
/** A string spread into an object (`{ ...s }`: `{"0":"s","1":"k",…}`), one character per key. */
const SPREAD_RE = /\{\s*"0"\s*:\s*"[^"\\]{1,2}"(?:\s*,\s*"\d{1,6}"\s*:\s*"[^"\\]{1,2}")+/y;
const SPREAD_SEPARATOR = /"\s*,\s*"\d{1,6}"\s*:\s*"/g;
/** What lies between two RFC 2231 continuations: the end of one, `;`, the next one's `name*N=` (N ≥ 1). */
const CONTINUATION = /"?[ \t]*;[ \t\r\n]*[A-Za-z0-9_.-]{1,64}\*[1-9][0-9]{0,2}\*?=[ \t]*"?/g;
/** A concatenation between two quoted pieces: an operator, or blanks alone (adjacent literals). */
const CONCAT = /(["'])[ \t]*(?:\+|\|\||&|\.)[ \t]*\1|(["'])[ \t]+\2/g;

export function listView(v: View, o: ViewOptions): View | null {
  const t = v.text;
  const tokens: Array<[number, number, Piece]> = [];
  if (t.indexOf(',') >= 0) {
    for (const [a, b] of tokensOf(t, '[{(', LIST_RE, () => '')) {
      // The separators inside each list, as removals (the items' characters stay copies). Items that
      // together hold less than a window hold no window joined either (a JSON body's `tags` lists).
      SEPARATOR.lastIndex = 0;
      const text = t.slice(a, b);
      if (itemsLength(text) < o.minWindow) continue;
      for (let m = SEPARATOR.exec(text); m; m = SEPARATOR.exec(text)) tokens.push([a + m.index, a + m.index + m[0].length, '']);
    }
  }
  if (t.indexOf('"0"') >= 0) {
    for (const [a, b] of tokensOf(t, '{', SPREAD_RE, () => '')) {
      SPREAD_SEPARATOR.lastIndex = 0;
      const text = t.slice(a, b);
      for (let m = SPREAD_SEPARATOR.exec(text); m; m = SPREAD_SEPARATOR.exec(text)) tokens.push([a + m.index, a + m.index + m[0].length, '']);
    }
  }
  concatenations(t, tokens);
  if (t.indexOf('*1') >= 0) {
    CONTINUATION.lastIndex = 0;
    for (let m = CONTINUATION.exec(t); m; m = CONTINUATION.exec(t)) tokens.push([m.index, m.index + m[0].length, '']);
  }
  if (tokens.length === 0) return null;
  tokens.sort((x, y) => x[0] - y[0]);
  return regionsView(v, tokens, Math.min(o.context, 2 * o.minWindow), 'list');
}

/** At least the characters inside the quotes of a list's items: all but its quotes, commas, brackets and blanks. */
function itemsLength(list: string): number {
  let n = 0;
  for (let i = 0; i < list.length; i++) if (!LIST_PUNCTUATION.has(list.charCodeAt(i))) n++;
  return n;
}
const LIST_PUNCTUATION = new Set(Array.from('"\',[]{}() \t\r\n', (c) => c.charCodeAt(0)));

/** Concatenation operators between two quoted pieces of one line, as removals added to `out`. */
function concatenations(t: string, out: Array<[number, number, Piece]>): void {
  CONCAT.lastIndex = 0;
  for (let m = CONCAT.exec(t); m; m = CONCAT.exec(t)) {
    const q = m[1] ?? m[2]!;
    const a = m.index;
    const b = a + m[0].length;
    const open = t.lastIndexOf(q, a - 1);
    const close = t.indexOf(q, b);
    const piece = (s: number, e: number) => s >= 0 && e > s + 1 && e - s - 1 <= MAX_PIECE && !t.slice(s + 1, e).includes('\n');
    if (piece(open, a) && piece(b - 1, close)) out.push([a, b, '']);
    CONCAT.lastIndex = b - 1; // the closing quote opens the next piece
  }
}
