// Property tests (fast-check) for the redactor: for any value ≥ 8 characters, in every encoding,
// embedded in any text and fed in any chunking, nothing of the encoded value survives outside a
// marker, and the streaming redactor gives exactly what one pass over the whole text gives; and
// (issue 10) for random compositions of encodings, cut values and chunking, no window survives.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Redactor, replacementFor, windowFingerprints, WITHHELD_NOTICE } from '../../src/redact/redactor.js';
import { base32, javaPropertiesLine, qEncodedWords, quotedPrintable } from '../helpers/encodings.js';
import { survivingWindow } from '../helpers/windows.js';
import { redactBytes } from '../helpers/redact-bytes.js';

/** PROP_SCALE=N runs every property N times as long; with PROP_SEED=random, a hunt for new seeds (test/helpers/property-seed.ts). */
const SCALE = Number(process.env.PROP_SCALE ?? 1);

const html = (v: string) => v.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
const hasLoneSurrogate = (v: string) => /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/.test(v);

/** The spellings the promise covers (SPEC §1.4), each as an upstream would send it. */
function forms(v: string): Array<[string, string]> {
  const b = Buffer.from(v, 'utf8');
  const out: Array<[string, string]> = [
    ['raw', v],
    ['base64', b.toString('base64')],
    ['base64-nopad', b.toString('base64').replace(/=+$/, '')],
    ['base64url', b.toString('base64url')],
    ['basic user:v', Buffer.from(`user:${v}`).toString('base64')],
    ['basic u:v', Buffer.from(`u:${v}`).toString('base64')],
    ['basic ab:v', Buffer.from(`ab:${v}`).toString('base64')],
    ['basic v:pw', Buffer.from(`${v}:pw`).toString('base64')],
    ['basic-url user:v', Buffer.from(`user:${v}`).toString('base64url')],
    ['hex', b.toString('hex')],
    ['HEX', b.toString('hex').toUpperCase()],
    ['json', JSON.stringify(v).slice(1, -1)],
    ['html', html(v)],
    ['html php', html(v).replace(/&#39;/g, '&#039;')],
    ['json php', JSON.stringify(v).slice(1, -1).replace(/\//g, '\\/').replace(/[\u0080-\uffff]/g, (c) => '\\u' + c.charCodeAt(0).toString(16).padStart(4, '0'))],
    ['json go', JSON.stringify(v).slice(1, -1).replace(/[<>&\u2028\u2029]/g, (c) => '\\u' + c.charCodeAt(0).toString(16).padStart(4, '0'))],
    ['qp', quotedPrintable(v)],
    ['qp lower', quotedPrintable(v).replace(/=[0-9A-F]{2}/g, (m) => m.toLowerCase())],
    ['qp word', qEncodedWords(v)],
    ['base32', base32(b)],
    ['base32 lower', base32(Buffer.from(`u:${v}`)).toLowerCase()],
    ['java props', javaPropertiesLine('key', v, [[...v].length >> 1])],
  ];
  if (!hasLoneSurrogate(v)) {
    out.push(['uri', encodeURIComponent(v)]);
    out.push(['uri-lower', encodeURIComponent(v).replace(/%[0-9A-F]{2}/g, (m) => m.toLowerCase())]);
    out.push(['form', new URLSearchParams({ v }).toString().slice(2)]);
    const strict = encodeURIComponent(v).replace(/[!'()*]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase());
    out.push(['php urlencode', strict.replace(/~/g, '%7E').replace(/%20/g, '+')]);
    out.push(['python quote', strict.replace(/%2F/g, '/')]);
    out.push(['python quote_plus', strict.replace(/%20/g, '+')]);
  }
  return out;
}

/**
 * What must not survive of a form: for a base64 stream with bytes around the value, the characters
 * that depend on the value's bytes alone; otherwise the whole form.
 */
function traces(v: string): Array<[string, string]> {
  const b = Buffer.from(v, 'utf8');
  const core = (prefix: string, alphabet: 'base64' | 'base64url') => {
    const full = Buffer.concat([Buffer.from(prefix), b]).toString(alphabet).replace(/=+$/, '');
    // Characters before the first whole group after the prefix, and the partial last group, mix in other bits.
    const startGroup = Math.ceil(prefix.length / 3) * 4;
    const endGroup = Math.floor((prefix.length + b.length) / 3) * 4;
    return full.slice(startGroup, endGroup);
  };
  const out = forms(v).filter(([k]) => !k.startsWith('basic'));
  out.push(['basic user:v core', core('user:', 'base64')]);
  out.push(['basic u:v core', core('u:', 'base64')]);
  out.push(['basic ab:v core', core('ab:', 'base64')]);
  out.push(['basic-url user:v core', core('user:', 'base64url')]);
  out.push(['basic v:pw core', core('', 'base64')]);
  return out.filter(([, t]) => t.length >= 8);
}

const NAME = 'SECRET_X';
const MARK = replacementFor(NAME);

/** The unredacted pieces of an output: nothing of a value may survive in any of them. */
const pieces = (out: string) => out.split(MARK);

const specialChars = Array.from('aZ09"\'\\/+=&<>%# \n\r\t:;é€😀中\u0000\u2028');
const valueArb = fc
  .oneof(
    fc.string({ unit: 'grapheme', minLength: 8, maxLength: 32 }),
    fc.string({ unit: 'grapheme-ascii', minLength: 8, maxLength: 32 }),
    fc.string({ unit: 'binary', minLength: 8, maxLength: 24 }),
    fc.string({ unit: 'binary-ascii', minLength: 8, maxLength: 32 }),
    fc.string({ unit: fc.constantFrom(...specialChars), minLength: 8, maxLength: 32 }),
    // Lone surrogates: not valid UTF-16, still a value an upstream can echo.
    fc.string({ unit: fc.oneof(fc.constantFrom('a', 'b', '"'), fc.integer({ min: 0xd800, max: 0xdfff }).map((c) => String.fromCharCode(c))), minLength: 8, maxLength: 16 }),
    // Self-overlapping values (a border: the value starts the way it ends).
    fc.tuple(fc.string({ unit: 'grapheme-ascii', minLength: 2, maxLength: 6 }), fc.string({ unit: 'grapheme-ascii', minLength: 0, maxLength: 6 })).map(([a, b]) => a + b + a + b + a),
  )
  .filter((v) => v.length >= 8 && !MARK.includes(v));
const textArb = fc.oneof(fc.string({ unit: 'grapheme', maxLength: 40 }), fc.string({ unit: fc.constantFrom(...specialChars), maxLength: 20 }));

/** The start of an escape (a stray "%", "=" or "\\", maybe with a hex digit) that a form glued after it would complete. */
/**
 * Values shorter than this can lose a whole window to a stray escape glued before them: `\x` plus
 * two of the value's characters read as one escape take three of them, leaving 11 of a 14-character
 * value (a seed of CI found it; the code before issue 18 leaks it identically). README, "Not promised".
 */
const STRAY_ESCAPE_REACH = 15;
// A backslash and a line break before a value are a .properties continuation: it eats the value's
// leading blanks (the views helper's seed: " <  <  <" after "\\\n").
const STRAY_ESCAPE_START = /(?:[%=][0-9a-fA-F]?|\\(?:[uU][0-9a-fA-F]{0,3}|[xX][0-9a-fA-F]?|\r?\n[ \t]*)?)$/;

function streamed(r: Redactor, text: string, cuts: number[]): string {
  const s = r.stream();
  let out = '';
  let at = 0;
  for (const n of cuts) {
    out += s.push(text.slice(at, at + n));
    at += n;
  }
  return out + s.push(text.slice(at)) + s.end();
}

describe('redactor: no encoding of a value survives', () => {
  it('one pass, every form, random surrounding text', () => {
    fc.assert(
      fc.property(valueArb, textArb, textArb, (value, before, after) => {
        // The start of an escape glued before a short value's form completes it and eats the value's
        // first characters: "%" before its percent-encoding, a lone backslash before its JSON form
        // (backslash + `0aaaaaa\ra` reads as `\0`), "=a" before "0=00" (the QP escape "=a0"); a value
        // under 14 then has no whole window left (README, "Not promised").
        fc.pre(!(STRAY_ESCAPE_START.test(before) && value.length < STRAY_ESCAPE_REACH));
        const r = new Redactor();
        r.add({ name: NAME, value });
        for (const [kind, form] of forms(value)) {
          const out = r.redact(`${before}${form}${after}`);
          // Found, or (escape-dense text past the decoding limits) withheld whole: never shown unscanned.
          if (!out.text.includes(WITHHELD_NOTICE)) expect(out.redacted, kind).toEqual([NAME]);
          for (const piece of pieces(out.text)) {
            for (const [tk, trace] of traces(value)) {
              expect(piece.includes(trace), `${tk} survived after embedding ${kind}`).toBe(false);
            }
          }
        }
      }),
      { numRuns: 150 * SCALE },
    );
  });

  it('a held-back tail is decoded with its left context (regression: a base64 run glued to earlier forms)', () => {
    // Found by the property below: the whole body pushed at once, so end() scanned the last
    // STREAM_HOLD_BACK characters alone and decoded the glued base64 run from the wrong place.
    const value = '\u0800\u{10000}\u{10000}(\u{10000}\u{10000}\u0800-';
    const r = new Redactor();
    r.add({ name: NAME, value });
    const text = forms(value).map(([, f]) => f).join('');
    for (const piece of pieces(streamed(r, text, [0]))) {
      for (const [tk, trace] of traces(value)) expect(piece.includes(trace), `${tk} survived`).toBe(false);
    }
  });

  it('all forms in one body, streamed with random chunking, leaks nothing (one pass neither)', () => {
    fc.assert(
      fc.property(
        valueArb,
        textArb,
        fc.array(fc.integer({ min: 0, max: 17 }), { minLength: 1, maxLength: 40 }),
        (value, glue, cuts) => {
          // A "%" glued before a form that starts with two hex digits makes a different escape
          // ("%" + "aa…" is "%aa", "%a" + "a…" too): an ambiguity of percent-encoding itself. The
          // characters it takes are still covered by windows of a value of at least W + 2
          // characters, not of a shorter one (documented limitation of decode-then-match).
          // A lone backslash or "=" glued before a short value's JSON or QP form is the same kind of
          // ambiguity, whether the glue or the form before (a value ending so) supplies it.
          fc.pre(!(value.length < STRAY_ESCAPE_REACH && (STRAY_ESCAPE_START.test(glue) || STRAY_ESCAPE_START.test(value))));
          const r = new Redactor();
          r.add({ name: NAME, value });
          // A QP form after "=" (the glue, or a form ending in base64 padding) is the same ambiguity.
          const text =
            forms(value)
              .filter(([k], i, all) => !(k.startsWith('qp') && value.length < 14 && (glue.endsWith('=') || (glue === '' && all[i - 1]![1].endsWith('=')))))
              .map(([, f]) => f)
              .join(glue) + glue;
          const whole = r.redact(text).text;
          const out = streamed(r, text, cuts);
          // Decoded views of the held-back tail can differ from those of the whole text (a region
          // cut at the safe point), so markers may fall differently; neither leaks anything.
          for (const piece of [...pieces(whole), ...pieces(out)]) {
            for (const [tk, trace] of traces(value)) expect(piece.includes(trace), `${tk} survived`).toBe(false);
          }
        },
      ),
      { numRuns: 150 * SCALE },
    );
  });

  it('repeated and overlapping occurrences of several values: stream equals one pass', () => {
    fc.assert(
      fc.property(
        fc.array(valueArb, { minLength: 1, maxLength: 3 }),
        fc.array(fc.tuple(fc.nat(), fc.nat(), textArb), { minLength: 1, maxLength: 6 }),
        fc.array(fc.integer({ min: 1, max: 9 }), { maxLength: 40 }),
        (values, parts, cuts) => {
          const r = new Redactor();
          values.forEach((value, i) => r.add({ name: `S${i}`, value }));
          // Pieces of values glued together: prefixes and suffixes of one value run into another.
          const text = parts
            .map(([i, cut, t]) => {
              const v = values[i % values.length]!;
              const k = cut % (v.length + 1);
              return v + v.slice(k) + t + v.slice(0, k);
            })
            .join('');
          expect(streamed(r, text, cuts)).toBe(r.redact(text).text);
        },
      ),
      { numRuns: 200 * SCALE },
    );
  });

  it('the scanner never throws, on any string (and redactBytes on any bytes)', () => {
    const r = new Redactor();
    r.add({ name: NAME, value: 'sk-Live_4f9a+/=Zx9Qw2Lp7Kd' });
    r.add({ name: 'SHORT', value: 'abcdefgh' });
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.string({ unit: 'binary' }), fc.string({ unit: fc.constantFrom(...'&#x;%25\\u00+/=\r\n<br>AZaz09'.split('')) , maxLength: 200 })), (text) => {
        const out = r.redact(text);
        expect(typeof out.text).toBe('string');
        redactBytes(r, Buffer.from(text, 'utf8'));
        const s = r.stream();
        s.push(text.slice(0, text.length >> 1));
        s.push(text.slice(text.length >> 1));
        s.end();
      }),
      { numRuns: 500 * SCALE },
    );
  });
});

// Issue 10: decode, then match windows. Random values, random compositions of encodings (nested
// up to 2), cut at any point, chunked at random points: no window of W characters of the value
// survives in the output or in any decoding of it (test/helpers/windows.ts decodes independently).
const encoders: Record<string, (t: string) => string> = {
  'html-dec': (t) => [...t].map((c) => `&#${c.codePointAt(0)};`).join(''),
  'html-hex': (t) => [...t].map((c) => `&#x${c.codePointAt(0)!.toString(16)};`).join(''),
  'html-min': (t) => t.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;').replace(/\//g, '&sol;').replace(/\+/g, '&plus;'),
  'json-u': (t) => [...t].map((c) => [...c].map((x) => '\\u' + x.charCodeAt(0).toString(16).padStart(4, '0')).join('')).join(''),
  json: (t) => JSON.stringify(t).slice(1, -1),
  pct: (t) => encodeURIComponent(t),
  'pct-lower': (t) => encodeURIComponent(t).replace(/%[0-9A-F]{2}/g, (m) => m.toLowerCase()),
  form: (t) => new URLSearchParams({ v: t }).toString().slice(2),
  base64: (t) => Buffer.from(t).toString('base64'),
  'base64-76': (t) => Buffer.from(`user:${t}`).toString('base64').replace(/(.{76})/g, '$1\r\n'),
  base64url: (t) => Buffer.from(`ab${t}`).toString('base64url'),
  hex: (t) => Buffer.from(t).toString('hex'),
  // Mail: bodies wrapped at 76 columns (and narrower, so short values are cut too), header words.
  qp: (t) => quotedPrintable(t),
  'qp-20-lower': (t) => quotedPrintable(t, 20).replace(/=[0-9A-F]{2}/g, (m) => m.toLowerCase()),
  'qp-76-lf': (t) => quotedPrintable(`${'x'.repeat(60)}${t}`).replace(/\r\n/g, '\n'),
  'q-word': (t) => qEncodedWords(t),
  base32: (t) => base32(Buffer.from(t)),
  'base32-lower-76': (t) => base32(Buffer.from(`ab${t}`)).toLowerCase().replace(/(.{76})/g, '$1\r\n'),
  'base32-nopad': (t) => base32(Buffer.from(`u:${t}`)).replace(/=+$/, ''),
  'java-props': (t) => javaPropertiesLine('api.key', t, [[...t].length >> 1]),
  'java-props-6': (t) => javaPropertiesLine('k', t, Array.from({ length: Math.ceil([...t].length / 6) - 1 }, (_, k) => (k + 1) * 6)),
  'qp-strict': (t) => quotedPrintable(t, 76, true),
  upper: (t) => t.toUpperCase(),
  lower: (t) => t.toLowerCase(),
};
const encoderNames = Object.keys(encoders);
const wellFormed = (v: string) => Buffer.from(v, 'utf8').toString('utf8') === v;
const secretArb = fc
  .oneof(
    fc.string({ unit: fc.constantFrom(...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=_-'.split('')), minLength: 12, maxLength: 48 }),
    fc.string({ unit: fc.constantFrom(...'aZ09+/=_-"\'\\&<>%#: é€😀中'.split('').concat(['😀'])), minLength: 12, maxLength: 32 }),
    fc.string({ unit: 'grapheme', minLength: 12, maxLength: 24 }),
  )
  .filter((v) => v.length >= 12 && wellFormed(v) && !MARK.includes(v));

describe('redactor (issue 10): no window of a value survives any composition of encodings', () => {
  it('random value, up to 2 nested encodings, cut anywhere, embedded, streamed in random chunks', () => {
    fc.assert(
      fc.property(
        secretArb,
        fc.array(fc.constantFrom(...encoderNames), { minLength: 0, maxLength: 2 }),
        fc.nat(),
        fc.nat(),
        textArb,
        textArb,
        fc.array(fc.integer({ min: 0, max: 40 }), { minLength: 0, maxLength: 30 }),
        (value, chain, cutA, cutB, before, after, cuts) => {
          const r = new Redactor();
          r.add({ name: NAME, value });
          // Cut the value anywhere, keeping at least one window of it.
          const units = [...value]; // code points: a cut never splits a character
          const a = cutA % Math.max(1, units.length - 12);
          const piece = units.length <= 12 ? value : units.slice(a, a + 12 + (cutB % (units.length - a - 11))).join('');
          let form = piece;
          for (const e of chain) form = encoders[e]!(form);
          const text = `${before}${form}${after}`;
          const label = `${chain.join('∘') || 'raw'} of ${JSON.stringify(piece)}`;
          const one = r.redact(text).text;
          expect(survivingWindow(one, piece), `${label} (one pass): ${JSON.stringify(one)}`).toBeNull();
          const out = streamed(r, text, cuts);
          expect(survivingWindow(out, piece), `${label} (streamed): ${JSON.stringify(out)}`).toBeNull();
        },
      ),
      { numRuns: 300 * SCALE },
    );
  });

  it('an encoded form cut at any point leaves no window of the value in what remains', () => {
    fc.assert(
      fc.property(secretArb, fc.constantFrom(...encoderNames), fc.nat(), (value, enc, cut) => {
        const r = new Redactor();
        r.add({ name: NAME, value });
        const form = encoders[enc]!(value);
        const k = cut % (form.length + 1);
        for (const text of [form.slice(0, k), form.slice(k)]) {
          expect(survivingWindow(r.redact(`<${text}>`).text, value), `${enc} cut at ${k}`).toBeNull();
        }
      }),
      { numRuns: 300 * SCALE },
    );
  });
});

// SPEC §7: the index built from stored fingerprints (no value at hand) is the one add() builds, so it
// redacts every form and every composition of encodings exactly as a value-built redactor does.
describe('redactor built from windowFingerprints only', () => {
  const key = new Uint8Array(32).map((_, i) => i * 37 + 11);
  const pair = (value: string) => {
    const byValue = new Redactor({ key });
    byValue.add({ name: NAME, value });
    const byPrint = new Redactor({ key });
    byPrint.addFingerprints(NAME, windowFingerprints(key, value));
    return { byValue, byPrint };
  };

  it('every form of a random value: the same output as add(), the value found', () => {
    fc.assert(
      fc.property(valueArb, textArb, textArb, (value, before, after) => {
        // The same for "%" or "=" with one hex digit ("=a" before "0=00": the QP escape "=a0").
        fc.pre(!(STRAY_ESCAPE_START.test(before) && value.length < STRAY_ESCAPE_REACH));
        const { byValue, byPrint } = pair(value);
        for (const [kind, form] of forms(value)) {
          const text = `${before}${form}${after}`;
          const out = byPrint.redact(text);
          expect(out, kind).toEqual(byValue.redact(text));
          // Found, or (escape-dense text past the decoding limits) withheld whole: never shown unscanned.
          if (!out.text.includes(WITHHELD_NOTICE)) expect(out.redacted, kind).toEqual([NAME]);
        }
      }),
      { numRuns: 100 * SCALE },
    );
  });

  it('random compositions of encodings, cut and streamed: same output as add(), no window survives', () => {
    fc.assert(
      fc.property(secretArb, fc.array(fc.constantFrom(...encoderNames), { maxLength: 2 }), textArb, textArb, fc.array(fc.integer({ min: 0, max: 40 }), { maxLength: 30 }), (value, chain, before, after, cuts) => {
        const { byValue, byPrint } = pair(value);
        let form = value;
        for (const e of chain) form = encoders[e]!(form);
        const text = `${before}${form}${after}`;
        const one = byPrint.redact(text).text;
        expect(one).toBe(byValue.redact(text).text);
        expect(survivingWindow(one, value), chain.join('∘')).toBeNull();
        expect(survivingWindow(streamed(byPrint, text, cuts), value), `${chain.join('∘')} streamed`).toBeNull();
      }),
      { numRuns: 200 * SCALE },
    );
  });
});
