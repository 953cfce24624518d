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
import { secretMaterial } from '../redact/public-parts.js';
import { findPieces, log2, type GuessPattern, type Piece } from './entropy-patterns.js';

export type { GuessPattern } from './entropy-patterns.js';

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

export interface GuessEstimate {
  /** Estimated log2 of the guesses needed. */
  bits: number;
  /** The patterns in the cheapest cover (never the matched text: messages must not echo values). */
  patterns: GuessPattern[];
}

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
  const pieces = findPieces(chars, perChar, (block) => estimateGuessBits(block).bits);
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
  return estimateSecretGuessBits(value).bits < minBits;
}

/**
 * Guessability of what the matcher indexes of `value` (SPEC §1.4a): its secret-bearing stretches
 * (never a vendor prefix, PEM armour, a URL's host or path words), folded as the matcher folds
 * them. Each stretch is a piece of its own, so their estimates add up; a value with no
 * secret-bearing character has nothing to guess (0 bits).
 */
export function estimateSecretGuessBits(value: string): GuessEstimate {
  const patterns = new Set<GuessPattern>();
  let bits = 0;
  for (const stretch of secretMaterial(value)) {
    const e = estimateGuessBits(stretch);
    bits += e.bits;
    for (const p of e.patterns) patterns.add(p);
  }
  return { bits: Math.round(bits * 10) / 10, patterns: [...patterns] };
}
