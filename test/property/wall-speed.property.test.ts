// Property tests for the response wall's fast paths (issue 18 item 6): each one is an argument
// that a cheaper computation gives exactly what the plain one gave, so each is checked here
// against the plain one, written out as it was before (the reference), on random inputs built to
// hit its edges. A fast path that ever answered differently could drop a run, a piece or a
// stretch, and with it a window of a value.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DECODE_PIECE, pieces } from '../../src/redact/occurrences.js';
import { Redactor } from '../../src/redact/redactor.js';
import { base64View, emitText } from '../../src/redact/views/binary.js';
import { identityView } from '../../src/redact/views/index.js';
import { B64, base64RunStarts, lineGap, runsOf, wrappedRunStart } from '../../src/redact/views/runs.js';
import { sequenceCodePoint, utf8SequenceAt } from '../../src/redact/views/utf8.js';
import { Builder, type View } from '../../src/redact/views/view.js';
import { survivingWindow } from '../helpers/windows.js';

/** runsOf as it was: every character of every range walked. */
function referenceRunsOf(text: string, table: Int8Array, min: number, acrossLines: boolean, ranges: number[] | null): number[][] {
  const runs: number[][] = [];
  const n = text.length;
  let i = 0;
  let r = 0;
  let limit = ranges ? 0 : n;
  for (;;) {
    if (i >= limit) {
      if (!ranges || r >= ranges.length) break;
      i = Math.max(i, ranges[r]!);
      limit = ranges[r + 1]!;
      r += 2;
      continue;
    }
    const c = text.charCodeAt(i);
    if (c >= 128 || table[c]! < 0) {
      i++;
      continue;
    }
    const idx: number[] = [];
    for (;;) {
      while (i < n) {
        const d = text.charCodeAt(i);
        if (d >= 128 || table[d]! < 0) break;
        idx.push(i);
        i++;
      }
      if (!acrossLines || i >= n) break;
      const gap = lineGap(text, i);
      if (gap === 0) break;
      const next = text.charCodeAt(i + gap);
      if (!(next < 128 && table[next]! >= 0)) break;
      i += gap;
    }
    if (idx.length >= min) runs.push(idx);
  }
  return runs;
}

/** pieces as it was: a backward search for a line break from each cut. */
function referencePieces(text: string): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  for (let a = 0; a < text.length; ) {
    let b = Math.min(text.length, a + DECODE_PIECE);
    if (b < text.length) {
      const nl = text.lastIndexOf('\n', b);
      if (nl > a + DECODE_PIECE / 2) b = nl + 1;
    }
    out.push([a, b]);
    a = b;
  }
  if (out.length === 0) out.push([0, 0]);
  return out;
}

/** emitText as it was: every byte read once into units, a stretch kept at its end when long enough. */
function referenceEmitText(b: Builder, bytes: ArrayLike<number>, bs: ArrayLike<number>, be: ArrayLike<number>, min: number, n: number): void {
  const text = new Uint16Array(n * 2);
  const s = new Int32Array(n * 2);
  const e = new Int32Array(n * 2);
  let m = 0;
  const flush = () => {
    if (m >= min) {
      b.brk();
      b.emitUnits(text, s, e, m);
    }
    m = 0;
  };
  for (let i = 0; i < n; ) {
    const len = utf8SequenceAt(bytes, i, n);
    const cp = sequenceCodePoint;
    if (len === 1 && cp >= 0x80) {
      flush();
      i += 1;
      continue;
    }
    const st = bs[i]!;
    const en = be[i + len - 1]!;
    if (cp > 0xffff) {
      const c = cp - 0x10000;
      text[m] = 0xd800 + (c >> 10);
      text[m + 1] = 0xdc00 + (c & 0x3ff);
      s[m] = s[m + 1] = st;
      e[m] = e[m + 1] = en;
      m += 2;
    } else {
      text[m] = cp;
      s[m] = st;
      e[m] = en;
      m++;
    }
    i += len;
  }
  flush();
}

