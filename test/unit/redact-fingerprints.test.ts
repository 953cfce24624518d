// Persistent keyed fingerprints (SPEC §7): a redactor built from `windowFingerprints(key, value)`
// strings, without the values, indexes exactly what `add()` indexes with the same key.
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { Redactor, replacementFor, windowFingerprints } from '../../src/redact/redactor.js';
import { encodingsOf } from '../helpers/encodings.js';

const key = new Uint8Array(32).fill(7);
const otherKey = new Uint8Array(32).fill(8);

/** Values that exercise every indexing rule: short, public prefix, multi-line, non-ASCII, lone surrogate, repeats. */
const values = [
  'sk-live-Zq9Lm4Np7Qx2Rt5Yu8Io',
  'ghp_0123456789abcdefABCDEF0123456789ab',
  'short1',
  'ab',
  '-----BEGIN KEY-----\r\nMIIBOgIBAAJBAKj34GkxFhD90vcNLYLInFEX\r\nAbCdEfGh\r\n-----END KEY-----',
  'pässwörd-Ünïcödé-€uro-中文-😀-ΣΊΣΥΦΟΣ',
  'lone\ud800surrogate-value-here',
  'abcabcabcabcabcabcabcabcabc',
];

function bodyFor(value: string): string {
  return ['before ', ...encodingsOf(value), value.toUpperCase(), value.slice(3, 15), ' after'].join(' | ');
}

/** Window entries of a list (heads, length byte 0, and stretch records, 255, are not windows). */
function entries(fingerprints: string): number {
  const b = Buffer.from(fingerprints, 'base64');
  let windows = 0;
  for (let at = 1; at < b.length; at += 9) if (b[at] !== 0 && b[at] !== 255) windows++;
  return windows;
}

