/**
 * Compatibility and confusable folding: the text as a reader sees it once look-alikes are made
 * plain. NFKC (full-width `ｓｋ＿ｌｉｖｅ`, mathematical alphanumerics, ligatures, superscripts), a
 * combining sequence composed (`e` + U+0301 is `é`), Cyrillic, Greek and Cherokee letters and small
 * capitals that look Latin read as Latin, letters and numbers in parentheses (⒬, ⑺) or drawn as
 * symbols (🅰, 🅐, regional indicators 🇦) read as themselves, Unicode tag characters (U+E0020–E007E, invisible ASCII) read as ASCII, and
 * zero-width and format characters (`Cf`: U+200B–D, U+2060, U+FEFF, soft hyphen …, variation
 * selectors, the braille blank) removed. Case is folded by the scan itself. The tripwire scans agent input with the
 * same redactor, so both sides see this view. Text that is all ASCII has nothing to fold.
 */
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
const MARK = /^\p{M}$/u;

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

/** Whether each BMP unit is a combining mark: 0 not known yet, 1 no, 2 yes (a regex per character cost a CJK page dearly). */
const MARKS = new Uint8Array(65536);
function isMark(cp: number): boolean {
  if (cp < 0x300) return false;
  if (cp > 0xffff) return MARK.test(String.fromCodePoint(cp));
  if (MARKS[cp] === 0) MARKS[cp] = MARK.test(String.fromCharCode(cp)) ? 2 : 1;
  return MARKS[cp] === 2;
}

export function foldView(v: View, o: ViewOptions): View | null {
  const t = v.text;
  // ASCII text (the usual case) holds nothing to fold; Buffer.byteLength tells at memory speed.
  if (Buffer.byteLength(t, 'utf8') === t.length) return null;
  const tokens: Array<[number, number, Piece]> = [];
  const n = t.length;
  for (let i = 0; i < n; ) {
    const c = t.charCodeAt(i);
    if (c < 0x80) {
      i++;
      continue;
    }
    const cp = t.codePointAt(i)!;
    const w = cp > 0xffff ? 2 : 1;
    // A base character and its combining marks compose as one (NFKC of the whole sequence).
    let e = i + w;
    while (e < n && t.charCodeAt(e) >= 0x300 && isMark(t.codePointAt(e)!)) e += t.codePointAt(e)! > 0xffff ? 2 : 1;
    if (e > i + w || (i > 0 && isMark(cp) && t.charCodeAt(i - 1) < 0x80)) {
      const s = i > 0 && isMark(cp) && t.charCodeAt(i - 1) < 0x80 ? i - 1 : i;
      if (tokens.length > 0 && tokens[tokens.length - 1]![1] > s) {
        i = e;
        continue;
      }
      const seq = t.slice(s, e);
      let f = '';
      for (const ch of seq.normalize('NFKC')) f += foldOf(ch.codePointAt(0)!) ?? ch;
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
