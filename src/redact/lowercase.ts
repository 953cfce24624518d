/**
 * Case folding for window hashing, on UTF-16 units. A window is matched case-insensitively (a
 * reflected key may have been upper-cased), so every unit is lowercased as it is hashed, both when a
 * value is indexed and when text is scanned: both sides must call these functions.
 */

/**
 * Lowercase of each UTF-16 unit when it stays one unit (else the unit itself). ASCII is filled here;
 * other units on first use (0 = not yet: no unit above ASCII lowercases to U+0000), so a process
 * never pays for the 65,536 units it does not see.
 */
export const LOWER = new Uint16Array(65536);
for (let c = 0; c < 128; c++) LOWER[c] = c >= 65 && c <= 90 ? c + 32 : c;

function lowerOfBmp(c: number): number {
  const known = LOWER[c]!;
  if (known !== 0 || c < 128) return known;
  const l = String.fromCharCode(c).toLowerCase();
  return (LOWER[c] = l.length === 1 ? l.charCodeAt(0) : c);
}

/** Astral code point → its lowercase (one code point), cached: a few scripts have case there. */
const ASTRAL_LOWER = new Map<number, number>();

/** Lowercase of unit `i` of `u[0, n)`; a surrogate is lowercased with its pair, as one code point. */
export function lowerUnit(u: Uint16Array, n: number, i: number): number {
  const c = u[i]!;
  if ((c & 0xf800) !== 0xd800) return lowerOfBmp(c);
  const high = c < 0xdc00;
  const j = high ? i + 1 : i - 1;
  if (j < 0 || j >= n) return c;
  const other = u[j]!;
  if (high ? (other & 0xfc00) !== 0xdc00 : (other & 0xfc00) !== 0xd800) return c;
  const cp = high ? ((c - 0xd800) << 10) + (other - 0xdc00) + 0x10000 : ((other - 0xd800) << 10) + (c - 0xdc00) + 0x10000;
  let low = ASTRAL_LOWER.get(cp);
  if (low === undefined) {
    const l = String.fromCodePoint(cp).toLowerCase();
    low = l.length === 2 ? l.codePointAt(0)! : cp;
    ASTRAL_LOWER.set(cp, low);
  }
  return high ? 0xd800 + ((low - 0x10000) >> 10) : 0xdc00 + ((low - 0x10000) & 0x3ff);
}

/** Reused buffer for reading a string as UTF-16 units (grown, never shrunk). */
let unitScratch = new Uint16Array(1024);
/** How much of it holds text since it was last cleared. */
let unitsUsed = 0;

/** `text` as UTF-16 units, in a buffer shared with the next call (copy what must outlive it). */
export function unitsOf(text: string): Uint16Array {
  if (unitScratch.length < text.length) unitScratch = new Uint16Array(Math.max(text.length, unitScratch.length * 2));
  const u = unitScratch;
  if (text.length > unitsUsed) unitsUsed = text.length;
  Buffer.from(u.buffer, u.byteOffset, u.byteLength).write(text, 0, 'utf16le');
  return u;
}

/** Zeroes the reused buffer (called when a scan ends: no scanned text outlives the call in it). */
export function clearUnits(): void {
  unitScratch.fill(0, 0, unitsUsed);
  unitsUsed = 0;
}
