/**
 * Keyed fingerprints of a value's windows, the only thing the redactor keeps of a value.
 *
 * Every window of W = 12 characters of a value (a value shorter than W is one window of its own
 * length), lowercased, becomes two 32-bit halves:
 *  - the bucket key, a keyed tabulation hash rolled in O(1) per character with no removal step:
 *    h = (h << ⌈32/L⌉) + T[c], T a keyed word per character (a keyed multiplier and mask outside
 *    ASCII), so a character has left the 32 bits when it leaves the window;
 *  - a keyed multiply–xorshift hash of the whole window, checked on a bucket hit.
 * All keys are derived from one 32-byte key (HKDF-SHA256), so fingerprints computed when a value is
 * written (SPEC §7) match the ones a redactor with the same key computes while scanning.
 *
 * These hashes are fast, not cryptographic: the bucket key is linear in T, so the fingerprints of
 * one value's overlapping windows reveal which of its characters are equal, and with a guessable
 * prefix the value. A serialised fingerprint list is as secret as the value: keep it encrypted at
 * rest (its key apart from the vault file), never log it.
 */
import { hkdfSync, randomBytes } from 'node:crypto';
import { LOWER, lowerUnit, unitsOf } from './lowercase.js';
import { indexedStarts } from './public-parts.js';

/** Window length: a hit needs this many consecutive characters of a value (in some view). */
export const WINDOW = 12;
export const KEY_BYTES = 32;
const HKDF_INFO = 'blindfold redaction fingerprints v1';
const FORMAT_VERSION = 4;
/** Lists of version 3 (before BACKWARDS) are still read: a tombstone cannot be made again. */
const READ_VERSIONS = [3, FORMAT_VERSION];
/** Serialised entry: window length (1 byte; HEAD and STRETCH mark the other kinds), bucket key and check (4 bytes each, little-endian). */
const ENTRY_BYTES = 9;
/**
 * Length byte of a head: the bucket key of the first W − 1 characters of a run of indexed windows
 * (a value's start, or just after a public part), with no check half. A W-window's bucket key
 * depends only on its last W − 1 characters (the oldest has been shifted out), so the bucket keys
 * of a value's windows and its heads are the keys of every (W − 1)-gram inside an indexed window:
 * that lets the scan test every other position of plain text (./scan).
 */
export const HEAD = 0;
/**
 * Length byte of a stretch record: [STRETCH, head's bucket key, last window's bucket key] for each
 * run of indexed windows of a form of a value. Hits that run unbroken from that head to that last
 * window (in one view or across several) are the whole value, or the whole of one secret-bearing
 * stretch of it: an echo, not a guess, which shows up as a piece (SPEC §1.4a).
 */
export const STRETCH = 255;
/**
 * Added to the length byte of a window of a value read backwards (reversedForm): answers are
 * redacted of it like any window, but the input tripwire keeps to the value's own windows (an
 * agent's text spelled backwards that an upstream turns around comes back as those, and is judged
 * there, as every other spelling the wire does not read on input).
 */
export const BACKWARDS = 64;

export interface HashKeys {
  /** Keyed word per ASCII character (its lowercase's word). */
  readonly t: Int32Array;
  /** Multiplier and mask for characters outside ASCII. */
  readonly km: number;
  readonly kx: number;
  /** Multiplier and seed of the check hash. */
  readonly k2: number;
  readonly k3: number;
}

export function randomKey(): Uint8Array {
  return new Uint8Array(randomBytes(KEY_BYTES));
}

export function hashKeys(key: Uint8Array): HashKeys {
  if (!(key instanceof Uint8Array) || key.length !== KEY_BYTES) throw new TypeError(`a redaction key is ${KEY_BYTES} bytes`);
  const r = Buffer.from(hkdfSync('sha256', key, new Uint8Array(0), HKDF_INFO, 128 * 4 + 16));
  const t = new Int32Array(128);
  // The lowercase's word, so both cases hash alike with no lowercasing in the scan loop.
  for (let c = 0; c < 128; c++) t[c] = r.readInt32LE(4 * LOWER[c]!);
  return { t, km: r.readInt32LE(512) | 1, kx: r.readInt32LE(516), k2: r.readInt32LE(520) | 1, k3: r.readInt32LE(524) };
}

