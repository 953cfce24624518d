/**
 * Base32 runs (RFC 4648: `A–Z2–7`, or the same all lowercase; TOTP seeds, some ids and tokens),
 * wrapped across lines like base64, decoded at each of the 8 character alignments (5 bytes per 8
 * characters). Every such run lies inside a base64-alphabet run at least as long, which the caller
 * has already found, so text without one pays nothing here.
 */
import { emitText, mayHoldText, valuesOf } from './binary.js';
import { runsOf, runStartsOf, wholeRuns, wrappedRunStart } from './runs.js';
import { Builder, copiedFromInput, type View, type ViewOptions } from './view.js';

const UPPER = new Int8Array(128).fill(-1);
const LOWER = new Int8Array(128).fill(-1);
{
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  for (let i = 0; i < 32; i++) {
    UPPER[alphabet.charCodeAt(i)] = i;
    LOWER[alphabet.toLowerCase().charCodeAt(i)] = i;
  }
}

let scratch = { bytes: new Uint8Array(256), bs: new Int32Array(256), be: new Int32Array(256) };
/** How much of scratch.bytes may hold decoded bytes since it was last cleared. */
let bytesUsed = 0;

/** The bytes of a run read from its `align`-th character on, each mapped to the characters holding its bits. */
function decodeRun(vals: Uint8Array, idx: number[], align: number): number {
  if (scratch.bytes.length < idx.length) scratch = { bytes: new Uint8Array(idx.length * 2), bs: new Int32Array(idx.length * 2), be: new Int32Array(idx.length * 2) };
  const { bytes, bs, be } = scratch;
  if (idx.length > bytesUsed) bytesUsed = Math.min(bytes.length, idx.length);
  let acc = 0;
  let bits = 0;
  let n = 0;
  let first = align; // character holding the first bits of the next byte
  for (let g = align; g < idx.length; g++) {
    acc = ((acc << 5) | vals[g]!) & 0xfff;
    bits += 5;
    if (bits < 8) continue;
    bits -= 8;
    bytes[n] = (acc >> bits) & 0xff;
    bs[n] = idx[first]!;
    be[n] = idx[g]! + 1;
    n++;
    first = bits > 0 ? g : g + 1;
  }
  return n;
}

export function base32View(v: View, o: ViewOptions): View | null {
  const starts = runStartsOf(v, o);
  if (starts.length === 0) return null;
  // A window of `minWindow` bytes takes 8/5 as many characters: shorter runs cannot hold one.
  const min = Math.ceil((o.minWindow * 8) / 5);
  const ranges = starts.slice();
  for (let r = 0; r < ranges.length; r += 2) ranges[r] = Math.max(wrappedRunStart(v.text, ranges[r]!, o.minBase64), r > 0 ? ranges[r - 1]! : 0);
  const whole = wholeRuns(v.text, ranges);
  let b: Builder | null = null;
  for (const table of [UPPER, LOWER]) {
    for (const idx of runsOf(v.text, table, min, true, whole)) {
      if (copiedFromInput(v, idx[0]!, idx[idx.length - 1]!, o.root)) continue;
      const vals = valuesOf(v.text, idx, table);
      for (let align = 0; align < 8; align++) {
        // Runs that only look like base32 (an uppercase name, a lowercase word) hold no UTF-8 stretch a window long.
        if (!mayHoldText(vals, idx.length, align, o.minWindow, 5)) continue;
        const n = decodeRun(vals, idx, align);
        emitText((b ??= new Builder(v)), scratch.bytes, scratch.bs, scratch.be, o.minWindow, n);
      }
    }
  }
  return b ? b.build('base32') : null;
}

/** Zeroes the reused decoded-bytes buffer (called when a scan ends). */
export function clearBase32(): void {
  scratch.bytes.fill(0, 0, bytesUsed);
  bytesUsed = 0;
}
