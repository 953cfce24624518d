// The wall remembers short texts it scanned clean (src/redact/clean-memo.ts): the memo must never
// change an answer. A text clean before a value was learned is scanned again after; a text with a
// hit, or one a limit left unscanned, is never remembered; only a digest of each text is kept.
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { CleanMemo, MEMO_MAX_CHARS } from '../../src/redact/clean-memo.js';
import { Redactor, windowFingerprints } from '../../src/redact/redactor.js';

const fresh = () => `fv${randomBytes(15).toString('hex')}`;

describe('the clean-text memo of the wall', () => {
  it('a text clean before a value was learned is found after it (learning empties the memo)', () => {
    const r = new Redactor();
    r.add({ name: 'OLD', value: fresh() });
    const value = fresh();
    const header = `Bearer ${value}`;
    expect(r.inspect(header).hits).toEqual([]);
    expect(r.inspect(header).hits).toEqual([]); // now answered from the memo
    r.add({ name: 'NEW', value });
    expect(r.inspect(header).hits.map((h) => h.name)).toContain('NEW');
  });

  it('the same when the value arrives as fingerprints (a value set by another process)', () => {
    const writer = new Redactor({ key: Buffer.alloc(32, 7) });
    const reader = new Redactor({ key: Buffer.alloc(32, 7) });
    const value = fresh();
    const text = `token=${Buffer.from(value).toString('base64')}`;
    expect(reader.inspect(text).hits).toEqual([]);
    expect(reader.inspect(text).hits).toEqual([]);
    writer.add({ name: 'SET_ELSEWHERE', value });
    reader.addFingerprints('SET_ELSEWHERE', windowFingerprints(Buffer.alloc(32, 7), value));
    expect(reader.inspect(text).hits.map((h) => h.name)).toContain('SET_ELSEWHERE');
  });

  it('a text with a hit is found every time, and a text a limit left unscanned stays withheld every time', () => {
    const value = fresh();
    const r = new Redactor();
    r.add({ name: 'K', value });
    for (let i = 0; i < 3; i++) expect(r.inspect(`x-key: ${value}`).hits.length).toBeGreaterThan(0);
    const starved = new Redactor({ limits: { maxDepth: 0, budgetPerChar: 0, budgetConstant: 0 } });
    starved.add({ name: 'K', value });
    const encoded = `padding &amp; %25 =3D ${Buffer.from(Buffer.from(value).toString('base64')).toString('base64')} tail`;
    const first = starved.inspect(encoded);
    expect(first.unscanned.length).toBeGreaterThan(0);
    for (let i = 0; i < 3; i++) expect(starved.inspect(encoded)).toEqual(first);
  });

  it('keeps digests only, for header-sized texts, and a bounded number of them', () => {
    const memo = new CleanMemo(12);
    expect(memo.keyOf('short')).toBeUndefined();
    expect(memo.keyOf('x'.repeat(MEMO_MAX_CHARS + 1))).toBeUndefined();
    const text = 'application/json; charset=utf-8';
    const key = memo.keyOf(text)!;
    expect(key).not.toContain('json');
    expect(key).toBe(memo.keyOf(text));
    expect(new CleanMemo(12).keyOf(text)).not.toBe(key); // keyed per process: no table of known digests
    for (let i = 0; i < 5000; i++) memo.add(memo.keyOf(`text number ${i} padded`)!);
    expect(memo.has(memo.keyOf('text number 0 padded')!)).toBe(false);
    expect(memo.has(memo.keyOf('text number 4999 padded')!)).toBe(true);
  });
});
