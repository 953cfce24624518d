/**
 * A value returned as a list of short strings (`["sk_live_ab","cdEf12…"]`, Python's
 * `['sk_l', 'ive_…']`, a SQL array `{"ab","cd"}`), read with the quotes and commas between its items
 * taken out, so windows run across the items. Only lists of at least two quoted items of at most
 * MAX_ITEM characters each (a longer item holds whole windows of its own) are joined: the separators
 * of JSON objects and of lists of long strings are left alone, which keeps a JSON body from being
 * copied whole into this view.
 */
import { regionsView, tokensOf, type Piece, type View, type ViewOptions } from './view.js';

const MAX_ITEM = 16;
/** An opening bracket, then quoted short items separated by commas; the closing bracket is optional (a cut body). */
const item = (q: string) => `${q}[^${q}\\\\\\n]{1,${MAX_ITEM}}${q}`;
const LIST_RE = new RegExp(`[[{(]\\s*(?:(?:${item('"')}\\s*,\\s*)+${item('"')}|(?:${item("'")}\\s*,\\s*)+${item("'")})`, 'y');
const SEPARATOR = /["']\s*,\s*["']/g;

export function listView(v: View, o: ViewOptions): View | null {
  const t = v.text;
  if (t.indexOf(',') < 0) return null;
  const lists = tokensOf(t, '[{(', LIST_RE, () => '');
  if (lists.length === 0) return null;
  // The separators inside each list, as removals (the items' characters stay copies).
  const tokens: Array<[number, number, Piece]> = [];
  for (const [a, b] of lists) {
    SEPARATOR.lastIndex = 0;
    const text = t.slice(a, b);
    for (let m = SEPARATOR.exec(text); m; m = SEPARATOR.exec(text)) tokens.push([a + m.index, a + m.index + m[0].length, '']);
  }
  return regionsView(v, tokens, Math.min(o.context, 2 * o.minWindow), 'list');
}
