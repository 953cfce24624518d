// A long token in wrapped text (Python's textwrap breaks a word longer than the width at the line's
// end) comes back whole, cut by a line break: a whole occurrence, not pieces (which, of a value not
// placed, trip the wire: issue 18, "honest reads that return stored values whole suspend no one").
// Runs of one value that only a line break parts chain into one (src/redact/occurrences.ts markWhole).
import { describe, expect, it } from 'vitest';
import { Redactor, WINDOW } from '../../src/redact/redactor.js';

const PREFIX = 'github_pat_';
const TOKEN = `${PREFIX}11ABCDEFG0Qz7Xv2Lp9Rt4Mn8Bc3Hd6Wk5Jf1Gs0Ay7Ue4Io2Pq9Zx3Cv6Bn8Ml5Kj1Hg4Fd7Sa0Wq2Er4Ty6Ui8`;

describe('a long token broken at a line end is read whole', () => {
  const r = new Redactor();
  r.add({ name: 'GH_PAT', value: TOKEN });
  // Breaks with a whole window of secret-bearing characters on each side of them.
  const first = PREFIX.length + WINDOW;
  const last = TOKEN.length - WINDOW;
  for (const at of [first, first + 7, Math.floor((first + last) / 2), last]) {
    for (const wrap of ['\n', '\r\n', '\n    ']) {
      it(`broken after ${at} characters by ${JSON.stringify(wrap)}`, () => {
        const text = `Your token is ready: ${TOKEN.slice(0, at)}${wrap}${TOKEN.slice(at)} (keep it safe)`;
        const { hits, unscanned } = r.inspect(text);
        expect(unscanned).toEqual([]);
        expect(hits.length).toBeGreaterThan(0);
        expect(hits.filter((h) => !h.whole)).toEqual([]);
      });
    }
  }
  it('two pieces of it with prose between are still pieces', () => {
    const text = `${TOKEN.slice(0, 40)} and then ${TOKEN.slice(40)}`;
    expect(r.inspect(text).hits.some((h) => !h.whole)).toBe(true);
  });
});
