// Header names that number pieces of a value (src/redact/response.ts indexedNamePayloads): each
// name holds less than a window, but the payloads joined in index order are the value, so the
// wall sees a piece across their boundaries. Other members than the red team's: other prefixes,
// separators and piece sizes, indexes past 9, names sent out of order.
import { describe, expect, it } from 'vitest';
import { Redactor } from '../../src/redact/redactor.js';
import { presentResponse } from '../../src/redact/response.js';

// Lowercase: header names come back lowercased.
const VALUE = 'hn-q7xv2lp9rt4mn8bc3hd6wy5kz1';
const pieces = (v: string, n: number) => v.match(new RegExp(`.{1,${n}}`, 'g'))!;

function redactor(): Redactor {
  const r = new Redactor({ key: new Uint8Array(32).fill(8) });
  r.add({ name: 'S', value: VALUE });
  return r;
}

async function found(headers: Record<string, string>): Promise<Set<string>> {
  const res = { status: 200, statusText: 'OK', headers, body: Buffer.from('ok'), cut: false };
  return (await presentResponse(redactor(), res, 1 << 20)).findings.pieces;
}

describe('a value cut into numbered header names', () => {
  const layouts: Record<string, (p: string, i: number) => string> = {
    'x-chunk-<i>-<piece>': (p, i) => `x-chunk-${i}-${p}`,
    'x-k<i>_<piece>': (p, i) => `x-k${i}_${p}`,
    'x-part<i>.<piece>': (p, i) => `x-part${i}.${p}`,
  };
  for (const [name, layout] of Object.entries(layouts)) {
    for (const size of [3, 6, 10]) {
      it(`${name}, ${size} characters each, sent in reverse order`, async () => {
        const headers: Record<string, string> = { 'content-type': 'text/plain' };
        for (const [i, p] of pieces(VALUE, size).map((p, i) => [i, p] as const).reverse()) headers[layout(p, i)] = '1';
        expect([...(await found(headers))]).toEqual(['S']);
      });
    }
  }

  it('honest numbered headers (x-rate-limit-1m, x-b3-…) find nothing', async () => {
    expect((await found({ 'x-ratelimit-limit-1m': '60', 'x-ratelimit-limit-1h': '1000', 'x-b3-traceid': 'abc', 'x-b3-spanid': 'def', 'x-amz-id-2': 'q' })).size).toBe(0);
  });
});
