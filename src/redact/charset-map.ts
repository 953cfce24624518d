/**
 * Where each character of a body's text came from in its bytes, for one charset: a hit the wall
 * finds in one reading of the bytes (./charset) is redacted in another (the one shown) through the
 * bytes both were decoded from. Both directions give a covering range (never less than the exact
 * one): exact for UTF-8, UTF-16 and the single-byte charsets; for the multi-byte ones (Shift_JIS,
 * EUC, GBK, Big5, ISO-2022-JP…), whose decoders do not say, to within SLACK bytes each side (a
 * body over 32 KiB: within a chunk of bytes.length / MAX_CHUNKS bytes, and SLACK).
 */

export interface ByteMap {
  /** Characters of the text that cover bytes [b0, b1): a superset of those decoded from them. */
  charsOf(b0: number, b1: number): [number, number];
  /** Bytes that cover characters [s, e): a superset of those they were decoded from. */
  bytesOf(s: number, e: number): [number, number];
}

/** Decoder calls at most when a charset's map is built by chunks (a byte a call up to 32 KiB). */
const MAX_CHUNKS = 32_768;
/**
 * Bytes of a character before the one at which it is emitted (a sequence is at most 4 bytes; an
 * error re-reads at most 3), and after its first byte that the decoder reads before emitting it.
 */
const SLACK = 3;

const SINGLE_BYTE = /^(ibm866|iso-8859-\d+(-i)?|koi8-[ru]|macintosh|windows-(874|125\d)|x-mac-cyrillic)$/;

/** The map of `text`, decoded from `bytes` as `encoding` (a TextDecoder name, default options). */
export function byteMap(encoding: string, bytes: Uint8Array, text: string): ByteMap {
  const n = bytes.length;
  if (SINGLE_BYTE.test(encoding) && text.length === n) return { charsOf: (b0, b1) => [b0, b1], bytesOf: (s, e) => [s, e] };
  if (encoding === 'utf-16le' || encoding === 'utf-16be') {
    const bom = encoding === 'utf-16le' ? [0xff, 0xfe] : [0xfe, 0xff];
    const o = n >= 2 && bytes[0] === bom[0] && bytes[1] === bom[1] ? 2 : 0;
    // One unit per two bytes (a lone surrogate is one U+FFFD too); an odd last byte is one more.
    if (text.length === Math.ceil((n - o) / 2)) {
      const len = text.length;
      return {
        charsOf(b0, b1) {
          let s = clamp(Math.floor((b0 - o) / 2), len);
          let e = clamp(Math.ceil((b1 - o) / 2), len);
          // Both halves of a surrogate pair (the first is read only with the second).
          if (s > 0 && isLow(text, s) && isHigh(text, s - 1)) s--;
          if (e < len && isLow(text, e) && isHigh(text, e - 1)) e++;
          return [s, e];
        },
        bytesOf: (s, e) => [s === 0 ? 0 : o + 2 * s, Math.min(n, o + 2 * e)],
      };
    }
  }
  if (encoding === 'utf-8') {
    const starts = utf8Starts(bytes, text.length);
    if (starts) return offsetMap(starts);
  }
  return chunkMap(encoding, bytes, text.length);
}

const isHigh = (t: string, i: number) => (t.charCodeAt(i) & 0xfc00) === 0xd800;
const isLow = (t: string, i: number) => (t.charCodeAt(i) & 0xfc00) === 0xdc00;

function clamp(x: number, len: number): number {
  return Math.max(0, Math.min(len, x));
}

/**
 * The byte each UTF-16 unit of the WHATWG UTF-8 decoding of `bytes` starts at (a leading BOM
 * dropped, each maximal bad subpart one U+FFFD, both halves of a surrogate pair at their sequence),
 * plus `bytes.length` at the end; null if it does not come to `units` (then the caller falls back).
 */
