// A compressed run longer than a decoding piece (16 KiB) is inflated whole from its start
// (src/redact/views/compressed-extent.ts): the value past the first piece is found, whatever the
// container (gzip, zlib, zip), the spelling (base64 on one line, MIME-wrapped after a header, hex)
// or where the run starts; a run past the bound is withheld (fail closed).
import { createHash } from 'node:crypto';
import { deflateSync, gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { Redactor } from '../../src/redact/redactor.js';
import { MAX_RUN, pieceEnd } from '../../src/redact/views/compressed-extent.js';

const VALUE = 'ce-Zq9Lm4Np7Qx2Rt5Yu8IoWe3Kd';

/** Lines of hash-chain filler (hardly compressible), then the value. */
function logFile(lines: number): Buffer {
  const out: string[] = [];
  let h = 'start';
  for (let i = 0; i < lines; i++) out.push(`${i} GET /v1/items/${(h = createHash('sha256').update(h).digest('hex'))} 200`);
  out.push(`config loaded: token=${VALUE}`);
  return Buffer.from(out.join('\n'));
}

function redactor(): Redactor {
  const r = new Redactor({ key: new Uint8Array(32).fill(6) });
  r.add({ name: 'S', value: VALUE });
  return r;
}

describe('a compressed run longer than a decoding piece', () => {
  const file = logFile(700);
  const cases: Record<string, string> = {
    'gzip in base64 on one line, inside JSON': JSON.stringify({ logEvents: 1, data: gzipSync(file).toString('base64') }),
    'zlib in base64, MIME-wrapped after a header line': `Content-Type: application/octet-stream\r\nContent-Transfer-Encoding: base64\r\n\r\n${deflateSync(file).toString('base64').match(/.{1,76}/g)!.join('\r\n')}\r\n`,
    'gzip in hex after 20 KiB of other text': `${'x'.repeat(20 * 1024)}\n{"blob":"${gzipSync(file).toString('hex')}"}`,
  };
  for (const [name, text] of Object.entries(cases)) {
    it(name, () => {
      expect(text.length).toBeGreaterThan(2 * 16 * 1024);
      expect(redactor().redact(text).redacted).toEqual(['S']);
    });
  }

  it('a compressed run longer than the bound is withheld past it, not passed unscanned', () => {
    // Stored (level 0) gzip of bytes that read as no text: the run is long, its inflated text empty.
    const noise = Buffer.alloc(MAX_RUN, 0).map((_, i) => 0x80 | ((i * 2654435761) >>> 25));
    const big = gzipSync(noise, { level: 0 }).toString('base64');
    expect(big.length).toBeGreaterThan(MAX_RUN);
    expect(pieceEnd(big, 0, 17 * 1024)).toEqual({ end: MAX_RUN, overLimit: true });
    const result = redactor().inspect(big);
    expect(result.unscanned.some(([a, b]) => a <= MAX_RUN && b === big.length)).toBe(true);
  }, 120_000);
});
