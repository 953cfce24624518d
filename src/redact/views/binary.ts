/** Views that decode binary-to-text runs: base64 (standard and URL alphabets, wrapped lines) and hex. */
import { B64, runsOf, runStartsOf, wholeRuns, wrappedRunStart } from './runs.js';
import { sequenceCodePoint, utf8SequenceAt } from './utf8.js';
import { Builder, copiedFromInput, type View, type ViewOptions } from './view.js';

const HEX = new Int8Array(128).fill(-1);
{
  const hex = '0123456789abcdef';
  for (let i = 0; i < 16; i++) {
    HEX[hex.charCodeAt(i)] = i;
    HEX[hex.toUpperCase().charCodeAt(i)] = i;
  }
}

/** Units of the stretch emitText is decoding, reused (copied out by the Builder). */
let units = { text: new Uint16Array(1024), s: new Int32Array(1024), e: new Int32Array(1024) };
/** How much of units.text may hold decoded text since it was last cleared. */
let decodedUsed = 0;

/**
 * Decoded bytes as UTF-8, keeping only well-formed stretches at least `min` units long. Stretches
 * are first only measured (most bytes of a wrong alignment or a binary blob make stretches far
 * shorter than `min`), and a stretch long enough is then read again from its first byte into
 * units: the reading of a stretch depends on nothing before it (it starts where the last one was
 * cut, at a byte that starts no sequence, or at 0), so both readings are the same.
 */
export function emitText(b: Builder, bytes: ArrayLike<number>, bs: ArrayLike<number> | null, be: ArrayLike<number> | null, min: number, n = bytes.length, run: ArrayLike<number> | null = null, align = 0): void {
  let m = 0; // units of the stretch under way
  let from = 0; // its first byte
  for (let i = 0; i < n; ) {
    const b0 = bytes[i]!;
    if (b0 < 0x80) {
      // ASCII, the usual byte: what utf8SequenceAt would read (one unit), without the call.
      m++;
      i++;
      continue;
    }
    const len = utf8SequenceAt(bytes, i, n);
    if (len === 1 && sequenceCodePoint >= 0x80) {
      // Not text: random bytes (a wrong alignment, a binary blob) end the stretch here.
      if (m >= min) emitStretch(b, bytes, bs, be, from, i, run, align);
      m = 0;
      i += 1;
      from = i;
      continue;
    }
    m += sequenceCodePoint > 0xffff ? 2 : 1;
    i += len;
  }
  if (m >= min) emitStretch(b, bytes, bs, be, from, n, run, align);
}

/**
 * The well-formed UTF-8 bytes [from, to) as units, each mapped to its sequence's [start, end), after
 * a break. Byte k spans parent [bs[k], be[k]), or, for the bytes of a base64 run read from
 * character `align` (`run` its characters' parent indexes), characters align + k + ⌊k/3⌋ and the
 * one after it (byte j of a group of four is made of characters j and j + 1).
 */
function emitStretch(b: Builder, bytes: ArrayLike<number>, bs: ArrayLike<number> | null, be: ArrayLike<number> | null, from: number, to: number, run: ArrayLike<number> | null, align: number): void {
  // A stretch has at most one unit per byte (a 4-byte sequence is 2 units).
  const size = to - from;
  if (units.text.length < size) units = { text: new Uint16Array(size * 2), s: new Int32Array(size * 2), e: new Int32Array(size * 2) };
  const { text, s, e } = units;
  if (size > decodedUsed) decodedUsed = Math.min(text.length, size);
  let m = 0;
  for (let i = from; i < to; ) {
    const b0 = bytes[i]!;
    if (b0 < 0x80) {
      // ASCII: one unit for the byte, as utf8SequenceAt would read it.
      text[m] = b0;
      s[m] = run ? run[align + i + ((i / 3) | 0)]! : bs![i]!;
      e[m] = run ? run[align + i + ((i / 3) | 0) + 1]! + 1 : be![i]!;
      m++;
      i++;
      continue;
    }
    const len = utf8SequenceAt(bytes, i, to);
    const cp = sequenceCodePoint;
    const last = i + len - 1;
    const st = run ? run[align + i + ((i / 3) | 0)]! : bs![i]!;
    const en = run ? run[align + last + ((last / 3) | 0) + 1]! + 1 : be![last]!;
    if (cp > 0xffff) {
      const c = cp - 0x10000;
      text[m] = 0xd800 + (c >> 10);
      text[m + 1] = 0xdc00 + (c & 0x3ff);
      s[m] = s[m + 1] = st;
      e[m] = e[m + 1] = en;
      m += 2;
    } else {
      text[m] = cp;
      s[m] = st;
      e[m] = en;
      m++;
    }
    i += len;
  }
  b.brk();
  b.emitUnits(text, s, e, m);
}

