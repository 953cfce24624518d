// Property tests (fast-check) for the three places where one missed case is a leak: the redactor,
// the template parser and host matching.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BlindfoldError } from '../../src/errors.js';
import { hostMatches, parseHostPattern } from '../../src/policy/hosts.js';
import { Redactor } from '../../src/redact/redactor.js';
import { parseTemplate } from '../../src/template/parse.js';
import { analyzeRequest } from '../../src/template/request.js';

const html = (v: string) => v.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');

/** Every spelling the promise covers, for a value as it would be embedded by an upstream. */
function spellings(v: string): Record<string, string> {
  const b = Buffer.from(v);
  return {
    raw: v,
    base64: b.toString('base64'),
    base64NoPad: b.toString('base64').replace(/=+$/, ''),
    base64url: b.toString('base64url'),
    basicAuth: Buffer.from(`user:${v}`).toString('base64'),
    basicAuthShift2: Buffer.from(`ab:${v}`).toString('base64'),
    url: encodeURIComponent(v),
    form: new URLSearchParams({ v }).toString().slice(2),
    urlLower: encodeURIComponent(v).replace(/%[0-9A-F]{2}/g, (m) => m.toLowerCase()),
    json: JSON.stringify(v).slice(1, -1),
    html: html(v),
    hex: b.toString('hex'),
    HEX: b.toString('hex').toUpperCase(),
  };
}

/** What must not survive: the full spelling of the value (for base64 of a prefix+value, the part that encodes only value bytes, trimmed by 2 chars). */
function traces(v: string): Array<[string, string]> {
  const s = spellings(v);
  const out: Array<[string, string]> = Object.entries(s).filter(([k]) => k !== 'basicAuth' && k !== 'basicAuthShift2');
  // In base64 of "user:"+v the value's bits start 5 bytes in; characters from index 8 on (after
  // "user:" plus alignment) up to the last full group depend on the value only.
  out.push(['basicAuth-core', s.basicAuth.slice(8, -4)]);
  out.push(['basicAuthShift2-core', s.basicAuthShift2.slice(4, -4)]);
  return out.filter(([, t]) => t.length >= 8);
}

const valueArb = fc
  .string({ unit: fc.constantFrom(...Array.from('abcXYZ019+/=_-."\'\\&<> \n\t%é€😀中')), minLength: 8, maxLength: 40 })
  .filter((v) => v.trim().length >= 8 && [...new Set(v)].length >= 4);
const textArb = fc.string({ unit: 'grapheme', maxLength: 60 });

describe('redactor properties', () => {
  it('no trace of a value survives in any encoding, embedded in random text', () => {
    fc.assert(
      fc.property(valueArb, textArb, textArb, fc.integer({ min: 0, max: 12 }), (value, before, after, which) => {
        const redactor = new Redactor();
        redactor.add({ name: 'S', value });
        const forms = Object.values(spellings(value));
        const embedded = forms[which % forms.length]!;
        const out = redactor.redact(`${before}${embedded}${after}`).text;
        for (const [kind, trace] of traces(value)) {
          if (before.includes(trace) || after.includes(trace)) continue; // the random text itself holds it
          expect(out.includes(trace), `${kind} survived`).toBe(false);
        }
      }),
      { numRuns: 400 },
    );
  });

  it('streaming with random chunk boundaries gives the same result as one pass', () => {
    fc.assert(
      fc.property(valueArb, textArb, textArb, fc.array(fc.integer({ min: 1, max: 9 }), { minLength: 1, maxLength: 30 }), (value, before, after, cuts) => {
        const redactor = new Redactor();
        redactor.add({ name: 'S', value });
        const text = `${before}${value}${after}${Buffer.from(value).toString('base64')}${before}`;
        const stream = redactor.stream();
        let out = '';
        let at = 0;
        for (const n of cuts) {
          out += stream.push(text.slice(at, at + n));
          at += n;
        }
        out += stream.push(text.slice(at)) + stream.end();
        expect(out).toBe(redactor.redact(text).text);
        expect(out.includes(value)).toBe(before.includes(value) || after.includes(value));
      }),
      { numRuns: 300 },
    );
  });
});

