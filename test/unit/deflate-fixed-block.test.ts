// deflateRefuses reads a first block of fixed Huffman codes (src/redact/views/deflate-header.ts)
// so that a guessed raw-deflate run of text costs no zlib call. It must refuse only what zlib
// refuses before it writes 4 KiB (the probe's bound): held here on long random fixed blocks, on
// text read as base64 (what the inflate views guess at), and on real fixed-code streams.
import { constants, deflateRawSync, deflateSync, inflateRawSync, inflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { deflateRefuses, zlibRefuses } from '../../src/redact/views/deflate-header.js';

const options = { maxOutputLength: 4096, chunkSize: 4096, finishFlush: constants.Z_SYNC_FLUSH };
function zlibThrows(inflate: (b: Uint8Array, o: object) => Buffer, bytes: Uint8Array): boolean {
  try {
    inflate(bytes, options);
    return false;
  } catch (err) {
    return (err as { code?: string }).code !== 'ERR_BUFFER_TOO_LARGE';
  }
}

/** A small deterministic generator, so a failure names its case. */
function generator(seed: number): () => number {
  let s = seed;
  return () => ((s = (Math.imul(s, 1103515245) + 12345) >>> 0) >>> 8) & 0xff;
}

const WORDS = 'the quick brown fox jumps over a lazy dog Contents Key photos 2024 summer IMG_0001 jpg STANDARD reports quot T120000000Z'.split(' ');

describe('the fixed-block check refuses only what zlib refuses', () => {
  it('random first blocks of fixed codes, up to 700 bytes', () => {
    const next = generator(7);
    for (let i = 0; i < 20_000; i++) {
      const b = Uint8Array.from({ length: 1 + (i % 700) }, next);
      b[0] = (b[0]! & 0xf9) | 2;
      if (deflateRefuses(b, 0)) expect(zlibThrows(inflateRawSync, b), Buffer.from(b).toString('hex')).toBe(true);
      const z = Uint8Array.from([0x78, 0x9c, ...b]);
      if (zlibRefuses(z)) expect(zlibThrows(inflateSync, z)).toBe(true);
    }
  });

  it('text read as base64 at every alignment', () => {
    const next = generator(11);
    for (let i = 0; i < 20_000; i++) {
      const text = Array.from({ length: 60 }, () => WORDS[next() % WORDS.length]).join('').slice(i % 4);
      const b = Buffer.from(text.replace(/[^A-Za-z0-9+/]/g, ''), 'base64').subarray(0, 1 + (i % 600));
      if (deflateRefuses(b, 0)) expect(zlibThrows(inflateRawSync, b), text).toBe(true);
    }
  });

  it('real fixed-code streams, whole or cut anywhere, are never refused', () => {
    for (let i = 0; i < 2_000; i++) {
      const input = Buffer.from(Array.from({ length: 1 + (i % 80) }, (_, j) => WORDS[(i + j) % WORDS.length]! + (i % 7)).join(i % 2 ? ' ' : ''));
      const raw = deflateRawSync(input, { strategy: constants.Z_FIXED, level: 1 + (i % 9) });
      expect(deflateRefuses(raw, 0)).toBe(false);
      expect(deflateRefuses(raw.subarray(0, 1 + (i % raw.length)), 0)).toBe(false);
      expect(zlibRefuses(deflateSync(input, { strategy: constants.Z_FIXED }))).toBe(false);
    }
  });
});
