/**
 * How guessable a value is, in bits: a small, documented estimate in the spirit of zxcvbn
 * (Wheeler, USENIX Security 2016), used to refuse values an attacker would try early (SPEC §1
 * promise 4a, §3).
 *
 * The value is covered, left to right, by the cheapest sequence of pieces, each priced by how many
 * guesses an attacker who knows the pattern needs (bits = log2 guesses):
 *
 * - brute force: each character costs log2(pool), the pool being the character classes the whole
 *   value uses (26 lowercase, 26 uppercase, 10 digits, 33 ASCII symbols, 100 for anything else);
 * - a run of digits: log2(10) per digit whatever the pool (PINs, phone numbers);
 * - a date (20240101, 01/01/2024, 1.1.24, 2024-01-01) or a year: about 120 years of days;
 * - a repeated character (aaaaaaaa) or block (abcabc): the block once, then log2(repeats);
 * - a sequence (abcdef, 12345678, zyxw): its first character, its length and its direction;
 * - a keyboard run on a QWERTY layout, rows or columns (qwertyui, asdfgh, 1qaz2wsx): start key,
 *   length and turns;
 * - a word from the small embedded list (guessable-words.ts), also reversed, capitalised or with
 *   leet substitutions (p@ssw0rd): log2(rank) plus a bit per variation.
 *
 * Each piece adds one bit (which pattern comes next). This under-counts structure it does not know
 * (a word not in the list is priced as random letters), so it is a floor against the guesses tried
 * first, not a strength meter; random keys are far above it (a 20-character [A-Za-z0-9] string is
 * about 119 bits, a 32-hex token about 128).
 */
import { GUESSABLE_WORDS } from './guessable-words.js';

/**
 * Values estimated below this many bits are refused at `set`/`import` unless the admin passes
 * --allow-guessable. Why 40: an agent guessing has no offline oracle, it must send its guesses,
 * and the first hit trips the wire (promise 4a: refused, audited as an attack, principal suspended).
 * One call can still carry many guesses (a 1 MB body holds ~10^5 eight-character candidates), so
 * a value must survive well over 10^5 guesses per call times the calls of a long unattended run
 * (10^6 calls ≈ 2^37 guesses) before a human looks at the trail: 2^40 (~10^12) keeps the expected
 * number of calls to a hit above 5 million. Against offline brute force of a leaked unsalted fast
 * hash nothing human-chosen at this size survives; that is what the floor says to the admin.
 * Everything a provider issues (sk-…, ghp_…, xoxb-…, JWTs, hex and base64 keys) is well above 100.
 */
export const MIN_GUESS_BITS = 40;

export type GuessPattern = 'digits' | 'date' | 'repeat' | 'sequence' | 'keyboard' | 'word' | 'random';

export interface GuessEstimate {
  /** Estimated log2 of the guesses needed. */
  bits: number;
  /** The patterns in the cheapest cover (never the matched text: messages must not echo values). */
  patterns: GuessPattern[];
}

interface Piece {
  start: number;
  end: number;
  bits: number;
  pattern: GuessPattern;
}

const WORD_RANK = new Map<string, number>();
GUESSABLE_WORDS.forEach((w, i) => {
  if (!WORD_RANK.has(w)) WORD_RANK.set(w, i + 1);
});
const MAX_WORD = Math.max(...GUESSABLE_WORDS.map((w) => w.length));
const LEET: Record<string, string> = { '0': 'o', '1': 'i', '3': 'e', '4': 'a', '5': 's', '7': 't', '8': 'b', '9': 'g', '@': 'a', '$': 's', '!': 'i', '|': 'l', '+': 't' };

