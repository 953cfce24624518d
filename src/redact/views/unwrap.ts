/**
 * Hard-wrapped text read with its wraps taken out: a page, a log or a mail hard-wrapped every N
 * columns cuts an encoded spelling wherever the column falls (`&#x7` / `3;`, `\u00` / `73`, `%7` /
 * `3`, hex pairs), so no decoder reads the escapes on either side of the break and no window spans
 * it. This view removes such a break — any line break (CRLF, LF, CR, U+2028, U+2029, NEL, FF, VT,
 * blank lines between), the blanks before it, the next line's indentation and quoting prefix (`>`,
 * or up to three punctuation characters and a blank: `# `, `// `, `-- `, `| `), and a continuation
 * marker (`=`, `\`, `_`, `|`) before it — and the escape decoders then read the view as they read
 * any text (it is placed before them, so each of them applies to it). Width-independent: each break
 * is judged on the text read with every such break taken out (so a wrap narrower than one escape,
 * `\u` / `0073`, is judged on the lines around it), never by the column.
 *
 * Only breaks that cut an encoded stretch are removed, so that prose, JSON, form bodies and wrapped
 * base64 (whose runs already continue across breaks, ./runs) cost a look at the break only: the
 * line ends inside or just after an escape, the next line starts with an escape or what continues
 * one, and the non-blank text on both sides (REACH characters at most each) holds at least two
 * escape introducers (`&#`, `%XX`, `\u`, `\x`, an octal `\NNN`, or one of them cut at the break);
 * or the break cuts a hex run (hex digits, one of them a letter, MIN_HEX at least on both sides).
 * Two characters decide most breaks; the rest read at most REACH characters on each side of the
 * joined text, and each break reads at most MAX_BREAKS line breaks and MAX_INDENT characters after
 * each, so the cost is linear in the text (the joined text is one copy of it). Regions keep the full context: a block
 * hard-wrapped at under two contexts is one region, so windows run over every removed break of it.
 * Escapes written only here and there (a wrap whose neighbourhood holds one escape) are not joined:
 * README, "Not promised".
 */
import { regionsView, type Piece, type View, type ViewOptions } from './view.js';

/** Non-blank characters read on each side of a break. */
const REACH = 24;
/** Escape introducers a break's neighbourhood needs to count as encoded text. */
const MIN_INTRODUCERS = 2;
/** Hex digits a cut hex run needs on both sides together. */
const MIN_HEX = 16;
/** Indentation taken out after a break (a longer blank run is layout, not a wrap). */
const MAX_INDENT = 64;

/** Characters an encoded spelling is written with (what a wrap cuts): letters, digits and escape punctuation. */
const SPELL = new Uint8Array(128);
for (let c = 48; c <= 57; c++) SPELL[c] = 1;
for (let c = 65; c <= 90; c++) SPELL[c] = 1;
for (let c = 97; c <= 122; c++) SPELL[c] = 1;
for (const c of '&#;%\\=+/_-{}') SPELL[c.charCodeAt(0)] = 1;
const spell = (c: number) => c < 128 && SPELL[c] === 1;

const isHex = (c: number) => (c >= 48 && c <= 57) || (c >= 65 && c <= 70) || (c >= 97 && c <= 102);
const isHexLetter = (c: number) => (c >= 65 && c <= 70) || (c >= 97 && c <= 102);
const isBlank = (c: number) => c === 32 || c === 9;
const BACKSLASH = 92;
const EQUALS = 61;

/** Whether c may be in an escape's body after its introducer (`#x73;`, `u0073`, `x73`, `163`, `u{73}`, `73`). */
const isEscapeBody = (c: number) => isHex(c) || c === 35 || c === 59 || c === 120 || c === 88 || c === 117 || c === 85 || c === 123 || c === 125;
const isIntroducer = (c: number) => c === 38 || c === 37 || c === BACKSLASH;
/** The longest escape of one character read here (`&#x10ffff;`, `\u{10ffff}`). */
const LONGEST_ESCAPE = 10;

/** Whether text[i] starts an escape of a character, read up to `lim` (an introducer cut at `lim` counts). */
function introducerAt(t: string, i: number, lim: number): boolean {
  const c = t.charCodeAt(i);
  if (!isIntroducer(c)) return false;
  if (i + 1 >= lim) return true; // cut by the break
  const d = t.charCodeAt(i + 1);
  if (c === 38) return d === 35; // &#
  if (c === 37) return isHex(d) || d === 117 || d === 85; // %XX, %uXXXX
  return d === 117 || d === 85 || d === 120 || d === 88 || (d >= 48 && d <= 55); // \u, \x, octal
}