describe('template parser properties', () => {
  it('never throws anything but TEMPLATE_SYNTAX, on any input', () => {
    const nasty = fc.string({ unit: fc.constantFrom(...'<>.secrtsinpu_stepAZaz09 <<\\{}$'.split('').concat(['<secrets.', '<inputs.', '<steps.', '>', '<<'])), maxLength: 60 });
    fc.assert(
      fc.property(fc.oneof(fc.string({ maxLength: 80 }), nasty), (s) => {
        try {
          parseTemplate(s);
        } catch (err) {
          expect(err).toBeInstanceOf(BlindfoldError);
          expect((err as BlindfoldError).code).toBe('TEMPLATE_SYNTAX');
          expect((err as BlindfoldError).message).toMatch(/position \d+/);
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('a secret expression can never land in the URL authority', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 20 }), fc.string({ maxLength: 20 }), (pre, post) => {
        const url = `https://${pre.replace(/[/?#\\]/g, '')}<secrets.KEY>${post.replace(/[/?#\\]/g, '')}/path`;
        try {
          analyzeRequest({ method: 'GET', url });
          expect.unreachable('accepted a secret in the authority');
        } catch (err) {
          expect(err).toBeInstanceOf(BlindfoldError);
        }
      }),
      { numRuns: 500 },
    );
  });
});

describe('host matching properties', () => {
  const label = fc.stringMatching(/^[a-z0-9]([a-z0-9-]{0,8}[a-z0-9])?$/);
  const tld = fc.stringMatching(/^[a-z]{2,6}$/);
  const domain = fc.tuple(fc.array(label, { minLength: 1, maxLength: 3 }), tld).map(([l, t]) => [...l, t].join('.'));

  it('never accepts a URL whose host, scheme or port is outside an exact pattern', () => {
    fc.assert(
      fc.property(domain, domain, fc.constantFrom('http', 'https'), fc.constantFrom('http', 'https'), fc.integer({ min: 1, max: 65535 }), fc.integer({ min: 1, max: 65535 }), (patternHost, urlHost, ps, us, pp, up) => {
        let pattern;
        let url: URL;
        try {
          pattern = parseHostPattern(`${ps}://${patternHost}:${pp}`);
          url = new URL(`${us}://${urlHost}:${up}/x`);
        } catch {
          return; // not a valid host (e.g. bad punycode): nothing to match
        }
        const urlPort = url.port ? Number(url.port) : us === 'https' ? 443 : 80;
        const same = url.hostname === pattern.host && us === ps && urlPort === pattern.port;
        expect(hostMatches(pattern, url)).toBe(same);
      }),
      { numRuns: 2000 },
    );
  });

  it('a wildcard accepts exactly one extra label, never a suffix trick', () => {
    fc.assert(
      fc.property(domain, fc.array(label, { minLength: 0, maxLength: 3 }), fc.string({ maxLength: 6 }), (base, extra, junk) => {
        let pattern;
        try {
          pattern = parseHostPattern(`*.${base}`);
        } catch {
          return; // e.g. an invalid punycode label (xn--a): refused as a pattern, nothing to match
        }
        const hostname = [...extra, base].join('.') + junk.replace(/[^a-z.-]/g, '');
        let url: URL;
        try {
          url = new URL(`https://${hostname}/`);
        } catch {
          return;
        }
        const h = url.hostname.replace(/\.$/, ''); // a trailing dot names the same host
        const expected = h.endsWith(`.${base}`) && !h.slice(0, -(base.length + 1)).includes('.') && h.length > base.length + 1;
        expect(hostMatches(pattern, url)).toBe(expected);
      }),
      { numRuns: 2000 },
    );
  });
});
