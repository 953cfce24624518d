/**
 * Separator-insensitive join: a value printed a few characters at a time (`sk_l ive_ abcd …`),
 * wrapped over lines inside a table (`| sk_live_ab |` / `| cdefgh     |`, `+----+` borders, box
 * drawing `│`), or split by dashes or dots, read with the separators taken out, so windows run
 * across them. Two views: one takes out only blanks, line breaks and table borders (a value's own
 * `-`, `.` and `:` stay), the other dashes, dots and colons as well.
 *
 * Bounded: only groups of at most MAX_GROUP characters are joined (a longer group holds whole
 * windows of its own, and is joined only to a short neighbour), and only across short separators
 * (MAX_SEP characters on a line; a line break with a table border or indentation, MAX_WRAP). The
 * view is built only around what marks token text or a table: the characters of ANCHORS (found by
 * indexOf) and a letter beside a digit or a capital after a small letter inside a group (MIXED: a
 * random key of letters and digits split every few characters has one in nearly every group of
 * four, where prose and JSON keys rarely do), so text without them costs next to nothing. A value
 * split into groups that are each only small letters or only digits is not joined.
 */
import { regionsView, type Piece, type View, type ViewOptions } from './view.js';

const MAX_GROUP = 16;
const MAX_SEP = 4;
const MAX_WRAP = 80;
const MAX_WRAP_LINES = 2;

/**
 * Characters that start a join: token punctuation (`_`, `-`, `+`, `/`), a tab, and table borders.
 * (Digits are no anchor: JSON numbers would make every body pay for a walk.)
 */
const ANCHORS = '_-|\t\u2502\u2503\u2551\u00a6';
/**
 * A letter and a digit side by side, or a small letter then a capital: token text, not prose; or
 * three single letters or digits in a row split by blanks, commas or emphasis marks (a value printed
 * one character at a time, `od -c`).
 */
const DIGIT = 1;
const LOWER = 2;
const UPPER = 4;
const SINGLE_SEP = 8;
const MIXED_CLASS = new Uint8Array(128);
for (let c = 48; c <= 57; c++) MIXED_CLASS[c] = DIGIT;
for (let c = 97; c <= 122; c++) MIXED_CLASS[c] = LOWER;
for (let c = 65; c <= 90; c++) MIXED_CLASS[c] = UPPER;
for (const c of ' \t\n,;*') MIXED_CLASS[c.charCodeAt(0)] = SINGLE_SEP;
const mixedClass = (c: number) => (c < 128 ? MIXED_CLASS[c]! : 0);
const ALNUM_CLASS = DIGIT | LOWER | UPPER;
/** A dump's offset at a line start (`0000020   c   3` of od -c, `00000010:`): a separator, not a group. */
const OFFSET = /0[0-9a-fA-F]{5,9}(?::| {2,})/y;
const isOffset = (t: string, i: number) => {
  OFFSET.lastIndex = i;
  return (i === 0 || t.charCodeAt(i - 1) === 10) && OFFSET.test(t);
};

/**
 * Where a line number at a line start ends, after indentation only, or -1: digits followed by a
 * tab, `:` or ` |` (`cat -n` and `nl`: `     2\t`; `grep -n`: `2:`, inside the group where a colon is
 * a group character; a listing's `2 | `). A separator, not a group. A blank alone after the digits
 * is not enough (`4242 4242` is a value's own groups).
 */
function lineNumberEnd(t: string, i: number, j: number): number {
  let d = i;
  while (d < j && d - i < 8 && mixedClass(t.charCodeAt(d)) === DIGIT) d++;
  if (d === i || d - i > 7) return -1;
  let k = i;
  while (k > 0 && (t.charCodeAt(k - 1) === 32 || t.charCodeAt(k - 1) === 9)) k--;
  if (k > 0 && t.charCodeAt(k - 1) !== 10) return -1;
  const c = t.charCodeAt(d);
  if (d < j) return c === 58 ? d + 1 : -1;
  return c === 9 || c === 58 || c === 124 || (c === 32 && t.charCodeAt(d + 1) === 124) ? d : -1;
}

