/**
 * What zlib refuses on a stream's first bytes, told without a zlib call. Most candidates the
 * inflate views try are chance (two bytes of zlib magic hold about once a thousand base64 runs, a
 * guessed raw stream is any run whose first bits name a Huffman block), and a zlib call that throws
 * costs tens of microseconds. Only what zlib itself refuses is refused here (a property test holds
 * this against zlib on random bytes): a reserved block type, a stored block whose length and its
 * complement disagree, a dynamic block naming too many symbols or whose code-length code is
 * over-subscribed or incomplete (inflate.c, inflate_table for CODES), a preset dictionary.
 */

/** Whether zlib refuses the deflate stream at byte `at` of `b` on its first block's header. */
export function deflateRefuses(b: Uint8Array, at: number): boolean {
  if (b.length <= at) return false;
  let bit = 0;
  const has = (n: number) => at + ((bit + n + 7) >> 3) <= b.length;
  const read = (n: number) => {
    let v = 0;
    for (let k = 0; k < n; k++, bit++) v |= ((b[at + (bit >> 3)]! >> (bit & 7)) & 1) << k;
    return v;
  };
  read(1); // BFINAL
  const type = read(2);
  if (type === 3) return true;
  // Stored: LEN and NLEN start at the next byte.
  if (type === 0) return b.length >= at + 5 && ((b[at + 1]! | (b[at + 2]! << 8)) ^ 0xffff) !== (b[at + 3]! | (b[at + 4]! << 8));
  if (type === 1) return fixedBlockRefused(b, at);
  if (!has(14)) return false;
  const lengths = read(5);
  const distances = read(5);
  const codes = read(4) + 4;
  if (lengths > 29 || distances > 29) return true;
  if (!has(3 * codes)) return false;
  const count = [0, 0, 0, 0, 0, 0, 0, 0];
  for (let k = 0; k < codes; k++) count[read(3)]!++;
  let max = 7;
  while (max > 0 && count[max] === 0) max--;
  if (max === 0) return false;
  let left = 1;
  for (let len = 1; len <= 7; len++) {
    left = left * 2 - count[len]!;
    if (left < 0) return true;
  }
  return left > 0;
}

/** Whether zlib refuses a zlib stream (its two bytes of magic already checked) on its first bytes. */
export function zlibRefuses(b: Uint8Array): boolean {
  if (b[1]! & 0x20) return b.length >= 6; // FDICT: none is given, once its 4-byte id is whole
  return deflateRefuses(b, 2);
}

/** Bases and extra bits of the length (257–285) and distance (0–29) symbols (RFC 1951 §3.2.5). */
const LENGTH_BASE = [3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258];
const LENGTH_EXTRA = [0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0];
const DIST_BASE = [1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769, 1025, 1537, 2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577];
/** Output a refusal must come before: far below any bound an inflate runs with (4 KiB at least), so zlib's data error comes first. */
const FIXED_OUTPUT = 2048;

/**
 * Whether zlib refuses a first block of fixed Huffman codes before it has written FIXED_OUTPUT
 * bytes: a literal/length code 286 or 287, a distance code 30 or 31, or a distance further back
 * than what was written (inflate.c, no window before the stream). Text guessed to be raw deflate
 * names a fixed block half the time and fails within a few symbols; each was a zlib call that
 * threw. The end of the block, the end of the bytes or the output bound refuses nothing.
 */
function fixedBlockRefused(b: Uint8Array, at: number): boolean {
  const total = (b.length - at) * 8;
  let bit = 3;
  const bitAt = () => (b[at + (bit >> 3)]! >> (bit++ & 7)) & 1;
  /** `n` bits as a number, first bit lowest (extra bits), or -1 when the bytes end first. */
  const extra = (n: number) => {
    if (bit + n > total) return -1;
    let v = 0;
    for (let k = 0; k < n; k++) v |= bitAt() << k;
    return v;
  };
  for (let out = 0; out < FIXED_OUTPUT; ) {
    // A literal/length code, first bit highest: 7 bits for 256–279, 8 for 0–143 and 280–287, 9 for 144–255.
    if (bit + 7 > total) return false;
    let code = 0;
    for (let k = 0; k < 7; k++) code = (code << 1) | bitAt();
    let sym: number;
    if (code <= 23) sym = 256 + code;
    else {
      if (bit >= total) return false;
      code = (code << 1) | bitAt();
      if (code <= 191) sym = code - 48;
      else if (code <= 199) sym = 280 + code - 192;
      else {
        if (bit >= total) return false;
        sym = 144 + ((code << 1) | bitAt()) - 400;
      }
    }
    if (sym < 256) {
      out++;
      continue;
    }
    if (sym === 256) return false;
    if (sym > 285) return true;
    const more = extra(LENGTH_EXTRA[sym - 257]!);
    if (more < 0) return false;
    const length = LENGTH_BASE[sym - 257]! + more;
    if (bit + 5 > total) return false;
    let d = 0;
    for (let k = 0; k < 5; k++) d = (d << 1) | bitAt();
    if (d > 29) return true;
    const dmore = extra(d < 4 ? 0 : (d >> 1) - 1);
    if (dmore < 0) return false;
    if (DIST_BASE[d]! + dmore > out) return true;
    out += length;
  }
  return false;
}