const KEY_ROWS = ['1234567890-=', 'qwertyuiop[]', "asdfghjkl;'", 'zxcvbnm,./'];
const SHIFTED_ROWS = ['!@#$%^&*()_+', 'QWERTYUIOP{}', 'ASDFGHJKL:"', 'ZXCVBNM<>?'];
const KEY_AT = new Map<string, { r: number; c: number; shifted: boolean }>();
KEY_ROWS.forEach((row, r) => [...row].forEach((ch, c) => KEY_AT.set(ch, { r, c, shifted: false })));
SHIFTED_ROWS.forEach((row, r) => [...row].forEach((ch, c) => KEY_AT.set(ch, { r, c, shifted: true })));

const log2 = Math.log2;

function poolOf(chars: string[]): number {
  let lower = false;
  let upper = false;
  let digit = false;
  let symbol = false;
  let other = false;
  for (const ch of chars) {
    if (/[a-z]/.test(ch)) lower = true;
    else if (/[A-Z]/.test(ch)) upper = true;
    else if (/[0-9]/.test(ch)) digit = true;
    else if (/[\x20-\x7e]/.test(ch)) symbol = true;
    else other = true;
  }
  return (lower ? 26 : 0) + (upper ? 26 : 0) + (digit ? 10 : 0) + (symbol ? 33 : 0) + (other ? 100 : 0) || 1;
}

/** Guessability of `value` (cost grows linearly; values of any length are fine). */
export function estimateGuessBits(value: string): GuessEstimate {
  const chars = Array.from(value);
  const n = chars.length;
  if (n === 0) return { bits: 0, patterns: [] };
  const pool = poolOf(chars);
  const perChar = log2(pool);
  const pieces = [...digitRuns(chars), ...dates(chars), ...repeats(chars, perChar), ...sequences(chars), ...keyboardRuns(chars), ...words(chars)];
  const byEnd: Piece[][] = Array.from({ length: n + 1 }, () => []);
  for (const p of pieces) byEnd[p.end]!.push(p);
  // best[i]: cheapest cover of the first i characters; from[i]: the piece ending there (or brute force).
  const best = new Array<number>(n + 1).fill(Infinity);
  const from = new Array<Piece | undefined>(n + 1);
  best[0] = 0;
  for (let i = 1; i <= n; i++) {
    best[i] = best[i - 1]! + perChar;
    from[i] = undefined;
    for (const p of byEnd[i]!) {
      const cost = best[p.start]! + p.bits + 1;
      if (cost < best[i]!) {
        best[i] = cost;
        from[i] = p;
      }
    }
  }
  const patterns = new Set<GuessPattern>();
  for (let i = n; i > 0; ) {
    const p = from[i];
    patterns.add(p ? p.pattern : pool === 10 ? 'digits' : 'random');
    i = p ? p.start : i - 1;
  }
  return { bits: Math.round(best[n]! * 10) / 10, patterns: [...patterns] };
}

export function isGuessable(value: string, minBits = MIN_GUESS_BITS): boolean {
  return estimateGuessBits(value).bits < minBits;
}

/** Every maximal run of 2+ digits, and its sub-runs (so a date or sequence inside can be cheaper). */
function digitRuns(chars: string[]): Piece[] {
  const out: Piece[] = [];
  for (let i = 0; i < chars.length; ) {
    let j = i;
    while (j < chars.length && /[0-9]/.test(chars[j]!)) j++;
    if (j - i >= 2) out.push({ start: i, end: j, bits: (j - i) * log2(10), pattern: 'digits' });
    i = j > i ? j : i + 1;
  }
  return out;
}

