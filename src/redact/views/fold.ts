/**
 * Compatibility and confusable folding: the text as a reader sees it once look-alikes are made
 * plain. NFKC (full-width `ｓｋ＿ｌｉｖｅ`, mathematical alphanumerics, ligatures, superscripts), a
 * combining sequence composed (`e` + U+0301 is `é`) and the marks left over taken out (U+0336
 * strikethrough, U+0332 underline, U+20DD enclosing circle, a "zalgo" stack: `Mn`, `Mc`, `Me`; a
 * script's own marks on its own letters stay, ./marks `dropsMark`),
 * Cyrillic, Greek and Cherokee letters and small
 * capitals that look Latin read as Latin, letters and numbers in parentheses (⒬, ⑺) or drawn as
 * symbols (🅰, 🅐, regional indicators 🇦) read as themselves, Unicode tag characters (U+E0020–E007E, invisible ASCII) read as ASCII, and
 * zero-width and format characters (`Cf`: U+200B–D, U+2060, U+FEFF, soft hyphen …, variation
 * selectors, the braille blank) and control characters (`Cc` but NUL, TAB, LF, VT, FF, CR: SOH,
 * RS, US, ESC, DEL, C1) removed. The fold of a fold view reads the letters it composed without
 * their marks (./marks `unmarkView`: `ś` is `s`). Case is folded by the scan itself. The tripwire scans agent input with the
 * same redactor, so both sides see this view. Text that is all ASCII with no such control has nothing to fold.
 * In text decoded from bytes (base64, hex, quoted-printable …: ./marks BYTES_DECODED) controls and
 * leftover marks stay: there they are random bytes.
 */
import { ASCII_CONTROL, BYTES_DECODED, dropsMark, isDroppedControl, isMark, markKind, NOT_MARK, unmarkView } from './marks.js';
import { regionsView, type Piece, type View, type ViewOptions } from './view.js';

/**
 * Letters of other scripts drawn like Latin ones (the common look-alikes of Unicode's confusables
 * list): NFKC leaves them alone, since they are letters of their own scripts.
 */
const CONFUSABLES: Record<string, string> = {
  // Cyrillic
  а: 'a', в: 'b', е: 'e', һ: 'h', і: 'i', ј: 'j', к: 'k', м: 'm', н: 'h', о: 'o', р: 'p', с: 'c', т: 't', у: 'y', х: 'x', ѕ: 's', ԁ: 'd', ԛ: 'q', ԝ: 'w', ӏ: 'l', ү: 'y', ɡ: 'g',
  А: 'A', В: 'B', Е: 'E', К: 'K', М: 'M', Н: 'H', О: 'O', Р: 'P', С: 'C', Т: 'T', У: 'Y', Х: 'X', І: 'I', Ј: 'J', Ѕ: 'S', Ԛ: 'Q', Ԝ: 'W', Ү: 'Y', Ӏ: 'I',
  // Greek
  α: 'a', ο: 'o', ν: 'v', ρ: 'p', ι: 'i', κ: 'k', υ: 'u', χ: 'x', ϲ: 'c', ϳ: 'j',
  Α: 'A', Β: 'B', Ε: 'E', Ζ: 'Z', Η: 'H', Ι: 'I', Κ: 'K', Μ: 'M', Ν: 'N', Ο: 'O', Ρ: 'P', Τ: 'T', Υ: 'Y', Χ: 'X', Ϲ: 'C',
  // Latin look-alikes and punctuation
  // Turkish dotted capital I (a locale's toUpperCase of i) and dotless i read as i.
  İ: 'I', ı: 'i', ȷ: 'j', ǀ: 'l',
  // Small capitals ("fancy text"; no compatibility decomposition).
  ᴀ: 'a', ʙ: 'b', ᴄ: 'c', ᴅ: 'd', ᴇ: 'e', ꜰ: 'f', ɢ: 'g', ʜ: 'h', ɪ: 'i', ᴊ: 'j', ᴋ: 'k', ʟ: 'l', ᴍ: 'm', ɴ: 'n', ᴏ: 'o', ᴘ: 'p', ǫ: 'q', ʀ: 'r', ꜱ: 's', ᴛ: 't', ᴜ: 'u', ᴠ: 'v', ᴡ: 'w', ʏ: 'y', ᴢ: 'z',
  // Cherokee capitals drawn like Latin ones (their small forms are folded to these first).
  Ꭺ: 'A', Ᏼ: 'B', Ꮯ: 'C', Ꭰ: 'D', Ꭼ: 'E', Ꮐ: 'G', Ꮋ: 'H', Ꭻ: 'J', Ꮶ: 'K', Ꮮ: 'L', Ꮇ: 'M', Ꮲ: 'P', Ꭱ: 'R', Ꮪ: 'S', Ꭲ: 'T', Ꮩ: 'V', Ꮃ: 'W', Ꮓ: 'Z',
  '\u2010': '-', '\u2011': '-', '\u2012': '-', '\u2013': '-', '\u2014': '-', '\u2212': '-', '\u2044': '/', '\u2215': '/', '\u00b7': '.',
};

/**
 * Letters drawn as symbols with no decomposition, A–Z each: negative circled and negative squared
 * capitals (🅐, 🅰: "emoji letters") and regional indicators (🇦: flag letters, "big letters" in chat).
 */
const LETTER_SYMBOLS: ReadonlyArray<readonly [number, number]> = [
  [0x1f150, 0x1f169],
  [0x1f170, 0x1f189],
  [0x1f1e6, 0x1f1ff],
];

