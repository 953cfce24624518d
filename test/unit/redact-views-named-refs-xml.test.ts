// Unit tests for two red team 12 families (issue 18, family 4): every HTML5 named character
// reference is read (src/redact/views/text.ts with the WHATWG table in html-named-refs.ts), and the
// markup view takes out what XML and HTML parsers drop besides tags and comments (CDATA delimiters,
// processing instructions, declarations and bogus comments; src/redact/views/markup.ts). Each
// member spells a value so that a parser gives it back whole; the redactor must find it.
import { describe, expect, it } from 'vitest';
import { Redactor } from '../../src/redact/redactor.js';
import { LEGACY_NAMES, NAMED_REFS } from '../../src/redact/views/html-named-refs.js';
import { markupView } from '../../src/redact/views/markup.js';
import { htmlView } from '../../src/redact/views/text.js';
import { newView, type ViewOptions } from '../../src/redact/views/view.js';
import { survivingWindow } from '../helpers/windows.js';

const KEY = 'sk_live_7Hq2Zx9Lm4Rt8Wc3Vb6Nk1Pd5Jy';
const OPTS: ViewOptions = { context: 96, minBase64: 16, minHex: 24, minWindow: 12, rootRuns: null, rootHigh: false };
const root = (text: string) => newView(text, null, null, null, undefined, 0, '');

function redactor(): Redactor {
  const r = new Redactor();
  r.add({ name: 'KEY', value: KEY });
  return r;
}

/** Found, and no window of the key left in the output read the way the spelling's reader reads it. */
function expectGone(r: Redactor, text: string, read: (s: string) => string, label: string): void {
  expect(survivingWindow(read(text), KEY), `${label}: the spelling does not give the key back`).not.toBeNull();
  const out = r.redact(`<html><body><p>Response:</p>\n${text}\n</body></html>`);
  expect(out.redacted.length, `${label}: nothing found`).toBeGreaterThan(0);
  expect(survivingWindow(read(out.text), KEY), `${label}: ${out.text.slice(0, 300)}`).toBeNull();
}

describe('HTML named references: the whole WHATWG table', () => {
  const entries = NAMED_REFS.flatMap((l) => l.split(' ')).filter((x) => x !== '');
  const legacy = LEGACY_NAMES.flatMap((l) => l.split(' ')).filter((x) => x !== '');

  it('holds 2,231 names (106 of them legacy forms without ";")', () => {
    expect(entries.length + legacy.length).toBe(2231);
    expect(legacy.length).toBe(106);
  });

  it('reads every name as its character(s), its position map covering the reference', () => {
    for (const e of entries) {
      const [name, hex] = e.split('=') as [string, string];
      const ch = String.fromCodePoint(...hex.split(',').map((h) => parseInt(h, 16)));
      const v = htmlView(root(`x&${name};y`), OPTS);
      expect(v?.text, name).toBe(`\uffffx${ch}y`);
      expect(Array.from(v!.start!.subarray(2, 2 + ch.length)), name).toEqual(Array(ch.length).fill(1));
      expect(Array.from(v!.end!.subarray(2, 2 + ch.length)), name).toEqual(Array(ch.length).fill(name.length + 3));
    }
  });

  it('reads legacy names without ";", the longest that starts the run, as HTML parsers do in text', () => {
    expect(htmlView(root('a&amp b &lt c &copy d &notit; e &ampx'), OPTS)?.text).toBe('\uffffa& b < c \u00a9 d \u00acit; e &x');
    expect(htmlView(root('&Eacute &frac12x &AMP;'), OPTS)?.text).toBe('\uffff\u00c9 \u00bdx &');
  });

  it('leaves unknown names and a bare & alone', () => {
    expect(htmlView(root('a & b &nosuchname; &x; &1;'), OPTS)).toBeNull();
  });

  it('costs linear time on hostile runs of names', () => {
    for (const unit of ['&ab', '&notin', `&${'a'.repeat(40)}`, `&${'a'.repeat(31)};`, '&&&&']) {
      const text = unit.repeat(Math.ceil(400_000 / unit.length));
      const t0 = performance.now();
      htmlView(root(text), OPTS);
      expect(performance.now() - t0, unit).toBeLessThan(1500);
    }
  });

  const invisible = (name: string) => (s: string) => s.split(`&${name};`).join('');
  const r = redactor();
  for (const name of ['zwnj', 'ZWNJ', 'zwj', 'rlm', 'lrm', 'ZeroWidthSpace', 'NegativeThinSpace', 'NegativeVeryThinSpace', 'NoBreak', 'af', 'ApplyFunction', 'ic', 'InvisibleComma', 'it', 'shy']) {
    it(`finds the key with &${name}; between its characters`, () => {
      expectGone(r, [...KEY].join(`&${name};`), invisible(name), name);
    });
  }

  // Letters by name that fold (NFKC, confusables) to ASCII: mathematical alphabets and Greek.
  const asLetter = (s: string) => s.replace(/&([A-Za-z])(?:opf|fr|scr);/g, '$1').replace(/&kappa;/g, 'k');
  for (const suffix of ['opf', 'fr', 'scr']) {
    it(`finds the key with its letters written &x${suffix};`, () => {
      expectGone(r, [...KEY].map((c) => (/[A-Za-z]/.test(c) ? `&${c}${suffix};` : c)).join(''), asLetter, suffix);
    });
  }
  it('finds the key with a Greek look-alike by name (&kappa;)', () => {
    expectGone(r, KEY.replace(/k/g, '&kappa;'), asLetter, 'kappa');
  });
});