/**
 * Whether a run, decoded at this alignment, has a well-formed UTF-8 stretch of at least `min`
 * bytes. A stretch decodes to at most as many UTF-16 units as it has bytes, so a run without one
 * cannot give emitText a stretch of `min` units: skipping it loses nothing. `vals[0, m)` are the
 * run's characters as values of `width` bits (6 for base64, 5 for base32; see valuesOf).
 */
export function mayHoldText(vals: Uint8Array, m: number, align: number, min: number, width = 6): boolean {
  let stretch = 0;
  let need = 0;
  let acc = 0;
  let bits = 0;
  for (let g = align; g < m; g++) {
    acc = (acc << width) | vals[g]!;
    bits += width;
    if (bits < 8) continue;
    bits -= 8;
    const byte = (acc >> bits) & 0xff;
    acc &= (1 << bits) - 1;
    if (need > 0) {
      if ((byte & 0xc0) === 0x80) {
        need--;
        if (++stretch >= min) return true;
        continue;
      }
      // A sequence cut short: this byte starts afresh.
      need = 0;
      stretch = 0;
    }
    if (byte < 0x80) stretch++;
    else if (byte >= 0xc2 && byte <= 0xdf) (need = 1), stretch++;
    else if (byte >= 0xe0 && byte <= 0xef) (need = 2), stretch++;
    else if (byte >= 0xf0 && byte <= 0xf4) (need = 3), stretch++;
    else stretch = 0;
    if (stretch >= min) return true;
  }
  return false;
}

/** Reused per decode (a run's bytes are copied out by emitText): arrays grown by push cost a third of a body's scan. */
let scratch = { bytes: new Uint8Array(1024), bs: new Int32Array(1024), be: new Int32Array(1024), vals: new Uint8Array(1024) };
/** How much of scratch.bytes and scratch.vals may hold decoded data since they were last cleared. */
let scratchUsed = 0;
function decodeScratch(chars: number): typeof scratch {
  if (scratch.bytes.length < chars) scratch = { bytes: new Uint8Array(chars * 2), bs: new Int32Array(chars * 2), be: new Int32Array(chars * 2), vals: new Uint8Array(chars * 2) };
  if (chars > scratchUsed) scratchUsed = Math.min(scratch.bytes.length, chars);
  return scratch;
}

/**
 * The characters of a run (parent indexes `idx`) as their values in `table`, into the shared
 * scratch: read once per run, where the four alignments read each character twice each.
 */
export function valuesOf(t: string, idx: ArrayLike<number>, table: Int8Array): Uint8Array {
  const m = idx.length;
  const { vals } = decodeScratch(m);
  for (let k = 0; k < m; k++) vals[k] = table[t.charCodeAt(idx[k]!)]!;
  return vals;
}

/**
 * The bytes of run characters `vals[align, m)` (6 bits each): byte j of a group of four characters
 * is made of characters j and j + 1; a group cut short by the run's end gives the bytes its
 * characters complete. Returns the byte count; emitText maps the bytes it keeps to characters.
 */
