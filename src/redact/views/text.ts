/** Views that undo a textual escape: HTML references, JSON escapes, percent-encoding, mojibake, UTF-16 NULs, line breaks. */
import { LEGACY_NAMES, NAMED_REFS } from './html-named-refs.js';
import { tokensOf } from './tokens.js';
import { utf8 } from './utf8.js';
import { regionsView, type Piece, type View, type ViewOptions } from './view.js';

const fromCodePoint = (cp: number): string | null => (cp >= 0 && cp <= 0x10ffff ? String.fromCodePoint(cp) : null);

/**
 * Every HTML5 named reference (WHATWG's table, ./html-named-refs), read as an HTML parser reads
 * text: `&name;` when the table has the name, else the longest legacy name (`&amp`, `&copy`, `&not`)
 * that starts the run, without its ";". A name not in the table is also looked up in lower case (a
 * reflection may have changed case: `&ZWNJ;`, `&AMP;`). Built on first use.
 */
let named: Map<string, string> | null = null;
let legacy: Set<string> | null = null;
function namedRefs(): Map<string, string> {
  if (named !== null) return named;
  const m = new Map<string, string>();
  const lower = new Map<string, string>();
  for (const line of NAMED_REFS) {
    for (const item of line.split(' ')) {
      const eq = item.indexOf('=');
      if (eq < 0) continue;
      const name = item.slice(0, eq);
      const ch = String.fromCodePoint(...item.slice(eq + 1).split(',').map((h) => parseInt(h, 16)));
      m.set(name, ch);
      if (!lower.has(name.toLowerCase()) || name === name.toLowerCase()) lower.set(name.toLowerCase(), ch);
    }
  }
  for (const [name, ch] of lower) if (!m.has(name)) m.set(name, ch);
  legacy = new Set(LEGACY_NAMES.flatMap((line) => line.split(' ')).filter((n) => n !== ''));
  named = m;
  return m;
}
/** The longest name in the table (31) and the longest legacy one (6). */
const NAME_MAX = 31;
const LEGACY_MAX = 6;
const NUMERIC_RE = /&(?:#(\d{1,8})|#[xX]([0-9a-fA-F]{1,8}));?/y;
const isNameChar = (c: number) => (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122);

/** The named reference at text[at] (an `&`): its end and character(s), or null. Reads at most 33 characters. */
function namedAt(text: string, at: number): [number, string] | null {
  const refs = namedRefs();
  let e = at + 1;
  while (e < text.length && e - at <= NAME_MAX + 1 && isNameChar(text.charCodeAt(e))) e++;
  const name = text.slice(at + 1, e);
  if (name.length < 2 || name.charCodeAt(0) <= 57) return null;
  if (name.length <= NAME_MAX && text.charCodeAt(e) === 0x3b) {
    const ch = refs.get(name) ?? refs.get(name.toLowerCase());
    if (ch !== undefined) return [e + 1, ch];
  }
  for (let k = Math.min(LEGACY_MAX, name.length); k >= 2; k--) {
    const p = name.slice(0, k);
    const q = legacy!.has(p) ? p : p.toLowerCase();
    if (legacy!.has(q)) return [at + 1 + k, refs.get(q)!];
  }
  return null;
}

export function htmlView(v: View, o: ViewOptions): View | null {
  const text = v.text;
  const tokens: Array<[number, number, Piece]> = [];
  for (let at = text.indexOf('&'); at >= 0; ) {
    NUMERIC_RE.lastIndex = at;
    const m = NUMERIC_RE.exec(text);
    let end = at + 1;
    if (m) {
      const ch = m[1] !== undefined ? fromCodePoint(parseInt(m[1], 10)) : fromCodePoint(parseInt(m[2]!, 16));
      if (ch !== null) tokens.push([at, at + m[0].length, ch]);
      end = at + m[0].length;
    } else {
      const r = namedAt(text, at);
      if (r) {
        tokens.push([at, r[0], r[1]]);
        end = r[0];
      }
    }
    at = text.indexOf('&', end);
  }
  return regionsView(v, tokens, o.context, 'html');
}

const JSON_ESCAPES: Record<string, string> = { n: '\n', r: '\r', t: '\t', b: '\b', f: '\f', v: '\v', '0': '\0' };
// `\U0041` and `\X41` too: a reflection may have changed case after escaping. A backslash at a
// line end continues the line (JavaScript strings; .properties files, which also drop the next
// line's leading whitespace): a value split that way is whole again. `\x{73}` is Perl's and PHP's
// code point. Three octal digits are a byte
// (C and Python string literals, PostgreSQL's bytea escape format `\163\153`); a byte above ASCII
// becomes the latin1 character, which the latin1 view reads again as UTF-8.
const JSON_RE = /\\(?:[uU]([0-9a-fA-F]{4})|[uUxX]\{([0-9a-fA-F]{1,6})\}|[xX]([0-9a-fA-F]{2})|([0-3][0-7]{2})|(?:\r\n?|\n)[ \t\f]*|([^uUxX]))/y;
export function jsonView(v: View, o: ViewOptions): View | null {
  if (v.text.indexOf('\\') < 0) return null;
  const tokens = tokensOf(v.text, '\\', JSON_RE, (m) => {
    if (m[1] !== undefined) return String.fromCharCode(parseInt(m[1], 16));
    if (m[2] !== undefined) return fromCodePoint(parseInt(m[2], 16));
    if (m[3] !== undefined) return String.fromCharCode(parseInt(m[3], 16));
    if (m[4] !== undefined) return String.fromCharCode(parseInt(m[4], 8));
    if (m[5] === undefined) return '';
    const c = m[5];
    return JSON_ESCAPES[c] ?? c;
  });
  return regionsView(v, tokens, o.context, 'json');
}

// `%uXXXX` is one UTF-16 unit (JavaScript's escape(), IIS and old ASP): its UTF-8 bytes join the run.
const PERCENT_RE = /(?:%[0-9a-fA-F]{2}|%[uU][0-9a-fA-F]{4})+/y;
const PERCENT_PLUS_RE = /(?:%[0-9a-fA-F]{2}|%[uU][0-9a-fA-F]{4}|\+)+/y;
export function percentView(v: View, o: ViewOptions, plus: boolean): View | null {
  if (v.text.indexOf(plus ? '+' : '%') < 0) return null;
  const tokens = tokensOf(v.text, plus ? '%+' : '%', plus ? PERCENT_PLUS_RE : PERCENT_RE, (m) => {
    const run = m[0];
    const bytes: number[] = [];
    const bs: number[] = [];
    const be: number[] = [];
    for (let i = 0; i < run.length; ) {
      if (run[i] === '+') {
        bytes.push(0x20);
        bs.push(m.index + i);
        be.push(m.index + i + 1);
        i++;
      } else if (run[i + 1] === 'u' || run[i + 1] === 'U') {
        i += unitEscape(run, i, m.index, bytes, bs, be);
      } else {
        bytes.push(parseInt(run.slice(i + 1, i + 3), 16));
        bs.push(m.index + i);
        be.push(m.index + i + 3);
        i += 3;
      }
    }
    return utf8(bytes, bs, be);
  });
  return regionsView(v, tokens, o.context, plus ? 'form' : 'percent');
}

/**
 * The `%uXXXX` escape at run[i] (and the `%uXXXX` low surrogate after a high one) as UTF-8 bytes,
 * each spanning the escape(s); returns the characters consumed. A lone surrogate is U+FFFD.
 */
function unitEscape(run: string, i: number, at: number, bytes: number[], bs: number[], be: number[]): number {
  let cp = parseInt(run.slice(i + 2, i + 6), 16);
  let used = 6;
  if (cp >= 0xd800 && cp < 0xdc00 && /^%[uU]d[c-f]/i.test(run.slice(i + 6, i + 10))) {
    cp = 0x10000 + ((cp - 0xd800) << 10) + (parseInt(run.slice(i + 8, i + 12), 16) - 0xdc00);
    used = 12;
  } else if (cp >= 0xd800 && cp < 0xe000) cp = 0xfffd;
  for (const b of Buffer.from(String.fromCodePoint(cp), 'utf8')) {
    bytes.push(b);
    bs.push(at + i);
    be.push(at + i + used);
  }
  return used;
}

/** UTF-8 bytes that were read as latin1 (mojibake: "Ã©" for "é") read again as UTF-8. */
const LATIN1_RE = /[\u00c2-\u00f4][\u0080-\u00bf]{1,3}/y;
const LATIN1_LEADS = Array.from({ length: 0xf4 - 0xc2 + 1 }, (_, k) => String.fromCharCode(0xc2 + k)).join('');
export function latin1View(v: View, o: ViewOptions): View | null {
  if (v.depth === 0 ? !o.rootHigh : !/[\u00c2-\u00f4]/.test(v.text)) return null;
  const tokens = tokensOf(v.text, LATIN1_LEADS, LATIN1_RE, (m) => {
    const bytes: number[] = [];
    const bs: number[] = [];
    const be: number[] = [];
    for (let i = 0; i < m[0].length; i++) {
      bytes.push(m[0].charCodeAt(i));
      bs.push(m.index + i);
      be.push(m.index + i + 1);
    }
    const d = utf8(bytes, bs, be);
    return d.text.length < m[0].length ? d : null;
  });
  return regionsView(v, tokens, o.context, 'latin1');
}

/** UTF-16 text read as UTF-8 or latin1 leaves a NUL beside every ASCII character: drop the NULs. */
const NUL_RE = /\u0000+/y;
export function nulView(v: View, o: ViewOptions): View | null {
  if (v.text.indexOf('\u0000') < 0) return null;
  return regionsView(v, tokensOf(v.text, '\u0000', NUL_RE, () => ''), o.context, 'nul');
}

/** Line breaks however spelled become "\n" (values are indexed with "\n" line breaks). */
const BREAK_RE = /\r\n?|<br\s*\/?>/iy;
export function lineView(v: View, o: ViewOptions): View | null {
  return regionsView(v, tokensOf(v.text, '\r<', BREAK_RE, () => '\n'), o.context, 'lines');
}
