/**
 * Compressed data inside a decoded run: base64 or hex whose bytes start with zlib (78 01/5e/9c/da)
 * or gzip (1f 8b) magic, or a zip archive's first local header (./zip: every member read), or raw deflate where a known header says so (SAML's HTTP-Redirect binding) or a guess holds
 * (raw-deflate.ts),
 * inflated and exposed as text. A Flask/itsdangerous session cookie is `.` + base64url of zlib
 * data: without this layer its payload is bytes no other view reads. Every inflated unit maps to
 * the whole compressed run (a compressed byte holds bits of many output characters).
 */
import { constants, gunzipSync, inflateRawSync, inflateSync } from 'node:zlib';
import { emitText } from './binary.js';
import { deflateRefuses, zlibRefuses } from './deflate-header.js';
import { inflatesToText, mayBeRawDeflate } from './raw-deflate.js';
import { B64, runsOf, runStartsOf, wholeRuns } from './runs.js';
import { Builder, DecodeLimitReached, type View, type ViewOptions } from './view.js';
import { isZipAt, zipMagic, zipMembers } from './zip.js';

/**
 * Output allowed per inflate: a small multiple of the input, plus a floor for short inputs, so a
 * few bytes of hostile input never become megabytes of view (zlib reaches ~1000:1).
 */
const OUTPUT_FLOOR = 64 * 1024;
const OUTPUT_PER_INPUT_BYTE = 16;

/**
 * Bytes all inflates of one decoding may still produce (decodedViews sets it to its budget and
 * resets it after; decoding is synchronous, so no other decoding shares it meanwhile).
 */
let inflationLeft = Infinity;
export function limitInflation(bytes: number): void {
  inflationLeft = bytes;
}

/** Whether two bytes are a zlib header (deflate, window ≤ 32 KiB, check bits right) or gzip's magic. */
export function compressedMagic(b0: number, b1: number): boolean {
  return (b0 === 0x1f && b1 === 0x8b) || ((b0 & 0x0f) === 8 && b0 >> 4 <= 7 && ((b0 << 8) | b1) % 31 === 0);
}

/**
 * `bytes` inflated (zlib or gzip by their magic; raw deflate only when `raw`), or null when they
 * are not compressed data or inflate past the output bound. A truncated stream gives what it holds
 * (a cookie cut by a log line still shows its start). Never throws.
 */
export function inflateBytes(bytes: Uint8Array, raw: RawDeflate = false, trailing = false): Buffer | null {
  if (bytes.length < 4) return null;
  if (inflationLeft <= 0) throw new DecodeLimitReached('inflate budget spent');
  const options = { maxOutputLength: Math.min(OUTPUT_FLOOR + OUTPUT_PER_INPUT_BYTE * bytes.length, inflationLeft), finishFlush: constants.Z_SYNC_FLUSH };
  // Most bytes tried are not compressed data (magic is two bytes: about one run in a thousand
  // has it by chance) and zlib throws; the stack trace of that error was two thirds of the call.
  // The call is synchronous, so no other code runs while the limit is 0; restored in `finally`.
  const traceLimit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    let out: Buffer | null = null;
    // Text may go on after the compressed bytes: gunzip refuses what follows a member, so then its
    // deflate data is inflated raw, which stops at the last block (zlib's inflate ignores the rest).
    if (bytes[0] === 0x1f && bytes[1] === 0x8b) out = trailing ? gzipDeflate(bytes, options) : gunzipSync(bytes, options);
    else if (compressedMagic(bytes[0]!, bytes[1]!)) out = zlibRefuses(bytes) ? null : inflateSync(bytes, options);
    else if (raw === 'keyed' && !deflateRefuses(bytes, 0)) out = inflateRawSync(bytes, options);
    else if (raw === 'guessed' && !deflateRefuses(bytes, 0) && inflatesToText(bytes)) out = inflateRawSync(bytes, options);
    if (out) inflationLeft -= out.length;
    return out;
  } catch (err) {
    // Past the output bound is data that could not be scanned, not data that is not compressed.
    // A guessed raw stream is not known to be compressed data: past the bound it is not decoded
    // (README, "Not promised"), rather than withholding every honest run that reads as deflate.
    if ((err as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE' && raw !== 'guessed') throw new DecodeLimitReached('inflate output bound');
    return null;
  } finally {
    Error.stackTraceLimit = traceLimit;
  }
}

/** Base64 characters of a long run inflated first on their own (768 bytes), see failsEarly. */
const PROBE_CHARS = 1024;
const PROBE_OPTIONS = { maxOutputLength: OUTPUT_FLOOR, finishFlush: constants.Z_SYNC_FLUSH };

/**
 * Whether the first bytes of a zlib or gzip stream already fail to inflate. Inflating reads its
 * input in order and a cut stream gives what it holds, so bytes that fail here fail as the start
 * of any longer input too: a run that only looks compressed is turned down without decoding it
 * whole. Anything else (a zip archive, output past the probe's bound) is not turned down here.
 */
function failsEarly(bytes: Uint8Array): boolean {
  if (isZipAt(bytes, 0)) return false;
  const traceLimit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    if (bytes[0] === 0x1f && bytes[1] === 0x8b) gunzipSync(bytes, PROBE_OPTIONS);
    else if (compressedMagic(bytes[0]!, bytes[1]!)) return zlibRefuses(bytes) || (inflateSync(bytes, PROBE_OPTIONS), false);
    return false;
  } catch (err) {
    return (err as { code?: string }).code !== 'ERR_BUFFER_TOO_LARGE';
  } finally {
    Error.stackTraceLimit = traceLimit;
  }
}

