/**
 * Combining marks and control characters for the fold (./fold). A mark after each character
 * (U+0336 "strikethrough text", U+0332 underline, U+20DD enclosing circle, a "zalgo" stack) and a
 * control character between characters (SOH, the separators RS/US, DEL, a C1 control, a lone ESC)
 * are shown as nothing or as decoration, and one line (`normalize('NFD').replace(/\p{M}/gu, '')`,
 * `replace(/\p{Cc}/gu, '')`) gives the text back: the fold takes them out.
 *
 * A mark that composes with its base (`s` + U+0301 is `ś`) is kept composed by the fold (a value
 * holding accented letters, written decomposed, is read whole again there); the fold of a fold view
 * is then this file's `unmarkView`, which reads each letter the fold composed as its base letter
 * (`ś` is `s`): so a text of marks is read both ways, composed and stripped.
 */
import { regionsView, type Piece, type View, type ViewOptions } from './view.js';

const MARK = /^\p{M}$/u;
const GENERIC = /^\p{Script=Inherited}$/u;

export const NOT_MARK = 1;
export const SCRIPT_MARK = 2;
export const GENERIC_MARK = 3;
/** Kind of each BMP unit: 0 not known yet, else NOT_MARK, SCRIPT_MARK, GENERIC_MARK (a regex per character cost a CJK page dearly). */
const MARKS = new Uint8Array(65536);
/** The same for code points outside the BMP (emoji), as met. */
const ASTRAL_MARKS = new Map<number, number>();

function kindOf(cp: number): number {
  const ch = String.fromCodePoint(cp);
  return !MARK.test(ch) ? NOT_MARK : GENERIC.test(ch) ? GENERIC_MARK : SCRIPT_MARK;
}

/** NOT_MARK, SCRIPT_MARK or GENERIC_MARK. */
export function markKind(cp: number): number {
  if (cp < 0x300) return NOT_MARK;
  if (cp > 0xffff) {
    let k = ASTRAL_MARKS.get(cp);
    if (k === undefined) {
      k = kindOf(cp);
      if (ASTRAL_MARKS.size < 65536) ASTRAL_MARKS.set(cp, k);
    }
    return k;
  }
  if (MARKS[cp] === 0) MARKS[cp] = kindOf(cp);
  return MARKS[cp]!;
}

/** Whether `cp` is a combining mark (`Mn` nonspacing, `Mc` spacing, `Me` enclosing). */
export function isMark(cp: number): boolean {
  return markKind(cp) !== NOT_MARK;
}

/**
 * Whether the fold takes out mark `cp`, left over once its sequence is composed, after `base` (the
 * folded base character's first unit, -1: none). Every mark on a Latin, Greek or Cyrillic base
 * (below U+0590: the bases a key is written in, and scripts that compose their accented letters),
 * every generic mark (Unicode's script Inherited: U+0300–036F, U+1AB0–1AFF, U+1DC0–1DFF,
 * U+20D0–20FF, U+FE20–FE2D …) on any base, and a mark with no base: taken out. The vowel signs
 * and other marks of Hebrew, Arabic, the Indic scripts, Thai … on their own letters are how those
 * scripts are written: kept, so honest text in them gets no fold view.
 */
export function dropsMark(cp: number, base: number): boolean {
  return base < 0x590 || markKind(cp) === GENERIC_MARK;
}

/**
 * Whether `cp` is a control character (`Cc`) the fold takes out: all but NUL (the NUL view's) and
 * the blanks and line breaks TAB, LF, VT, FF, CR, which the line, unwrap and join views read as
 * separators.
 */
export function isDroppedControl(cp: number): boolean {
  if (cp < 0x20) return cp !== 0 && (cp < 0x09 || cp > 0x0d);
  return cp === 0x7f || (cp >= 0x80 && cp <= 0x9f);
}

/** An ASCII control the fold takes out, found at memory speed (no match: an ASCII text has nothing to fold). */
export const ASCII_CONTROL = /[\u0001-\u0008\u000e-\u001f\u007f]/;

/**
 * Kinds of view made of decoded bytes (or decoded from such a view): control characters and stray
 * marks there are what random bytes (a base64 run read at a wrong alignment, `plan=10` read as
 * quoted-printable) are made of, one in four ASCII bytes a control, not padding someone put in.
 * The fold leaves them there (it composes marks as it always did): taking them out made a view of
 * every such decoding and of every decoding of those, an honest page ran out of its decoding
 * budget, and a body of base64 cost 5% more. Controls and marks between characters written as
 * text, or escaped as text (`\u0001`, `&#822;`, `%01`), are taken out.
 */
export const BYTES_DECODED = /(?:^|<)(?:qp|base64|base64-padded|hex|base32|ascii85|uuencode|bytes|inflate|inflate-text)(?:<|$)/;

/** Base letters of one code point once its marks are taken out (null: it holds none), cached. */
const stripped = new Map<number, string | null>();

function strippedOf(cp: number, fold: (cp: number) => string | null): string | null {
  const known = stripped.get(cp);
  if (known !== undefined) return known;
  const d = String.fromCodePoint(cp).normalize('NFD');
  let out: string | null = null;
  if (d.length > 1 || d.codePointAt(0) !== cp) {
    let base = '';
    let marks = false;
    for (const c of d) {
      const p = c.codePointAt(0)!;
      if (isMark(p)) marks = true;
      else base += fold(p) ?? c;
    }
    if (marks) out = base;
  }
  if (stripped.size < 65536) stripped.set(cp, out);
  return out;
}

/**
 * A fold view's letters that carry marks (those the fold composed, `ś`, and accented letters
 * beside them) as their base letters, each mapped to the units it came from: the reading of
 * `s.normalize('NFD').replace(/\p{M}/gu, '')`. `fold` folds a base letter (a look-alike's mark
 * taken out, it may read as Latin).
 */
export function unmarkView(v: View, o: ViewOptions, fold: (cp: number) => string | null): View | null {
  const t = v.text;
  const tokens: Array<[number, number, Piece]> = [];
  for (let i = 0; i < t.length; ) {
    const c = t.charCodeAt(i);
    if (c < 0xc0) {
      i++;
      continue;
    }
    const cp = t.codePointAt(i)!;
    const w = cp > 0xffff ? 2 : 1;
    const f = strippedOf(cp, fold);
    if (f !== null) tokens.push([i, i + w, f]);
    i += w;
  }
  return regionsView(v, tokens, o.context, 'unmark');
}
