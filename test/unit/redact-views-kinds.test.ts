// Unit tests for the views that decode by kind (issue 18 item 4): byte lists and hex dumps in the
// layouts real tools print, the compatibility/look-alike/invisible fold, compressed payloads (a
// Flask-style cookie made with node:zlib), and separator-insensitive joins. Each value comes back
// in each spelling, embedded in other text: no window of it may survive in the output or in any
// independent decoding of it (test/helpers/encodings.ts kindDecodings + test/helpers/windows.ts).
import { deflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { Redactor } from '../../src/redact/redactor.js';
import { decodedViews } from '../../src/redact/views/index.js';
import {
  bufferJson,
  decimalList,
  flaskCookie,
  fullWidth,
  grouped,
  gzipped,
  hexdumpC,
  hexList,
  interleaved,
  kindDecodings,
  lookAlikes,
  odX1z,
  tableWrapped,
  tagCharacters,
  xxd,
} from '../helpers/encodings.js';
import { survivingWindow } from '../helpers/windows.js';

const STRIPE = 'sk_live_4eC39HqLyjWDarjtT1zdp7dcQx';
const GITHUB = 'ghp_R8x2Lw0Qm5Tz9Yk3Nc7Vb1Hs4Jd6Fg';
const UNICODE = 'pässwörd-Ünïcödé-€uro-中文-Kq7Zx';
const VALUES = [STRIPE, GITHUB, UNICODE];

function redactor(): Redactor {
  const r = new Redactor();
  VALUES.forEach((value, i) => r.add({ name: `S${i}`, value }));
  return r;
}

/** What the agent would see: fails if any window of `value` is left in the output or any decoding of it. */
function expectGone(r: Redactor, text: string, value: string, label: string): void {
  const out = r.redact(`Response:\n${text}\n-- end of response --`);
  for (const d of [out.text, ...kindDecodings(out.text)]) {
    expect(survivingWindow(d, value), `${label}: ${JSON.stringify(out.text.slice(0, 400))}`).toBeNull();
  }
  expect(out.redacted.length, `${label}: nothing found in ${JSON.stringify(text.slice(0, 200))}`).toBeGreaterThan(0);
}

/** The kinds of view `text` gets (outermost decoder first). */
const kinds = (text: string) => decodedViews(text, { context: 96, minBase64: 16, minHex: 24, minWindow: 12, rootRuns: null, rootHigh: false }).views.map((v) => v.kind.split('<')[0]);

describe('byte lists', () => {
  const r = redactor();
  for (const value of VALUES) {
    const forms: Array<[string, string]> = [
      ['python/json list', decimalList(value)],
      ['compact list', decimalList(value, false, ',')],
      ['Java Arrays.toString (signed bytes)', decimalList(value, true)],
      ['Node Buffer.toJSON', bufferJson(value)],
      ['C 0x list', `{ ${hexList(value, '0x', ', ')} }`],
      ['\\x escapes', hexList(value, '\\x', '')],
      ['hex pairs with spaces', hexList(value)],
      ['hex pairs with colons, uppercase', hexList(value, '', ':', true)],
      ['JSON array of hex strings', JSON.stringify(hexList(value).split(' '))],
      ['pretty-printed JSON list', JSON.stringify([...Buffer.from(value)], null, 2)],
    ];
    for (const [label, text] of forms) it(`${label}: ${value.slice(0, 4)}…`, () => expectGone(r, text, value, label));
  }

  it('a list of ordinary numbers, prose and JSON get no byte view', () => {
    expect(kinds('{"id":12345,"name":"item","tags":["alpha","beta"],"text":"The quick brown fox."}')).not.toContain('bytes');
    expect(kinds('Totals: 1, 2, 3 and 4 — then 2024, 2025, 2026 and 1999 in the archive.')).not.toContain('bytes');
  });
});

describe('hex dumps', () => {
  const r = redactor();
  // What the real tools printed for 'token=' + STRIPE + '&x=1' (xxd 2022-01-14, util-linux
  // hexdump, GNU od), pasted as they are: the helpers the other cases use print the same.
  const input = `token=${STRIPE}&x=1`;
  const real = {
    xxd: [
      '00000000: 746f 6b65 6e3d 736b 5f6c 6976 655f 3465  token=sk_live_4e',
      '00000010: 4333 3948 714c 796a 5744 6172 6a74 5431  C39HqLyjWDarjtT1',
      '00000020: 7a64 7037 6463 5178 2678 3d31            zdp7dcQx&x=1',
      '',
    ].join('\n'),
    hexdump: [
      '00000000  74 6f 6b 65 6e 3d 73 6b  5f 6c 69 76 65 5f 34 65  |token=sk_live_4e|',
      '00000010  43 33 39 48 71 4c 79 6a  57 44 61 72 6a 74 54 31  |C39HqLyjWDarjtT1|',
      '00000020  7a 64 70 37 64 63 51 78  26 78 3d 31              |zdp7dcQx&x=1|',
      '0000002c',
      '',
    ].join('\n'),
    od: [
      '000000 74 6f 6b 65 6e 3d 73 6b 5f 6c 69 76 65 5f 34 65  >token=sk_live_4e<',
      '000010 43 33 39 48 71 4c 79 6a 57 44 61 72 6a 74 54 31  >C39HqLyjWDarjtT1<',
      '000020 7a 64 70 37 64 63 51 78 26 78 3d 31              >zdp7dcQx&x=1<',
      '00002c',
      '',
    ].join('\n'),
  };
  it('the helpers print what the tools print', () => {
    expect(xxd(input)).toBe(real.xxd);
    expect(hexdumpC(input)).toBe(real.hexdump);
    expect(odX1z(input)).toBe(real.od);
  });
  for (const [tool, text] of Object.entries(real)) it(`real ${tool} output`, () => expectGone(r, text, STRIPE, tool));

  for (const value of VALUES) {
    for (const lead of [0, 5, 13]) {
      const bytes = Buffer.concat([Buffer.from('x'.repeat(lead)), Buffer.from(value), Buffer.from(' and then some trailing text')]);
      const forms: Array<[string, string]> = [
        ['xxd', xxd(bytes)],
        ['hexdump -C', hexdumpC(bytes)],
        ['Go hex.Dump', hexdumpC(bytes, false)],
        ['od -A x -t x1z', odX1z(bytes)],
      ];
      for (const [label, text] of forms) it(`${label}, value at byte ${lead}: ${value.slice(0, 4)}…`, () => expectGone(r, text, value, label));
    }
  }

  it('the ASCII column beside the marker holds nothing of the value either', () => {
    const out = r.redact(hexdumpC(Buffer.from(`id=7;${STRIPE};end`))).text;
    // The row after the value's last hex byte: its ASCII column held the value's tail.
    expect(out).not.toContain(STRIPE.slice(-6));
  });
});

describe('the fold: compatibility forms, look-alikes, invisible characters', () => {
  const r = redactor();
  for (const value of [STRIPE, GITHUB]) {
    const forms: Array<[string, string]> = [
      ['full-width', fullWidth(value)],
      ['mathematical bold', value.replace(/[A-Za-z]/g, (c) => String.fromCodePoint((c <= 'Z' ? 0x1d400 - 65 : 0x1d41a - 97) + c.charCodeAt(0)))],
      ['zero-width spaces', interleaved(value)],
      ['soft hyphens', interleaved(value, '\u00ad')],
      ['word joiners and BOMs', [...value].map((c, i) => c + (i % 2 ? '\u2060' : '\ufeff')).join('')],
      ['bidi controls', interleaved(value, '\u202e')],
      ['Cyrillic/Greek look-alikes', lookAlikes(value)],
      ['tag characters', tagCharacters(value)],
      ['full-width with zero-width joiners', interleaved(fullWidth(value), '\u200d')],
    ];
    for (const [label, text] of forms) it(`${label}: ${value.slice(0, 4)}…`, () => expectGone(r, text, value, label));
  }

  it('a value written decomposed (NFD) is composed again', () => expectGone(r, UNICODE.normalize('NFD'), UNICODE, 'NFD'));

  it('ASCII text gets no fold view; accented text that NFKC keeps gets none either', () => {
    expect(kinds('plain ascii text, nothing to fold = & %')).not.toContain('fold');
    expect(kinds('café, naïve, Zürich, 東京')).not.toContain('fold');
  });
});

describe('compressed payloads', () => {
  const r = redactor();
  for (const value of VALUES) {
    const forms: Array<[string, string]> = [
      ['Flask session cookie', `Set-Cookie: session=${flaskCookie({ user: 'ann', api_key: value, csrf: 'x'.repeat(8) })}; HttpOnly; Path=/`],
      ['gzip base64 in JSON', JSON.stringify({ blob: gzipped(`{"key":"${value}"}`, 'base64') })],
      ['gzip hex', gzipped(value, 'hex')],
      // A base64-alphabet run goes on across the line break into the date: the hex stops at the break.
      ['gzip hex, a date on the next line', `${gzipped(value, 'hex')}\n2024-01-02 10:00`],
      ['gzip base64, a date on the next line', `${gzipped(value, 'base64')}\n2024-01-02 10:00`],
      ['zlib as a byte list', decimalList(deflateSync(Buffer.from(value)))],
    ];
    for (const [label, text] of forms) it(`${label}: ${value.slice(0, 4)}…`, () => expectGone(r, text, value, label));
  }

  it('base64 that only looks compressed is left alone', () => {
    expect(kinds(`data: eJ${'A'.repeat(40)}`)).not.toContain('inflate');
  });
});

describe('separator-insensitive join', () => {
  const r = redactor();
  // A value with its own dashes and dots: only the view that keeps them joins it.
  const SLACKISH = 'xoxb-2048.Rt7Kq9-Zm3Lp8Wn.4Hd';
  r.add({ name: 'S3', value: SLACKISH });
  for (const value of [STRIPE, GITHUB, SLACKISH]) {
    const forms: Array<[string, string]> = [
      ['4 characters at a time', grouped(value, 4)],
      ...(value === SLACKISH ? [] : ([['5 at a time with dashes', grouped(value, 5, '-')], ['3 at a time with dots', grouped(value, 3, '.')]] as Array<[string, string]>)),
      ['wrapped every 7 characters', grouped(value, 7, '\n')],
      ['tabs', grouped(value, 6, '\t')],
      ['ASCII table, 10 wide', tableWrapped(value, 10)],
      ['box-drawing table, 8 wide', tableWrapped(value, 8, 'box')],
      ['table with a rule between rows', tableWrapped(value, 9).split('\n').join('\n+-------+-----------+\n')],
    ];
    for (const [label, text] of forms) it(`${label}: ${value.slice(0, 4)}…`, () => expectGone(r, text, value, label));
  }

  it('prose and JSON without anchors get no join view', () => {
    expect(kinds('The quick brown fox jumps over the lazy dog. It was 12 degrees.')).not.toContain('join');
  });
});