/** Bits the bucket hash shifts per character for windows of `len`: the oldest leaves after `len`. */
export function shiftFor(len: number): number {
  return Math.ceil(32 / len);
}

/** What HEAD relies on: at W's shift, the oldest character of a window is already out of the key. */
if (shiftFor(WINDOW) * (WINDOW - 1) < 32) throw new Error('a window bucket key must not depend on its oldest character');

/** The bucket key of units [from, to) of `u[0, n)`, rolled at the shift of windows of `len` (default: their length). */
export function bucketHash(k: HashKeys, u: Uint16Array, n: number, from: number, to: number, len = to - from): number {
  const shift = shiftFor(len);
  let h = 0;
  for (let i = from; i < to; i++) {
    const c = u[i]!;
    h = ((h << shift) + (c < 128 ? k.t[c]! : foldedWord(k, lowerUnit(u, n, i)))) | 0;
  }
  return h;
}

/**
 * The keyed word of a unit outside ASCII, after folding: one that folds into ASCII (the Kelvin
 * sign's lowercase is "k") takes that character's word, so it hashes as the letter it is read as.
 */
export function foldedWord(k: HashKeys, lower: number): number {
  return lower < 128 ? k.t[lower]! : Math.imul(lower, k.km) ^ k.kx;
}

/** The check half: a keyed multiply–xorshift hash of the lowercased units [from, to). */
export function checkHash(k: HashKeys, u: Uint16Array, n: number, from: number, to: number): number {
  const k2 = k.k2;
  let h = k.k3;
  for (let i = from; i < to; i++) {
    const c = u[i]!;
    h = Math.imul(h ^ (c < 128 ? LOWER[c]! : lowerUnit(u, n, i)), k2);
    h ^= h >>> 15;
  }
  return h;
}

export { publicParts } from './public-parts.js';

/** The forms a value is indexed in: as written, as it comes back through UTF-8, and multi-line variants. */
function formsOf(value: string): Set<string> {
  const forms = new Set<string>([value]);
  // A lone surrogate goes out, and comes back, as U+FFFD.
  forms.add(Buffer.from(value, 'utf8').toString('utf8'));
  if (/[\r\n]/.test(value)) {
    const lf = value.replace(/\r\n?/g, '\n');
    forms.add(lf);
    // Multi-line values also come back with their lines joined (a PEM body on one line).
    forms.add(lf.replace(/\n/g, ''));
    forms.add(lf.replace(/\n/g, ' '));
  }
  return forms;
}

/**
 * A form read backwards, by code point (SQL `REVERSE`, `strrev` on UTF-8 text, `[::-1]`): every
 * window of it is a window of the form mirrored, so the reversed form needs no decoding view (the
 * scan pays nothing) and its indexed windows are the mirrors of the form's (a public part stays
 * public read backwards; detecting public parts on reversed text would find none).
 */
function reversedForm(form: string, starts: number[], len: number): { form: string; starts: number[] } {
  // Reversing units swaps each surrogate pair; putting each pair back in order keeps positions
  // mirrored (a window that cuts a pair differs from its mirror by that one unit only).
  const reversed = form.split('').reverse().join('').replace(/([\udc00-\udfff])([\ud800-\udbff])/g, '$2$1');
  return { form: reversed, starts: starts.map((s) => form.length - s - len).reverse() };
}

/**
 * The fingerprints of every indexed window of `value` as [length, bucket, check] triples, each
 * window once (forms of a value share most windows), and the HEAD of each run of W-windows as
 * [HEAD, bucket, 0]; each form also read backwards (reversedForm). Empty for a value shorter than
 * 2 characters: one character would mark every occurrence of it.
 */
