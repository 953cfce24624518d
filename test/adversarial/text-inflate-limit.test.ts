// Compressed bytes written as text are found by their magic (views/inflate.ts textInflateView).
// Magic is two characters and `x^` occurs in honest text, so tries are bounded; past the bound the
// view must fail closed (the range withheld), never stop looking and call the rest clean (issue 18,
// family 1). And the raw-deflate guess (views/raw-deflate.ts) must not be dodged by a short line.
import { deflateRawSync, deflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { Redactor } from '../../src/redact/redactor.js';

const VALUE = 'sk_live_Zq8mW3vN7xKp2RtY9bLc4HdF';
const pyRepr = (bytes: Buffer) => `b'${[...bytes].map((x) => (x >= 32 && x < 127 && x !== 39 && x !== 92 ? String.fromCharCode(x) : `\\x${x.toString(16).padStart(2, '0')}`)).join('')}'`;

function redactor(): Redactor {
  const r = new Redactor({ key: Buffer.alloc(32, 7) });
  r.add({ name: 'K', value: VALUE });
  return r;
}
const caught = (text: string) => {
  const found = redactor().inspect(text);
  return found.hits.length > 0 || found.unscanned.length > 0;
};

describe('compressed bytes as text, behind decoys', () => {
  for (const decoys of [0, 63, 200, 1_100]) {
    it(`the stream after ${decoys} decoy magics is found, or its range withheld`, () => {
      const bytes = Buffer.concat([Buffer.from('x^\x01'.repeat(decoys), 'latin1'), deflateSync(Buffer.from(JSON.stringify({ api_key: VALUE })))]);
      expect(caught(JSON.stringify({ error: `cannot parse body ${pyRepr(bytes)}` }))).toBe(true);
    });
  }

  it('raw deflate in base64 on the line after a short word is decoded', () => {
    const blob = deflateRawSync(Buffer.from(JSON.stringify({ api_key: VALUE, user: 42 }))).toString('base64');
    for (const before of ['x\n', 'ok\r\n', 'abc\n\n']) expect(caught(JSON.stringify({ note: `${before}${blob}` })), JSON.stringify(before)).toBe(true);
  });
});
