/**
 * Raw deflate with no header and no key that names it (PHP `gzdeflate`, JWE `"zip":"DEF"`, a
 * framework's state blob) is guessed: from where a base64 run starts, and kept only when its start
 * inflates to text. inflate.ts asks here before it spends a zlib call on a run.
 */
import { constants, inflateRawSync } from 'node:zlib';
import { B64 } from './runs.js';

/**
 * A candidate: a base64 run long enough to hold a value, not a later line of a wrapped block, whose
 * first byte opens a Huffman block (BTYPE 01 or 10; a stored block shows its bytes to the base64
 * view as they are). inflateBytes then probes it (inflatesToText) before inflating it whole.
 */
const RAW_MIN_RUN = 24;
export function mayBeRawDeflate(t: string, s: number, e: number): boolean {
  if (e - s < RAW_MIN_RUN || continuesWrappedRun(t, s)) return false;
  const a = B64[t.charCodeAt(s)]!;
  const b = B64[t.charCodeAt(s + 1)]!;
  if (a < 0 || b < 0) return false;
  const btype = ((((a << 2) | (b >> 4)) & 0xff) >> 1) & 3;
  if (btype !== 1 && btype !== 2) return false;
  // Compressed bytes in base64 mix the classes (P(no digit, + or / in 24 characters) < 1 %); words
  // and the letters a join view strings together do not.
  let upper = false;
  let lower = false;
  let other = false;
  for (let i = s; i < e && !(upper && lower && other); i++) {
    const c = t.charCodeAt(i);
    if (c >= 65 && c <= 90) upper = true;
    else if (c >= 97 && c <= 122) lower = true;
    else if (c < 128 && B64[c]! >= 0) other = true;
  }
  return upper && lower && other;
}

/**
 * Whether the run at `s` is a later line of wrapped base64: the line before it, whole, is base64 of
 * at least WRAPPED_LINE characters (real breaks; in JSON's raw text a `\n` escape, whose letter the
 * run starts with, is read in the JSON view where the break is real). Not where a stream starts:
 * every line of a wrapped attachment would otherwise be probed.
 */
const WRAPPED_LINE = 40;
function continuesWrappedRun(t: string, s: number): boolean {
  const c0 = t.charCodeAt(s);
  if (s > 0 && t.charCodeAt(s - 1) === 92 && (c0 === 110 || c0 === 114)) return true;
  let p = s - 1;
  if (p < 0 || (t.charCodeAt(p) !== 10 && t.charCodeAt(p) !== 13)) return false;
  while (p >= 0 && (t.charCodeAt(p) === 10 || t.charCodeAt(p) === 13)) p--;
  let n = 0;
  for (; p >= 0; p--, n++) {
    const c = t.charCodeAt(p);
    if (c === 10 || c === 13) break;
    if (c !== 61 && (c >= 128 || B64[c]! < 0)) return false;
  }
  return n >= WRAPPED_LINE;
}

/**
 * Whether a guessed raw stream's first bytes inflate to text. Text, or anything else, read as a
 * Huffman stream decodes to bytes spread over the whole range, controls among them, often for
 * hundreds of kilobytes before it fails: a probe of its start tells, at the cost of 4 KiB. A
 * stream whose start inflates to binary (controls) is not decoded (README, "Not promised").
 */
const PROBE_IN = 512;
const PROBE_OUT = 4096;
/**
 * Answers of the probe by its input bytes (as latin1 text): the same run is asked again from every
 * view that copies it (the JSON view, the joins, ...), and a failed zlib call costs a thrown error
 * each time. The answer depends on those bytes alone; cleared when a scan ends (clearRawProbes).
 */
const probed = new Map<string, boolean>();
const MAX_PROBED = 4096;
export function clearRawProbes(): void {
  probed.clear();
}
export function inflatesToText(bytes: Uint8Array): boolean {
  const head = bytes.subarray(0, PROBE_IN);
  const key = Buffer.from(head.buffer, head.byteOffset, head.length).toString('latin1');
  let known = probed.get(key);
  if (known === undefined) {
    known = probeInflatesToText(head);
    if (probed.size < MAX_PROBED) probed.set(key, known);
  }
  return known;
}
function probeInflatesToText(bytes: Uint8Array): boolean {
  let probe: Buffer;
  try {
    probe = inflateRawSync(bytes, { maxOutputLength: PROBE_OUT, chunkSize: PROBE_OUT, finishFlush: constants.Z_SYNC_FLUSH });
  } catch (err) {
    // Past 4 KiB from 512 bytes is a real stream's ratio (repeated text); garbage read as
    // Huffman codes fails on a distance too far back long before.
    return (err as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE';
  }
  if (probe.length < 8) return false;
  let controls = 0;
  for (const c of probe) if ((c < 0x20 && c !== 9 && c !== 10 && c !== 13) || c === 0x7f) controls++;
  return controls * 50 <= probe.length;
}