/** Character classes: part of a group, a separator, a border piece (a run of only these is a separator). */
const GROUP = 1;
const SEP = 2;
const BORDER = 4;
function table(weak: boolean): Uint8Array {
  const t = new Uint8Array(65536);
  for (const c of 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_+/=~') t[c.charCodeAt(0)] = GROUP;
  // Blanks, table borders, markdown emphasis or code marks (`**s****k**`) and bullets (`abcd • efgh`).
  for (const c of ' \t\n\r|\u00a0\u3000\u00a6*`~\u2022\u2023\u2043\u2219\u22c5\u25cf\u25e6') t[c.charCodeAt(0)] = SEP;
  // Commas and semicolons: a value one character per field (`s,k,_,l`) is joined by the view that
  // also takes dashes out (a value's own commas are rarer than its dashes).
  // Slashes too: a base64 value's own `/` stays a group character in the other view.
  if (weak) for (const c of ',;/') t[c.charCodeAt(0)] = SEP;
  for (let c = 0x2500; c <= 0x257f; c++) t[c] = SEP;
  for (const c of '.-:') t[c.charCodeAt(0)] = weak ? SEP : GROUP | BORDER;
  for (const c of '+=') t[c.charCodeAt(0)] = GROUP | BORDER;
  return t;
}
const STRONG = table(false);
const WEAK = table(true);

/**
 * Separators to take out of the stretch [a, e) of group and separator characters, as tokens: the
 * separators of chains of short groups whose joined length reaches `min`.
 */
function joinStretch(t: string, a: number, e: number, cl: Uint8Array, min: number, out: Array<[number, number, Piece]>): void {
  // Alternating groups and separators; a border-only group (`+----+`) is part of a separator.
  const groups: number[] = []; // start, end pairs
  const seps: number[] = []; // start, end, line breaks: the separator before each group but the first
  let sepStart = -1;
  let breaks = 0;
  for (let i = a; i < e; ) {
    const c = cl[t.charCodeAt(i)]!;
    if (c & GROUP) {
      let j = i;
      let border = true;
      for (; j < e && cl[t.charCodeAt(j)]! & GROUP; j++) if (!(cl[t.charCodeAt(j)]! & BORDER)) border = false;
      // A border piece (`+------+`, markdown's `---`) is three characters or more, or holds a `+`: two
      // of a value's own dots, dashes or colons grouped alone (`:.`) stay a group.
      const borderPiece = border && j - i > 1 && (j - i > 2 || t.slice(i, j).includes('+'));
      if ((borderPiece && sepStart >= 0) || (sepStart >= 0 && isOffset(t, i))) {
        i = j; // a border row or column piece, or a dump's offset, inside a separator
        continue;
      }
      const numbered = sepStart >= 0 ? lineNumberEnd(t, i, j) : -1;
      if (numbered > i) {
        i = numbered; // a line number, inside a separator; the group starts after it
        continue;
      }
      if (groups.length > 0) seps.push(sepStart, i, breaks);
      groups.push(i, j);
      sepStart = -1;
      breaks = 0;
      i = j;
    } else {
      if (sepStart < 0) sepStart = i;
      if (t.charCodeAt(i) === 10) breaks++;
      i++;
    }
  }
  // Chains: groups linked by a separator that is short and has a short group on one side.
  let chainStart = 0; // index of the chain's first group
  let joined = groups.length > 0 ? groups[1]! - groups[0]! : 0;
  const close = (last: number) => {
    if (last > chainStart && joined >= min) for (let g = chainStart; g < last; g++) out.push([seps[3 * g]!, seps[3 * g + 1]!, '']);
  };
  for (let g = 1; g < groups.length / 2; g++) {
    const s = seps[3 * (g - 1)]!;
    const se = seps[3 * (g - 1) + 1]!;
    const lines = seps[3 * (g - 1) + 2]!;
    const shortSide = groups[2 * g - 1]! - groups[2 * g - 2]! <= MAX_GROUP || groups[2 * g + 1]! - groups[2 * g]! <= MAX_GROUP;
    const shortSep = lines === 0 ? se - s <= MAX_SEP : lines <= MAX_WRAP_LINES && se - s <= MAX_WRAP;
    if (shortSide && shortSep) {
      joined += groups[2 * g + 1]! - groups[2 * g]!;
      continue;
    }
    close(g - 1);
    chainStart = g;
    joined = groups[2 * g + 1]! - groups[2 * g]!;
  }
  close(groups.length / 2 - 1);
}

export function joinView(v: View, o: ViewOptions, weak: boolean): View | null {
  // A joined view joined again is the same text (the weak join takes out all the strong one does).
  if (v.kind.startsWith('join')) return null;
  const t = v.text;
  const n = t.length;
  const cl = weak ? WEAK : STRONG;
  const tokens: Array<[number, number, Piece]> = [];
  const next = Array.from(ANCHORS, (c) => t.indexOf(c));
  let mixed = v.depth === 0 && o.rootMixed !== undefined ? o.rootMixed : mixedFrom(t, 0);
  let done = 0; // characters before this belong to a stretch already joined
  for (;;) {
    let at = -1;
    for (let k = 0; k < next.length; k++) {
      if (next[k]! >= 0 && next[k]! < done) next[k] = t.indexOf(ANCHORS[k]!, done);
      if (next[k]! >= 0 && (at < 0 || next[k]! < at)) at = next[k]!;
    }
    if (mixed >= 0 && mixed < done) mixed = mixedFrom(t, done);
    if (mixed >= 0 && (at < 0 || mixed < at)) at = mixed;
    if (at < 0) break;
    // The stretch of group and separator characters around the anchor.
    let a = at;
    while (a > done && cl[t.charCodeAt(a - 1)]) a--;
    let e = at + 1;
    while (e < n && cl[t.charCodeAt(e)]) e++;
    joinStretch(t, a, e, cl, o.minWindow, tokens);
    done = e;
  }
  // Context of two windows (not o.context): a chain is decoded further as a whole, and windows
  // half in it need W − 1 characters beside it; more only made the next layer re-read copied text.
  return regionsView(v, tokens, Math.min(o.context, 2 * o.minWindow), weak ? 'join-dashes' : 'join');
}

/** Whether the text holds token text the joins start from that no TRIGGER of ./index announces. */
export function firstMixed(t: string): number {
  return mixedFrom(t, 0);
}
export function mayJoin(t: string): boolean {
  return mixedFrom(t, 0) >= 0;
}

/**
 * Where the next MIXED pair at or after `from` starts, or -1: a letter beside a digit, a small
 * letter then a capital, or a single letter or digit followed by two more, each after 1–4 blanks,
 * commas, semicolons or asterisks. A loop over a class table: the regular expression it replaces
 * was the slowest pass over a body with none (a tenth of the plain scan's speed).
 */
function mixedFrom(t: string, from: number): number {
  const n = t.length;
  let prev = from > 0 ? mixedClass(t.charCodeAt(from - 1)) : 0;
  for (let i = from; i < n - 1; i++) {
    const c = mixedClass(t.charCodeAt(i));
    if (c & ALNUM_CLASS) {
      const d = mixedClass(t.charCodeAt(i + 1));
      if ((c === DIGIT && d & (LOWER | UPPER)) || (c & (LOWER | UPPER) && d === DIGIT) || (c === LOWER && d === UPPER)) return i;
      if (d === SINGLE_SEP && !(prev & ALNUM_CLASS) && singlesFrom(t, i)) return i;
    }
    prev = c;
  }
  return -1;
}

/** Whether three single letters or digits, parted by 1–4 separator characters, start at `i`. */
function singlesFrom(t: string, i: number): boolean {
  for (let k = 0; k < 2; k++) {
    let j = i + 1;
    while (j < t.length && j - i <= 4 && mixedClass(t.charCodeAt(j)) === SINGLE_SEP) j++;
    if (j === i + 1 || j - i > 5 || !(mixedClass(t.charCodeAt(j)) & ALNUM_CLASS)) return false;
    i = j;
  }
  return !(mixedClass(t.charCodeAt(i + 1)) & ALNUM_CLASS);
}