/** `bytes` inflated (inflateBytes), or the members of the zip archive they start with; null when neither. */
function decompressed(bytes: Uint8Array, raw: RawDeflate = false, trailing = false): Buffer[] | null {
  if (isZipAt(bytes, 0)) return zipMembers(bytes, (data) => inflateBytes(data, 'keyed'));
  const out = inflateBytes(bytes, raw, trailing);
  return out ? [out] : null;
}

/** Raw deflate (no header) is tried after a key that names it (`keyed`), or on a guess from a base64 run's start (`guessed`). */
export type RawDeflate = false | 'keyed' | 'guessed';

/** A gzip member's deflate data inflated raw past its header (RFC 1952 §2.3), or null when the header is not whole. */
function gzipDeflate(bytes: Uint8Array, options: object): Buffer | null {
  if (bytes.length < 18 || bytes[2] !== 8) return null;
  const flags = bytes[3]!;
  let i = 10;
  if (flags & 4) i += 2 + (bytes[10]! | (bytes[11]! << 8)); // FEXTRA
  for (const bit of [8, 16]) if (flags & bit) { while (i < bytes.length && bytes[i] !== 0) i++; i++; } // FNAME, FCOMMENT
  if (flags & 2) i += 2; // FHCRC
  return i < bytes.length ? inflateRawSync(bytes.subarray(i), options) : null;
}

/**
 * Compressed bytes written as text, one byte per character: a Latin-1 JSON string
 * (`"\u001f\u008b…"`), Python's `b'x\x9c…'` in an error message, a bytea dump — once the escapes
 * are read by the textual views, the characters themselves are the bytes. Found by their magic on
 * the characters (gzip's, or zlib's `x` and a level byte), each candidate read to the end of its
 * run of characters below U+0100 and inflated; the text after the stream is ignored.
 */
const TEXT_MAGIC = ['\x1f\x8b', 'x\x01', 'x^', 'x\x9c', 'x\xda', 'PK\x03\x04'];
/**
 * Inflates tried per view: `x^` also occurs in text, and a failed try costs a zlib call. Past the
 * bound the view fails closed (the range is withheld), never stops looking and calls the rest clean.
 */
const TEXT_TRIES = 1024;
const TEXT_SPAN = 256 * 1024;

export function textInflateView(v: View, o: ViewOptions): View | null {
  const t = v.text;
  let b: Builder | null = null;
  let tries = 0;
  // The characters as bytes, read once: each try inflates a slice of it (no copy per try).
  let bytes: Uint8Array | null = null;
  for (const magic of TEXT_MAGIC) {
    for (let i = t.indexOf(magic); i >= 0; i = t.indexOf(magic, i + 1)) {
      let j = i + 2;
      const to = Math.min(t.length, i + TEXT_SPAN);
      while (j < to && t.charCodeAt(j) < 0x100) j++;
      if (j - i < 8) continue;
      if (++tries > TEXT_TRIES) throw new DecodeLimitReached('compressed-text candidates');
      if (!bytes) {
        bytes = new Uint8Array(t.length);
        for (let k = 0; k < t.length; k++) bytes[k] = t.charCodeAt(k);
      }
      for (const out of decompressed(bytes.subarray(i, j), false, true) ?? []) emitInflated((b ??= new Builder(v)), out, i, j, o.minWindow);
    }
  }
  return b ? b.build('inflate-text') : null;
}