const DATE_SPAN_BITS = log2(120 * 365); // ~15.4: a day in the last or next century
const DATE_FORMS: Array<{ re: RegExp; ymd: (m: RegExpExecArray) => [number, number, number] }> = [
  { re: /(?<![0-9])((?:19|20)\d\d)([-/._ ]?)(\d\d)\2(\d\d)(?![0-9])/g, ymd: (m) => [+m[1]!, +m[3]!, +m[4]!] },
  { re: /(?<![0-9])((?:19|20)\d\d)([-/._ ])(\d{1,2})\2(\d{1,2})(?![0-9])/g, ymd: (m) => [+m[1]!, +m[3]!, +m[4]!] },
  { re: /(?<![0-9])(\d{1,2})([-/._ ])(\d{1,2})\2(\d{2}|\d{4})(?![0-9])/g, ymd: (m) => [yearOf(m[4]!), +m[3]!, +m[1]!] },
  { re: /(?<![0-9])(\d\d)(\d\d)((?:19|20)\d\d|\d\d)(?![0-9])/g, ymd: (m) => [yearOf(m[3]!), +m[2]!, +m[1]!] },
];

function yearOf(text: string): number {
  const y = Number(text);
  return text.length === 2 ? (y < 50 ? 2000 + y : 1900 + y) : y;
}

/** A day and month in either order (DD/MM and MM/DD are both tried by an attacker). */
function plausibleDate(y: number, a: number, b: number): boolean {
  const ok = (m: number, d: number) => m >= 1 && m <= 12 && d >= 1 && d <= 31;
  return y >= 1900 && y <= 2099 && (ok(a, b) || ok(b, a));
}

function dates(chars: string[]): Piece[] {
  // Dates are ASCII, so code unit offsets map to character offsets through this table.
  const text = chars.join('');
  const index: number[] = [];
  chars.forEach((ch, i) => {
    for (let k = 0; k < ch.length; k++) index.push(i);
  });
  index.push(chars.length);
  const out: Piece[] = [];
  for (const form of DATE_FORMS) {
    for (const m of text.matchAll(form.re)) {
      const [y, a, b] = form.ymd(m as RegExpExecArray);
      if (!plausibleDate(y, a, b)) continue;
      const sep = /[^0-9]/.test(m[0]) ? 2 : 0;
      out.push({ start: index[m.index!]!, end: index[m.index! + m[0].length]!, bits: DATE_SPAN_BITS + sep, pattern: 'date' });
    }
  }
  for (const m of text.matchAll(/(?<![0-9])(19\d\d|20\d\d)(?![0-9])/g)) {
    out.push({ start: index[m.index!]!, end: index[m.index! + 4]!, bits: log2(200), pattern: 'date' });
  }
  return out;
}

/** A character repeated 3+ times, or a block of 2..16 characters repeated 2+ times. */
function repeats(chars: string[], perChar: number): Piece[] {
  const out: Piece[] = [];
  const n = chars.length;
  for (let i = 0; i < n; ) {
    let j = i + 1;
    while (j < n && chars[j] === chars[i]) j++;
    if (j - i >= 3) out.push({ start: i, end: j, bits: perChar + log2(j - i), pattern: 'repeat' });
    i = j;
  }
  for (let len = 2; len <= 16; len++) {
    for (let i = 0; i + 2 * len <= n; i++) {
      let count = 1;
      while (i + (count + 1) * len <= n && sameBlock(chars, i, i + count * len, len)) count++;
      if (count >= 2) {
        const block = estimateGuessBits(chars.slice(i, i + len).join('')).bits;
        out.push({ start: i, end: i + count * len, bits: block + log2(count), pattern: 'repeat' });
        i += (count - 1) * len;
      }
    }
  }
  return out;
}

function sameBlock(chars: string[], a: number, b: number, len: number): boolean {
  for (let k = 0; k < len; k++) if (chars[a + k] !== chars[b + k]) return false;
  return true;
}

/** Runs of 3+ characters whose code points step by +1 or -1 (abcd, 9876, XYZ). */
function sequences(chars: string[]): Piece[] {
  const out: Piece[] = [];
  const code = chars.map((c) => c.codePointAt(0)!);
  for (let i = 0; i < chars.length - 2; ) {
    const step = code[i + 1]! - code[i]!;
    if (step !== 1 && step !== -1) {
      i++;
      continue;
    }
    let j = i + 1;
    while (j < chars.length && code[j]! - code[j - 1]! === step) j++;
    if (j - i >= 3) {
      const first = chars[i]!;
      const starts = /[0-9]/.test(first) ? 10 : /[a-zA-Z]/.test(first) ? 26 : 95;
      out.push({ start: i, end: j, bits: log2(starts) + log2(j - i) + (step < 0 ? 1 : 0), pattern: 'sequence' });
    }
    i = j - 1 > i ? j - 1 : i + 1;
  }
  return out;
}

