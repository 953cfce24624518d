/**
 * The text of markup as a reader sees it: tags taken out (`<span>s</span><span>k</span>` reads
 * `sk`, a `<wbr>` break hint or a `<b>` around part of a key joins it again), so windows run across
 * them. Tags only — `<` followed by a name or `/name`, up to the next `>` on a short stretch — never a
 * lone `<` of prose or code (`a < b`). Comments (`<!-- … -->`) are taken out the same way. Line-break
 * tags (`<br>`) are read as line breaks by the lines view; here they join like any other tag.
 */
import { tokensOf } from './tokens.js';
import { regionsView, type View, type ViewOptions } from './view.js';

/**
 * A tag or a comment (attributes may hold quotes and anything but `<` `>`, up to a bound), or a
 * terminal's escape sequence (ANSI colours left in a CI log: `ESC[31m`), which marks text up the
 * same way.
 */
const TAG_RE = /<(?:\/?[A-Za-z][A-Za-z0-9:-]{0,31}(?:\s[^<>]{0,512})?\/?|!--[^]{0,512}?--)>|\u001b\[[0-9;?]{0,16}[A-Za-z]/y;

export function markupView(v: View, o: ViewOptions): View | null {
  if (v.text.indexOf('<') < 0 && v.text.indexOf('\u001b') < 0) return null;
  // Context of two windows, as the joins keep: a window across a removed tag needs W − 1 characters
  // on each side, and the full context copied a tag-dense page whole into every layer's view.
  return regionsView(v, tokensOf(v.text, '<\u001b', TAG_RE, () => ''), Math.min(o.context, 2 * o.minWindow), 'markup');
}
