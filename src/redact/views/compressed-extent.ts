/**
 * Where a decoding piece must end so that a compressed run begun in it is inflated whole. A long
 * text is decoded in pieces (../occurrences pieces); compressed data can only be inflated from its
 * start, so a base64 run of gzip, zlib or zip cut by a piece's end showed the inflate view only its
 * first piece's worth, and nothing past it was ever decoded (a CloudWatch Logs record holds a log
 * file as base64 of gzip). The piece holding such a run's start is taken to the run's end instead;
 * the next pieces still decode what follows as usual.
 *
 * Bounded: a run reaching past MAX_RUN characters from the piece's start is not followed, and the
 * caller withholds the rest of it (fail closed) rather than pass what was never inflated.
 */
import { startsCompressed } from './inflate.js';
import { B64 } from './runs.js';

/** Longest stretch a piece may be taken to for one compressed run (characters). */
export const MAX_RUN = 1024 * 1024;

/** Line starts after a run's walked-back start that may begin its compressed data. */
const FIRST_LINES = 3;

const isB64 = (c: number): boolean => c < 128 && B64[c]! >= 0;
const isBlank = (c: number): boolean => c === 32 || c === 9 || c === 13 || c === 10;

/**
 * The end of the piece [from, to) of `t`: `to`, or the end of a compressed base64 run (wrapped
 * lines included) that starts in the piece and goes on past `to`. `overLimit` is true when such a
 * run goes on past from + MAX_RUN (the returned end is then that bound).
 */
export function pieceEnd(t: string, from: number, to: number): { end: number; overLimit: boolean } {
  if (to >= t.length || (!isB64(t.charCodeAt(to - 1)) && !isBlank(t.charCodeAt(to - 1)))) return { end: to, overLimit: false };
  if (!isB64(t.charCodeAt(to)) && !isBlank(t.charCodeAt(to))) return { end: to, overLimit: false };
  // Back to where the base64 (and the line breaks wrapping it) that runs across the cut begins: a
  // run that began before this piece is the earlier piece's to extend.
  let s = to;
  while (s > from && (isB64(t.charCodeAt(s - 1)) || isBlank(t.charCodeAt(s - 1)))) s--;
  if (s === from && from > 0) return { end: to, overLimit: false };
  // Its first lines, one of which may start compressed data (a word such as `base64` ending a
  // header may come first); deeper lines of a wrapped block start compressed data only by chance.
  let start = -1;
  for (let i = s, lines = 0; i < to && lines < FIRST_LINES; i++) {
    if (!isB64(t.charCodeAt(i)) || (i > s && isB64(t.charCodeAt(i - 1)))) continue;
    lines++;
    if (startsCompressed(t, i)) {
      start = i;
      break;
    }
  }
  if (start < 0) return { end: to, overLimit: false };
  const limit = Math.min(t.length, from + MAX_RUN);
  let e = to;
  while (e < limit && (isB64(t.charCodeAt(e)) || isBlank(t.charCodeAt(e)) || t.charCodeAt(e) === 61)) e++;
  return { end: e, overLimit: e === limit && limit < t.length && (isB64(t.charCodeAt(e)) || isBlank(t.charCodeAt(e))) };
}
