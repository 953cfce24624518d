// Unit tests for the unwrap view (src/redact/views/unwrap.ts, issue 18 family 4 "line wraps"): text
// hard-wrapped at any column cuts an escape wherever the column falls, with LF or CRLF, indented or
// not, with a continuation marker or not. Every escape kind a wrap can cut must still be decoded, and
// read whole (an echo of a value is redacted with its unit, not seen as pieces); honest wrapped text
// (prose, pretty JSON, wrapped base64, dumps) gets no unwrapped view, so it pays nothing for it.
import { describe, expect, it } from 'vitest';
import { Redactor } from '../../src/redact/redactor.js';
import { decodedViews } from '../../src/redact/views/index.js';
import { survivingWindow } from '../helpers/windows.js';

const STRIPE = 'sk_live_4eC39HqLyjWDarjtT1zdp7dcQx';
const UNICODE = 'pässwörd-Ünïcödé-€uro-中文-Kq7Zx';

const utf8 = (v: string) => [...Buffer.from(v)];
const hex2 = (n: number) => n.toString(16).padStart(2, '0');

/** Each spelling, and an independent reader of it (applied after the lines are joined). */
const SPELLINGS: Record<string, { write: (v: string) => string; read: (t: string) => string }> = {
  'HTML hex references': {
    write: (v) => [...v].map((c) => `&#x${c.codePointAt(0)!.toString(16)};`).join(''),
    read: (t) => t.replace(/&#x([0-9a-f]+);/gi, (_m, h: string) => String.fromCodePoint(parseInt(h, 16))),
  },
  'HTML decimal references': {
    write: (v) => [...v].map((c) => `&#${c.codePointAt(0)};`).join(''),
    read: (t) => t.replace(/&#(\d+);/g, (_m, d: string) => String.fromCodePoint(parseInt(d, 10))),
  },
  '\\u escapes': {
    write: (v) => [...v].map((c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`).join(''),
    read: (t) => t.replace(/\\u([0-9a-f]{4})/gi, (_m, h: string) => String.fromCharCode(parseInt(h, 16))),
  },
  'percent-encoding': {
    write: (v) => utf8(v).map((b) => `%${hex2(b).toUpperCase()}`).join(''),
    read: (t) => t.replace(/(?:%[0-9a-f]{2})+/gi, (m) => Buffer.from(m.replace(/%/g, ''), 'hex').toString()),
  },
  '\\x escapes': {
    write: (v) => utf8(v).map((b) => `\\x${hex2(b)}`).join(''),
    read: (t) => t.replace(/(?:\\x[0-9a-f]{2})+/gi, (m) => Buffer.from(m.replace(/\\x/g, ''), 'hex').toString()),
  },
  'hex pairs': {
    write: (v) => Buffer.from(v).toString('hex'),
    read: (t) => [0, 1].map((a) => Buffer.from((t.match(/[0-9a-f]{8,}/gi) ?? []).join('').slice(a), 'hex').toString()).join('\n'),
  },
};

/** Hard-wrap layouts: line break, indentation of the lines after the first, continuation marker. */
const LAYOUTS: Record<string, [nl: string, indent: string, marker: string]> = {
  LF: ['\n', '', ''],
  CRLF: ['\r\n', '', ''],
  'two-space indentation': ['\n', '  ', ''],
  'tab indentation, CRLF': ['\r\n', '\t', ''],
  '= marker': ['\n', '', '='],
  '\\ marker and indentation': ['\n', '    ', '\\'],
};
const WIDTHS = [17, 23, 50, 64, 76];

function hardWrap(text: string, width: number, [nl, indent, marker]: [string, string, string]): string {
  return text.match(new RegExp(`[^]{1,${width}}`, 'g'))!.join(`${marker}${nl}${indent}`);
}
/** The lines joined again as the layout's reader does: a marker is its own only when the layout has one. */
const joinLines = (t: string, marker = '') => t.replace(marker ? /[=\\]?\r?\n[ \t]*/g : /\r?\n[ \t]*/g, '');

const r = new Redactor();
r.add({ name: 'STRIPE', value: STRIPE });
r.add({ name: 'UNICODE', value: UNICODE });

describe('hard wraps that cut an escape', () => {
  for (const [kind, { write, read }] of Object.entries(SPELLINGS)) {
    for (const [layout, parts] of Object.entries(LAYOUTS)) {
      it(`${kind}, ${layout}, every width`, () => {
        for (const [name, value] of [['STRIPE', STRIPE], ['UNICODE', UNICODE]] as const) {
          for (const width of WIDTHS) {
            const text = hardWrap(`value=${write(value)}`, width, parts);
            // The layout is what its reader says it is.
            expect(read(joinLines(text, parts[2])).includes(value)).toBe(true);
            const label = `${name} at ${width}`;
            const out = r.redact(`Response:\n${text}\n-- end --`).text;
            for (const shown of [out, joinLines(out, parts[2]), read(joinLines(out, parts[2]))]) expect(survivingWindow(shown, value), label).toBeNull();
            // Read whole, not as pieces beside the breaks.
            expect(r.inspect(text).hits.some((h) => h.name === name && h.whole), label).toBe(true);
          }
        }
      });
    }
  }

  it('a backslash an escape was cut from stays with it (no marker)', () => {
    const text = hardWrap(`k=${SPELLINGS['\\u escapes']!.write(STRIPE)}`, 15, ['\n', '', '']);
    expect(text).toMatch(/\\\n/);
    expect(r.inspect(text).hits.some((h) => h.name === 'STRIPE' && h.whole)).toBe(true);
  });
});

/**
 * The rest of the family: any line-break kind, trailing blanks, blank lines, a quoting prefix, other
 * continuation markers, and wraps narrower than one escape (judged on the joined lines around them).
 * Each separator is joined again by its reader with one replace().
 */
const SEPARATORS: Record<string, string> = {
  'bare CR': '\r',
  'U+2029 paragraph separator': '\u2029',
  'form feed': '\f',
  'vertical tab': '\v',
  'a tab before CRLF': '\t\r\n',
  'two blanks before LF and an indentation': '  \n   ',
  'nested mail quoting (">> ")': '\n>> ',
  '"; " comment prefix, CRLF': '\r\n; ',
  '" * " block-comment prefix': '\n * ',
  '"-- " SQL comment prefix': '\n-- ',
  '"% " comment prefix, CR': '\r% ',
  'a blank line between lines': '\n\n',
  '"|" marker, CRLF': '|\r\n',
  '" _" marker (Visual Basic), CRLF': ' _\r\n',
  '"\\" marker, also after an unfinished "&#"': '\\\n',
};
const NARROW = ['\\u escapes', 'HTML hex references', 'HTML decimal references', '\\x escapes', 'percent-encoding', 'mixed'] as const;
/** \u, &#x and \x escapes in turn: a wrap then falls in every place of each kind. */
const MIXED = {
  write: (v: string) => [...v].map((c, i) => [`\\u00${hex2(c.charCodeAt(0))}`, `&#x${hex2(c.charCodeAt(0))};`, `\\x${hex2(c.charCodeAt(0))}`][i % 3]).join(''),
  read: (t: string) => SPELLINGS['\\u escapes']!.read(SPELLINGS['HTML hex references']!.read(SPELLINGS['\\x escapes']!.read(t))),
};

describe('hard wraps of every break kind, prefix and marker, narrow or wide', () => {
  const wrapAt = (text: string, width: number, sep: string) => text.match(new RegExp(`[^]{1,${width}}`, 'g'))!.join(sep);
  for (const [layout, sep] of Object.entries(SEPARATORS)) {
    it(`${layout}: every spelling, widths 1 to 9 and 33`, () => {
      for (const kind of NARROW) {
        const { write, read } = kind === 'mixed' ? MIXED : SPELLINGS[kind]!;
        for (const width of [1, 2, 3, 4, 5, 6, 7, 8, 9, 33]) {
          const text = wrapAt(`value="${write(STRIPE)}"`, width, sep);
          expect(read(text.split(sep).join('')).includes(STRIPE)).toBe(true);
          const label = `${kind} at ${width}`;
          const out = r.redact(`Response:\n${text}\n-- end --`).text;
          for (const shown of [out, out.split(sep).join(''), read(out.split(sep).join(''))]) expect(survivingWindow(shown, STRIPE), label).toBeNull();
        }
      }
    });
  }

  it('JavaScript \\u{...} escapes wrapped through their braces, widths 1 to 25', () => {
    const text0 = `k='${[...UNICODE].map((c) => `\\u{${c.codePointAt(0)!.toString(16)}}`).join('')}'`;
    const read = (t: string) => t.replace(/\\u\{([0-9a-f]+)\}/gi, (_m, h: string) => String.fromCodePoint(parseInt(h, 16)));
    for (let width = 1; width <= 25; width++) {
      const text = wrapAt(text0, width, '\r\n');
      expect(read(text.replace(/\r\n/g, '')).includes(UNICODE)).toBe(true);
      const out = r.redact(`Response:\n${text}\n-- end --`).text;
      for (const shown of [out, read(out.replace(/\r\n/g, ''))]) expect(survivingWindow(shown, UNICODE), `width ${width}`).toBeNull();
      expect(r.inspect(text).hits.some((h) => h.name === 'UNICODE' && h.whole), `width ${width}`).toBe(true);
    }
  });
});

describe('honest wrapped text gets no unwrapped view', () => {
  const kinds = (text: string) => decodedViews(text, { context: 96, minBase64: 16, minHex: 24, minWindow: 12, rootRuns: null, rootHigh: false }).views.map((v) => v.kind.split('<')[0]);
  const prose = 'The quick brown fox jumps over the lazy dog; Tom &amp; Jerry met at 10:30 (see https://example.com/a/b?c=d&e=f). '.repeat(8);
  const honest: Record<string, string> = {
    'prose wrapped at 72': prose.match(/.{1,72}(?:\s|$)/g)!.join('\n'),
    'prose hard-wrapped at 64, CRLF': prose.match(/.{1,64}/g)!.join('\r\n'),
    'pretty-printed JSON': JSON.stringify({ items: Array.from({ length: 20 }, (_, i) => ({ id: 1000 + i, url: `https://api.example.com/v1/items/${1000 + i}?expand=owner%2Cteam`, sha: 'da39a3ee5e6b4b0d3255bfef95601890afd80709' })) }, null, 2),
    'base64 wrapped at 76 (MIME)': Buffer.from(prose).toString('base64').match(/.{1,76}/g)!.join('\r\n'),
    'base64 wrapped at 64 (PEM)': `-----BEGIN CERTIFICATE-----\n${Buffer.from(prose).toString('base64').match(/.{1,64}/g)!.join('\n')}\n-----END CERTIFICATE-----`,
    'a CSV of numbers': Array.from({ length: 50 }, (_, i) => `${i},${i * 37},${(i * 1234567) % 99991}`).join('\n'),
    'a form body per line': Array.from({ length: 20 }, (_, i) => `name=item+${i}&note=caf%C3%A9+au+lait`).join('\n'),
    'a mail reply quoting prose ("> ")': `> ${prose.match(/.{1,64}/g)!.join('\n> ')}`,
    'Visual Basic lines continued with " _"': Array.from({ length: 20 }, (_, i) => `Call Log("item ${i}", &H${(i * 4099).toString(16)}) _\r\n    & vbCrLf`).join('\r\n'),
    'an SQL script with "-- " comments': Array.from({ length: 20 }, (_, i) => `-- step ${i}: decode(E'\\\\x${(i * 4099).toString(16)}', 'hex')\nSELECT ${i} FROM t WHERE id = '%${i}';`).join('\n'),
    'a Markdown table': Array.from({ length: 20 }, (_, i) => `| ${i} | caf%C3%A9 | &#169; ${1990 + i} |`).join('\n'),
    'hex dump lines with U+2028 between': Array.from({ length: 20 }, (_, i) => `${(i * 16).toString(16).padStart(8, '0')}: 48 65 6c 6c 6f 20 77 6f`).join('\u2028'),
  };
  for (const [label, text] of Object.entries(honest)) it(label, () => expect(kinds(text)).not.toContain('unwrap'));
});