/** Everything a view carries that a scan or a further layer reads. */
function shape(v: View | null): unknown {
  if (!v) return null;
  return { text: v.text, start: Array.from(v.start ?? []), end: Array.from(v.end ?? []), fresh: Array.from(v.fresh ?? []), sources: Array.from(v.sources ?? []), kind: v.kind };
}

const HEXT = new Int8Array(128).fill(-1);
for (const c of '0123456789abcdefABCDEF') HEXT[c.charCodeAt(0)] = 1;
const UPPER = new Int8Array(128).fill(-1);
for (const c of 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567') UPPER[c.charCodeAt(0)] = 1;
const TABLES: Array<[string, Int8Array, boolean]> = [
  ['base64 across lines', B64, true],
  ['hex', HEXT, false],
  ['base32 across lines', UPPER, true],
  ['hex across lines', HEXT, true],
];

/** Text that makes runs of every length, broken by other base64 characters, blanks and line breaks of every spelling. */
const runText = fc
  .array(
    fc.oneof(
      fc.stringMatching(/^[A-F0-9]{1,30}$/),
      fc.stringMatching(/^[A-Z2-7]{1,30}$/),
      fc.stringMatching(/^[a-z+/_-]{1,6}$/),
      fc.constantFrom(' ', '  ', '   ', '\t', '\n', '\r\n', ' \n    ', '\n     ', '"', ',', 'é', '='),
    ),
    { maxLength: 40 },
  )
  .map((parts) => parts.join(''));

/** Ordered, disjoint (possibly touching or empty) ranges over a text of length n. */
function rangesOf(n: number, cuts: number[]): number[] {
  const points = cuts.map((c) => c % (n + 1)).sort((a, b) => a - b);
  const out: number[] = [];
  for (let k = 0; k + 1 < points.length; k += 2) out.push(points[k]!, points[k + 1]!);
  return out;
}

describe('wall fast paths give what the plain computation gave', () => {
  it('runsOf (probing one character in min) finds the runs of a walk over every character', () => {
    fc.assert(
      fc.property(runText, fc.integer({ min: 1, max: 30 }), fc.array(fc.nat(), { maxLength: 12 }), fc.boolean(), (text, min, cuts, whole) => {
        const ranges = whole ? null : rangesOf(text.length, cuts);
        for (const [label, table, across] of TABLES) {
          const got = runsOf(text, table, min, across, ranges).map((r) => Array.from(r));
          expect(got, `${label} min ${min} ranges ${JSON.stringify(ranges)} in ${JSON.stringify(text)}`).toEqual(referenceRunsOf(text, table, min, across, ranges));
        }
      }),
      { numRuns: 1500 },
    );
  });

  it('pieces (a forward search for line breaks) cuts where a backward search from each cut did', () => {
    // Line breaks anywhere, and at and beside the places a cut looks at (half a piece and a whole
    // piece past a cut made without a line break).
    const HALF = DECODE_PIECE / 2;
    const at = fc.oneof(fc.nat(6 * DECODE_PIECE), fc.tuple(fc.integer({ min: 1, max: 12 }), fc.integer({ min: -2, max: 2 })).map(([k, d]) => k * HALF + d));
    fc.assert(
      fc.property(fc.array(at, { maxLength: 12 }), fc.nat(7 * DECODE_PIECE), (breaks, length) => {
        const chars = Array.from({ length }, () => 'a');
        for (const b of breaks) if (b < length) chars[b] = '\n';
        const text = chars.join('');
        expect(pieces(text)).toEqual(referencePieces(text));
      }),
      { numRuns: 300 },
    );
  });

  it('emitText (stretches measured, then read) emits the stretches a single reading did', () => {
    // Bytes of every kind: ASCII, well-formed sequences, truncated and overlong ones, continuation
    // bytes out of place, surrogates and code points past U+10FFFF.
    const byte = fc.oneof(fc.integer({ min: 0, max: 0x7f }), fc.integer({ min: 0x80, max: 0xff }), fc.constantFrom(0xc3, 0xa9, 0xe2, 0x82, 0xac, 0xf0, 0x9f, 0x98, 0x80, 0xed, 0xa0, 0xf4, 0x90, 0xe0, 0xc0));
    fc.assert(
      fc.property(fc.array(byte, { maxLength: 200 }), fc.integer({ min: 1, max: 16 }), (list, min) => {
        const n = list.length;
        const parent = identityView('x'.repeat(2 * n + 2));
        const bytes = Uint8Array.from(list);
        const bs = Int32Array.from(list, (_, k) => 2 * k);
        const be = Int32Array.from(list, (_, k) => 2 * k + 2);
        const got = new Builder(parent);
        emitText(got, bytes, bs, be, min, n);
        const want = new Builder(parent);
        referenceEmitText(want, bytes, bs, be, min, n);
        expect(shape(got.build('t'))).toEqual(shape(want.build('t')));
      }),
      { numRuns: 1500 },
    );
  });

  it('base64View decodes every alignment of a run glued to text as a plain byte-by-byte decoding does', () => {
    const B64CHARS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
    const piece = fc.oneof(
      fc.stringMatching(/^[ -~]{12,60}$/).map((s) => Buffer.from(s).toString('base64').replace(/=+$/, '')),
      fc.stringMatching(/^[a-zé€😀 ]{6,30}$/).map((s) => Buffer.from(s).toString('base64url')),
      fc.array(fc.constantFrom(...B64CHARS), { minLength: 1, maxLength: 7 }).map((cs) => cs.join('')),
      fc.constantFrom('\n', ' ', '"', '\n  '),
    );
    fc.assert(
      fc.property(fc.array(piece, { minLength: 1, maxLength: 6 }), (parts) => {
        const text = parts.join('');
        const o = { context: 96, minBase64: 16, minHex: 24, minWindow: 12, rootRuns: null, rootHigh: false, root: text };
        const v = identityView(text);
        const got = base64View(v, o);
        // The reference: runs found from the same starts by the plain walk, each decoded byte by
        // byte at each of the 4 alignments.
        const starts = base64RunStarts(Uint16Array.from(text, (c) => c.charCodeAt(0)), text.length, 16);
        for (let r = 0; r < starts.length; r += 2) starts[r] = Math.max(wrappedRunStart(text, starts[r]!, 16), r > 0 ? starts[r - 1]! : 0);
        let want: View | null = null;
        const runs = referenceRunsOf(text, B64, 16, true, starts);
        if (runs.length > 0) {
          const b = new Builder(v);
          for (const idx of runs) {
            for (let align = 0; align < 4; align++) {
              const bytes: number[] = [];
              const bs: number[] = [];
              const be: number[] = [];
              for (let g = align; g + 1 < idx.length; g += 4) {
                for (let j = 0; j < 3 && g + j + 1 < idx.length; j++) {
                  bytes.push(((B64[text.charCodeAt(idx[g + j]!)]! << (2 + 2 * j)) | (B64[text.charCodeAt(idx[g + j + 1]!)]! >> (4 - 2 * j))) & 0xff);
                  bs.push(idx[g + j]!);
                  be.push(idx[g + j + 1]! + 1);
                }
              }
              referenceEmitText(b, bytes, bs, be, 12, bytes.length);
            }
          }
          want = b.build('base64');
        }
        expect(shape(got), JSON.stringify(text)).toEqual(shape(want));
      }),
      { numRuns: 600 },
    );
  });

  it('each decoded view is searched from its own run starts, which are found once per view', () => {
    // An HTML escape first (its view, decoded first, holds no base64 run), then base64 with every
    // third character a JSON \u escape: only the JSON view holds the run. Served another view's
    // run starts, the JSON view would decode nothing here.
    const value = 'sk_live_Zx9Qw2Lp7Kd3Ab8Mn4Rt6Vy1';
    const r = new Redactor();
    r.add({ name: 'V', value });
    const spelled = Array.from(Buffer.from(value).toString('base64'), (c, k) => (k % 3 === 2 ? `\\u00${c.charCodeAt(0).toString(16)}` : c)).join('');
    for (const gap of [300, 2000]) {
      const out = r.redact(`<p>R&amp;D ${'and so on '.repeat(gap / 10)} q=${spelled} end</p>`);
      expect(out.redacted, `gap ${gap}`).toEqual(['V']);
      expect(survivingWindow(out.text, value)).toBeNull();
    }
  });
});

