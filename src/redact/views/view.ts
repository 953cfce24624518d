/**
 * Decoded views of a text: the text as a reader would see it once one layer of encoding is undone
 * (HTML/XML character references, JSON and JavaScript backslash escapes, percent-encoding, base64
 * and hex runs, UTF-8 read as latin1, UTF-16 read as UTF-8, line-break spellings). The redactor
 * hashes windows of every view, so it never needs to know how a value was spelled.
 *
 * A view is a string plus, for each of its UTF-16 units, the [start, end) span of the ORIGINAL text
 * it came from, so a hit in any view marks original characters. A decoded view holds only the
 * regions around what was decoded, with `CONTEXT` undecoded characters on each side (so a window
 * half in a decoded run and half in plain text is still whole), regions separated by U+FFFF, which
 * the scanner treats as a break. Views compose (percent-decoded, then JSON-unescaped, ...) up to
 * `MAX_DEPTH` layers, and the total size of all views is capped at a fixed multiple of the input,
 * so the cost stays linear in the input size. Nothing here throws on any input.
 */

/** Thrown by a decoder that had to stop at a bound (an inflate past its cap): the scan is then incomplete. */
export class DecodeLimitReached extends Error {}

/** A character that ends a region: no window spans it. */
export const BREAK = 0xffff;
const BREAK_CHAR = '\uffff';

export interface View {
  text: string;
  /** Original start of each unit; null for the identity view (unit i is original [i, i+1)). */
  start: Int32Array | null;
  end: Int32Array | null;
  depth: number;
  /** Decoders applied, outermost first (for tests and debugging). */
  kind: string;
  /**
   * 1 for each unit this view's own decoder produced (or that borders a removal), 0 for a unit
   * copied from its parent; null for the identity view. What a further layer must touch to be new.
   */
  fresh?: Uint8Array | null;
  /** Original [start, end) pairs of what this view's own decoder decoded (removals included). */
  sources?: Int32Array;
  /** Index in the decoder list of the decoder that made this view (undefined for the identity view). */
  decoder?: number;
  /** Encodings undone on top of each other to reach this view (side-by-side decodings add none). */
  stack?: number;
  /** Its base64-alphabet run starts for a minimum run length, once found (./runs runStartsOf); callers copy before changing. */
  runStarts?: { min: number; runs: number[] };
  /** Its fresh units as merged original intervals, once found (./index stacked). */
  freshSpans?: { lo: number[]; hi: number[] } | 'unordered';
}

/** Which decoded views to build, and how much undecoded context to keep around each region. */
export interface ViewOptions {
  /** Undecoded characters kept on each side of a decoded region (window length − 1). */
  context: number;
  /** Shortest base64 run decoded (characters). */
  minBase64: number;
  /** Shortest hex run decoded (characters). */
  minHex: number;
  /** Shortest window indexed: decoded base64/hex stretches shorter than this are dropped. */
  minWindow: number;
  /** Base64-alphabet runs of the input already found by the caller's scan (start, end pairs), or null. */
  rootRuns: number[] | null;
  /** Whether the input has a character that can lead a UTF-8 sequence read as latin1 (U+00C2–U+00F4). */
  rootHigh: boolean;
  /** The input itself (the identity view's text): what a decoded view's units may be copies of. */
  root?: string;
  /** Where the joins' first token-text anchor is in `root` (./join), found once per decoding; -1: none. */
  rootMixed?: number;
}

/**
 * Whether units [from, to] of a decoded view are an unchanged stretch of the input: each unit one
 * input character, the same one, in a row. A base64 or hex run made only of such units was decoded
 * from the input already (its decoded text stands alone, with no context), so a deeper layer skips it.
 */
export function copiedFromInput(v: View, from: number, to: number, root: string | undefined): boolean {
  if (v.start === null || v.end === null || root === undefined) return false;
  const first = v.start[from]!;
  for (let i = from; i <= to; i++) {
    const s = v.start[i]!;
    if (s !== first + (i - from) || v.end[i] !== s + 1 || v.text.charCodeAt(i) !== root.charCodeAt(s)) return false;
  }
  return true;
}