describe('windowFingerprints / addFingerprints', () => {
  it('add(value) indexes exactly what addFingerprints(name, windowFingerprints(key, value)) does', () => {
    for (const value of values) {
      const byValue = new Redactor({ key });
      byValue.add({ name: 'S', value });
      const byPrint = new Redactor({ key });
      byPrint.addFingerprints('S', windowFingerprints(key, value));
      expect(byPrint.patternCount, value).toBe(byValue.patternCount);
      expect(byPrint.patternCount, value).toBeGreaterThan(0);
      const text = bodyFor(value);
      const out = byPrint.redact(text);
      expect(out, value).toEqual(byValue.redact(text));
      expect(out.redacted, value).toEqual(['S']);
      const stream = byPrint.stream();
      expect(stream.push(text) + stream.end(), value).toBe(out.text);
    }
  });

  it('is deterministic for a key, and each window is listed once (forms of a value share windows)', () => {
    const v = values[0]!;
    expect(windowFingerprints(key, v)).toBe(windowFingerprints(key, v));
    // 27 characters in 3-character cycles: only 3 distinct 12-character windows, and 3 read backwards.
    expect(entries(windowFingerprints(key, 'abcabcabcabcabcabcabcabcabc'))).toBe(6);
    // Lines joined by "\n", by nothing and by a space share their single-line windows.
    const lines = 'abcdefghijklmnopqrstuvwxyz\nABCDEFGHIJKLMNOPQRSTUVWX';
    const r = new Redactor({ key });
    r.add({ name: 'S', value: lines });
    expect(entries(windowFingerprints(key, lines))).toBe(r.patternCount);
    // No window includes a character of a vendor prefix: 28 characters, 8 public, 20 − 12 + 1 = 9
    // windows, each also read backwards (the prefix stays out of those too).
    expect(entries(windowFingerprints(key, 'sk-live-' + 'x1y2z3w4v5u6t7s8r9q0'))).toBe(18);
    expect(entries(windowFingerprints(key, 'x'))).toBe(0);
  });

  it('a different key gives different fingerprints, which find nothing under the first key', () => {
    for (const value of values) {
      const a = windowFingerprints(key, value);
      const b = windowFingerprints(otherKey, value);
      expect(b).not.toBe(a);
      const aEntries = new Set(Buffer.from(a, 'base64').subarray(1).toString('hex').match(/.{18}/g));
      const shared = (Buffer.from(b, 'base64').subarray(1).toString('hex').match(/.{18}/g) ?? []).filter((e) => aEntries.has(e));
      expect(shared, value).toEqual([]);
      const wrong = new Redactor({ key });
      wrong.addFingerprints('S', b);
      expect(wrong.redact(bodyFor(value)).redacted, value).toEqual([]);
    }
    const random = new Redactor();
    random.addFingerprints('S', windowFingerprints(key, values[0]!));
    expect(random.redact(values[0]!).text).toBe(values[0]);
  });

  it('fingerprints hold none of the value: no run of its bytes, in any case, raw or in the string', () => {
    for (const value of values.filter((v) => v.length >= 8)) {
      const fp = windowFingerprints(key, value);
      const bytes = Buffer.from(fp, 'base64');
      for (const spelling of [value, value.toLowerCase(), value.toUpperCase()]) {
        const raw = Buffer.from(spelling, 'utf8');
        const utf16 = Buffer.from(spelling, 'utf16le');
        for (let i = 0; i + 4 <= raw.length; i++) expect(bytes.includes(raw.subarray(i, i + 4)), `${value} bytes at ${i}`).toBe(false);
        for (let i = 0; i + 8 <= utf16.length; i += 2) expect(bytes.includes(utf16.subarray(i, i + 8)), `${value} UTF-16 at ${i}`).toBe(false);
        for (let i = 0; i + 4 <= spelling.length; i++) expect(fp.includes(spelling.slice(i, i + 4)), `${value} text at ${i}`).toBe(false);
      }
      // Sorted: the list does not keep the order of the windows in the value.
      const list = bytes.subarray(1).toString('hex').match(/.{18}/g)!;
      expect([...list].sort()).toEqual(list);
    }
  });

  it('rejects a malformed list or key with a TypeError, and indexes nothing from it', () => {
    const r = new Redactor({ key });
    const good = windowFingerprints(key, values[0]!);
    const body = Buffer.from(good, 'base64').subarray(1);
    const version = (v: number, entries: ArrayLike<number>) => Buffer.from([v, ...Array.from(entries)]).toString('base64');
    // Formats 1 (no heads) and 2 (no stretch records) are refused: a server redoes such fingerprints from the value instead.
    // Format 3 has no windows read backwards: a length byte with that flag is no format-3 entry.
    for (const bad of ['', 'not base64!', good.slice(0, -4), version(1, body), version(2, body), version(5, body), version(3, [12 + 64, 0, 0, 0, 0, 0, 0, 0, 0]), version(4, [13 + 64, 0, 0, 0, 0, 0, 0, 0, 0]), version(3, [13, 0, 0, 0, 0, 0, 0, 0, 0]), version(3, [1, 0, 0, 0, 0, 0, 0, 0, 0])]) {
      expect(() => r.addFingerprints('S', bad), JSON.stringify(bad)).toThrow(TypeError);
    }
    expect(r.patternCount).toBe(0);
    // A format-3 list (a tombstone kept from before windows read backwards) is still read.
    const forwards = (body.toString('hex').match(/.{18}/g) ?? []).filter((e) => (parseInt(e.slice(0, 2), 16) & 64) === 0 || e.startsWith('ff'));
    r.addFingerprints('S', version(3, Buffer.from(forwards.join(''), 'hex')));
    expect(r.redact(values[0]!).redacted).toEqual(['S']);
    expect(() => new Redactor({ key: new Uint8Array(16) })).toThrow(TypeError);
    expect(() => windowFingerprints(randomBytes(31), 'value-0123456789')).toThrow(TypeError);
  });

  it('a value cut to the window just after a public prefix, or to its last, is found at either parity (heads)', () => {
    // Plain ASCII text is tested at every other position; a window ending between two tested
    // positions is found through its first 11 characters, which for the first window of a run are
    // in the index only as a head.
    const value = 'sk-live-Zq9Lm4Np7Qx2Rt5Yu8Io';
    // A window that includes the public prefix is no window of the value (SPEC §1.4a): no guess starts from it.
    const prefixed = new Redactor({ key });
    prefixed.addFingerprints('S', windowFingerprints(key, value));
    expect(prefixed.redact(`${value.slice(0, 12)}!`).text).toBe(`${value.slice(0, 12)}!`);
    for (const cut of [value.slice(8, 20), value.slice(-12)]) {
      for (const pad of ['', 'x', 'xy', 'xyz']) {
        const r = new Redactor({ key });
        r.addFingerprints('S', windowFingerprints(key, value));
        const text = `${pad}${cut}!`;
        expect(r.redact(text).text, `${pad}|${cut}`).toBe(`${pad}${replacementFor('S')}!`);
      }
    }
  });

  it('names: fingerprints added under a name redact as that name', () => {
    const r = new Redactor({ key });
    r.addFingerprints('API_KEY', windowFingerprints(key, values[0]!));
    // The vendor prefix is public: it stays, the rest of the value does not.
    expect(r.redact(`x ${values[0]} y`).text).toBe(`x sk-live-${replacementFor('API_KEY')} y`);
  });
});