/** Text of inflated bytes, every unit mapped to the parent range [from, to): UTF-8 stretches of at least `min` units. */
export function emitInflated(b: Builder, out: Buffer, from: number, to: number, min: number): void {
  if (out.length === 0) return;
  const s = new Int32Array(out.length).fill(from);
  const e = new Int32Array(out.length).fill(to);
  emitText(b, out, s, e, min, out.length);
}

const HEX = new Int8Array(128).fill(-1);
for (let i = 0; i < 16; i++) {
  HEX['0123456789abcdef'.charCodeAt(i)] = i;
  HEX['0123456789ABCDEF'.charCodeAt(i)] = i;
}

/** Headers after which a base64 run is raw deflate (no magic to tell it by). */
const RAW_DEFLATE_KEYS = /(?:samlrequest|samlresponse)=$/i;

/** Whether a raw-deflate header ends at `s` (RAW_DEFLATE_KEYS ends in `=`: most runs fail on that one character). */
function rawDeflateKey(t: string, s: number): boolean {
  return s > 0 && t.charCodeAt(s - 1) === 61 && RAW_DEFLATE_KEYS.test(t.slice(Math.max(0, s - 16), s));
}

/** Byte `j` of a base64 run read from character `align` (null past its end). */
function base64Byte(t: string, idx: ArrayLike<number>, align: number, j: number): number | null {
  const g = align + Math.floor(j / 3) * 4 + (j % 3);
  if (g + 1 >= idx.length) return null;
  const a = B64[t.charCodeAt(idx[g]!)]!;
  const b = B64[t.charCodeAt(idx[g + 1]!)]!;
  const k = j % 3;
  return ((a << (2 + 2 * k)) | (b >> (4 - 2 * k))) & 0xff;
}

/**
 * The bytes of run characters [align, end) read as base64, whole groups of four only (fewer than
 * four characters give fewer than 4 bytes, which inflateBytes refuses anyway): what Buffer.from
 * of those characters as a 'base64' string gives (it reads both alphabets, as B64 does), without
 * building the string one character at a time.
 */
function base64Bytes(t: string, idx: number[], align: number, end: number): Uint8Array {
  const groups = (end - align) >> 2;
  const out = new Uint8Array(groups * 3);
  for (let q = 0, g = align; q < groups; q++, g += 4) {
    const x = (B64[t.charCodeAt(idx[g]!)]! << 18) | (B64[t.charCodeAt(idx[g + 1]!)]! << 12) | (B64[t.charCodeAt(idx[g + 2]!)]! << 6) | B64[t.charCodeAt(idx[g + 3]!)]!;
    out[3 * q] = x >> 16;
    out[3 * q + 1] = (x >> 8) & 0xff;
    out[3 * q + 2] = x & 0xff;
  }
  return out;
}

/**
 * Whether the base64 or hex characters at `s` start with compression magic (at any alignment):
 * bytes 0 and 1 of the base64 read from character `align` are made of characters align to
 * align + 2; hex bytes 0 and 1, of characters align to align + 3. Read in place (every run of
 * every view is asked this).
 */
export function startsCompressed(t: string, s: number): boolean {
  let len = 0;
  while (len < 8 && s + len < t.length) {
    const c = t.charCodeAt(s + len);
    if (c >= 128 || B64[c]! < 0) break;
    len++;
  }
  for (let align = 0; align + 2 < len && align < 4; align++) {
    const c1 = B64[t.charCodeAt(s + align + 1)]!;
    const b0 = ((B64[t.charCodeAt(s + align)]! << 2) | (c1 >> 4)) & 0xff;
    const b1 = ((c1 << 4) | (B64[t.charCodeAt(s + align + 2)]! >> 2)) & 0xff;
    if (compressedMagic(b0, b1) || zipMagic(b0, b1)) return true;
  }
  for (let align = 0; align < 2 && align + 3 < len; align++) {
    const h0 = HEX[t.charCodeAt(s + align)]!;
    const h1 = HEX[t.charCodeAt(s + align + 1)]!;
    const h2 = HEX[t.charCodeAt(s + align + 2)]!;
    const h3 = HEX[t.charCodeAt(s + align + 3)]!;
    if (h0 >= 0 && h1 >= 0 && h2 >= 0 && h3 >= 0 && (compressedMagic((h0 << 4) | h1, (h2 << 4) | h3) || zipMagic((h0 << 4) | h1, (h2 << 4) | h3))) return true;
  }
  return false;
}

