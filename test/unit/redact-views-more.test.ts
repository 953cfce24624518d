// Unit tests for the three spellings issue 10 left for last: quoted-printable (and RFC 2047 Q
// words), base32, and Java-properties escaping with continuation lines. Each value comes back in
// each spelling, wrapped, at each alignment, embedded in other text: no window of it may survive
// (test/helpers/windows.ts decodes those spellings independently). Ordinary text that merely
// contains "=" or base32-looking letters gets no such view.
import { describe, expect, it } from 'vitest';
import { Redactor } from '../../src/redact/redactor.js';
import { decodedViews } from '../../src/redact/views/index.js';
import { base32, javaPropertiesEscape, javaPropertiesLine, qEncodedWords, quotedPrintable } from '../helpers/encodings.js';
import { survivingWindow, W } from '../helpers/windows.js';

const ASCII = 'sk-Live=Key+/Zx9Qw2Lp7Kd/Ab==';
const UNICODE = 'pässwörd-Ünïcödé-€uro-中文-😀';
const TWELVE = 'k3Y=v+L/9Qz!';
const VALUES = [ASCII, UNICODE, TWELVE];
/** A piece of ASCII cut out of it (a response that quotes part of a key). */
const CUT = ASCII.slice(5, 19);

function redactor(): Redactor {
  const r = new Redactor();
  VALUES.forEach((value, i) => r.add({ name: `S${i}`, value }));
  return r;
}

/** What the agent would see; fails the test if any window of `value` is left in any decoding of it. */
function expectGone(r: Redactor, text: string, value: string, label: string): void {
  const out = r.redact(`<p>before ${text} after</p>`);
  expect(survivingWindow(out.text, value), `${label}: ${JSON.stringify(text)} -> ${JSON.stringify(out.text)}`).toBeNull();
  expect(out.redacted.length, `${label}: nothing found in ${JSON.stringify(text)}`).toBeGreaterThan(0);
}

const lowerHex = (t: string) => t.replace(/=[0-9A-F]{2}/g, (m) => m.toLowerCase());
const cases = [...VALUES.map((v): [string, string] => [v, v]), [CUT, 'cut'] as [string, string]];

describe('quoted-printable', () => {
  it('a value wrapped at 76 columns by soft line breaks, at every column, upper- and lowercase hex, CRLF and LF', () => {
    const r = redactor();
    for (const [value, label] of cases) {
      for (let col = 0; col < 76; col++) {
        const qp = quotedPrintable(`${'x'.repeat(col)}${value}${'y'.repeat(90)}`);
        expect(qp).toMatch(/=\r\n/);
        for (const [kind, form] of [
          ['QP', qp],
          ['qp lowercase hex', lowerHex(qp)],
          ['QP LF', qp.replace(/\r\n/g, '\n')],
        ] as const) {
          expectGone(r, form, value, `${kind} of ${label} at column ${col}`);
        }
      }
    }
  });

  it('a value escaped whole ("=" as =3D, non-ASCII as UTF-8 bytes) with no line break', () => {
    const r = redactor();
    for (const [value, label] of cases) {
      const qp = quotedPrintable(value, 10_000);
      expect(qp).not.toContain('\n');
      expectGone(r, qp, value, label);
      expectGone(r, `subject=${qp}&x=1`, value, `${label} in a query string`);
    }
  });

  it('RFC 2047 Q encoded words, folded over several words, "_" for a space', () => {
    const r = redactor();
    for (const [value, label] of cases) {
      for (const prefix of ['', 'Re: ', 'a'.repeat(40), 'Ünïcödé '.repeat(5)]) {
        const words = qEncodedWords(`${prefix}${value} tail`);
        expectGone(r, `Subject: ${words}`, value, `Q words of ${label} after ${JSON.stringify(prefix)}`);
      }
    }
    // A space in the value is "_" inside the word.
    const spaced = new Redactor();
    spaced.add({ name: 'SP', value: 'open sesame 42 now' });
    const text = qEncodedWords('open sesame 42 now');
    expect(text).toContain('open_sesame_42_now');
    expect(survivingWindow(spaced.redact(text).text, 'open sesame 42 now')).toBeNull();
  });
});

