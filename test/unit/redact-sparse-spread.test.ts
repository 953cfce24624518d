// A value spread thin across a long answer (issue 18 item 1: units bound the cost of decoding, never
// what is matched). A view that takes padding out (zero-width and format characters, tags) joins
// characters that lie far apart in the text; a text longer than a decoding piece (16 KiB) is decoded
// piece by piece with 768 characters of overlap, so a window spread wider than that used to fall
// between pieces, and one spread wider than a piece was in none (red team 9). Now a piece reaches
// back for the thin tail of the piece before (src/redact/occurrences.ts tailReach), and past
// its reach the tail is withheld: whatever the spread and wherever it sits, no window comes back.
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { Redactor } from '../../src/redact/redactor.js';
import { survivingWindow } from '../helpers/windows.js';

const VALUE = `sp-${randomBytes(18).toString('base64url')}`;

/** Each padding, and how a reader drops it again (what an agent would do with the answer). */
const PADDINGS: Record<string, { pad: (n: number) => string; drop: (t: string) => string }> = {
  'zero-width spaces': { pad: (n) => '\u200b'.repeat(n), drop: (t) => t.replace(/\u200b/g, '') },
  'word joiners and soft hyphens': { pad: (n) => '\u2060\u00ad'.repeat(Math.ceil(n / 2)), drop: (t) => t.replace(/[\u2060\u00ad]/g, '') },
  '<wbr> hints': { pad: (n) => '<wbr>'.repeat(Math.ceil(n / 5)), drop: (t) => t.replace(/<wbr>/g, '') },
  'empty <b></b> pairs': { pad: (n) => '<b></b>'.repeat(Math.ceil(n / 7)), drop: (t) => t.replace(/<\/?b>/g, '') },
};

/** Prose with line breaks (where pieces are cut), `n` characters of it. */
const filler = (n: number) => 'The quarterly report lists every invoice by region and month.\n'.repeat(Math.ceil(n / 62)).slice(0, n);

describe('a value spread thin across piece boundaries', () => {
  const r = new Redactor({ key: randomBytes(32) });
  r.add({ name: 'KEY', value: VALUE });
  for (const [kind, { pad, drop }] of Object.entries(PADDINGS)) {
    // Gaps from within the overlap to wider than a whole piece; the value starting before a cut, on it, and after it.
    for (const gap of [300, 2500, 7000]) {
      it(`${kind}, ${gap} characters between characters: no window comes back`, () => {
        for (const before of [15_000, 16_300, 17_000]) {
          const text = `${filler(before)}key: ${[...VALUE].join(pad(gap))}\n${filler(3000)}`;
          const shown = r.redact(text).text;
          expect(survivingWindow(drop(shown), VALUE) === null, `a window of the value came back (starting at ${before})`).toBe(true);
        }
      });
    }
  }

  it('honest text with long tags near a cut is shown, not withheld', () => {
    const row = '<tr><td class="amount right-aligned tabular-nums">1,024.00</td><td class="currency">EUR</td></tr>\n';
    const text = `<table>\n${row.repeat(400)}</table>`;
    const { unscanned } = r.inspect(text);
    expect(unscanned).toEqual([]);
  });
});
