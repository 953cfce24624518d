// Checks that no window of a value survives in a text, in the text as it is or in any of its
// decodings (written independently of src/redact/views.ts: plain regex decoders, nested twice).
import { secretStretches } from '../../src/redact/public-parts.js';
import { expect } from 'vitest';

export const W = 12;

function html(t: string): string {
  const named: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: '\u00a0', sol: '/', plus: '+', equals: '=' };
  return t.replace(/&#(\d+);?|&#x([0-9a-f]+);?|&([a-z]+);/gi, (m, d?: string, h?: string, n?: string) => {
    const cp = d ? parseInt(d, 10) : h ? parseInt(h, 16) : -1;
    if (cp >= 0) return cp <= 0x10ffff ? String.fromCodePoint(cp) : m;
    return named[n!] ?? m;
  });
}

function json(t: string): string {
  // A backslash at a line end continues the line (.properties also drops the next line's indent).
  // `\u` or `\x` without its hex digits is no escape of "u" or "x" in any stack (JSON, JavaScript and
  // Java reject it): reading it as one found an 11-character run of a value plus that "u" to be a window.
  return t.replace(/\\u([0-9a-f]{4})|\\\r?\n[ \t\f]*|\\([^ux])/gi, (_m, u?: string, c?: string) => (u ? String.fromCharCode(parseInt(u, 16)) : c === undefined ? '' : ({ n: '\n', r: '\r', t: '\t' } as Record<string, string>)[c] ?? c));
}

/** Quoted-printable: soft line breaks dropped, =XX escapes as UTF-8 bytes; RFC 2047 Q words with "_" for a space. */
function quotedPrintable(t: string): string {
  const bytes = (s: string) => s.replace(/(?:=[0-9a-f]{2})+/gi, (m) => Buffer.from(m.replace(/=/g, ''), 'hex').toString('utf8'));
  return bytes(t.replace(/=\?[^?\s]+\?q\?([^?\s]*)\?=\s*/gi, (_m, w: string) => w.replace(/_/g, ' ')).replace(/=[ \t]*\r?\n/g, ''));
}

/** Base32 runs (upper- or lowercase, lines joined) decoded at each of the 8 alignments. */
function base32Runs(t: string): string[] {
  const out: string[] = [];
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  for (const m of t.replace(/\r?\n/g, '').matchAll(/[A-Z2-7]{8,}|[a-z2-7]{8,}/g)) {
    const run = m[0].toUpperCase();
    for (let a = 0; a < 8; a++) {
      const bytes: number[] = [];
      let acc = 0;
      let bits = 0;
      for (const c of run.slice(a)) {
        acc = ((acc << 5) | alphabet.indexOf(c)) & 0xfff;
        bits += 5;
        if (bits >= 8) {
          bits -= 8;
          bytes.push((acc >> bits) & 0xff);
        }
      }
      out.push(Buffer.from(bytes).toString('utf8'));
    }
  }
  return out;
}

function percent(t: string, plus: boolean): string {
  const s = plus ? t.replace(/\+/g, ' ') : t;
  return s.replace(/(?:%[0-9a-f]{2})+/gi, (m) => Buffer.from(m.replace(/%/g, ''), 'hex').toString('utf8'));
}

function base64Runs(t: string): string[] {
  const out: string[] = [];
  for (const m of t.replace(/\r?\n/g, '').matchAll(/[A-Za-z0-9+/_-]{8,}/g)) {
    for (let a = 0; a < 4; a++) out.push(Buffer.from(m[0].slice(a).replace(/-/g, '+').replace(/_/g, '/'), 'base64').toString('utf8'));
  }
  return out;
}

function hexRuns(t: string): string[] {
  const out: string[] = [];
  for (const m of t.matchAll(/[0-9a-f]{8,}/gi)) for (let a = 0; a < 2; a++) out.push(Buffer.from(m[0].slice(a, a + ((m[0].length - a) & ~1)), 'hex').toString('utf8'));
  return out;
}

/** The text and what each decoder makes of it, nested `depth` times. */
export function decodings(text: string, depth = 2): string[] {
  const all = new Set<string>([text]);
  let layer = [text];
  for (let d = 0; d < depth; d++) {
    const next: string[] = [];
    for (const t of layer) {
      for (const x of [html(t), json(t), percent(t, false), percent(t, true), quotedPrintable(t), t.replace(/\u0000/g, ''), ...base64Runs(t), ...base32Runs(t), ...hexRuns(t)]) {
        if (!all.has(x)) {
          all.add(x);
          next.push(x);
        }
      }
    }
    layer = next;
  }
  return [...all];
}

/**
 * Lowercase, character by character, where that keeps the character's length, as the redactor folds
 * case (a window is W UTF-16 units): "İ" stays "İ", since its lowercase "i̇" is two units and would
 * make 11 units of a value look like a window.
 */
function fold(s: string): string {
  let out = '';
  for (const c of s) {
    const lower = c.toLowerCase();
    out += lower.length === c.length ? lower : c;
  }
  return out;
}

/**
 * Windows of W characters of the value (case folded); a shorter value is its own window. Only
 * windows of secret-bearing characters count (issue 18: a window touching a vendor prefix, PEM
 * armour or a URL's host is public text anyone may write), unless the value has none.
 */
export function windowsOf(value: string): string[] {
  const v = fold(value);
  if (v.length <= W) return [v];
  const secret = secretStretches(value).filter(([a, b]) => b - a >= W);
  const out: string[] = [];
  for (let i = 0; i + W <= v.length; i++) {
    if (secret.length === 0 || secret.some(([a, b]) => a <= i && i + W <= b)) out.push(v.slice(i, i + W));
  }
  return out;
}

/** The first window of `value` found in `text` or any decoding of it, or null. */
export function survivingWindow(text: string, value: string, depth = 2): string | null {
  const views = decodings(text, depth).map(fold);
  for (const w of windowsOf(value)) for (const v of views) if (v.includes(w)) return w;
  return null;
}

export function expectNoWindow(text: string, value: string, label = ''): void {
  expect(survivingWindow(text, value), `${label}: a window of the value survived in ${JSON.stringify(text.slice(0, 300))}`).toBeNull();
}
