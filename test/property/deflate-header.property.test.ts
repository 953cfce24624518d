// The inflate views turn down most chance candidates without a zlib call (src/redact/views/
// deflate-header.ts). That check must refuse only what zlib itself refuses: a stream it turned down
// that zlib would inflate is compressed data no view reads. Held here against zlib on random bytes,
// on real compressed streams, and on the block types built on purpose.
import fc from 'fast-check';
import { constants, deflateRawSync, deflateSync, inflateRawSync, inflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { deflateRefuses, zlibRefuses } from '../../src/redact/views/deflate-header.js';

const options = { maxOutputLength: 1 << 16, finishFlush: constants.Z_SYNC_FLUSH };

/** Whether zlib refuses the bytes (output past the bound is not a refusal). */
function zlibThrows(inflate: (b: Uint8Array, o: object) => Buffer, bytes: Uint8Array): boolean {
  try {
    inflate(bytes, options);
    return false;
  } catch (err) {
    return (err as { code?: string }).code !== 'ERR_BUFFER_TOO_LARGE';
  }
}

/** zlib's magic: CMF 0x?8 with a window ≤ 32 KiB, FLG making the pair a multiple of 31 (FDICT either way). */
const zlibHeader = fc.tuple(fc.integer({ min: 0, max: 7 }), fc.integer({ min: 0, max: 255 })).map(([w, f]) => {
  const cmf = (w << 4) | 8;
  const flg = f - ((cmf * 256 + f) % 31);
  return [cmf, flg < 0 ? flg + 31 : flg] as const;
});
const bytes = fc.uint8Array({ minLength: 0, maxLength: 48 });
/** Bytes whose first three bits name each block type equally often (random bytes rarely make a stored block with a right length). */
const blockStart = fc.tuple(fc.integer({ min: 0, max: 3 }), bytes, fc.boolean()).map(([type, rest, lengthsAgree]) => {
  const b = Uint8Array.from([((rest[0] ?? 0) & 0xf9) | (type << 1), ...rest.subarray(1)]);
  if (type === 0 && lengthsAgree && b.length >= 5) {
    b[3] = b[1]! ^ 0xff;
    b[4] = b[2]! ^ 0xff;
  }
  return b;
});

describe('the deflate header check refuses only what zlib refuses', () => {
  it('raw deflate: random first blocks of every type', () => {
    fc.assert(
      fc.property(blockStart, (b) => {
        if (deflateRefuses(b, 0)) expect(zlibThrows(inflateRawSync, b)).toBe(true);
      }),
      { numRuns: 20_000 },
    );
  });

  it('zlib streams: random bytes after every kind of header, a preset dictionary included', () => {
    fc.assert(
      fc.property(zlibHeader, blockStart, ([cmf, flg], rest) => {
        const b = Uint8Array.from([cmf, flg, ...rest]);
        if (zlibRefuses(b)) expect(zlibThrows(inflateSync, b)).toBe(true);
      }),
      { numRuns: 20_000 },
    );
  });

  it('real compressed data, whole or cut anywhere, is never refused', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 0, maxLength: 400 }), fc.integer({ min: 0, max: 9 }), fc.nat(), (text, level, cut) => {
        const input = Buffer.from(text.repeat(1 + (cut % 5)));
        const raw = deflateRawSync(input, { level });
        const wrapped = deflateSync(input, { level });
        for (const [b, refused] of [
          [raw, (x: Uint8Array) => deflateRefuses(x, 0)],
          [wrapped, zlibRefuses],
        ] as const) {
          const end = 1 + (cut % b.length);
          expect(refused(b)).toBe(false);
          expect(refused(b.subarray(0, end))).toBe(false);
        }
      }),
      { numRuns: 2_000 },
    );
  });

  it('refuses most chance candidates (what saves the zlib calls)', () => {
    let refused = 0;
    const runs = 4_000;
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 16, maxLength: 16 }), (b) => {
        if (deflateRefuses(b, 0)) refused++;
      }),
      { numRuns: runs },
    );
    expect(refused / runs).toBeGreaterThan(0.5);
  });
});
