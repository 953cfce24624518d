// Redaction of raw bytes (a body in an unknown charset): the text in the given charset, and the
// same bytes read as latin1 and as UTF-16LE/BE, whose hits are mapped back onto the charset's text.
// Test-only: the server decodes a body once (redact/response) and the redactor's views read the
// other spellings; the tests use this to check that a value in any of these byte forms is found.
import type { RedactResult, Redactor, ScanResult } from '../../src/redact/redactor.js';
import { applySpans, mergeSpans, spansToReplace, type Span } from '../../src/redact/spans.js';

const marked = (result: ScanResult): Span[] => spansToReplace(result.hits, result.unscanned);

/**
 * Bytes as they came (a body): redacted in the given charset (default UTF-8), and also searched
 * as latin1 and as UTF-16LE/BE, whose hits are mapped back onto the charset's text.
 */
export function redactBytes(redactor: Redactor, bytes: Uint8Array, charset = 'utf-8'): RedactResult {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const cs = charset.toLowerCase().replace(/[^a-z0-9]/g, '');
  const primary: BufferEncoding = cs === 'latin1' || cs === 'iso88591' || cs === 'windows1252' || cs === 'ascii' ? 'latin1' : cs === 'utf16le' || cs === 'utf16' ? 'utf16le' : 'utf8';
  const text = buf.toString(primary);
  // Byte offset at which each character of the primary text starts.
  const byteAt = charByteOffsets(text, primary);
  const spans = marked(redactor.inspect(text));
  const others: Array<[BufferEncoding | 'utf16be', number]> = [['latin1', 1], ['utf16le', 2], ['utf16be', 2]];
  for (const [enc, width] of others) {
    if (enc === primary) continue;
    for (const shift of width === 2 ? [0, 1] : [0]) {
      const slice = buf.subarray(shift);
      const t = enc === 'utf16be' ? Buffer.from(slice.subarray(0, slice.length & ~1)).swap16().toString('utf16le') : slice.toString(enc as BufferEncoding);
      for (const s of marked(redactor.inspect(t))) {
        // Original byte span → the primary text's characters that overlap it.
        const b0 = shift + s.start * width;
        const b1 = shift + s.end * width;
        spans.push({ start: upperBound(byteAt, b0) - 1, end: lowerBound(byteAt, b1), name: s.name });
      }
    }
  }
  const names: string[] = [];
  return { text: applySpans(text, mergeSpans(spans.filter((s) => s.end > s.start && s.start >= 0)), names).out, redacted: names };
}

/** Byte offset of each character of `text` in `encoding`, plus a final entry for the end. */
function charByteOffsets(text: string, encoding: BufferEncoding): Int32Array {
  const out = new Int32Array(text.length + 1);
  let b = 0;
  for (let i = 0; i < text.length; i++) {
    out[i] = b;
    const c = text.charCodeAt(i);
    if (encoding === 'latin1') b += 1;
    else if (encoding === 'utf16le') b += 2;
    else if (c < 0x80) b += 1;
    else if (c < 0x800) b += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length && (text.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      out[++i] = b;
      b += 4;
    } else b += 3;
  }
  out[text.length] = b;
  return out;
}

function upperBound(a: Int32Array, x: number): number {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (a[mid]! <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function lowerBound(a: Int32Array, x: number): number {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (a[mid]! < x) lo = mid + 1;
    else hi = mid;
  }
  return Math.min(lo, a.length - 1);
}
