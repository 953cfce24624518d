// Binary-to-text spellings a stack writes a chunk at a time or in a format of its own (issue 18
// item 4): base64 of each chunk with its padding inside the run or at each line's end
// (src/redact/views/padded-base64.ts). Each case is a family member other than the red team's
// (other chunk sizes and separators), and honest text with `=` in it is still scanned to the end.
import { describe, expect, it } from 'vitest';
import { Redactor, replacementFor } from '../../src/redact/redactor.js';

const VALUE = 'uv-Zq9Lm4Np7Qx2Rt5Yu8IoWe3Kd';
const chunks = (v: string, n: number) => v.match(new RegExp(`[^]{1,${n}}`, 'g'))!;
const b64 = (s: string) => Buffer.from(s).toString('base64');

function redactor(): Redactor {
  const r = new Redactor({ key: new Uint8Array(32).fill(3) });
  r.add({ name: 'S', value: VALUE });
  return r;
}

describe('base64 written a chunk at a time', () => {
  for (const size of [1, 2, 4, 5, 7, 11]) {
    for (const [name, sep] of [['concatenated', ''], ['one per line', '\n'], ['CRLF and indented', '\r\n    ']] as const) {
      it(`${size}-byte chunks, ${name}`, () => {
        const shown = redactor().redact(`log: ${chunks(VALUE, size).map(b64).join(sep)} end`);
        expect(shown.redacted).toEqual(['S']);
        expect(shown.text).toContain(replacementFor('S'));
      });
    }
  }

  it('chunks of mixed sizes, some needing no padding, one per line', () => {
    const parts = [VALUE.slice(0, 9), VALUE.slice(9, 19), VALUE.slice(19)];
    expect(redactor().redact(parts.map(b64).join('\n')).redacted).toEqual(['S']);
  });

  it('honest text dense in `=` (a form body, padded ids, query strings) is scanned to the end and left alone', () => {
    const body = [
      Array.from({ length: 400 }, (_, i) => `k${i}=v${i}`).join('&'),
      Array.from({ length: 200 }, (_, i) => b64(`id-${i}-x`)).join('\n'),
      'a==b==c==d=e=f=g',
    ].join('\n');
    const r = redactor();
    const result = r.inspect(body);
    expect(result.unscanned).toEqual([]);
    expect(result.hits).toEqual([]);
  });
});
