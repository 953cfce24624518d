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
  if (type === 1 || !has(14)) return false;
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
