// Examples for the optimisation rules of src/redact/INVARIANTS.md that no other test pins down.
import { describe, expect, it } from 'vitest';
import { Redactor } from '../../src/redact/redactor.js';
import { survivingWindow } from '../helpers/windows.js';

describe('byte lists are looked for wherever one of the digits 0, 6, 7, 8, 9 appears (LIST_DIGITS)', () => {
  // Letters a–c are 97–99 in decimal and 61–63 in hex: lists of them hold 9, 7 and 6 but never 0.
  const value = 'cabbacbacabcacbbacab';
  const r = new Redactor();
  r.add({ name: 'V', value });
  for (const [label, list] of [
    ['decimal', `[${[...Buffer.from(value)].join(', ')}]`],
    ['hex', [...Buffer.from(value)].map((b) => b.toString(16)).join(' ')],
  ] as const) {
    it(`a ${label} list with no 0 in it`, () => {
      const out = r.redact(`bytes: ${list}`).text;
      expect(out).toMatch(/REDACTED:V/);
      expect(survivingWindow(out, value)).toBeNull();
    });
  }
});

describe('no scanned text outlives a scan in V8\'s last regular-expression match (rule 13)', () => {
  it('after add, inspect and redact, RegExp.input holds nothing of the value or the text', () => {
    const value = 'lastmatch-Qz7Xv2Lp9Rt4Mn8Bc3Hd6';
    const r = new Redactor();
    r.add({ name: 'V', value });
    const afterAdd = String((RegExp as unknown as { input: string }).input);
    r.inspect(`{"a":"<b>${value}</b> %41 &amp; \\u0041"}`);
    const afterInspect = String((RegExp as unknown as { input: string }).input);
    r.redact(`x ${value} <i>y</i>`);
    const afterRedact = String((RegExp as unknown as { input: string }).input);
    expect([afterAdd, afterInspect, afterRedact]).toEqual(['', '', '']);
  });
});
