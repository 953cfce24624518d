// Byte lists whose elements are literals in any radix notation (src/redact/views/byte-literals.ts):
// a cast before the number, a sign, a radix prefix or suffix, an integer type suffix. Members of
// the family beyond the twelfth red team's (test/adversarial/redteam12-byte-literals.test.ts),
// each read back by what an agent would run on the answer: every literal's value, in order.
import { describe, expect, it } from 'vitest';
import { Redactor } from '../../src/redact/redactor.js';
import { decodedViews } from '../../src/redact/views/index.js';
import { survivingWindow } from '../helpers/windows.js';

const ASCII = 'rk_prod_Q8vN3zT6wYb1Lx5Hc9Jm2Pd7';
const UTF8 = 'clé-secrète-Ωμέγα-ключ-Zx81Qw';
const hex = (b: number) => b.toString(16).padStart(2, '0');
const signed = (b: number) => (b > 127 ? b - 256 : b);

/** How one language or tool spells a byte, how the items are parted, and how an agent reads one back (the number's text, its radix). */
interface Form {
  spell: (b: number) => string;
  sep: string;
  read: RegExp;
  radix: number;
}
const form = (spell: (b: number) => string, sep: string, read: RegExp, radix: number): Form => ({ spell, sep, read, radix });

const FORMS: Record<string, Form> = {
  'Rust signed 61i8': form((b) => `${signed(b)}i8`, ', ', /(-?\d+)i8/g, 10),
  'Rust 0x73_u8': form((b) => `0x${hex(b)}_u8`, ', ', /0x([0-9a-f]+)_u8/g, 16),
  'C (unsigned char)115': form((b) => `(unsigned char)${b}`, ', ', /\(unsigned char\)(\d+)/g, 10),
  'C# (sbyte) signed': form((b) => `(sbyte)${signed(b)}`, ', ', /\(sbyte\)(-?\d+)/g, 10),
  'C (uint8_t) 0X73U': form((b) => `(uint8_t)0X${hex(b).toUpperCase()}U`, ',', /0X([0-9A-F]+)U/g, 16),
  'Java, casts on high bytes only': form((b) => (b > 127 ? `(byte) 0x${hex(b)}` : `${b}`), ', ', /(?:0x([0-9a-f]+)|\b(\d+)\b)/g, 0),
  'JavaScript BigInt 115n': form((b) => `${b}n`, ', ', /(\d+)n/g, 10),
  'Kotlin 0x73u': form((b) => `0x${hex(b)}u`, ', ', /0x([0-9a-f]+)u/g, 16),
  'F# signed 115y': form((b) => `${signed(b)}y`, '; ', /(-?\d+)y/g, 10),
  'VB &O163': form((b) => `&O${b.toString(8)}`, ', ', /&O([0-7]+)/g, 8),
  'VB &B1110011': form((b) => `&B${b.toString(2)}`, ', ', /&B([01]+)/g, 2),
  'Lisp #x73': form((b) => `#x${hex(b)}`, ' ', /#x([0-9a-f]+)/g, 16),
  'Lisp #o163': form((b) => `#o${b.toString(8)}`, ' ', /#o([0-7]+)/g, 8),
  'Lisp #b1110011': form((b) => `#b${b.toString(2)}`, ' ', /#b([01]+)/g, 2),
  'assembler 0C3h': form((b) => `0${hex(b).toUpperCase()}h`, ', ', /0([0-9A-F]+)h/g, 16),
  'assembler 163o': form((b) => `${b.toString(8)}o`, ',', /([0-7]+)o/g, 8),
  'assembler 163q': form((b) => `${b.toString(8)}q`, ',', /([0-7]+)q/g, 8),
  'assembler 01110011b': form((b) => `${b.toString(2).padStart(8, '0')}b`, ',', /([01]+)b/g, 2),
  'assembler db 73h on every line': form((b) => `        db ${hex(b)}h`, '\n', /db ([0-9a-f]+)h/g, 16),
  'GNU as .byte 0x73 on every line': form((b) => `\t.byte 0x${hex(b)}`, '\n', /0x([0-9a-f]+)/g, 16),
  'C octal 0163': form((b) => `0${b.toString(8)}`, ', ', /0([0-7]+)/g, 8),
  'C string of octal escapes': form((b) => `\\${b.toString(8)}`, '', /\\([0-7]{1,3})/g, 8),
  'Python 0O163 quoted': form((b) => `'0O${b.toString(8)}'`, ', ', /0O([0-7]+)/g, 8),
  'Python 0B01110011': form((b) => `0B${b.toString(2).padStart(8, '0')}`, ', ', /0B([01]+)/g, 2),
  'Rust one per line': form((b) => `    0x${hex(b)}u8`, ',\n', /0x([0-9a-f]+)u8/g, 16),
  'three-digit octal, comma-separated': form((b) => b.toString(8).padStart(3, '0'), ', ', /([0-7]{3})/g, 8),
};

/** What an agent reads back from `text`: every literal's value, as bytes, as text. */
function readBack(text: string, f: Form): string {
  const bytes: number[] = [];
  for (const m of text.matchAll(f.read)) {
    const n = f.radix === 0 ? (m[1] !== undefined ? parseInt(m[1], 16) : Number(m[2])) : parseInt(m[1]!, f.radix);
    if (n >= -128 && n < 256) bytes.push(n & 0xff);
  }
  return Buffer.from(bytes).toString('utf8');
}

describe('byte lists of literals in any radix notation', () => {
  const r = new Redactor();
  r.add({ name: 'A', value: ASCII });
  r.add({ name: 'U', value: UTF8 });
  for (const value of [ASCII, UTF8]) {
    for (const [label, f] of Object.entries(FORMS)) {
      it(`${label}: ${value.slice(0, 4)}…`, () => {
        const list = [...Buffer.from(value)].map(f.spell).join(f.sep);
        expect(survivingWindow(readBack(list, f), value), 'the form reads back').not.toBeNull();
        const out = r.redact(`const key = {\n${list}\n};\n`);
        expect(out.redacted.length, JSON.stringify(out.text.slice(0, 200))).toBeGreaterThan(0);
        expect(survivingWindow(readBack(out.text, f), value), JSON.stringify(out.text.slice(0, 300))).toBeNull();
      });
    }
  }
});

const views = (text: string) => decodedViews(text, { context: 96, minBase64: 16, minHex: 24, minWindow: 12, rootRuns: null, rootHigh: false }).views;

describe('each byte of a literal maps back to all of its characters', () => {
  it('cast, sign and suffix included', () => {
    const spelled = [...Buffer.from(UTF8)].map((b) => `(byte) ${signed(b)}L`);
    const text = `x = {${spelled.join(', ')}};`;
    const v = views(text).find((w) => w.kind === 'bytes' && w.text.includes(UTF8));
    expect(v).toBeDefined();
    const at = v!.text.indexOf(UTF8);
    const startOf = (k: number) => 'x = {'.length + spelled.slice(0, k).reduce((n, l) => n + l.length + 2, 0);
    // The first character (`c`, one byte) maps to the whole first literal.
    expect([v!.start![at], v!.end![at]]).toEqual([startOf(0), startOf(0) + spelled[0]!.length]);
    // `é` is two bytes, two literals: it maps from the first one's cast to the second one's suffix.
    expect([v!.start![at + 2], v!.end![at + 2]]).toEqual([startOf(2), startOf(3) + spelled[3]!.length]);
  });
});

describe('honest numbers are not read as literals', () => {
  for (const [label, text] of [
    ['durations', 'retries after 1s, 2s, 4s, 8s, 16s, 32s and 64s; timeouts 5m, 10m, 30m; uptime 12h, 24h, 48h'],
    ['version numbers', 'compatible with 1.2.3, 1.2.4, 2.0.0-rc1, 2.0.1 and 10.4.16'],
    ['a sha and a date', '{"sha":"3d21ec53a331a6f037a91c368710b99387d012c1","date":"2024-06-01T12:30:45Z"}'],
    ['prose with parentheses', 'The totals (net) 12, 15 and (gross) 19, 27 were higher (by 3) than in 2023, (see) 0x1F.'],
  ] as const) {
    it(label, () => expect(views(text).filter((v) => v.kind.startsWith('bytes'))).toEqual([]));
  }
});
