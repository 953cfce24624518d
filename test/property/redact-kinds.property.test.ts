// Property tests (fast-check) for the views that decode by kind (issue 18 item 4): for random
// values and every spelling of each kind, embedded in random text, after
// `new Redactor().add(v).redact(encoded)` no W-window of the value survives in the output or in
// any independent decoding of it (test/helpers/encodings.ts kindDecodings, test/helpers/windows.ts).
import fc from 'fast-check';
import { deflateRawSync, deflateSync, gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { Redactor } from '../../src/redact/redactor.js';
import {
  bitsOf,
  bufferJson,
  codePoints,
  concatenated,
  rfc2231,
  rfc2047Words,
  decimalList,
  fancy,
  indexedList,
  numberedLines,
  perCall,
  spelled,
  flaskCookie,
  fullWidth,
  grouped,
  gzipped,
  hexdumpC,
  hexWords,
  hexList,
  interleaved,
  kindDecodings,
  latin1JsonString,
  pythonBytesRepr,
  listOfParts,
  lookAlikes,
  octalEscaped,
  odChars,
  odX1z,
  percentU,
  tableWrapped,
  tagCharacters,
  tagged,
  xxd,
} from '../helpers/encodings.js';
import { survivingWindow } from '../helpers/windows.js';

/** PROP_SCALE=N runs every property N times as long; with PROP_SEED=random, a hunt for new seeds (test/helpers/property-seed.ts). */
const RUNS = 60 * Number(process.env.PROP_SCALE ?? 1);

/** Token-like values: a vendor-style prefix and 16–40 random characters (letters, digits, `_`). */
const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const token = fc
  .tuple(fc.constantFrom('sk_live_', 'ghp_', 'xoxb_', 'key_'), fc.array(fc.constantFrom(...ALNUM), { minLength: 16, maxLength: 40 }))
  .map(([p, cs]) => p + cs.join(''));
/** Values with characters outside ASCII too (byte lists and dumps carry their UTF-8 bytes). */
const unicode = fc.array(fc.constantFrom(...'aZ09_-+/=.é€中😀ü'), { minLength: 14, maxLength: 30 }).map((cs) => cs.join(''));
/** Surrounding text: prose, JSON punctuation, numbers. */
const filler = fc.array(fc.constantFrom('the ', 'id: 42, ', '{"a":1}', '\n', 'x=', ' | ', 'ok. ', '2024-01-02 '), { maxLength: 6 }).map((p) => p.join(''));

function check(value: string, encoded: string, label: string, before: string, after: string): void {
  const r = new Redactor();
  r.add({ name: 'V', value });
  const out = r.redact(`${before}${encoded}${after}`).text;
  for (const d of [out, ...kindDecodings(out)]) {
    const w = survivingWindow(d, value);
    expect(w, `${label}: ${JSON.stringify(out.slice(0, 300))}`).toBeNull();
  }
}

function property(label: string, values: fc.Arbitrary<string>, spellings: (v: string) => Array<[string, string]>): void {
  it(label, () => {
    fc.assert(
      fc.property(values, filler, filler, (value, before, after) => {
        for (const [kind, encoded] of spellings(value)) check(value, encoded, kind, before, after);
      }),
      { numRuns: RUNS },
    );
  });
}

describe('no window survives, whatever the value, in every spelling of each kind', () => {
  const lists = (v: string): Array<[string, string]> => [
    ['decimal', decimalList(v)],
    ['compact decimal', decimalList(v, false, ',')],
    ['binary bytes', bitsOf(v)],
    ['signed', decimalList(v, true)],
    ['Buffer.toJSON', bufferJson(v)],
    ['Buffer.toJSON, 2-space indent', JSON.stringify(Buffer.from(v), null, 2)],
    ['a JSON array, 4-space indent', JSON.stringify({ data: [...Buffer.from(v)] }, null, 4)],
    ['a Uint8Array as JSON (keyed by index)', JSON.stringify(new Uint8Array(Buffer.from(v)))],
    ['0x', hexList(v, '0x', ', ')],
    ['spaced hex', hexList(v)],
    ['colon HEX', hexList(v, '', ':', true)],
  ];
  const withIndexOrWord = (v: string): Array<[string, string]> => [
    ['print_r', `Array\n(\n    ${indexedList(v, ' => ', '\n    ', 0, ['[', ']'])}\n)`],
    ['a dict of index to byte', `{${indexedList(v, ': ', ', ')}}`],
    ['an index,byte CSV', `index,byte\n${indexedList(v, ',', '\n', 1)}`],
    ['CHAR() concatenation', perCall(v, 'CHAR()')],
    ['[char] concatenation', perCall(v, '[char]')],
    ['var_dump', perCall(v, 'var_dump')],
  ];
  property('byte lists with an index or a word before each byte', fc.oneof(token, unicode), withIndexOrWord);
  property('byte lists (token values)', token, lists);
  property('byte lists (values outside ASCII)', unicode, lists);

  const dumps = (lead: number) => (v: string): Array<[string, string]> => {
    const b = Buffer.concat([Buffer.from('.'.repeat(lead)), Buffer.from(v), Buffer.from('; trailing bytes')]);
    return [
      ['xxd', xxd(b)],
      ['hexdump -C', hexdumpC(b)],
      ['Go hex.Dump', hexdumpC(b, false)],
      ['od -A x -t x1z', odX1z(b)],
      ['od -c', odChars(b)],
      ['od -b', odChars(b, true)],
      ['od -x / hexdump', hexWords(b)],
    ];
  };
  it('hex dumps, the value at any offset in a row', () => {
    fc.assert(
      fc.property(fc.oneof(token, unicode), fc.integer({ min: 0, max: 31 }), filler, (value, lead, before) => {
        for (const [kind, encoded] of dumps(lead)(value)) check(value, encoded, kind, before, '');
      }),
      { numRuns: RUNS },
    );
  });

  // Seeds the property found: a dump's first row glued to other text on its line was read as a
  // plain list, apart from the rows after it, and a value across that row break leaked whole.
  it('a dump whose first row follows other text on its line', () => {
    for (const [value, before] of [['ghp_x8eqKYezRcjpEx1H27eEMV', '\n | '], ['sk_live_AAAAAAAAAAAAAAAA', 'the ']] as const) {
      for (const [kind, encoded] of dumps(1)(value)) check(value, encoded, kind, before, '');
      for (const [kind, encoded] of dumps(0)(value)) check(value, encoded, kind, before, '');
    }
  });

  // A seed CI found: one item per line in 8-character lines ("    97,\n"), with "the " before, put
  // every sampled character on the indentation, and a repetitive value's list was never read.
  it('a list one item per line, at every phase of the sample stride and every indentation', () => {
    for (const value of ['aaaaaaaaaaaaaa', 'abababababababab', 'sk_live_AAAAAAAAAAAAAAAA'])
      for (const indent of [1, 2, 4, 8, 12])
        for (let lead = 0; lead < 16; lead++) {
          const encoded = JSON.stringify({ data: [...Buffer.from(value)] }, null, indent);
          check(value, encoded, `indent ${indent}`, 'x'.repeat(lead), '');
          check(value, hexList(value, '0x', ',\n' + ' '.repeat(indent)), `0x, indent ${indent}`, 'x'.repeat(lead), '');
        }
  });

  property('the fold', token, (v) => [
    ['full-width', fullWidth(v)],
    ['zero-width', interleaved(v)],
    ['soft hyphen', interleaved(v, '\u00ad')],
    ['look-alikes', lookAlikes(v)],
    ['tags', tagCharacters(v)],
    ['full-width + ZWJ', interleaved(fullWidth(v), '\u200d')],
    ['small capitals', fancy(v, 'small capitals')],
    ['in parentheses', fancy(v, 'parenthesized')],
    ['negative squared', fancy(v, 'negative squared')],
    ['braille blanks', interleaved(v, '\u2800')],
  ]);

  property('spelled out, numbered lines, bullets and slashes', token, (v) => [
    ['NATO spelling', spelled(v)],
    ['NATO spelling, commas', spelled(v, ', ')],
    ['cat -n at 8', numberedLines(v, 8, 'cat -n')],
    ['grep -n at 6', numberedLines(v, 6, 'grep -n')],
    ['a numbered listing at 9', numberedLines(v, 9, 'listing')],
    ['groups of 4 by bullets', grouped(v, 4, ' • ')],
    ['groups of 4 by slashes', grouped(v, 4, '/')],
  ]);

  property('compressed', fc.oneof(token, unicode), (v) => [
    ['flask cookie', flaskCookie({ k: v })],
    ['gzip base64', gzipped(v, 'base64')],
    ['gzip hex', gzipped(v, 'hex')],
    ['zlib byte list', decimalList(deflateSync(Buffer.from(v)))],
    ['gzip as a Latin-1 JSON string', `{"blob":${latin1JsonString(gzipSync(Buffer.from(`token=${v}`)))},"n":1}`],
    ['zlib as a Latin-1 JSON string', `{"blob":${latin1JsonString(deflateSync(Buffer.from(v)))}}`],
    ['raw deflate of a long repeated padding, then the value', `state=${deflateRawSync(Buffer.from(`{"pad":"${'ab'.repeat(12_000)}","api_key":"${v}"}`)).toString('base64')}`],
    ['raw deflate (PHP gzdeflate) as base64', `{"state":"${deflateRawSync(Buffer.from(JSON.stringify({ api_key: v, user: 42 }))).toString('base64')}"}`],
    ['zlib in PostgreSQL bytea hex', `\\x${deflateSync(Buffer.from(JSON.stringify({ api_key: v }))).toString('hex')}`],
    ['zlib in a Python bytes repr', `error: cannot parse body ${pythonBytesRepr(deflateSync(Buffer.from(JSON.stringify({ api_key: v }))))} (line 1)`],
  ]);

  /** Values with their own dashes, dots and colons (joined only by the view that keeps them). */
  const dotted = fc.array(fc.constantFrom(...ALNUM, '-', '.', ':'), { minLength: 16, maxLength: 40 }).map((cs) => `xoxb-${cs.join('')}`);
  // A seed the property found: two of the value's own dots and colons grouped alone were read as a
  // table border and dropped from the join.
  it('joins keep two of a value\'s own punctuation characters grouped alone', () => {
    check('xoxb-AAAAAAAAA:.AAAAA', grouped('xoxb-AAAAAAAAA:.AAAAA', 2, ' '), 'groups of 2', 'x ', ' end');
  });

  it('joins keep a value\'s own dashes and dots when blanks, tabs or tables split it', () => {
    fc.assert(
      fc.property(dotted, fc.integer({ min: 1, max: 12 }), fc.constantFrom(' ', '\n', '\t', ' | '), fc.integer({ min: 6, max: 16 }), (value, n, sep, width) => {
        check(value, grouped(value, n, sep), `groups of ${n} by ${JSON.stringify(sep)}`, 'x ', ' end');
        check(value, tableWrapped(value, width), `ascii table ${width}`, '', '');
      }),
      { numRuns: RUNS },
    );
  });

  it('joins: groups of any size up to 12, any separator, tables of any width', () => {
    fc.assert(
      fc.property(token, fc.integer({ min: 1, max: 12 }), fc.constantFrom(' ', '-', '.', '\n', '\t', ' | ', '\n  '), fc.integer({ min: 6, max: 16 }), filler, (value, n, sep, width, before) => {
        check(value, grouped(value, n, sep), `groups of ${n} by ${JSON.stringify(sep)}`, before, ' end');
        check(value, tableWrapped(value, width), `ascii table ${width}`, before, '');
        check(value, tableWrapped(value, width, 'box'), `box table ${width}`, before, '');
      }),
      { numRuns: RUNS },
    );
  });

  property('markup, lists of parts, octal and %u escapes', fc.oneof(token, unicode), (v) => [
    ['a tag around each character', tagged(v)],
    ['<wbr> every 5', tagged(v, 5, '<wbr>')],
    ['</b><b> every 7', tagged(v, 7, '</b><b class="k">')],
    ['JSON list of 10s', listOfParts(v, 10)],
    ['Python list of 4s', listOfParts(v, 4, "'", ', ')],
    ['octal (bytea)', octalEscaped(v)],
    ['%u escapes', percentU(v)],
    ['Perl and PHP \\x{…}', [...v].map((c) => `\\x{${c.codePointAt(0)!.toString(16)}}`).join('')],
    ['SQL ||', concatenated(v, 5, ' || ', "'")],
    ['JS +', concatenated(v, 7, ' + ')],
    ['adjacent literals', concatenated(v, 9, ' ')],
    ['RFC 2231 continuations, quoted', rfc2231(v, 7)],
    ['RFC 2231 continuations, percent-encoded', rfc2231(v, 5, true)],
    ['RFC 2047 B words of 9 bytes', rfc2047Words(v, 9)],
    ['RFC 2047 B words of 4 bytes', rfc2047Words(v, 4)],
  ]);
  // The joins read letters, digits and token punctuation: values of those (as the other join properties).
  property('one character at a time', token, (v) => [
    ['bold each character', `**${[...v].join('****')}**`],
    ['one character per field', [...v].join(',')],
    ['one character per line', [...v].join('\n')],
    ['one character per blank', [...v].join(' ')],
    ['U+ code points', codePoints(v)],
    ['spread into an object', JSON.stringify(Object.assign({}, v as unknown as object))],
    ['NDJSON deltas of 4', (v.match(/.{1,4}/g) ?? []).map((p) => JSON.stringify({ model: 'm', response: p, done: false })).join('\n')],
    ['SSE deltas of 3', (v.match(/.{1,3}/g) ?? []).map((p, i) => `data: ${JSON.stringify({ id: 'c1', choices: [{ index: 0, delta: { content: p } }], n: i })}\n\n`).join('')],
    ['ANSI colour every 5', (v.match(/.{1,5}/g) ?? []).map((p, i) => `\u001b[3${i % 7}m${p}`).join('')],
  ]);

  /** Keys of letters and digits alone (AWS secret keys, hex tokens). */
  const alnum = fc.array(fc.constantFrom(...ALNUM), { minLength: 16, maxLength: 40 }).map((cs) => cs.join(''));
  it('joins: a key of letters and digits alone, in groups of 2 to 12 split by blanks, dots or line breaks', () => {
    fc.assert(
      fc.property(alnum, fc.integer({ min: 2, max: 12 }), fc.constantFrom(' ', '.', '\n', '  ', '\n    '), filler, (value, n, sep, before) => {
        // The documented limit (README): some group must hold a letter beside a digit or a capital after a small letter.
        fc.pre(/[0-9][A-Za-z]|[A-Za-z][0-9]|[a-z][A-Z]/.test(grouped(value, n, sep)));
        check(value, grouped(value, n, sep), `groups of ${n} by ${JSON.stringify(sep)}`, before, ' end');
      }),
      { numRuns: RUNS },
    );
  });
});
