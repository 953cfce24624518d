/**
 * The text of markup as a reader sees it: tags taken out (`<span>s</span><span>k</span>` reads
 * `sk`, a `<wbr>` break hint or a `<b>` around part of a key joins it again), so windows run across
 * them. Tags only — `<` followed by a name or `/name`, up to the next `>` on a short stretch — never a
 * lone `<` of prose or code (`a < b`). Comments (`<!-- … -->`) are taken out the same way. Line-break
 * tags (`<br>`) are read as line breaks by the lines view; here they join like any other tag.
 *
 * What else an XML or HTML parser drops from the text is taken out too: the delimiters of a CDATA
 * section (`<![CDATA[` and `]]>`; the content stays, and sections side by side read as one text),
 * processing instructions (`<?p?>`, `<?php … ?>`), declarations and bogus comments (`<!DOCTYPE x>`,
 * `<!x>`, `<!-->`, `</ >`), each on a short stretch like a tag.
 */
import { regionsView, type Piece, type View, type ViewOptions } from './view.js';

/** The longest stretch a tag, comment, processing instruction or declaration is taken out over. */
const BOUND = 512;

/**
 * A tag or a comment (attributes may hold quotes and anything but `<` `>`, up to a bound; a comment
 * ends as HTML ends it, `<!-->` and `<!--->` empty, `--!>` an end too), a CDATA
 * section's opening or closing delimiter, or a terminal's escape sequence (ANSI colours left in a
 * CI log: `ESC[31m`), which marks text up the same way.
 */
const TAG_RE = /<(?:\/?[A-Za-z][A-Za-z0-9:-]{0,31}(?:\s[^<>]{0,512})?\/?|!---?|!--[^]{0,512}?--!?)>|<!\[CDATA\[|\]\]>|\u001b\[[0-9;?]{0,16}[A-Za-z]/iy;
/** A processing instruction's target and the blank after it: an XML one may hold `>` before its `?>`. */
const PI_TARGET_RE = /[A-Za-z_:][A-Za-z0-9_.:-]{0,63}\s/y;

/** The next occurrence of `s` at or after a position, for positions that only grow: linear in all. */
function seeker(text: string, s: string): (from: number) => number {
  let found = -2;
  return (from) => {
    if (found !== -1 && found < from) found = text.indexOf(s, from);
    return found;
  };
}

export function markupView(v: View, o: ViewOptions): View | null {
  const text = v.text;
  const cdataEnd = text.indexOf(']]>') >= 0;
  if (text.indexOf('<') < 0 && text.indexOf('\u001b') < 0 && !cdataEnd) return null;
  const gt = seeker(text, '>');
  const piEnd = seeker(text, '?>');
  /** The end of what is taken out at `at` (a trigger), or -1. */
  const read = (at: number): number => {
    TAG_RE.lastIndex = at;
    const m = TAG_RE.exec(text);
    if (m) return at + m[0].length;
    const c = text.charCodeAt(at + 1);
    // `<?`, `<!`, `</` not before a letter: a processing instruction or a declaration (HTML reads
    // each as a bogus comment up to the first `>`).
    if (text.charCodeAt(at) !== 0x3c || !(c === 0x3f || c === 0x21 || (c === 0x2f && !/[A-Za-z]/.test(text.charAt(at + 2))))) return -1;
    const g = gt(at + 2);
    if (c === 0x3f) {
      // XML ends a processing instruction at `?>`, which may come after a `>` of its content.
      if (g >= 0 && g - at <= BOUND && text.charCodeAt(g - 1) === 0x3f && g - 1 >= at + 2) return g + 1;
      PI_TARGET_RE.lastIndex = at + 2;
      const q = PI_TARGET_RE.test(text) ? piEnd(at + 2) : -1;
      if (q >= 0 && q + 2 - at <= BOUND) return q + 2;
    }
    return g >= 0 && g - at <= BOUND ? g + 1 : -1;
  };
  const tokens = tokensAt(text, cdataEnd ? '<\u001b]' : '<\u001b', read);
  // Context of two windows, as the joins keep: a window across a removed tag needs W − 1 characters
  // on each side, and the full context copied a tag-dense page whole into every layer's view.
  const view = regionsView(v, tokens, Math.min(o.context, 2 * o.minWindow), 'markup');
  if (view && v.fresh && v.start && v.end) view.sources = syntaxSources(v, tokens);
  return view;
}

/**
 * What this view undid that its parent's decoder produced, for the stacked rule (./index
 * `stacked`, INVARIANTS rule 5): the tokens whose syntax holds a unit the parent made — in a tag's
 * `<`, `/` and name and the unit after it, in the first 66 units of anything else (a processing
 * instruction's target), in the last 3 units, or a `<` `>` anywhere (where a tag ends; `-` `?` `!`
 * `]` too in the rest, where a comment or an instruction ends). A tag the parent changed only inside (a folded `&mdash;` in an attribute) is a tag of the
 * parent's parent as well, taken out there in the other order: counting it kept a copy of a whole
 * page's markup view for one dash.
 */
function syntaxSources(v: View, tokens: Array<[number, number, Piece]>): Int32Array {
  const t = v.text;
  const fresh = v.fresh!;
  const out: number[] = [];
  for (const [a, b] of tokens) {
    let head = a + 66;
    let ends = ENDS;
    if (/[A-Za-z/]/.test(t.charAt(a + 1)) && t.charCodeAt(a) === 0x3c) {
      head = t.charCodeAt(a + 1) === 0x2f ? a + 2 : a + 1;
      while (head < b && /[A-Za-z0-9:-]/.test(t.charAt(head))) head++;
      ends = TAG_ENDS;
    }
    for (let i = a; i < b; i++) {
      if (fresh[i] === 1 && (i <= head || i >= b - 3 || ends.has(t.charCodeAt(i)))) {
        out.push(v.start![a]!, v.end![b - 1]!);
        break;
      }
    }
  }
  return new Int32Array(out);
}
const ENDS = new Set(Array.from('<>-?!]', (c) => c.charCodeAt(0)));
const TAG_ENDS = new Set([0x3c, 0x3e]);

/** What `read` takes out at each occurrence of one of `triggers`, in order (./tokens tokensOf, with the end found by `read`). */
function tokensAt(text: string, triggers: string, read: (at: number) => number): Array<[number, number, Piece]> {
  const out: Array<[number, number, Piece]> = [];
  const next = Array.from(triggers, (c) => text.indexOf(c));
  let pos = 0;
  for (;;) {
    let at = -1;
    for (let k = 0; k < next.length; k++) {
      if (next[k]! >= 0 && next[k]! < pos) next[k] = text.indexOf(triggers[k]!, pos);
      if (next[k]! >= 0 && (at < 0 || next[k]! < at)) at = next[k]!;
    }
    if (at < 0) break;
    const end = read(at);
    if (end > at) out.push([at, end, '']);
    pos = end > at ? end : at + 1;
  }
  return out;
}
