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

/** Adobe Ascii85 of `bytes`, without delimiters. */
function ascii85(bytes: Buffer): string {
  let out = '';
  for (let i = 0; i < bytes.length; i += 4) {
    const chunk = bytes.subarray(i, i + 4);
    let n = Buffer.concat([chunk, Buffer.alloc(4 - chunk.length)]).readUInt32BE(0);
    if (n === 0 && chunk.length === 4) {
      out += 'z';
      continue;
    }
    let group = '';
    for (let k = 0; k < 5; k++, n = Math.floor(n / 85)) group = String.fromCharCode(33 + (n % 85)) + group;
    out += group.slice(0, chunk.length + 1);
  }
  return out;
}

/** uuencoded lines of `bytes`, `perLine` bytes a line, zeros written as `zero` (a backtick, or a blank in the classic form). */
function uuLines(bytes: Buffer, perLine = 45, zero = '`'): string[] {
  const rows: string[] = [];
  for (let r = 0; r < bytes.length; r += perLine) {
    const row = bytes.subarray(r, r + perLine);
    let line = String.fromCharCode(32 + row.length);
    for (let i = 0; i < row.length; i += 3) {
      const [a = 0, b = 0, c = 0] = [row[i], row[i + 1], row[i + 2]];
      for (const x of [a >> 2, ((a & 3) << 4) | (b >> 4), ((b & 15) << 2) | (c >> 6), c & 63]) line += x === 0 ? zero : String.fromCharCode(x + 32);
    }
    rows.push(line);
  }
  return rows;
}

describe('Ascii85', () => {
  const data = (lead: string) => Buffer.concat([Buffer.from(`${lead}{"secret":"`), Buffer.alloc(4), Buffer.from(`${VALUE}"}`)]);
  for (const lead of ['', 'a', 'ab', 'abc', 'abcd']) {
    it(`PostScript <~ … ~> wrapped at 72 columns (lead of ${lead.length})`, () => {
      const text = `<~${ascii85(data(lead)).match(/.{1,72}/g)!.join('\n')}~>`;
      expect(redactor().redact(text).redacted).toEqual(['S']);
    });
    it(`a PDF stream closed by ~> only, after its dictionary (lead of ${lead.length})`, () => {
      const text = `5 0 obj\n<< /Length 120 /Filter /ASCII85Decode >>\nstream\n${ascii85(data(lead))}~>\nendstream\nendobj`;
      expect(redactor().redact(text).redacted).toEqual(['S']);
    });
  }

  it('honest text with ~ and <~ in it (a shell path, a diff marker) is scanned and left alone', () => {
    const r = redactor();
    const result = r.inspect(`cd ~/src && ls ~> out.txt\n<~ not ascii85 at all ~>\n${'word '.repeat(300)}`);
    expect(result.unscanned).toEqual([]);
    expect(result.hits).toEqual([]);
  });
});

describe('uuencode', () => {
  const data = Buffer.from(`[default]\nregion = eu-west-1\naws_secret_access_key = ${VALUE}\n`);
  for (const perLine of [45, 30, 7]) {
    it(`a begin 600 block, ${perLine} bytes a line, CRLF`, () => {
      const text = `begin 600 credentials\r\n${uuLines(data, perLine).join('\r\n')}\r\n\`\r\nend\r\n`;
      expect(redactor().redact(text).redacted).toEqual(['S']);
    });
  }

  it('lines whose trailing blanks were stripped by a mailer still read', () => {
    const padded = Buffer.concat([data, Buffer.alloc(2)]);
    const lines = uuLines(padded, 45, ' ').map((l) => l.replace(/ +$/, ''));
    expect(lines.some((l, i) => l !== uuLines(padded, 45, ' ')[i])).toBe(true);
    expect(redactor().redact(`begin 644 c.txt\n${lines.join('\n')}\n\`\nend`).redacted).toEqual(['S']);
  });

  it('prose that starts with "begin" is scanned and left alone', () => {
    const result = redactor().inspect('begin 644 is a mode\nbegin here:\n'.repeat(50));
    expect(result.unscanned).toEqual([]);
    expect(result.hits).toEqual([]);
  });
});