/** The letter (0 for A) a letter symbol draws, or -1. */
function letterSymbol(cp: number): number {
  for (const [from, to] of LETTER_SYMBOLS) if (cp >= from && cp <= to) return cp - from;
  return -1;
}

/** Invisible characters that are no format (`Cf`) characters (the braille blank among them): removed all the same. */
const INVISIBLE = /^[\u034f\u115f\u1160\u17b4\u17b5\u180b-\u180f\u2800\u3164\ufe00-\ufe0f\uffa0\u{e0100}-\u{e01ef}]$/u;
const FORMAT = /^\p{Cf}$/u;

/** Fold of one code point (null: unchanged), cached: a page uses few distinct characters. */
const folds = new Map<number, string | null>();

function foldOf(cp: number): string | null {
  const known = folds.get(cp);
  if (known !== undefined) return known;
  let out: string | null;
  const ch = String.fromCodePoint(cp);
  if (cp >= 0xe0020 && cp <= 0xe007e) out = String.fromCharCode(cp - 0xe0000);
  else if (FORMAT.test(ch) || INVISIBLE.test(ch)) out = '';
  else if (letterSymbol(cp) >= 0) out = String.fromCharCode(65 + letterSymbol(cp));
  // Cherokee small letters (U+AB70–ABBF) as their capitals (U+13A0–13EF), then as those fold.
  else if (cp >= 0xab70 && cp <= 0xabbf) out = foldOf(cp - 0xab70 + 0x13a0) ?? String.fromCharCode(cp - 0xab70 + 0x13a0);
  else {
    // A letter or number in parentheses or with a full stop (⒬ is `(q)`, ⑺ `(7)`, ⒎ `7.`): the letter or number.
    const n = ch.normalize('NFKC').replace(/^\(([0-9A-Za-z]{1,2})\)$|^([0-9]{1,2})\.$/, (m, a?: string, b?: string) => (cp >= 0x2474 && cp <= 0x24b5 ? (a ?? b)! : m));
    let f = '';
    for (const c of n) f += CONFUSABLES[c] ?? c;
    out = f === ch ? null : f;
  }
  if (folds.size < 65536) folds.set(cp, out);
  return out;
}

/**
 * Marks read with their base: at most MAX_MARKS (Unicode's stream-safe limit), the rest are taken
 * out unread. Normalising puts marks in canonical order by insertion, quadratic in a run of marks
 * (40,000 alternating marks took 25 s): a hostile run must not reach it whole.
 */
const MAX_MARKS = 30;
function composable(seq: string): string {
  if (seq.length <= MAX_MARKS) return seq;
  let k = 0;
  let end = 0;
  for (const ch of seq) {
    if (k++ > MAX_MARKS) break;
    end += ch.length;
  }
  return seq.slice(0, end);
}

export function foldView(v: View, o: ViewOptions): View | null {
  // A fold view holds the letters it composed: read again without their marks.
  if (v.kind === 'fold' || v.kind.startsWith('fold<')) return unmarkView(v, o, foldOf);
  const t = v.text;
  const controls = !BYTES_DECODED.test(v.kind);
  // ASCII text (the usual case) holds nothing to fold but controls; Buffer.byteLength tells at memory speed.
  if (Buffer.byteLength(t, 'utf8') === t.length && !(controls && ASCII_CONTROL.test(t))) return null;
  const tokens: Array<[number, number, Piece]> = [];
  const n = t.length;
  for (let i = 0; i < n; ) {
    const c = t.charCodeAt(i);
    if (c < 0x80) {
      if (controls && isDroppedControl(c)) {
        // A run of controls is one removal.
        let e = i + 1;
        while (e < n && t.charCodeAt(e) < 0x80 && isDroppedControl(t.charCodeAt(e))) e++;
        tokens.push([i, e, '']);
        i = e;
      } else i++;
      continue;
    }
    const cp = t.codePointAt(i)!;
    if (controls && isDroppedControl(cp)) {
      // A C1 control (U+0080–009F).
      tokens.push([i, i + 1, '']);
      i++;
      continue;
    }
    const w = cp > 0xffff ? 2 : 1;
    // A base character and its combining marks compose as one (NFKC of the whole sequence); the
    // marks left over are taken out (./marks dropsMark; not in decoded bytes, BYTES_DECODED). A
    // mark after an ASCII character (not a removed control) takes it as its base.
    let e = i + w;
    while (e < n && t.charCodeAt(e) >= 0x300 && isMark(t.codePointAt(e)!)) e += t.codePointAt(e)! > 0xffff ? 2 : 1;
    const mark = isMark(cp);
    if (e > i + w || mark) {
      const s = mark && i > 0 && t.charCodeAt(i - 1) < 0x80 && !isDroppedControl(t.charCodeAt(i - 1)) ? i - 1 : i;
      const seq = t.slice(s, e);
      let f = '';
      for (const ch of composable(seq).normalize('NFKC')) {
        const p = ch.codePointAt(0)!;
        if (markKind(p) === NOT_MARK) f += foldOf(p) ?? ch;
        else if (!controls || !dropsMark(p, f.length > 0 ? f.charCodeAt(0) : -1)) f += ch;
      }
      if (f !== seq) tokens.push([s, e, f]);
      i = e;
      continue;
    }
    const f = foldOf(cp);
    if (f !== null) tokens.push([i, i + w, f]);
    i += w;
  }
  return regionsView(v, tokens, o.context, 'fold');
}
