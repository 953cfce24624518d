// The fold takes combining marks and control characters out (src/redact/views/fold.ts,
// src/redact/views/marks.ts): a value with a mark after each character ("strikethrough text",
// underline, enclosing circles and keycaps, a zalgo stack, a spacing mark, a mark that composes
// with its base into another letter) or a control character between characters (every `Cc` but
// NUL, TAB, LF, VT, FF, CR) is found, in answers and in what an agent sends (the tripwire scans with
// the same redactor). Honest accented, Indic, Thai and terminal text trips nothing; a value that
// holds accented letters is still found written decomposed.
import { describe, expect, it } from 'vitest';
import { Redactor } from '../../src/redact/redactor.js';
import { decodedViews } from '../../src/redact/views/index.js';
import { isDroppedControl } from '../../src/redact/views/marks.js';
import { survivingWindow } from '../helpers/windows.js';

const STRIPE = 'sk_live_9aQ4wE7rT2yU5iO8pL3kJ6hG1fDs';
const PLAIN = 'Zx8Qw3Er6Ty9Ui2Op5As7Df4Gh1Jk0Lm';
const ACCENTED = 'pässwörd-Ünïcödé-Kq7Zx-çàñ-4Rt9';
const VALUES = [STRIPE, PLAIN];

function redactor(): Redactor {
  const r = new Redactor();
  [...VALUES, ACCENTED].forEach((value, i) => r.add({ name: `S${i}`, value }));
  return r;
}

const stripMarks = (s: string) => s.normalize('NFD').replace(/\p{M}/gu, '');
const dropControls = (s: string) => s.replace(/\p{Cc}/gu, '');
const after = (v: string, marks: string | ((i: number) => string)) => [...v].map((c, i) => c + (typeof marks === 'string' ? marks : marks(i))).join('');

/** A small deterministic generator: the same stacks on every run. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}
function zalgo(seed: number, ranges: Array<[number, number]>, most: number): (i: number) => string {
  const next = rng(seed);
  return () => {
    let out = '';
    const k = 1 + Math.floor(next() * most);
    for (let j = 0; j < k; j++) {
      const [a, b] = ranges[Math.floor(next() * ranges.length)]!;
      out += String.fromCodePoint(a + Math.floor(next() * (b - a + 1)));
    }
    return out;
  };
}

/** The value is found, and reading the redacted text the way it was spelled gives no window of it back. */
function expectGone(r: Redactor, text: string, value: string, decode: (s: string) => string, label: string): void {
  const out = r.redact(`Your key:\n${text}\n-- end --`);
  expect(out.redacted.length, `${label}: nothing found`).toBeGreaterThan(0);
  for (const d of [out.text, decode(out.text), stripMarks(dropControls(out.text))]) expect(survivingWindow(d, value), label).toBeNull();
}

const MARKS: Record<string, string | ((i: number) => string)> = {
  'short stroke overlay U+0335': '\u0335',
  'long solidus overlay U+0338': '\u0338',
  'overline U+0305': '\u0305',
  'double low line U+0333': '\u0333',
  'macron below U+0331': '\u0331',
  'tilde below U+0330': '\u0330',
  'keycap U+20E3': '\u20e3',
  'enclosing square U+20DE': '\u20de',
  'enclosing circle backslash U+20E0': '\u20e0',
  'Cyrillic millions sign U+0489 (Me)': '\u0489',
  'Devanagari vowel sign AA U+093E (Mc, spacing)': '\u093e',
  'diaeresis U+0308 (composes: ä ö ü ë ẗ ẅ ẍ)': '\u0308',
  'cedilla U+0327 (composes: ç ş ķ ļ ņ ŗ ţ)': '\u0327',
  'caron U+030C (composes: š č ž ř ǩ ǰ)': '\u030c',
  'circumflex then strikethrough': '\u0302\u0336',
  'a mark outside the BMP (U+1D167)': '\u{1d167}',
  'half marks U+FE20/U+FE21': '\ufe20\ufe21',
  'zalgo, 1-6 marks of U+0300-036F': zalgo(7, [[0x300, 0x36f]], 6),
  'zalgo, extended and supplement blocks': zalgo(11, [[0x1ab0, 0x1abd], [0x1dc0, 0x1dff], [0x20d0, 0x20f0]], 4),
  'a mark after every other character only': (i) => (i % 2 ? '\u0336' : ''),
  'a zero-width space, then the mark': '\u200b\u0336',
};

describe('the fold takes combining marks out', () => {
  const r = redactor();
  for (const value of VALUES) {
    for (const [label, marks] of Object.entries(MARKS)) {
      it(`${label}: ${value.slice(0, 4)}…`, () => expectGone(r, after(value, marks), value, stripMarks, label));
    }
    it(`a mark before each character (and so at the start): ${value.slice(0, 4)}…`, () => expectGone(r, [...value].map((c) => `\u0336${c}`).join(''), value, stripMarks, 'before'));
    it(`marks inside JSON: ${value.slice(0, 4)}…`, () => expectGone(r, JSON.stringify({ key: after(value, '\u0332') }), value, stripMarks, 'json'));
    it(`marks as JSON escapes: ${value.slice(0, 4)}…`, () => expectGone(r, after(value, '\\u0336'), value, (s) => stripMarks(s.replace(/\\u0336/g, '\u0336')), 'json escapes'));
    it(`full-width letters with marks: ${value.slice(0, 4)}…`, () =>
      expectGone(r, after(value.replace(/[!-~]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0)), '\u0336'), value, (s) => stripMarks(s).normalize('NFKC'), 'full-width'));
  }

  it('a value holding accented letters is still found decomposed, with or without marks over it', () => {
    expectGone(r, ACCENTED.normalize('NFD'), ACCENTED, (s) => s.normalize('NFC'), 'NFD');
    expectGone(r, after(ACCENTED.normalize('NFC'), '\u0336'), ACCENTED, (s) => s.replace(/\u0336/g, ''), 'NFC struck through');
  });

  it('the input side: a 16-character guess with a mark after each character is a hit', () => {
    for (const marks of ['\u0336', '\u0301', '\u20dd', '\u0308\u0316']) {
      const hits = r.inspect(`q=${after(STRIPE.slice(8, 24), marks)}&page=2`).hits.filter((h) => !h.backwards);
      expect(hits.length, JSON.stringify(marks)).toBeGreaterThan(0);
    }
  });
});