export function utf8Starts(bytes: Uint8Array, units: number): Int32Array | null {
  const n = bytes.length;
  const out = new Int32Array(units + 1);
  let u = 0;
  const emit = (at: number, count: number): void => {
    for (let k = 0; k < count; k++, u++) if (u < units) out[u] = at;
  };
  let i = n >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
  let need = 0;
  let seen = 0;
  let lower = 0x80;
  let upper = 0xbf;
  let start = 0;
  while (i < n) {
    const b = bytes[i]!;
    if (need === 0) {
      start = i++;
      if (b >= 0xc2 && b <= 0xdf) need = 1;
      else if (b >= 0xe0 && b <= 0xef) {
        need = 2;
        if (b === 0xe0) lower = 0xa0;
        if (b === 0xed) upper = 0x9f;
      } else if (b >= 0xf0 && b <= 0xf4) {
        need = 3;
        if (b === 0xf0) lower = 0x90;
        if (b === 0xf4) upper = 0x8f;
      } else emit(start, 1); // ASCII, or a byte that starts nothing (U+FFFD)
      continue;
    }
    const fits = b >= lower && b <= upper;
    lower = 0x80;
    upper = 0xbf;
    if (!fits) {
      // The sequence so far is one U+FFFD; this byte is read again as a start.
      need = seen = 0;
      emit(start, 1);
      continue;
    }
    seen++;
    i++;
    if (seen === need) {
      emit(start, need === 3 ? 2 : 1);
      need = seen = 0;
    }
  }
  if (need > 0) emit(start, 1);
  if (u !== units) return null;
  out[units] = n;
  return out;
}

/** A map from the start byte of every unit (non-decreasing, the byte count last). */
function offsetMap(starts: Int32Array): ByteMap {
  const len = starts.length - 1;
  return {
    charsOf(b0, b1) {
      // The unit holding b0 (the first of a pair sharing its start), to the first starting at or after b1.
      let s = upperBound(starts, b0, len) - 1;
      while (s > 0 && starts[s - 1] === starts[s]) s--;
      return [Math.max(0, s), lowerBound(starts, b1, len)];
    },
    bytesOf(s, e) {
      while (e > 0 && e < len && starts[e] === starts[e - 1]) e++;
      return [starts[Math.min(s, len)]!, starts[Math.min(e, len)]!];
    },
  };
}

/**
 * A map built by decoding `chunk` bytes at a time (a streaming decode gives the same text as one
 * decode): a character is emitted in the chunk that holds its last byte, at most SLACK bytes after
 * its first. If the counts do not add up to the text, every range maps to the whole text.
 */
function chunkMap(encoding: string, bytes: Uint8Array, units: number): ByteMap {
  const chunk = Math.max(1, Math.ceil(bytes.length / MAX_CHUNKS));
  const chunks = Math.max(1, Math.ceil(bytes.length / chunk));
  const starts = new Int32Array(chunks + 1);
  const decoder = new TextDecoder(encoding);
  // Node's streaming decode of some invalid EUC-JP, ISO-2022-JP and GB18030 input throws (a whole
  // decode does not): from the chunk where it did (`broken`), everything maps to the rest of the text.
  let broken = 0;
  let at = 0;
  try {
    for (let c = 0; c < chunks; c++, broken = c) {
      starts[c] = at;
      at += decoder.decode(bytes.subarray(c * chunk, (c + 1) * chunk), { stream: true }).length;
    }
    at += decoder.decode().length;
  } catch {
    at = units;
  }
  starts[chunks] = at;
  if (at !== units || starts[broken]! > units) return { charsOf: () => [0, units], bytesOf: () => [0, bytes.length] };
  const rest = starts[broken]!;
  // The chunk in which unit i was emitted: starts[c] <= i < starts[c + 1].
  const chunkOf = (i: number) => (i >= rest ? broken : Math.min(chunks - 1, upperBound(starts, i, broken + 1) - 1));
  return {
    charsOf(b0, b1) {
      const c0 = Math.min(chunks - 1, Math.floor(b0 / chunk));
      const c1 = Math.min(chunks - 1, Math.floor((Math.max(b1, b0 + 1) - 1 + SLACK) / chunk));
      return [starts[Math.min(c0, broken)]!, c1 >= broken ? units : starts[c1 + 1]!];
    },
    bytesOf(s, e) {
      const last = Math.max(s, e - 1);
      return [Math.max(0, chunkOf(s) * chunk - SLACK), last >= rest ? bytes.length : Math.min(bytes.length, (chunkOf(last) + 1) * chunk)];
    },
  };
}

/** First index in a[0, n) whose value is > x (n when none). */
function upperBound(a: Int32Array, x: number, n: number): number {
  let lo = 0;
  let hi = n;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (a[mid]! <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** First index in a[0, n] whose value is >= x (n when none). */
function lowerBound(a: Int32Array, x: number, n: number): number {
  let lo = 0;
  let hi = n;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (a[mid]! < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
