/**
 * Base64 written a chunk at a time, each chunk encoded on its own: its padding (`=`, `==`) then
 * sits inside the run (chunks concatenated) or ends each line (a frame log), and what a decoder of
 * the whole stream reads is the chunks' bytes concatenated. The base64 view stops a run at `=` (so
 * each chunk alone is shorter than a window); this view reads the chain of padded chunks on.
 *
 * Padding anchors the alignment: a padded chunk ends at a 4-character boundary, so every chunk after
 * it starts at one, and the first chunk is read from where its length says its first group starts.
 * Only chains with padding inside are read here (a run without is the base64 view's), and only
 * when they hold enough bytes for a window: a query string's `key=value` costs a look, no decoding.
 */
import { emitText } from './binary.js';
import { B64 } from './runs.js';
import { Builder, copiedFromInput, type View, type ViewOptions } from './view.js';

/** Blanks and line breaks allowed between two chunks (a line break with a little indentation). */
const MAX_GAP = 6;
const EQ = 61;

const isB64 = (c: number): boolean => c < 128 && B64[c]! >= 0;
const isBlank = (c: number): boolean => c === 32 || c === 9 || c === 13 || c === 10;

/** One chunk of a chain: base64 characters [from, to) of the parent, then `pad` padding characters. */
interface Chunk {
  from: number;
  to: number;
  pad: number;
}

export function paddedBase64View(v: View, o: ViewOptions): View | null {
  const t = v.text;
  // Cheap bail-out: no `=` right after a base64 character with base64 (or a gap) after it.
  let eq = t.indexOf('=');
  if (eq < 0) return null;
  let b: Builder | null = null;
  let scannedTo = 0;
  for (; eq >= 0; eq = t.indexOf('=', Math.max(eq + 1, scannedTo))) {
    if (eq === 0 || !isB64(t.charCodeAt(eq - 1)) || eq < scannedTo) continue;
    let from = eq - 1;
    while (from > scannedTo && isB64(t.charCodeAt(from - 1))) from--;
    const chain = chainFrom(t, from);
    scannedTo = chain.end;
    if (chain.chunks.length < 2) continue;
    const idx = groupedChars(chain.chunks);
    if (idx.length === 0 || (idx.length * 3) / 4 < o.minWindow) continue;
    // A deeper view's chain copied unchanged from the input was read there already.
    if (copiedFromInput(v, chain.chunks[0]!.from, chain.end - 1, o.root)) continue;
    decodeChain((b ??= new Builder(v)), t, idx, o.minWindow);
  }
  return b ? b.build('base64-padded') : null;
}

/**
 * The chunks from `from` on: each a run of base64 characters and its padding, the next one starting
 * right after it or after a gap of blanks. A chunk after the first must be whole groups of four
 * (with its padding), or it is no chunk of this chain. An unpadded chunk goes on to the next line
 * only when it is whole groups (a chunk whose length needed no padding); otherwise it ends the chain.
 */
function chainFrom(t: string, from: number): { chunks: Chunk[]; end: number } {
  const chunks: Chunk[] = [];
  let at = from;
  for (;;) {
    let to = at;
    while (to < t.length && isB64(t.charCodeAt(to))) to++;
    let pad = 0;
    while (pad < 2 && t.charCodeAt(to + pad) === EQ) pad++;
    const len = to - at;
    if (len === 0 || (chunks.length > 0 && pad > 0 && (len + pad) % 4 !== 0)) break;
    chunks.push({ from: at, to, pad });
    const end = to + pad;
    if (pad === 0 && len % 4 !== 0) return { chunks, end };
    let gap = 0;
    while (gap < MAX_GAP && isBlank(t.charCodeAt(end + gap))) gap++;
    // Without padding, only a line break can part two chunks (a run goes on otherwise).
    if ((pad === 0 && gap === 0) || end + gap >= t.length || !isB64(t.charCodeAt(end + gap))) return { chunks, end };
    at = end + gap;
  }
  const last = chunks[chunks.length - 1];
  return { chunks, end: last ? last.to + last.pad : at + 1 };
}

/**
 * The parent indexes of the chain's characters as groups of four (-1 where a group ends early:
 * 2 characters give 1 byte, 3 give 2). The first chunk is read from its first whole group, found
 * from its padded end; a last chunk without padding is read as far as its whole characters go.
 */
function groupedChars(chunks: Chunk[]): number[] {
  const idx: number[] = [];
  for (let c = 0; c < chunks.length; c++) {
    const { from, to, pad } = chunks[c]!;
    let s = from;
    if (c === 0) s = from + ((to - from + pad) % 4);
    for (let g = s; g < to; g += 4) {
      const k = Math.min(4, to - g);
      if (k < 2) break;
      for (let j = 0; j < 4; j++) idx.push(j < k ? g + j : -1);
    }
  }
  return idx;
}

/** Decodes the grouped characters into bytes, each mapped to the two characters it is made of, and emits the text in them. */
function decodeChain(b: Builder, t: string, idx: number[], minWindow: number): void {
  const groups = idx.length / 4;
  const bytes = new Uint8Array(groups * 3);
  const bs = new Int32Array(groups * 3);
  const be = new Int32Array(groups * 3);
  let n = 0;
  for (let g = 0; g < idx.length; g += 4) {
    for (let j = 0; j < 3; j++) {
      const a = idx[g + j]!;
      const c = idx[g + j + 1]!;
      if (a < 0 || c < 0) break;
      const hi = B64[t.charCodeAt(a)]!;
      const lo = B64[t.charCodeAt(c)]!;
      bytes[n] = ((hi << (2 + 2 * j)) | (lo >> (4 - 2 * j))) & 0xff;
      bs[n] = a;
      be[n] = c + 1;
      n++;
    }
  }
  emitText(b, bytes, bs, be, minWindow, n);
  // The decoded bytes may be a value: not kept past this call.
  bytes.fill(0);
}
