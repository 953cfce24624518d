/**
 * Hard-wrapped text read with its wraps taken out: a page, a log or a mail hard-wrapped every N
 * columns cuts an encoded spelling wherever the column falls (`&#x7` / `3;`, `\u00` / `73`, `%7` /
 * `3`, hex pairs), so no decoder reads the escapes on either side of the break and no window spans
 * it. This view removes such a break — a line feed or CRLF, the next line's indentation, and a
 * continuation marker (`=` or `\`) before it — and the escape decoders then read the view as they
 * read any text (it is placed before them, so each of them applies to it). Width-independent: the
 * break is judged by what is on both sides, never by the column.
 *
 * Only breaks that cut an encoded stretch are removed, so that prose, JSON, form bodies and wrapped
 * base64 (whose runs already continue across breaks, ./runs) cost a look at the break only: the
 * line ends inside or just after an escape, the next line starts with an escape or what continues
 * one, and the non-blank text on both sides (REACH characters at most each) holds at least two
 * escape introducers (`&#`, `%XX`, `\u`, `\x`, an octal `\NNN`, or one of them cut at the break);
 * or the break cuts a hex run (hex digits, one of them a letter, MIN_HEX at least on both sides).
 * Two characters decide most breaks; the rest read at most REACH characters on each side and
 * MAX_INDENT after, so the cost is linear in the text. Regions keep the full context: a block
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
 * before it ends in an unfinished escape (`\u00` + `\`, or a `\` of its own), or when the next
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
    if (!isEscapeBody(c)) break;
  }
  BACKSLASH_BODY.lastIndex = next;
  return !BACKSLASH_BODY.test(t);
}

/**
 * Whether the break between text[.., end) and text[start, ..) cuts an encoded stretch: the line
 * ends in (or just after) an escape, the next starts with one or with what continues one, and the
 * two sides hold at least two introducers; or it cuts a run of hex digits.
 */
function cutsSpelling(t: string, end: number, start: number): boolean {
  // The next line goes on with an escape, or with the rest of one (a `{` or `}` of `\u{73}` does
  // not count here: every JSON line starts with one). Two characters decide most breaks.
  const h = t.charCodeAt(start);
  const escape = (isIntroducer(h) || (isEscapeBody(h) && h !== 123 && h !== 125)) && endsInEscape(t, 0, end);
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

export function unwrapView(v: View, o: ViewOptions): View | null {
  // Unwrapped once is unwrapped: the breaks left are ones no spelling crosses.
  if (v.kind.startsWith('unwrap')) return null;
  const t = v.text;
  const n = t.length;
  const tokens: Array<[number, number, Piece]> = [];
  for (let nl = t.indexOf('\n'); nl >= 0; nl = t.indexOf('\n', nl + 1)) {
    let e = nl + 1;
    while (e < n && e - nl <= MAX_INDENT && isBlank(t.charCodeAt(e))) e++;
    if (e >= n || !spell(t.charCodeAt(e))) continue;
    let a = nl > 0 && t.charCodeAt(nl - 1) === 13 ? nl - 1 : nl;
    // A continuation marker goes with the break, unless a `\` is an escape's own, cut from its body.
    const marker = a > 0 ? t.charCodeAt(a - 1) : -1;
    if (marker === EQUALS || (marker === BACKSLASH && backslashIsMarker(t, a - 1, e))) a--;
    if (a === 0 || !spell(t.charCodeAt(a - 1)) || !cutsSpelling(t, a, e)) continue;
    tokens.push([a, e, '']);
  }
  return regionsView(v, tokens, o.context, 'unwrap');
}