describe('markup: what XML and HTML parsers drop from text', () => {
  const xml = (s: string) => s.replace(/<!\[CDATA\[([^]*?)\]\]>/gi, '$1');
  const pieces = (n: number) => KEY.match(new RegExp(`[^]{1,${n}}`, 'g'))!;
  const r = redactor();
  for (const n of [1, 2, 3, 5, 7, 11]) {
    it(`finds the key in CDATA sections of ${n} characters`, () => {
      expectGone(r, `<key>${pieces(n).map((p) => `<![CDATA[${p}]]>`).join('')}</key>`, xml, `cdata ${n}`);
    });
  }
  it('finds the key in CDATA sections alternating with plain text', () => {
    expectGone(r, `<key>${pieces(5).map((p, i) => (i % 2 ? p : `<![CDATA[${p}]]>`)).join('')}</key>`, xml, 'cdata and text');
  });
  const separators = ['<?p?>', '<?x ?>', '<?php echo 1; ?>', '<?xml-stylesheet href="a>b"?>', '<?x>', '<?>', '<!x>', '<!DOCTYPE a>', '<!ELEMENT a ANY>', '<!-->', '<!>', '</ >', '</>', '<!---->', '<!--->', '<!--x--!>'];
  for (const sep of separators) {
    it(`finds the key parted by ${sep}`, () => {
      expectGone(r, `<key>${pieces(5).join(sep)}</key>`, (s) => s.split(sep).join(''), sep);
    });
  }

  it('takes out a processing instruction and keeps CDATA content, with its positions', () => {
    const v = markupView(root('ab<![CDATA[cd]]>ef<?p?>gh'), OPTS)!;
    expect(v.text.replace(/\uffff/g, '')).toBe('abcdefgh');
    expect(Array.from(v.start!.subarray(1))).toEqual([0, 1, 11, 12, 16, 17, 23, 24]);
  });

  it('leaves prose and code comparisons alone', () => {
    expect(markupView(root('if (a < b && c > d) return x[y[0]] ? 1 : 2;'), OPTS)).toBeNull();
  });

  it('costs linear time on hostile openers with no end', () => {
    for (const unit of ['<?', '<!', '</ ', '<?a ', '<![CDATA[', ']]>']) {
      const text = unit.repeat(200_000);
      const t0 = performance.now();
      markupView(root(text), OPTS);
      expect(performance.now() - t0, unit).toBeLessThan(1500);
    }
  });
});