export function inflateView(v: View, o: ViewOptions): View | null {
  const starts = runStartsOf(v, o);
  if (starts.length === 0) return null;
  const t = v.text;
  // Most runs are no compressed data: two bytes at the run's start tell, before any position list.
  const ranges = wholeRuns(t, starts);
  const kept: number[] = [];
  for (let r = 0; r < ranges.length; r += 2) {
    const s = ranges[r]!;
    if (startsCompressed(t, s) || rawDeflateKey(t, s) || mayBeRawDeflate(t, s, ranges[r + 1]!)) kept.push(s, ranges[r + 1]!);
  }
  if (kept.length === 0) return null;
  let b: Builder | null = null;
  for (const idx of runsOf(t, B64, o.minBase64, true, kept)) {
    const raw: RawDeflate = rawDeflateKey(t, idx[0]!) ? 'keyed' : mayBeRawDeflate(t, idx[0]!, idx[idx.length - 1]! + 1) ? 'guessed' : false;
    // Base64: the run may start mid-stream, so each of the 4 alignments; two bytes tell magic.
    for (let align = 0; align < 4; align++) {
      const b0 = base64Byte(t, idx, align, 0);
      const b1 = base64Byte(t, idx, align, 1);
      if (b0 === null || b1 === null || (!raw && !compressedMagic(b0, b1) && !zipMagic(b0, b1))) continue;
      // Raw deflate is tried at alignment 0 only: elsewhere, bytes without magic inflate to nothing,
      // and decoding the whole run (a wrapped attachment, three times) to be told so was a third
      // of this view's time. What inflateBytes would have done without magic: throw when spent.
      if (align > 0 && !compressedMagic(b0, b1) && !zipMagic(b0, b1)) {
        if (inflationLeft <= 0 && ((idx.length - align) >> 2) * 3 >= 4) throw new DecodeLimitReached('inflate budget spent');
        continue;
      }
      // The whole run (wrapped lines joined), else its first line: a run may go on across a line
      // break into text that is no part of it (a date), and trailing bytes fail gunzip.
      let line = align + 1;
      while (line < idx.length && idx[line] === idx[line - 1]! + 1) line++;
      for (const end of line < idx.length ? [idx.length, line] : [idx.length]) {
        // Two bytes of magic hold by chance about once a thousand runs: a long run's start tells first.
        if (end - align > PROBE_CHARS && !raw && failsEarly(base64Bytes(t, idx, align, align + PROBE_CHARS))) continue;
        const outs = decompressed(base64Bytes(t, idx, align, end), align === 0 && raw);
        if (!outs) continue;
        for (const out of outs) emitInflated((b ??= new Builder(v)), out, idx[align]!, idx[end - 1]! + 1, o.minWindow);
        break;
      }
    }
    // Hex: the same run read as hex digits (a hex run is a base64-alphabet run), at 2 alignments.
    // (Only its leading hex digits on one line: a base64 run may go on past them, across a break.)
    // After a `\x` (PostgreSQL's bytea output) or `0x` prefix: its x is no hex digit.
    const lead = (t.charCodeAt(idx[0]!) | 0x20) === 120 ? 1 : t.charCodeAt(idx[0]!) === 48 && (t.charCodeAt(idx[1] ?? 0) | 0x20) === 120 ? 2 : 0;
    let m = lead;
    while (m < idx.length && HEX[t.charCodeAt(idx[m]!)]! >= 0 && (m === lead || idx[m] === idx[m - 1]! + 1)) m++;
    for (let align = lead; align < lead + 2; align++) {
      if (align + 3 >= m) continue;
      const hb = (k: number) => (HEX[t.charCodeAt(idx[align + 2 * k]!)]! << 4) | HEX[t.charCodeAt(idx[align + 2 * k + 1]!)]!;
      if (!compressedMagic(hb(0), hb(1)) && !zipMagic(hb(0), hb(1))) continue;
      const bytes = new Uint8Array((m - align) >> 1);
      for (let k = 0; k < bytes.length; k++) bytes[k] = hb(k);
      for (const out of decompressed(bytes) ?? []) emitInflated((b ??= new Builder(v)), out, idx[align]!, idx[align + 2 * bytes.length - 1]! + 1, o.minWindow);
    }
  }
  return b ? b.build('inflate') : null;
}