export type Piece = string | { text: string; s: number[]; e: number[] };

/**
 * Position maps of the view being built, shared: decoders run one after another and each builds
 * one view at a time, so the maps grow once instead of doubling from scratch for every view, and
 * each finished view gets an exact copy. A Builder made while they are taken has its own.
 */
const shared = { s: new Int32Array(4096), e: new Int32Array(4096), f: new Uint8Array(4096), taken: false };

/** Frees the shared maps after a decoder threw while building (decodedViews catches it). */
export function releaseSharedMaps(): void {
  shared.taken = false;
}

/** Accumulates a child view in original coordinates. */
export class Builder {
  parts: string[] = [];
  s: Int32Array;
  e: Int32Array;
  f: Uint8Array;
  n = 0;
  /** A removal was just emitted: the next unit borders it. */
  #joinPending = false;
  /** Original spans of what was decoded, as pairs. */
  #sources: number[] = [];
  readonly #shared: boolean;
  constructor(readonly parent: View) {
    this.#shared = !shared.taken;
    if (this.#shared) {
      shared.taken = true;
      this.s = shared.s;
      this.e = shared.e;
      this.f = shared.f;
    } else {
      this.s = new Int32Array(256);
      this.e = new Int32Array(256);
      this.f = new Uint8Array(256);
    }
  }
  ps(i: number): number {
    return this.parent.start ? this.parent.start[i]! : i;
  }
  pe(i: number): number {
    return this.parent.end ? this.parent.end[i]! : i + 1;
  }
  #room(k: number): void {
    if (this.n + k <= this.s.length) return;
    let size = this.s.length * 2;
    while (size < this.n + k) size *= 2;
    const s = new Int32Array(size);
    const e = new Int32Array(size);
    const f = new Uint8Array(size);
    s.set(this.s.subarray(0, this.n));
    e.set(this.e.subarray(0, this.n));
    f.set(this.f.subarray(0, this.n));
    this.s = s;
    this.e = e;
    this.f = f;
    if (this.#shared) {
      shared.s = s;
      shared.e = e;
      shared.f = f;
    }
  }
  #push(s: number, e: number, fresh = 1): void {
    this.s[this.n] = s;
    this.f[this.n] = fresh;
    this.e[this.n++] = e;
  }
  /** Marks the unit just copied after a removal as bordering it (a join is new adjacency). */
  #settleJoin(at: number): void {
    if (this.#joinPending && at < this.n) this.f[at] = 1;
    this.#joinPending = false;
  }
  brk(): void {
    this.#room(1);
    this.parts.push(BREAK_CHAR);
    this.#push(-1, -1, 0);
    this.#joinPending = false;
  }
  copy(a: number, b: number): void {
    if (b <= a) return;
    this.#room(b - a);
    this.parts.push(this.parent.text.slice(a, b));
    const { start, end } = this.parent;
    const first = this.n;
    if (start && end && b - a > 64) {
      this.s.set(start.subarray(a, b), this.n);
      this.e.set(end.subarray(a, b), this.n);
      this.f.fill(0, this.n, this.n + b - a);
      this.n += b - a;
    } else if (start && end) {
      // A short copy (between two escapes): two subarrays would be two allocations for a few units.
      const { s, e, f } = this;
      for (let i = a, k = this.n; i < b; i++, k++) {
        s[k] = start[i]!;
        e[k] = end[i]!;
        f[k] = 0;
      }
      this.n += b - a;
    } else {
      const { s, e } = this;
      for (let i = a, k = this.n; i < b; i++, k++) {
        s[k] = i;
        e[k] = i + 1;
      }
      this.f.fill(0, this.n, this.n + b - a);
      this.n += b - a;
    }
    this.#settleJoin(first);
  }
  /** Decoded text for parent [a, b): every unit maps to the whole token, or per unit (parent-relative offsets). */
  emit(piece: Piece, a: number, b: number): void {
    this.#joinPending = false;
    if (b > a) this.#sources.push(this.ps(a), this.pe(b - 1));
    if ((typeof piece === 'string' ? piece : piece.text).length === 0) {
      // A removal (a NUL, a soft line break): the units on both sides are now adjacent.
      if (this.n > 0) this.f[this.n - 1] = 1;
      this.#joinPending = true;
      return;
    }
    if (typeof piece === 'string') {
      this.#room(piece.length);
      this.parts.push(piece);
      const s = this.ps(a);
      const e = this.pe(b - 1);
      for (let k = 0; k < piece.length; k++) this.#push(s, e);
      return;
    }
    this.#room(piece.text.length);
    this.parts.push(piece.text);
    for (let k = 0; k < piece.text.length; k++) this.#push(this.ps(piece.s[k]!), this.pe(piece.e[k]! - 1));
  }
  /** Decoded units `units[0, m)`, unit k from parent [us[k], ue[k]) (parent-relative offsets). */
  emitUnits(units: Uint16Array, us: Int32Array, ue: Int32Array, m: number): void {
    this.#room(m);
    if (m === 0) return;
    this.#sources.push(this.ps(us[0]!), this.pe(ue[m - 1]! - 1));
    // UTF-16LE bytes to a string keep every unit as it is (lone surrogates too), in one copy.
    this.parts.push(Buffer.from(units.buffer, units.byteOffset, m * 2).toString('utf16le'));
    const { s, e, n } = this;
    const { start, end } = this.parent;
    if (start && end) {
      for (let k = 0; k < m; k++) {
        s[n + k] = start[us[k]!]!;
        e[n + k] = end[ue[k]! - 1]!;
      }
    } else {
      for (let k = 0; k < m; k++) {
        s[n + k] = us[k]!;
        e[n + k] = ue[k]!;
      }
    }
    this.f.fill(1, n, n + m);
    this.n += m;
  }
  /** The view built (null if nothing was written); the builder is done with after this. */
  build(kind: string): View | null {
    if (this.#shared) shared.taken = false;
    if (this.n === 0) return null;
    return newView(
      this.parts.join(''),
      this.#shared ? this.s.slice(0, this.n) : this.s.subarray(0, this.n),
      this.#shared ? this.e.slice(0, this.n) : this.e.subarray(0, this.n),
      this.#shared ? this.f.slice(0, this.n) : this.f.subarray(0, this.n),
      new Int32Array(this.#sources),
      this.parent.depth + 1,
      this.parent.kind ? `${kind}<${this.parent.kind}` : kind,
    );
  }
}

/**
 * A view with every field present from the start, in one order: fields added later (decoder,
 * stack, the cached run starts) gave views several hidden classes, and every decoder's reads of
 * them went megamorphic, which cost the decoders a third of their time on a large answer.
 */
export function newView(text: string, start: Int32Array | null, end: Int32Array | null, fresh: Uint8Array | null, sources: Int32Array | undefined, depth: number, kind: string): View {
  return { text, start, end, depth, kind, fresh, sources, decoder: undefined, stack: undefined, runStarts: undefined, freshSpans: undefined };
}

/**
 * A view made of `tokens` (parent-relative [a, b) with their decoded piece), each region padded
 * with `context` undecoded characters; tokens closer than 2 × context share a region.
 */
export function regionsView(parent: View, tokens: Array<[number, number, Piece]>, context: number, kind: string): View | null {
  if (tokens.length === 0) return null;
  const b = new Builder(parent);
  const n = parent.text.length;
  let regionEnd = -1; // parent index where the current region's trailing context ends
  let at = 0; // next parent index to copy
  for (const [s, e, piece] of tokens) {
    if (s < at) continue; // overlapping token (cannot happen with the regexes used; defensive)
    if (regionEnd < 0 || s - context > regionEnd) {
      if (regionEnd >= 0) b.copy(at, regionEnd);
      b.brk();
      at = Math.max(0, s - context);
    }
    b.copy(at, s);
    b.emit(piece, s, e);
    at = e;
    regionEnd = Math.min(n, e + context);
  }
  b.copy(at, regionEnd);
  // A region cut at a U+FFFF already in the parent is fine: the scanner breaks there too.
  return b.build(kind);
}