function adjacent(a: { r: number; c: number }, b: { r: number; c: number }): string | undefined {
  // Staggered rows: the row below is shifted half a key right of the one above.
  const dr = b.r - a.r;
  const dc = b.c - a.c;
  if (dr === 0 && (dc === 1 || dc === -1)) return `0${dc}`;
  if (dr === -1 && (dc === 0 || dc === 1)) return `-${dc}`;
  if (dr === 1 && (dc === 0 || dc === -1)) return `+${dc}`;
  return undefined;
}

/** Runs of 3+ keys, each next to the previous on a QWERTY keyboard. */
function keyboardRuns(chars: string[]): Piece[] {
  const out: Piece[] = [];
  for (let i = 0; i < chars.length - 2; ) {
    let j = i + 1;
    let turns = 0;
    let dir: string | undefined;
    let shifted = KEY_AT.get(chars[i]!)?.shifted ?? false;
    while (j < chars.length) {
      const a = KEY_AT.get(chars[j - 1]!);
      const b = KEY_AT.get(chars[j]!);
      const d = a && b ? adjacent(a, b) : undefined;
      if (!d) break;
      if (dir !== undefined && d !== dir) turns++;
      dir = d;
      shifted ||= b!.shifted;
      j++;
    }
    if (j - i >= 3) {
      out.push({ start: i, end: j, bits: log2(47) + log2(j - i) + turns * log2(6) + (shifted ? 1 : 0), pattern: 'keyboard' });
      i = j - 1;
    } else i++;
  }
  return out;
}

/** Words from the list, forwards or reversed, any capitalisation, with leet substitutions. */
function words(chars: string[]): Piece[] {
  const out: Piece[] = [];
  const n = chars.length;
  for (let i = 0; i < n; i++) {
    for (let len = 3; len <= MAX_WORD && i + len <= n; len++) {
      const raw = chars.slice(i, i + len);
      let leet = 0;
      const plain = raw.map((ch) => {
        const lower = ch.toLowerCase();
        if (/[a-z]/.test(lower)) return lower;
        const sub = LEET[ch];
        if (sub) leet++;
        return sub ?? ch;
      });
      if (leet === len) continue; // all substitutions: digits and symbols are priced elsewhere
      const forward = plain.join('');
      const rank = WORD_RANK.get(forward) ?? WORD_RANK.get([...plain].reverse().join(''));
      if (rank === undefined) continue;
      const reversed = WORD_RANK.has(forward) ? 0 : 1;
      out.push({ start: i, end: i + len, bits: log2(rank) + caseBits(raw) + leet + reversed, pattern: 'word' });
    }
  }
  return out;
}

/** Bits for the capitalisation: none for lower, one for Capitalised or UPPER, else the choices. */
function caseBits(raw: string[]): number {
  const letters = raw.filter((ch) => /[a-zA-Z]/.test(ch));
  const upper = letters.filter((ch) => /[A-Z]/.test(ch)).length;
  if (upper === 0) return 0;
  if (upper === letters.length || (upper === 1 && /[A-Z]/.test(raw[0]!))) return 1;
  const k = Math.min(upper, letters.length - upper);
  let ways = 0;
  for (let i = 1; i <= k; i++) ways += binomial(letters.length, i);
  return log2(ways);
}

function binomial(n: number, k: number): number {
  let r = 1;
  for (let i = 1; i <= k; i++) r = (r * (n - k + i)) / i;
  return r;
}