const CONTROLS = [...Array(0xa0).keys()].filter((c) => /\p{Cc}/u.test(String.fromCharCode(c)) && c !== 0 && (c < 9 || c > 13));

describe('the fold takes control characters out', () => {
  const r = redactor();
  it('every Cc is taken out but NUL, TAB, LF, VT, FF, CR', () => {
    for (let c = 0; c < 0x110000; c += c < 0x2000 ? 1 : 97) expect(isDroppedControl(c), c.toString(16)).toBe(CONTROLS.includes(c));
  });
  for (const value of VALUES) {
    for (const c of CONTROLS) {
      const sep = String.fromCharCode(c);
      it(`U+${c.toString(16).padStart(4, '0')} between characters: ${value.slice(0, 4)}…`, () => expectGone(r, [...value].join(sep), value, dropControls, `U+${c.toString(16)}`));
    }
    it(`runs of mixed controls: ${value.slice(0, 4)}…`, () => expectGone(r, after(value, (i) => String.fromCharCode(...CONTROLS.slice(i % 50, (i % 50) + 1 + (i % 3)))), value, dropControls, 'mixed'));
    it(`controls and marks together: ${value.slice(0, 4)}…`, () => expectGone(r, after(value, (i) => (i % 2 ? '\u0001\u0336' : '\u0336\u007f')), value, (s) => stripMarks(dropControls(s)), 'both'));
  }
  it('the input side: a guess with DEL between characters is a hit', () => {
    expect(r.inspect(`q=${[...PLAIN.slice(4, 20)].join('\u007f')}`).hits.filter((h) => !h.backwards).length).toBeGreaterThan(0);
  });
});

describe('honest text trips nothing', () => {
  const r = redactor();
  const HONEST: Record<string, string> = {
    French: 'Le café était fermé; naïve Zoë a réservé un hôtel près de la forêt, déçue.',
    'Vietnamese (NFC)': 'Tiếng Việt là ngôn ngữ chính thức của Việt Nam, được viết bằng chữ Quốc ngữ.',
    'Vietnamese (NFD)': 'Tiếng Việt là ngôn ngữ chính thức của Việt Nam, được viết bằng chữ Quốc ngữ.'.normalize('NFD'),
    Hindi: 'हिन्दी भारत की राजभाषा है और विश्व में सबसे अधिक बोली जाने वाली भाषाओं में से एक है।',
    Thai: 'ภาษาไทยเป็นภาษาราชการของประเทศไทย มีผู้พูดประมาณหกสิบล้านคน',
    Arabic: 'اَللُّغَةُ الْعَرَبِيَّةُ هِيَ لُغَةٌ سَامِيَّةٌ',
    zalgo: after('this is some spooky text for halloween 2024 v1.2.3', zalgo(3, [[0x300, 0x36f]], 5)),
    'terminal colours and separators': '\u001b[31mERROR\u001b[0m job 42 failed\u001e\u001frow\u0001id=7\u007f\u0085next line',
    'emoji keycaps': 'Press 1\ufe0f\u20e3 then 2\ufe0f\u20e3 then #\ufe0f\u20e3',
  };
  for (const [label, text] of Object.entries(HONEST)) {
    it(label, () => {
      const res = r.inspect(text.repeat(40));
      expect(res.hits, label).toEqual([]);
      expect(res.unscanned, label).toEqual([]);
    });
  }
  it('precomposed accented text gets no fold view; marked text gets one, and a fold of it reads the composed letters bare', () => {
    const kinds = (t: string) => decodedViews(t, { context: 11, minBase64: 16, minHex: 24, minWindow: 12, rootRuns: null, rootHigh: false }).views.map((v) => v.kind);
    expect(kinds('café, naïve, Zürich, 東京')).toEqual([]);
    // A script's own marks on its own letters are how it is written: no fold view for them.
    expect(kinds('हिन्दी भारत की राजभाषा है। ภาษาไทยเป็นภาษาราชการ שָׁלוֹם')).toEqual([]);
    // Controls read out of bytes (`plan=10` read as quoted-printable is DLE) are random bytes: no fold view of them.
    expect(kinds('<a href="/signup?plan=10&amp;ref=home">ten</a> <a href="/signup?plan=11&amp;ref=home">eleven</a>').filter((k) => k.startsWith('fold'))).toEqual([]);
    const views = decodedViews(`key ${after('abcdefs', '\u0301')} end`, { context: 11, minBase64: 16, minHex: 24, minWindow: 12, rootRuns: null, rootHigh: false }).views;
    expect(views.find((v) => v.kind === 'fold')?.text).toContain('ábćdéfś');
    expect(views.find((v) => v.kind === 'unmark<fold')?.text).toContain('abcdefs');
  });
});