function base64Bytes(vals: Uint8Array, m: number, align: number, bytes: Uint8Array): number {
  let n = 0;
  let g = align;
  for (; g + 3 < m; g += 4, n += 3) {
    const c1 = vals[g + 1]!;
    const c2 = vals[g + 2]!;
    bytes[n] = ((vals[g]! << 2) | (c1 >> 4)) & 0xff;
    bytes[n + 1] = ((c1 << 4) | (c2 >> 2)) & 0xff;
    bytes[n + 2] = ((c2 << 6) | vals[g + 3]!) & 0xff;
  }
  for (let j = 0; j < 2 && g + j + 1 < m; j++, n++) bytes[n] = ((vals[g + j]! << (2 + 2 * j)) | (vals[g + j + 1]! >> (4 - 2 * j))) & 0xff;
  return n;
}

/**
 * Runs this long are decoded at every alignment without asking mayHoldText first: a long run of
 * text holds a stretch at every alignment by chance (mayHoldText says yes after reading much of
 * it), and decoding bytes is now no dearer than asking. Either way the view is the same: a run
 * mayHoldText turns down gives emitText no stretch to keep.
 */
const ASK_BELOW = 256;

export function base64View(v: View, o: ViewOptions): View | null {
  const starts = runStartsOf(v, o).slice();
  for (let r = 0; r < starts.length; r += 2) starts[r] = Math.max(wrappedRunStart(v.text, starts[r]!, o.minBase64), r > 0 ? starts[r - 1]! : 0);
  const runs = runsOf(v.text, B64, o.minBase64, true, starts);
  if (runs.length === 0) return null;
  const b = new Builder(v);
  for (const idx of runs) {
    if (copiedFromInput(v, idx[0]!, idx[idx.length - 1]!, o.root)) continue;
    const m = idx.length;
    const vals = valuesOf(v.text, idx, B64);
    const { bytes } = scratch;
    // The run may start mid-stream (glued to other text): decode at each of the 4 alignments.
    for (let align = 0; align < 4; align++) {
      // Most short runs (ids, hashes, words that only look like base64) decode to no UTF-8
      // stretch a window long: found out on the characters alone.
      if (m < ASK_BELOW && !mayHoldText(vals, m, align, o.minWindow)) continue;
      emitText(b, bytes, null, null, o.minWindow, base64Bytes(vals, m, align, bytes), idx, align);
    }
  }
  return b.build('base64');
}

export function hexView(v: View, o: ViewOptions): View | null {
  // A hex run lies inside a base64-alphabet run at least as long (minHex ≥ minBase64).
  const whole = wholeRuns(v.text, runStartsOf(v, o));
  // A range wholly copied from the input was decoded there already (hex runs do not cross lines).
  const ranges: number[] = [];
  for (let r = 0; r < whole.length; r += 2) if (!copiedFromInput(v, whole[r]!, whole[r + 1]! - 1, o.root)) ranges.push(whole[r]!, whole[r + 1]!);
  const runs = runsOf(v.text, HEX, o.minHex, false, ranges);
  if (runs.length === 0) return null;
  const b = new Builder(v);
  for (const idx of runs) {
    const m = idx.length;
    const vals = valuesOf(v.text, idx, HEX);
    const { bytes, bs, be } = scratch;
    for (let align = 0; align < 2; align++) {
      let n = 0;
      for (let g = align; g + 1 < m; g += 2) {
        bytes[n] = (vals[g]! << 4) | vals[g + 1]!;
        bs[n] = idx[g]!;
        be[n] = idx[g + 1]! + 1;
        n++;
      }
      emitText(b, bytes, bs, be, o.minWindow, n);
    }
  }
  return b.build('hex');
}

/** Zeroes the reused decoded-text and decoded-byte buffers (called when a scan ends). */
export function clearDecoded(): void {
  units.text.fill(0, 0, decodedUsed);
  decodedUsed = 0;
  scratch.bytes.fill(0, 0, scratchUsed);
  scratch.vals.fill(0, 0, scratchUsed);
  scratchUsed = 0;
}
