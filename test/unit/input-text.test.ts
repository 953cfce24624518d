// The tripwire's text of an agent input (src/policy/input-text.ts): JSON.stringify's text, also for
// an input nested too deep for JSON.stringify's recursion (red team 12c: it threw before the scan).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { inputText } from '../../src/policy/input-text.js';

const deep = (depth: number, leaf: unknown): unknown => {
  let v = leaf;
  for (let i = 0; i < depth; i++) v = i % 2 ? [1, v, 'x'] : { a: null, [`k${i}`]: v, z: undefined };
  return v;
};

describe('inputText', () => {
  it('is JSON.stringify where that works', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (v) => {
        expect(inputText(v, 1 << 20)).toBe(JSON.stringify(v));
      }),
      { numRuns: 200 },
    );
  });

  it('writes an input too deep for JSON.stringify the way JSON.stringify would, leaf included', () => {
    const arrays = JSON.parse(`${'['.repeat(30_000)}"the leaf"${']'.repeat(30_000)}`) as unknown;
    expect(() => JSON.stringify(arrays)).toThrow(RangeError);
    expect(inputText(arrays, 1 << 22)).toBe(`${'['.repeat(30_000)}"the leaf"${']'.repeat(30_000)}`);
    // Objects, undefined members and mixed nesting, deep: the text has the leaf and every level.
    const v = deep(30_000, 'the leaf');
    expect(() => JSON.stringify(v)).toThrow(RangeError);
    const text = inputText(v, 1 << 22);
    expect(text).toContain('"the leaf"');
    expect(text).not.toContain('undefined');
    expect(text.split('"k29998":').length).toBe(2);
    // The same shape, shallow enough for JSON.stringify, comes out the same through the deep walk.
    const shallow = deep(50, 'the leaf');
    expect(inputText([arrays, shallow], 1 << 22).endsWith(`,${JSON.stringify(shallow)}]`)).toBe(true);
  });

  it('stops past maxBytes (a loop in a deep structure never ends otherwise)', () => {
    const loop: unknown[] = [];
    let v: unknown[] = loop;
    for (let i = 0; i < 20_000; i++) v = [v];
    loop.push(v);
    expect(inputText(loop, 100_000).length).toBeLessThan(100_100);
  });
});