export function fingerprintTriples(k: HashKeys, value: string): Int32Array {
  if (value.length < 2) return new Int32Array(0);
  const seen = new Set<string>();
  const out: number[] = [];
  const backwards: Array<{ form: string; starts: number[]; len: number }> = [];
  for (const form of formsOf(value)) {
    const len = Math.min(WINDOW, form.length);
    // Windows of secret-bearing characters only (./public-parts): none starts from public text.
    const starts = indexedStarts(form, len);
    addWindows(k, form, starts, len, 0, seen, out);
    backwards.push({ ...reversedForm(form, starts, len), len });
  }
  // After every form read forwards: a window that reads the same both ways is a window of the value.
  for (const b of backwards) addWindows(k, b.form, b.starts, b.len, BACKWARDS, seen, out);
  return Int32Array.from(out);
}

/**
 * Adds to `out` the triples of the windows of `form` of length `len` starting at `starts`
 * (ascending), skipping those in `seen`; `flag` (0 or BACKWARDS) is added to each window's length.
 */
function addWindows(k: HashKeys, form: string, starts: number[], len: number, flag: number, seen: Set<string>, out: number[]): void {
  const u = unitsOf(form);
  let runHead = 0;
  let runTail = 0;
  let inRun = false;
  const endRun = () => {
    if (!inRun) return;
    const id = `stretch:${runHead}:${runTail}`;
    if (!seen.has(id)) {
      seen.add(id);
      out.push(STRETCH, runHead, runTail);
    }
    inRun = false;
  };
  for (let j = 0; j < starts.length; j++) {
    const s = starts[j]!;
    if (len === WINDOW && (j === 0 || starts[j - 1] !== s - 1)) {
      endRun();
      runHead = bucketHash(k, u, form.length, s, s + WINDOW - 1, WINDOW);
      inRun = true;
    }
    const h1 = bucketHash(k, u, form.length, s, s + len);
    if (len === WINDOW) runTail = h1;
    const h2 = checkHash(k, u, form.length, s, s + len);
    const id = `${len}:${h1}:${h2}`;
    if (!seen.has(id)) {
      seen.add(id);
      out.push(len | flag, h1, h2);
    }
    if (len !== WINDOW || (j > 0 && starts[j - 1] === s - 1)) continue;
    const head = bucketHash(k, u, form.length, s, s + WINDOW - 1, WINDOW);
    if (seen.has(`head:${head}`)) continue;
    seen.add(`head:${head}`);
    out.push(HEAD, head, 0);
  }
  endRun();
}

/**
 * What `add()` indexes for `value` under `key`, serialised (base64; sorted, so the order of the
 * windows in the value is not kept): store it where the value's ciphertext is, encrypted.
 */
export function windowFingerprints(key: Uint8Array, value: string): string {
  return serialise(fingerprintTriples(hashKeys(key), value));
}

function serialise(triples: Int32Array): string {
  const entries: Buffer[] = [];
  for (let i = 0; i < triples.length; i += 3) {
    const e = Buffer.alloc(ENTRY_BYTES);
    e.writeUInt8(triples[i]!, 0);
    e.writeInt32LE(triples[i + 1]!, 1);
    e.writeInt32LE(triples[i + 2]!, 5);
    entries.push(e);
  }
  entries.sort(Buffer.compare);
  return Buffer.concat([Buffer.of(FORMAT_VERSION), ...entries]).toString('base64');
}

/** Triples of a `windowFingerprints` string; throws a TypeError on anything else. */
export function parseFingerprints(fingerprints: string): Int32Array {
  const b = Buffer.from(fingerprints, 'base64');
  if (b.length === 0 || !READ_VERSIONS.includes(b[0]!) || (b.length - 1) % ENTRY_BYTES !== 0 || b.toString('base64') !== fingerprints) {
    throw new TypeError('not a window fingerprint list');
  }
  const count = (b.length - 1) / ENTRY_BYTES;
  const out = new Int32Array(count * 3);
  for (let e = 0; e < count; e++) {
    const at = 1 + e * ENTRY_BYTES;
    const len = b.readUInt8(at);
    const windowLength = b[0] === FORMAT_VERSION ? len & ~BACKWARDS : len;
    if (len !== HEAD && len !== STRETCH && (windowLength < 2 || windowLength > WINDOW)) throw new TypeError('not a window fingerprint list');
    out[e * 3] = len;
    out[e * 3 + 1] = b.readInt32LE(at + 1);
    out[e * 3 + 2] = b.readInt32LE(at + 5);
  }
  return out;
}
