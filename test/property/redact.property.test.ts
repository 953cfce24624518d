// Property tests (fast-check) for the redactor: for any value ≥ 8 characters, in every encoding,
// embedded in any text and fed in any chunking, nothing of the encoded value survives outside a
// marker, and the streaming redactor gives exactly what one pass over the whole text gives.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { encodingsOf } from '../../src/redact/encodings.js';
import { Redactor, replacementFor } from '../../src/redact/redactor.js';

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
        const r = new Redactor();
        r.add({ name: NAME, value });
        for (const [kind, form] of forms(value)) {
          const out = r.redact(`${before}${form}${after}`);
          expect(out.redacted, kind).toEqual([NAME]);
          for (const piece of pieces(out.text)) {
            for (const [tk, trace] of traces(value)) {
              expect(piece.includes(trace), `${tk} survived after embedding ${kind}`).toBe(false);
            }
          }
        }
      }),
      { numRuns: 150 },
    );
  });

  it('all forms in one body, streamed with random chunking, equals one pass and leaks nothing', () => {
    fc.assert(
      fc.property(
        valueArb,
        textArb,
        fc.array(fc.integer({ min: 0, max: 17 }), { minLength: 1, maxLength: 40 }),
        (value, glue, cuts) => {
          const r = new Redactor();
          r.add({ name: NAME, value });
          const text = forms(value).map(([, f]) => f).join(glue) + glue;
          const whole = r.redact(text).text;
          const out = streamed(r, text, cuts);
          expect(out).toBe(whole);
          for (const piece of pieces(out)) {
            for (const [tk, trace] of traces(value)) expect(piece.includes(trace), `${tk} survived`).toBe(false);
          }
        },
      ),
      { numRuns: 150 },
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
      { numRuns: 200 },
    );
  });

  it('the scanner finds a pattern exactly when a naive search would (no misses, no false hits)', () => {
    fc.assert(
      fc.property(fc.array(valueArb, { minLength: 1, maxLength: 4 }), textArb, fc.array(fc.tuple(fc.nat(), fc.nat(), fc.nat()), { maxLength: 4 }), (values, text, picks) => {
        const r = new Redactor();
        values.forEach((value, i) => r.add({ name: `S${i}`, value }));
        const patterns = values.flatMap((v) => encodingsOf(v));
        // Sprinkle pieces of patterns into the text so that near-misses and hits both occur.
        let body = text;
        for (const [a, b, c] of picks) {
          const p = patterns[a % patterns.length]!;
          const piece = c % 2 === 0 ? p : p.slice(0, 1 + (b % p.length));
          const at = b % (body.length + 1);
          body = body.slice(0, at) + piece + body.slice(at);
        }
        const naive = patterns.some((p) => body.includes(p));
        const out = r.redact(body);
        expect(out.text !== body).toBe(naive);
        expect(out.redacted.length > 0).toBe(naive);
      }),
      { numRuns: 300 },
    );
  });
});