/** Whether text[.., end) ends inside an escape or just after one: an introducer, then escape body only. */
function endsInEscape(t: string, from: number, end: number): boolean {
  for (let i = end - 1; i >= from && end - i <= LONGEST_ESCAPE; i--) {
    const c = t.charCodeAt(i);
    if (isIntroducer(c)) return true;
    if (!isEscapeBody(c)) return false;
  }
  return false;
}

/** A whole backslash escape's body at text[i] (`u0073`, `x73`, `u{73}`, `163`): what a `\` cut from it is followed by. */
const BACKSLASH_BODY = /[uU][0-9a-fA-F]{4}|[xX][0-9a-fA-F]{2}|[uUxX]\{[0-9a-fA-F]{1,6}\}|[0-3][0-7]{2}/y;

/**
 * Whether the `\` at text[at] (last before a break) is a continuation marker rather than the
 * introducer of an escape the wrap cut from its body (`\` / `u0073`): a marker when the text
 * before it ends in an unfinished escape (`\u00` + `\`, `&#` + `\`, or a `\` of its own), or when the next
 * line does not start with an escape's body.
 */
function backslashIsMarker(t: string, at: number, next: number): boolean {
  for (let i = at - 1; i >= 0 && at - i <= 5; i--) {
    const c = t.charCodeAt(i);
    if (c === BACKSLASH) {
      const body = t.slice(i + 1, at);
      if (/^(?:[uU][0-9a-fA-F]{0,3}|[xX][0-9a-fA-F]?|[0-3][0-7]?)?$/.test(body)) return true;
      break;
    }
    // An unfinished `&#x7` or `%7` goes on after the break, not with a `\` of its own.
    if (c === 38 || c === 37) {
      if ((c === 38 ? /^#[xX]?[0-9a-fA-F]*$/ : /^[0-9a-fA-F]?$/).test(t.slice(i + 1, at))) return true;
      break;
    }
    if (!isEscapeBody(c)) break;
  }
  BACKSLASH_BODY.lastIndex = next;
  return !BACKSLASH_BODY.test(t);
}

/** Whether a `{` or `}` after text[.., end) goes on with a `\u{73}` the text ends in (`\u` + `{`, `\u{73` + `}`). */
const braceGoesOn = (t: string, end: number, h: number) =>
  (h === 123 ? /\\[uUxX]$/ : /\\[uUxX]\{[0-9a-fA-F]{1,6}$/).test(t.slice(Math.max(0, end - 10), end));

/**
 * Whether the break between text[.., end) and text[start, ..) cuts an encoded stretch: the line
 * ends in (or just after) an escape, the next starts with one or with what continues one, and the
 * two sides hold at least two introducers; or it cuts a run of hex digits.
 */
function cutsSpelling(t: string, end: number, start: number): boolean {
  // The next line goes on with an escape, or with the rest of one (a `{` or `}` only after the
  // `\u` or `\u{73` it goes on: every JSON line starts with one). Two characters decide most breaks.
  const h = t.charCodeAt(start);
  const escape = (isIntroducer(h) || (isEscapeBody(h) && ((h !== 123 && h !== 125) || braceGoesOn(t, end, h)))) && endsInEscape(t, 0, end);
  const hex = isHex(h) && isHex(t.charCodeAt(end - 1));
  if (!escape && !hex) return false;
  let ts = end;
  while (ts > 0 && end - ts < REACH && spell(t.charCodeAt(ts - 1))) ts--;
  let he = start;
  while (he < t.length && he - start < REACH && spell(t.charCodeAt(he))) he++;
  if (escape) {
    let introducers = 0;
    for (let i = ts; i < end; i++) if (introducerAt(t, i, end)) introducers++;
    for (let i = start; i < he && introducers < MIN_INTRODUCERS; i++) if (introducerAt(t, i, he)) introducers++;
    if (introducers >= MIN_INTRODUCERS) return true;
  }
  if (!hex) return false;
  // A hex run cut by the break (at least a few digits before it).
  let letter = false;
  let th = end;
  for (; th > ts && isHex(t.charCodeAt(th - 1)); th--) if (isHexLetter(t.charCodeAt(th - 1))) letter = true;
  let hh = start;
  for (; hh < he && isHex(t.charCodeAt(hh)); hh++) if (isHexLetter(t.charCodeAt(hh))) letter = true;
  return letter && end - th >= 4 && end - th + (hh - start) >= MIN_HEX;
}

/** A line break of any kind (`\r\n`, LF, CR, U+2028/2029, NEL, FF, VT). */
const BREAK_RE = /\r\n|[\n\r\u2028\u2029\u0085\f\v]/g;
const isBreak = (c: number) => c === 10 || c === 13 || c === 0x2028 || c === 0x2029 || c === 0x85 || c === 12 || c === 11;
/** Line breaks one wrap may span (blank lines between wrapped lines). */
const MAX_BREAKS = 4;
/** What a continuation marker before a break is: `=` (quoted-printable), `_` (Visual Basic), `|`. */
const isMarker = (c: number) => c === EQUALS || c === 95 || c === 124;

/** Characters a quoting or comment prefix is written with (ASCII punctuation). */
const isPunctuation = (c: number) => (c >= 33 && c <= 47) || (c >= 58 && c <= 64) || (c >= 91 && c <= 96) || (c >= 123 && c <= 126);
/** Punctuation characters one prefix has at most (`//`, `--`, `;;;`). */
const MAX_PREFIX = 3;

/** Whether text[i, lim) is blanks up to a line break (a `=` `_` `|` continuation marker before it or not). */
function blankToBreak(t: string, i: number, lim: number): boolean {
  while (i < lim && isBlank(t.charCodeAt(i))) i++;
  if (i < lim && isMarker(t.charCodeAt(i))) i++;
  while (i < lim && isBlank(t.charCodeAt(i))) i++;
  return i < lim && isBreak(t.charCodeAt(i));
}

/**
 * Where the break whose first line-break character is at text[at] ends: line breaks, blank lines,
 * each next line's indentation and its quoting prefix (`>`, repeated or not; up to MAX_PREFIX
 * punctuation characters followed by a blank) taken together, MAX_INDENT characters at most after each.
 */
function breakEnd(t: string, at: number): number {
  const n = t.length;
  let e = at;
  for (let breaks = 0; breaks < MAX_BREAKS && e < n && isBreak(t.charCodeAt(e)); breaks++) {
    e += t.charCodeAt(e) === 13 && t.charCodeAt(e + 1) === 10 ? 2 : 1;
    const lim = Math.min(n, e + MAX_INDENT);
    for (;;) {
      while (e < lim && isBlank(t.charCodeAt(e))) e++;
      if (e < lim && t.charCodeAt(e) === 62) {
        e++; // `>`
        continue;
      }
      // A prefix other than `>` (`#`, `//`, `--`, `;`, `!`, `%`, `*`, `|`: a comment or quote
      // mark, MAX_PREFIX punctuation characters) has a blank after it and text after that (a `#`
      // cut from `&#x73;` and wrapped at one column, `#` + blank + break, is text).
      let w = 0;
      while (w < MAX_PREFIX && e + w < lim && isPunctuation(t.charCodeAt(e + w))) w++;
      if (w > 0 && e + w + 1 < lim && isBlank(t.charCodeAt(e + w)) && !blankToBreak(t, e + w, lim)) e += w + 1;
      else break;
    }
  }
  return e;
}

export function unwrapView(v: View, o: ViewOptions): View | null {
  // Unwrapped once is unwrapped: the breaks left are ones no spelling crosses.
  if (v.kind.startsWith('unwrap')) return null;
  const t = v.text;
  const n = t.length;
  // Every break between two characters of a spelling, and the text read with all of them out
  // (markers `=` `_` `|` too): each break is then judged on that joined text, so a wrap narrower
  // than an escape (`\u` / `0073`) is judged on the escapes of the lines around it.
  const cand: Array<[from: number, e: number, p: number, backslash: number]> = [];
  const parts: string[] = [];
  let last = 0;
  let len = 0;
  BREAK_RE.lastIndex = 0;
  for (let m = BREAK_RE.exec(t); m; m = BREAK_RE.exec(t)) {
    const e = breakEnd(t, m.index);
    BREAK_RE.lastIndex = e;
    if (e >= n || !spell(t.charCodeAt(e))) continue;
    let a = m.index;
    while (a > last && m.index - a < MAX_INDENT && isBlank(t.charCodeAt(a - 1))) a--;
    const mk = a > last ? t.charCodeAt(a - 1) : -1;
    let cut = isMarker(mk) ? a - 1 : a; // a `\` stays until judged
    // A blank before a marker (Visual Basic's ` _`) goes with it.
    if (cut < a) while (cut > last && a - cut < MAX_INDENT && isBlank(t.charCodeAt(cut - 1))) cut--;
    if (cut <= last || !spell(t.charCodeAt(cut - 1))) continue;
    parts.push(t.slice(last, cut));
    len += cut - last;
    cand.push([cut, e, len, mk === BACKSLASH ? a - 1 : -1]);
    last = e;
  }
  if (cand.length === 0) return null;
  parts.push(t.slice(last));
  const j = parts.join('');
  const tokens: Array<[number, number, Piece]> = [];
  for (const [cut, e, p, backslash] of cand) {
    let end = p;
    let from = cut;
    if (backslash >= 0 && backslashIsMarker(j, p - 1, p)) {
      end = p - 1;
      from = backslash;
    }
    if (end > 0 && spell(j.charCodeAt(end - 1)) && cutsSpelling(j, end, p)) tokens.push([from, e, '']);
  }
  return regionsView(v, tokens, o.context, 'unwrap');
}
