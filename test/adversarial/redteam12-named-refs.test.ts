// Twelfth red team, family 4 of issue 18 (spellings of kinds still not decoded). Severity: high —
// the whole key, through the stdio server, from a spelling the README promises ("HTML and XML
// character references of any character").
//
// The HTML view (src/redact/views/text.ts, NAMED) knows about fifty named references: ASCII
// punctuation and a few classics. Every other HTML5 named reference is left as text, so:
//  - invisible characters written by name between the key's characters (`&zwnj;`, `&zwj;`,
//    `&lrm;`, `&ZeroWidthSpace;`, `&NoBreak;`, `&InvisibleTimes;`, `&NegativeMediumSpace;`; the
//    numeric `&#8204;` and `&shy;` are caught) leave the key whole to any HTML parser;
//  - letters written as the mathematical alphabets' named references (`&sopf;` 𝕤, `&sfr;` 𝔰,
//    `&sscr;` 𝓈), which NFKC folds to ASCII (the fold view would catch 𝕤 itself), are never read.
// The agent decodes with any HTML entity decoder (Python's html.unescape) and drops the invisibles
// (or NFKC-folds the letters): the whole key. Nothing is withheld and `redacted` is empty.
import { describeSpellings, type Spelling } from '../helpers/redteam12.js';

const KEY = 'sk_live_4mQ8zR2vXc7Lp9Tw3Ky6Bn1Hd5Gf';

/** The few names used here, as the agent's entity decoder reads them (html.unescape knows all 2,231). */
const INVISIBLE: Record<string, string> = { zwnj: '', zwj: '', lrm: '', rlm: '', ZeroWidthSpace: '', NoBreak: '', InvisibleTimes: '', NegativeMediumSpace: '' };
const unescape = (s: string) =>
  s
    .replace(/&([A-Za-z]+);/g, (m, n: string) => INVISIBLE[n] ?? (/^[A-Za-z](opf|fr|scr)$/.test(n) ? n[0]! : m))
    .replace(/&#(\d+);/g, (_m, d: string) => String.fromCodePoint(Number(d)))
    .normalize('NFKC');

const between = (name: string, html = true): Spelling => ({
  answer: (k) => ({ body: `<p>Your key: ${[...k].join(`&${name};`)}</p>`, headers: html ? { 'content-type': 'text/html; charset=utf-8' } : {} }),
  decode: unescape,
});
const letters = (suffix: 'opf' | 'fr' | 'scr'): Spelling => ({
  answer: (k) => ({ body: `<p>Your key: ${[...k].map((c) => (/[A-Za-z]/.test(c) ? `&${c}${suffix};` : c)).join('')}</p>`, headers: { 'content-type': 'text/html; charset=utf-8' } }),
  decode: unescape,
});

const SPELLINGS: Record<string, Spelling> = {
  '&zwnj; between characters': between('zwnj'),
  '&zwj; between characters': between('zwj'),
  '&lrm; between characters': between('lrm'),
  '&ZeroWidthSpace; between characters': between('ZeroWidthSpace'),
  '&NoBreak; between characters (text/plain)': between('NoBreak', false),
  '&InvisibleTimes; between characters': between('InvisibleTimes'),
  'numeric references parted by &NegativeMediumSpace;': {
    answer: (k) => ({ body: [...k].map((c) => `&#${c.charCodeAt(0)};`).join('&NegativeMediumSpace;'), headers: { 'content-type': 'text/html' } }),
    decode: unescape,
  },
  'double-struck letters by name (&sopf;)': letters('opf'),
  'fraktur letters by name (&sfr;)': letters('fr'),
  'script letters by name (&sscr;)': letters('scr'),
};

describeSpellings('redteam12: HTML named references beyond the punctuation table', KEY, SPELLINGS);