describe('base32', () => {
  it('every byte alignment and every character alignment, upper and lower case, padded or not', () => {
    const r = redactor();
    for (const [value, label] of cases) {
      for (let shift = 0; shift < 5; shift++) {
        const encoded = base32(Buffer.from(`${'u:abc'.slice(0, shift)}${value}`, 'utf8'));
        for (let glue = 0; glue < 8; glue++) {
          const before = 'QRSTUVW'.slice(0, glue);
          for (const [kind, form] of [
            ['BASE32', before + encoded],
            ['base32 lower', (before + encoded).toLowerCase()],
            ['BASE32 unpadded', before + encoded.replace(/=+$/, '')],
          ] as const) {
            expectGone(r, `seed: ${form}.`, value, `${kind} of ${label} after ${shift} bytes and ${glue} characters`);
          }
        }
      }
    }
  });

  it('wrapped across lines at 76 columns (and 64, indented), at every column', () => {
    const r = redactor();
    for (const [value, label] of cases) {
      for (let lead = 0; lead < 40; lead++) {
        const encoded = base32(Buffer.from(`${'z'.repeat(lead)}${value}${'w'.repeat(20)}`, 'utf8'));
        expectGone(r, encoded.replace(/(.{76})/g, '$1\r\n'), value, `BASE32/76 of ${label} after ${lead}`);
        expectGone(r, encoded.toLowerCase().replace(/(.{64})/g, '$1\n  '), value, `base32/64 of ${label} after ${lead}`);
      }
    }
  });

  it('composes: base32 of percent-encoded text, and base32 in quoted-printable lines too short for a window', () => {
    const r = redactor();
    for (const [value, label] of cases) {
      expectGone(r, base32(Buffer.from(encodeURIComponent(value))), value, `base32 of url(${label})`);
      // 15 characters a line hold 9 bytes: only the lines joined again hold a window.
      const qp = quotedPrintable(base32(Buffer.from(`x${value}`)), 16);
      expect(qp.split('\r\n').every((line) => line.length <= 16)).toBe(true);
      expectGone(r, qp, value, `QP of base32(${label})`);
    }
  });
});

describe('Java properties', () => {
  it('escapes of java.util.Properties#store (\\= \\: \\# \\! \\ and \\uXXXX) read back', () => {
    const r = redactor();
    const colons = 'host\\:port=1#two!three';
    const special = new Redactor();
    special.add({ name: 'SP', value: ` ${colons.replace(/\\/g, '')} x` });
    const escaped = javaPropertiesEscape(` ${colons.replace(/\\/g, '')} x`);
    expect(escaped).toMatch(/^\\ host\\:port\\=1\\#two\\!three x$/);
    expect(survivingWindow(special.redact(`key=${escaped}`).text, ` ${colons.replace(/\\/g, '')} x`)).toBeNull();
    for (const [value, label] of cases) expectGone(r, `api.key=${javaPropertiesEscape(value)}`, value, label);
  });

  it('a value continued on the next line (backslash, line break, indentation), cut at every point', () => {
    const r = redactor();
    for (const [value, label] of cases) {
      for (let at = 1; at < [...value].length; at++) {
        const line = javaPropertiesLine('api.key', value, [at]);
        expect(line).toMatch(/\\\n {4}/);
        expectGone(r, `# settings\n${line}\nother=1`, value, `${label} continued after ${at}`);
        expectGone(r, line.replace('\n    ', '\r\n\t'), value, `${label} continued (CRLF, tab) after ${at}`);
      }
    }
  });
});

describe('ordinary text gets no quoted-printable or base32 view', () => {
  const options = { context: W * 8, minBase64: 16, minHex: 24, minWindow: W, rootRuns: null, rootHigh: false };
  const ordinary: Record<string, string> = {
    'query string': 'https://api.example.com/items?a=b&c=d&page=3&per_page=50&sort=name&state=open&offset=8080',
    jwt: 'Authorization: Bearer eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c',
    'hex ids': 'id 5f3a9c2e8b7d4e1fa0c6b2d9e8f7a6b5, uuid 123e4567-e89b-12d3-a456-426614174000, sha e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    'key=value lines': 'port=8080\nhost=example.com\ntimeout=30\nname=item\nmode=a=b\nretries=7\nid=9f86d081884c7d65\n',
    'base64 padding': '{"token":"YWJjZGVmZ2hpamtsbW5vcA==","n":"MTIz"}',
    prose: 'The quick brown fox jumps over the lazy dog; ABSOLUTELY NOTHING HERE IS ENCODED, nothing at all.',
  };
  for (const [what, text] of Object.entries(ordinary)) {
    it(`${what}: left as it was, and no such view built`, () => {
      const kinds = decodedViews(text, options).views.map((v) => v.kind);
      expect(kinds.filter((k) => /qp|base32/.test(k)), what).toEqual([]);
      expect(redactor().redact(text).text).toBe(text);
    });
  }

  it('a number after "=" that reads as an escaped control byte costs a view, nothing else', () => {
    // A value may hold any character, so "=12" is decoded (a false decode costs only view size).
    const text = 'id=12345&page=2&total=300';
    expect(decodedViews(text, options).views.map((v) => v.kind)).toContain('qp');
    expect(redactor().redact(text).text).toBe(text);
  });
});
