/**
 * The patterns the guessability estimate (entropy.ts) prices: each finder lists the pieces of a value
 * that match its pattern, with the bits an attacker who knows the pattern needs to guess that piece.
 */
import { GUESSABLE_WORDS } from './guessable-words.js';

export type GuessPattern = 'digits' | 'date' | 'repeat' | 'sequence' | 'keyboard' | 'word' | 'random';

export interface Piece {
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

export const log2 = Math.log2;

/**
 * Every piece any pattern finds in the value; the estimate picks the cheapest cover from them.
 * `priceBlock` is the estimate itself: a repeated block costs what guessing it once costs.
 */
export function findPieces(chars: string[], perChar: number, priceBlock: (text: string) => number): Piece[] {
  return [...digitRuns(chars), ...dates(chars), ...repeats(chars, perChar, priceBlock), ...sequences(chars), ...keyboardRuns(chars), ...words(chars)];
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
function repeats(chars: string[], perChar: number, priceBlock: (text: string) => number): Piece[] {
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
        const block = priceBlock(chars.slice(i, i + len).join(''));
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
